// Lesson 4: a batch. The samples X (editable), the output matrix Y_hat = f(X @ W.T + b),
// and one chosen row flowing through the layer, all from POST /api/batch.

import { drawLayer } from "../diagrams.js";
import { figure, fmt, h, replace } from "../dom.js";
import { cell } from "../layer.js";
import { arith, arithmetic, copy, fitTable, frame, latest, meta, reflow, request } from "./common.js";

export function mount(section, settings) {
  const view = frame(section);
  let st = null;
  const xTable = reflow(h("table", { id: view.id("x"), class: "matrix" }));
  const yTable = reflow(h("table", { id: view.id("y"), class: "matrix" }));
  const formula = arithmetic(h("p", { class: "formula", id: view.id("formula") }));
  const hint = h("p", { class: "hint", id: view.id("hint") });
  const diagram = figure(view.id("diagram"), "The chosen sample flowing through the layer");
  const steps = arithmetic(h("div", { class: "steps", id: view.id("steps"), "aria-live": "polite" }));

  const update = latest(async () => {
    const r = await request("/api/batch", st);
    arith(formula, `${r.formula} → output shape ${r.shape[0]} × ${r.shape[1]}`);
    replace(yTable,
      h("caption", { text: "Y_hat: one row per sample, one column per neuron" }),
      h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "sample" }),
        st.weights.map((_, j) => h("th", { scope: "col", text: `N${j + 1}` })))),
      h("tbody", {}, r.outputs.map((row, k) => h("tr", {
        class: k === st.sample ? "selected" : "", onclick: () => select(k) },
      h("th", { scope: "row", text: `s${k + 1}` }),
      row.map((y, j) => h("td", { class: "out", id: view.id(`y${k + 1}-${j + 1}`),
        text: fmt(y) }))))));
    for (const [k, row] of Array.from(xTable.querySelectorAll("tbody tr")).entries()) {
      row.classList.toggle("selected", k === st.sample);
    }
    fitTable(xTable);
    fitTable(yTable);
    if (r.flow) {
      hint.textContent = `Sample s${r.sample + 1} flows through the layer:`;
      drawLayer(diagram, { inputs: st.X[r.sample], flow: r.flow, animate: true,
        caption: `sample s${r.sample + 1}` });
      steps.hidden = false;
      arith(steps, r.flow.map((n, j) => `N${j + 1}: ${n.z_line}\n    ${n.y_line.replace(/^ŷ/, `ŷ${j + 1}`)}`)
        .join("\n"));
    } else {
      hint.textContent = "Click a sample (or its s button) to see it flow through the layer.";
      replace(diagram);
      steps.hidden = true;
    }
  }, view);

  function select(k) {
    st.sample = k;
    update();
  }

  async function build() {
    const d = (await meta()).defaults;
    st = copy({ weights: settings.weights ?? d.layer.weights, biases: settings.biases ?? d.layer.biases,
      activation: settings.activation ?? d.layer.activation,
      X: Array.isArray(settings.batch) ? settings.batch : d.batch.X, sample: null });
    replace(xTable,
      h("caption", { text: "X: one row per sample" }),
      h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "sample" }),
        st.X[0].map((_, i) => h("th", { scope: "col", text: `x${i + 1}` })))),
      h("tbody", {}, st.X.map((row, k) => h("tr", {
        onclick: (e) => { if (e.target.tagName !== "INPUT") select(k); } },
      h("th", { scope: "row" }, h("button", { type: "button", class: "row-button",
        id: view.id(`row${k + 1}`), "aria-label": `Show sample s${k + 1} flowing through the layer`,
        text: `s${k + 1}` })),
      row.map((x, i) => h("td", {}, cell(view.id(`x${k + 1}-${i + 1}`),
        `sample s${k + 1}, input x${i + 1}`, x, (v) => { st.X[k][i] = v; update(); })))))));
  }

  replace(view.body, formula, h("div", { class: "widget-columns even" },
    h("div", {}, xTable, yTable),
    h("div", { class: "widget-results" }, hint, diagram, steps)));
  build().then(update, view.fail);
  return { reset() { build().then(update, view.fail); } };
}
