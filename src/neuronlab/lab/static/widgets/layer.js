// Lesson 3: a layer. The weight matrix as an editable table (one row per neuron, a
// bias column), the inputs, and each neuron's output, from POST /api/layer.

import { selectRow } from "../controls.js";
import { drawLayer } from "../diagrams.js";
import { figure, fmt, h, replace } from "../dom.js";
import { cell } from "../layer.js";
import { arith, arithmetic, copy, fitTable, frame, latest, meta, reflow, request } from "./common.js";

export function mount(section, settings) {
  const view = frame(section);
  const lesson = {
    inputs: settings.inputs, weights: settings.weights, biases: settings.biases,
    activation: settings.activation ?? "relu",
  };
  let st = null;
  const table = reflow(h("table", { id: view.id("table"), class: "matrix" }));
  const formula = arithmetic(h("p", { class: "formula", id: view.id("formula") }));
  const steps = arithmetic(h("div", { class: "steps", id: view.id("steps"), "aria-live": "polite" }));
  const diagram = figure(view.id("diagram"), "The layer: inputs, neurons and outputs");
  const toolbar = h("div", { class: "toolbar" });
  let outputs = [];

  const update = latest(async () => {
    const r = await request("/api/layer", st);
    r.outputs.forEach((y, j) => { if (outputs[j]) outputs[j].textContent = fmt(y); });
    // ŷ: the layer's outputs (y is kept for the target)
    arith(formula, r.formula.replace(/^y = /, "ŷ = "));
    arith(steps, r.flow.map((n, j) => `N${j + 1}: ${n.z_line}\n    ${n.y_line.replace(/^ŷ/, `ŷ${j + 1}`)}`)
      .join("\n"));
    fitTable(table);
    drawLayer(diagram, { inputs: st.inputs, flow: r.flow });
  }, view);

  async function build() {
    const m = await meta();
    const d = m.defaults.layer;
    st = copy({ inputs: lesson.inputs ?? d.inputs, weights: lesson.weights ?? d.weights,
      biases: lesson.biases ?? d.biases, activation: lesson.activation });
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
            (v) => { st.weights[j][i] = v; update(); }))),
          h("td", {}, cell(view.id(`b${j + 1}`), `bias of neuron N${j + 1}`, st.biases[j],
            (v) => { st.biases[j] = v; update(); })),
          outputs[j])),
        h("tr", { class: "inputs-row" }, h("th", { scope: "row", text: "input x" }),
          st.inputs.map((x, i) => h("td", { "data-label": `x${i + 1}` }, cell(view.id(`x${i + 1}`), `input x${i + 1}`, x,
            (v) => { st.inputs[i] = v; update(); }))),
          h("td", {}), h("td", {}))));
    replace(toolbar, selectRow({ id: view.id("activation"), label: "activation",
      value: st.activation, options: m.neuron_activations,
      onChange: (v) => { st.activation = v; update(); } }));
  }

  replace(view.body, toolbar, h("div", { class: "widget-columns even" },
    h("div", {}, table, formula, steps),
    h("div", { class: "widget-results" }, diagram)));
  build().then(update, view.fail);
  return { reset() { build().then(update, view.fail); } };
}
