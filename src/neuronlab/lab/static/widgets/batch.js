// A batch (lesson 4, and the explorer's Batch view). The samples X (editable), the
// output matrix Y_hat = f(X @ W.T + b), and one chosen row flowing through the layer,
// all from POST /api/batch. The sample buttons are one group: arrows and Home/End move
// between them and choose.
//
// `options` (the explorer's): `state`, an object with `weights`, `biases`, `activation`,
// `X` and `sample` edited in place instead of a copy of the lesson's numbers; `digits`,
// the decimals every set value keeps; `rows`, the most samples (then + and − buttons
// add and remove one); `beforeBuild()`, called before the tables are made again; `note`,
// a hint beside the buttons; `scroll`, tables keep their columns and scroll sideways in
// their own box instead of becoming cards; `onChange()`, called after each redraw.

import { button, cell } from "../controls.js";
import { drawLayer } from "../diagrams.js";
import { figure, fmt, h, replace } from "../dom.js";
import { arith, arithmetic, copy, fitTable, frame, latest, meta, reflow, request } from "./common.js";

export function mount(section, settings, options = {}) {
  const view = frame(section);
  let st = options.state ?? null;
  const digits = options.digits ?? null;
  const fit = (table) => (options.scroll ? table : reflow(table));
  const xTable = fit(h("table", { id: view.id("x"), class: "matrix" }));
  const yTable = fit(h("table", { id: view.id("y"), class: "matrix" }));
  const formula = arithmetic(h("p", { class: "formula", id: view.id("formula") }));
  const hint = h("p", { class: "hint", id: view.id("hint") });
  const diagram = figure(view.id("diagram"), "The chosen sample flowing through the layer");
  const steps = arithmetic(h("div", { class: "steps", id: view.id("steps"), "aria-live": "polite" }));
  const toolbar = h("div", { class: "toolbar" });

  const update = latest(async () => {
    const r = await request("api/batch", {
      weights: st.weights, biases: st.biases, activation: st.activation, X: st.X,
      sample: st.sample,
    });
    arith(formula, `${r.formula} → output shape ${r.shape[0]} × ${r.shape[1]}`);
    replace(yTable,
      h("caption", { text: "Y_hat: one row per sample, one column per neuron" }),
      h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "sample" }),
        st.weights.map((_, j) => h("th", { scope: "col", text: `N${j + 1}` })))),
      h("tbody", {}, r.outputs.map((row, k) => h("tr", {
        class: k === st.sample ? "selected" : "", id: view.id(`y-row${k + 1}`),
        onclick: () => select(k) },
      h("th", { scope: "row", text: `s${k + 1}` }),
      row.map((y, j) => h("td", { class: "out", id: view.id(`y${k + 1}-${j + 1}`),
        text: fmt(y) }))))));
    for (const [k, row] of Array.from(xTable.querySelectorAll("tbody tr")).entries()) {
      row.classList.toggle("selected", k === st.sample);
    }
    rowButtons().forEach((b, k) => {
      b.setAttribute("aria-pressed", String(k === st.sample));
      b.tabIndex = k === (st.sample ?? 0) ? 0 : -1;
    });
    if (!options.scroll) {
      fitTable(xTable);
      fitTable(yTable);
    }
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
    if (options.onChange) options.onChange();
  }, view);

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
    rowButtons().forEach((b, i) => { b.tabIndex = i === next ? 0 : -1; });
    rowButtons()[next].focus();
  }

  /** + and − sample buttons, when the caller lets the number of samples change. */
  function sampleButtons(n) {
    if (!options.rows) return [];
    const rebuild = () => build().then(update, view.fail);
    return [
      button("+ sample", "Add a sample row", () => {
        st.X.push(Array.from({ length: n }, () => 0));
        rebuild();
      }, { id: view.id("add"), disabled: st.X.length >= options.rows }),
      button("− sample", "Remove the last sample row", () => {
        st.X.pop();
        if (st.sample !== null && st.sample >= st.X.length) st.sample = null;
        rebuild();
      }, { id: view.id("remove"), disabled: st.X.length <= 1 }),
    ];
  }

  async function build() {
    if (!options.state) {
      const d = (await meta()).defaults;
      st = copy({ weights: settings.weights ?? d.layer.weights, biases: settings.biases ?? d.layer.biases,
        activation: settings.activation ?? d.layer.activation,
        X: Array.isArray(settings.batch) ? settings.batch : d.batch.X, sample: null });
    }
    if (options.beforeBuild) options.beforeBuild();
    const n = st.X[0].length;
    replace(xTable,
      h("caption", { text: "X: one row per sample" }),
      h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "sample" }),
        Array.from({ length: n }, (_, i) => h("th", { scope: "col", text: `x${i + 1}` })))),
      h("tbody", {}, st.X.map((row, k) => h("tr", {
        onclick: (e) => { if (e.target.tagName !== "INPUT") select(k); } },
      h("th", { scope: "row" }, h("button", { type: "button", class: "row-button",
        id: view.id(`row${k + 1}`), "aria-label": `Show sample s${k + 1} flowing through the layer`,
        "aria-pressed": String(k === st.sample), tabindex: k === (st.sample ?? 0) ? 0 : -1,
        onclick: (e) => { e.stopPropagation(); select(k); },
        onkeydown: (e) => rowKey(e, k),
        text: `s${k + 1}` })),
      row.map((x, i) => h("td", {}, cell(view.id(`x${k + 1}-${i + 1}`),
        `sample s${k + 1}, input x${i + 1}`, x, (v) => { st.X[k][i] = v; update(); }, digits)))))));
    replace(toolbar, sampleButtons(n),
      options.note ? h("span", { class: "hint", text: options.note }) : []);
  }

  const box = (table) => (options.scroll ? h("div", { class: "scroll" }, table) : table);
  const tools = options.rows || options.note ? toolbar : [];
  replace(view.body, tools, formula, h("div", { class: "widget-columns even" },
    h("div", {}, box(xTable), box(yTable)),
    h("div", { class: "widget-results" }, hint, diagram, steps)));
  build().then(update, view.fail);
  return { reset() { build().then(update, view.fail); } };
}
