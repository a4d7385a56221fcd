// A layer (lesson 3, and the explorer's Layer view). The weight matrix as an editable
// table (one row per neuron, a bias column), the inputs, and each neuron's output, from
// POST /api/layer.
//
// `options` (the explorer's): `state`, an object edited in place instead of a copy of
// the lesson's numbers; `digits`, the decimals every set value keeps; `resize(neurons,
// inputs)`, when given, + and − buttons change the layer's shape through it (up to
// `limits`); `scroll`, the table keeps its columns and scrolls sideways in its own box
// instead of becoming cards; `onChange()`, called after each redraw.

import { button, cell, selectRow } from "../controls.js";
import { drawLayer } from "../diagrams.js";
import { figure, fmt, h, replace } from "../dom.js";
import { arith, arithmetic, copy, fitTable, frame, latest, meta, reflow, request } from "./common.js";

export function mount(section, settings, options = {}) {
  const view = frame(section);
  const lesson = {
    inputs: settings.inputs, weights: settings.weights, biases: settings.biases,
    activation: settings.activation ?? "relu",
  };
  let st = options.state ?? null;
  const digits = options.digits ?? null;
  const plain = h("table", { id: view.id("table"), class: "matrix" });
  const table = options.scroll ? plain : reflow(plain);
  const formula = arithmetic(h("p", { class: "formula", id: view.id("formula") }));
  const steps = arithmetic(h("div", { class: "steps", id: view.id("steps"), "aria-live": "polite" }));
  const diagram = figure(view.id("diagram"), "The layer: inputs, neurons and outputs");
  const toolbar = h("div", { class: "toolbar" });
  let outputs = [];

  const update = latest(async () => {
    const r = await request("api/layer", {
      weights: st.weights, biases: st.biases, inputs: st.inputs, activation: st.activation,
    });
    r.outputs.forEach((y, j) => { if (outputs[j]) outputs[j].textContent = fmt(y); });
    // ŷ: the layer's outputs (y is kept for the target)
    arith(formula, r.formula.replace(/^y = /, "ŷ = "));
    arith(steps, r.flow.map((n, j) => `N${j + 1}: ${n.z_line}\n    ${n.y_line.replace(/^ŷ/, `ŷ${j + 1}`)}`)
      .join("\n"));
    if (!options.scroll) fitTable(table);
    drawLayer(diagram, { inputs: st.inputs, flow: r.flow });
    if (options.onChange) options.onChange();
  }, view);

  /** + and − buttons for neurons and inputs, when the caller lets the shape change. */
  function shapeButtons(m, n) {
    if (!options.resize) return [];
    const lim = options.limits;
    const resize = (neurons, inputs) => {
      options.resize(neurons, inputs);
      build().then(update, view.fail);
    };
    return [
      button("+ neuron", "Add a neuron", () => resize(m + 1, n),
        { id: view.id("add-neuron"), disabled: m >= lim.neurons }),
      button("− neuron", "Remove the last neuron", () => resize(m - 1, n),
        { id: view.id("remove-neuron"), disabled: m <= 1 }),
      button("+ input", "Add an input", () => resize(m, n + 1),
        { id: view.id("add-input"), disabled: n >= lim.inputs }),
      button("− input", "Remove the last input", () => resize(m, n - 1),
        { id: view.id("remove-input"), disabled: n <= 1 }),
    ];
  }

  async function build() {
    const m = await meta();
    if (!options.state) {
      const d = m.defaults.layer;
      st = copy({ inputs: lesson.inputs ?? d.inputs, weights: lesson.weights ?? d.weights,
        biases: lesson.biases ?? d.biases, activation: lesson.activation });
    }
    const n = st.inputs.length;
    outputs = st.weights.map((_, j) => h("td", { class: "out", id: view.id(`y${j + 1}`),
      "data-label": `output ŷ${j + 1}` }));
    replace(table,
      h("caption", { text: `${st.weights.length} neurons × ${n} inputs: one row of W per neuron` }),
      h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "neuron" }),
        st.inputs.map((_, i) => h("th", { scope: "col", text: `w${i + 1}` })),
        h("th", { scope: "col", text: "bias" }), h("th", { scope: "col", text: "output ŷ" }))),
      h("tbody", {},
        st.weights.map((row, j) => h("tr", {}, h("th", { scope: "row", text: `N${j + 1}` }),
          row.map((w, i) => h("td", {}, cell(view.id(`w${j + 1}-${i + 1}`),
            `weight of neuron N${j + 1} for input x${i + 1}`, w,
            (v) => { st.weights[j][i] = v; update(); }, digits))),
          h("td", {}, cell(view.id(`b${j + 1}`), `bias of neuron N${j + 1}`, st.biases[j],
            (v) => { st.biases[j] = v; update(); }, digits)),
          outputs[j])),
        h("tr", { class: "inputs-row" }, h("th", { scope: "row", text: "input x" }),
          st.inputs.map((x, i) => h("td", { "data-label": `x${i + 1}` }, cell(view.id(`x${i + 1}`), `input x${i + 1}`, x,
            (v) => { st.inputs[i] = v; update(); }, digits))),
          h("td", {}), h("td", {}))));
    replace(toolbar, selectRow({ id: view.id("activation"), label: "activation",
      value: st.activation, options: m.neuron_activations,
      onChange: (v) => { st.activation = v; update(); } }),
    shapeButtons(st.weights.length, n));
  }

  replace(view.body, toolbar, h("div", { class: "widget-columns even" },
    h("div", {}, options.scroll ? h("div", { class: "scroll" }, table) : table, formula, steps),
    h("div", { class: "widget-results" }, diagram)));
  build().then(update, view.fail);
  return { reset() { build().then(update, view.fail); } };
}
