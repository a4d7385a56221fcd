// The Layer view: the weight matrix as an editable table (one row per neuron, a bias
// column), editable inputs, and each neuron's output, all from POST /api/layer.

import { latest, post } from "./api.js";
import { button, selectRow } from "./controls.js";
import { drawLayer } from "./diagrams.js";
import { figure, fmt, h, replace } from "./dom.js";

/** A number box for one cell of a table; `onValue(v)` gets each valid edit. */
export function cell(id, label, value, onValue) {
  const box = h("input", { type: "number", id, step: 0.01, value, class: "num cell",
    "aria-label": label });
  box.addEventListener("input", () => {
    if (box.value === "" || Number.isNaN(Number(box.value))) return;
    onValue(Number(box.value));
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
      h("th", { scope: "col", text: "bias" }), h("th", { scope: "col", text: "output y" }));
    outputs = st.weights.map((_, j) => h("td", { class: "out", id: `layer-y${j + 1}` }));
    const body = st.weights.map((row, j) => h("tr", {},
      h("th", { scope: "row", text: `N${j + 1}` }),
      row.map((w, i) => h("td", {}, cell(`layer-w${j + 1}-${i + 1}`,
        `weight of neuron N${j + 1} for input x${i + 1}`, w,
        (v) => { st.weights[j][i] = v; update(); }))),
      h("td", {}, cell(`layer-b${j + 1}`, `bias of neuron N${j + 1}`, st.biases[j],
        (v) => { st.biases[j] = v; update(); })),
      outputs[j]));
    const inputs = h("tr", { class: "inputs-row" }, h("th", { scope: "row", text: "input x" }),
      st.inputs.map((x, i) => h("td", {}, cell(`layer-x${i + 1}`, `input x${i + 1}`, x,
        (v) => { st.inputs[i] = v; update(); }))),
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
    h("h2", { text: "A layer: many neurons reading the same inputs" }),
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
