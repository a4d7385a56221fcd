// The Batch view: many samples through the Layer view's layer at once,
// Y_hat = f(X @ W.T + b). Clicking a sample row shows it flowing through the layer diagram.

import { latest, post } from "./api.js";
import { button } from "./controls.js";
import { drawLayer } from "./diagrams.js";
import { SET_DIGITS, figure, fmt, h, replace } from "./dom.js";
import { cell } from "./layer.js";

export function initBatch(root, app) {
  const st = app.state.batch;
  const layer = app.state.layer;
  const xTable = h("table", { id: "batch-x", class: "matrix" });
  const yTable = h("table", { id: "batch-y", class: "matrix" });
  const controls = h("div", { class: "toolbar" });
  const diagram = figure("batch-diagram", "The chosen sample flowing through the layer");
  const formula = h("p", { class: "formula", id: "batch-formula" });
  const hint = h("p", { class: "hint", id: "batch-hint" });
  const steps = h("pre", { class: "steps", id: "batch-steps", "aria-live": "polite" });

  const update = latest(async () => {
    const r = await post("/api/batch", {
      weights: layer.weights, biases: layer.biases, activation: layer.activation,
      X: st.X, sample: st.sample,
    });
    formula.textContent = `${r.formula}   →   output shape ${r.shape[0]} × ${r.shape[1]}`;
    replace(yTable,
      h("caption", { text: "output Y_hat (one row per sample, one column per neuron)" }),
      h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "sample" }),
        layer.weights.map((_, j) => h("th", { scope: "col", text: `N${j + 1}` })))),
      h("tbody", {}, r.outputs.map((row, k) => h("tr", {
        class: k === st.sample ? "selected" : "", id: `batch-y-row${k + 1}`,
        onclick: () => select(k),
      }, h("th", { scope: "row", text: `s${k + 1}` }),
      row.map((y) => h("td", { class: "out", text: fmt(y) }))))));
    if (r.flow) {
      hint.textContent = `Sample s${r.sample + 1} flows through the layer:`;
      drawLayer(diagram, { inputs: st.X[r.sample], flow: r.flow, animate: true,
        caption: `sample s${r.sample + 1}` });
      steps.hidden = false;
      steps.textContent = r.flow.map((n, j) => `N${j + 1}: ${n.z_line}\n    ${n.y_line}`)
        .join("\n");
    } else {
      hint.textContent = "Click a sample row (or its s button) to see it flow through the layer.";
      replace(diagram);
      steps.hidden = true;
    }
    for (const [k, row] of Array.from(xTable.querySelectorAll("tbody tr")).entries()) {
      row.classList.toggle("selected", k === st.sample);
    }
    rowButtons().forEach((b, k) => {
      b.setAttribute("aria-pressed", String(k === st.sample));
      b.tabIndex = k === (st.sample ?? 0) ? 0 : -1;
    });
    app.save();
  });

  function select(k) {
    st.sample = k;
    update();
  }

  const rowButtons = () => Array.from(xTable.querySelectorAll(".row-button"));

  /** The sample buttons are one group: arrows and Home/End move and choose. */
  function rowKey(event, k) {
    const last = st.X.length - 1;
    const to = { ArrowDown: k + 1, ArrowUp: k - 1, Home: 0, End: last }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    const next = Math.min(last, Math.max(0, to));
    select(next);
    const target = rowButtons()[next];
    rowButtons().forEach((b, i) => { b.tabIndex = i === next ? 0 : -1; });
    target.focus();
  }

  function build() {
    app.resizeBatch();
    const n = layer.inputs.length;
    const lim = app.meta.limits;
    replace(xTable,
      h("caption", { text: "X (one row per sample)" }),
      h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "sample" }),
        Array.from({ length: n }, (_, i) => h("th", { scope: "col", text: `x${i + 1}` })))),
      h("tbody", {}, st.X.map((row, k) => h("tr", { onclick: (e) => {
        if (e.target.tagName !== "INPUT") select(k);
      } },
      h("th", { scope: "row" }, h("button", {
        type: "button", class: "row-button", id: `batch-row${k + 1}`,
        "aria-label": `Show sample s${k + 1} flowing through the layer`,
        "aria-pressed": String(k === st.sample), tabindex: k === (st.sample ?? 0) ? 0 : -1,
        onclick: (e) => { e.stopPropagation(); select(k); },
        onkeydown: (e) => rowKey(e, k),
      }, `s${k + 1}`)),
      row.map((x, i) => h("td", {}, cell(`batch-x${k + 1}-${i + 1}`,
        `sample s${k + 1} input x${i + 1}`, x, (v) => { st.X[k][i] = v; update(); },
        SET_DIGITS)))))));
    replace(controls,
      button("+ sample", "Add a sample row", () => {
        st.X.push(Array.from({ length: n }, () => 0));
        build();
        update();
      }, { id: "batch-add", disabled: st.X.length >= lim.batch_rows }),
      button("− sample", "Remove the last sample row", () => {
        st.X.pop();
        if (st.sample !== null && st.sample >= st.X.length) st.sample = null;
        build();
        update();
      }, { id: "batch-remove", disabled: st.X.length <= 1 }),
      h("span", { class: "hint", text: "The weights are the Layer view's; edit them there. "
        + "Choose a sample with its s button (arrow keys, Home and End move between them)." }));
  }

  replace(root,
    app.heading("batch", "A batch: the whole layer as one matrix product", () => {
      build();
      update();
    }),
    controls,
    formula,
    h("div", { class: "columns wide-left" },
      h("div", {}, h("div", { class: "scroll" }, xTable), h("div", { class: "scroll" }, yTable)),
      h("div", {}, hint, diagram, steps)));
  return {
    show() {
      build();
      update();
    },
  };
}
