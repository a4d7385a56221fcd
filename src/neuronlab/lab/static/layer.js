// The Layer view: the weight matrix as an editable table (one row per neuron, a bias
// column), editable inputs, and each neuron's output, all from POST /api/layer.

import { latest, post } from "./api.js";
import { button, fitBox, selectRow } from "./controls.js";
import { drawLayer } from "./diagrams.js";
import { SET_DIGITS, figure, fmt, h, replace, roundTo } from "./dom.js";

/**
 * A number box for one cell of a table; `onValue(v)` gets each valid edit. With
 * `digits`, the value is kept to that many decimals and the box shows them all.
 */
export function cell(id, label, value, onValue, digits = null) {
  const shown = (v) => (digits === null ? v : fmt(v, digits));
  const kept = (v) => (digits === null ? v : roundTo(v, digits));
  const box = h("input", { type: "number", id, step: 0.01, value: shown(value),
    class: "num cell", "aria-label": label });
  if (digits !== null) fitBox(box, 6);
  box.addEventListener("input", () => {
    if (box.value === "" || Number.isNaN(Number(box.value))) return;
    if (digits !== null) fitBox(box, 6);
    onValue(kept(Number(box.value)));
  });
  box.addEventListener("change", () => {
    if (digits === null || box.value === "" || Number.isNaN(Number(box.value))) return;
    box.value = shown(kept(Number(box.value)));
    fitBox(box, 6);
  });
  return box;
}

export function initLayer(root, app) {
  const st = app.state.layer;
  const table = h("table", { id: "layer-table", class: "matrix" });
  const controls = h("div", { class: "toolbar" });
  const steps = h("pre", { id: "layer-steps", class: "steps", "aria-live": "polite" });
  const diagram = figure("layer-diagram", "Diagram of the layer: inputs, neurons, outputs");
  const formula = h("p", { class: "formula", id: "layer-formula" });
  let outputs = [];

  const update = latest(async () => {
    const r = await post("/api/layer", {
      weights: st.weights, biases: st.biases, inputs: st.inputs, activation: st.activation,
    });
    r.outputs.forEach((y, j) => {
      if (outputs[j]) outputs[j].textContent = fmt(y);
    });
    formula.textContent = r.formula;
    steps.textContent = r.flow.map((n, j) => `N${j + 1}: ${n.z_line}\n    ${n.y_line}`)
      .join("\n");
    drawLayer(diagram, { inputs: st.inputs, flow: r.flow });
    app.save();
  });

  function resize(neurons, inputs) {
    app.resizeLayer(neurons, inputs);
    build();
    update();
  }

  function build() {
    const n = st.inputs.length;
    const m = st.weights.length;
    const lim = app.meta.limits;
    const head = h("tr", {}, h("th", { scope: "col", text: "neuron" }),
      st.inputs.map((_, i) => h("th", { scope: "col", text: `w${i + 1}` })),
      h("th", { scope: "col", text: "bias" }), h("th", { scope: "col", text: "output ŷ" }));
    outputs = st.weights.map((_, j) => h("td", { class: "out", id: `layer-y${j + 1}` }));
    const body = st.weights.map((row, j) => h("tr", {},
      h("th", { scope: "row", text: `N${j + 1}` }),
      row.map((w, i) => h("td", {}, cell(`layer-w${j + 1}-${i + 1}`,
        `weight of neuron N${j + 1} for input x${i + 1}`, w,
        (v) => { st.weights[j][i] = v; update(); }, SET_DIGITS))),
      h("td", {}, cell(`layer-b${j + 1}`, `bias of neuron N${j + 1}`, st.biases[j],
        (v) => { st.biases[j] = v; update(); }, SET_DIGITS)),
      outputs[j]));
    const inputs = h("tr", { class: "inputs-row" }, h("th", { scope: "row", text: "input x" }),
      st.inputs.map((x, i) => h("td", {}, cell(`layer-x${i + 1}`, `input x${i + 1}`, x,
        (v) => { st.inputs[i] = v; update(); }, SET_DIGITS))),
      h("td", {}), h("td", {}));
    replace(table, h("caption", { text: `${m} neurons × ${n} inputs (W has shape ${m}×${n})` }),
      h("thead", {}, head), h("tbody", {}, body, inputs));
    replace(controls,
      selectRow({ id: "layer-activation", label: "activation", value: st.activation,
        options: app.meta.neuron_activations,
        onChange: (v) => { st.activation = v; update(); } }),
      button("+ neuron", "Add a neuron", () => resize(m + 1, n),
        { id: "layer-add-neuron", disabled: m >= lim.neurons }),
      button("− neuron", "Remove the last neuron", () => resize(m - 1, n),
        { id: "layer-remove-neuron", disabled: m <= 1 }),
      button("+ input", "Add an input", () => resize(m, n + 1),
        { id: "layer-add-input", disabled: n >= lim.inputs }),
      button("− input", "Remove the last input", () => resize(m, n - 1),
        { id: "layer-remove-input", disabled: n <= 1 }));
  }

  replace(root,
    app.heading("layer", "A layer: many neurons reading the same inputs", () => {
      build();
      update();
    }),
    controls,
    h("div", { class: "columns wide-left" },
      h("div", {}, h("div", { class: "scroll" }, table), formula, steps),
      h("div", {}, diagram)));
  build();
  return {
    show() {
      build();
      update();
    },
  };
}
