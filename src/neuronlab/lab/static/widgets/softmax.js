// Lesson 12: softmax. The scores (sliders, or typed as a list such as 1000, 1001, 1002),
// the stable steps the library takes (subtract the largest score, exponentiate, divide
// by the total) and the probabilities as bars that sum to 1, all from POST
// /api/widgets/softmax. Classes are counted from 0, as lesson 12's text counts them.

import { sliderRow } from "../controls.js";
import { fmt, h, replace } from "../dom.js";
import { arith, arithmetic, copy, frame, latest, readout, request } from "./common.js";

/** A score as typed: 2, 0.1, 1000 (at most 4 decimals). */
const score = (v) => String(Number(v.toFixed(4)));

export function mount(section, settings) {
  const view = frame(section);
  const lesson = settings.scores ?? [2.0, 1.0, 0.1];
  let st = copy(lesson);
  const controls = h("div", { class: "widget-controls" });
  const sliders = h("div", {});
  const typed = h("input", { type: "text", id: view.id("scores"), class: "num wide",
    inputmode: "decimal", value: lesson.join(", "), "aria-describedby": view.id("scores-hint") });
  const bars = h("div", { class: "prob-bars", id: view.id("bars"), role: "img",
    "aria-label": "The probabilities as bars" });
  const [sumRow, sumOut] = readout(view.id("sum"), "sum =");
  const list = arithmetic(h("p", { class: "widget-big", id: view.id("probabilities"),
    "aria-live": "polite" }));
  const shift = arithmetic(h("div", { class: "steps", id: view.id("shift") }));

  function clear() {
    replace(bars);
    replace(list);
    replace(shift);
    sumOut.textContent = "—";
  }

  const update = latest(async () => {
    let r;
    try {
      r = await request("/api/widgets/softmax", { scores: st });
    } catch (err) {
      clear();  // no bars of scores the server refused
      throw err;
    }
    replace(bars, r.probabilities.map((p, k) => {
      const bar = h("span", { class: "prob-bar" });
      bar.style.width = `${(100 * p).toFixed(2)}%`;  // CSSOM: no inline style attribute
      return h("div", { class: "prob-row" }, h("span", { class: "prob-name", text: `class ${k}` }),
        h("span", { class: "prob-track" }, bar), h("span", { class: "prob-value", text: fmt(p) }));
    }));
    replace(list, r.probabilities.map((p, k) => h("span", { class: "widget-readout" },
      `p${k} = `, h("output", { id: view.id(`p${k}`), class: "widget-value", text: fmt(p) }))));
    sumOut.textContent = fmt(r.sum);
    const vector = (values, digits) => `[${values.map((v) => fmt(v, digits)).join(", ")}]`;
    arith(shift, [
      `largest score = ${score(r.max)}`,
      `z − max = ${vector(r.shifted, 2)}`,
      `e^(z − max) = ${vector(r.exponentials, 3)}`,
      `p = e^(z − max) / ${fmt(r.exponentials.reduce((a, b) => a + b, 0), 3)} = ${vector(r.probabilities, 3)}`,
    ].join("\n"));
  }, view);

  function build() {
    typed.value = st.map(score).join(", ");
    // Each slider spans 5 either side of the scores, so 1000, 1001, 1002 can be dragged too.
    const low = Math.floor(Math.min(...st)) - 5;
    const high = Math.ceil(Math.max(...st)) + 5;
    replace(sliders, st.map((z, k) => sliderRow({ id: view.id(`s${k}`),
      label: `score of class ${k}`, value: z, min: low, max: high, step: 0.1,
      onInput: (v) => { st[k] = v; typed.value = st.map(score).join(", "); update(); } })));
  }

  typed.addEventListener("change", () => {
    // What the learner typed goes to the server as it is; the server says what is wrong.
    const parts = typed.value.split(",").map((t) => t.trim());
    const values = parts.map((t) => (t !== "" && Number.isFinite(Number(t)) ? Number(t) : t));
    st = values;
    if (values.every((v) => typeof v === "number") && values.length >= 2 && values.length <= 10
        && values.every((v) => Math.abs(v) <= 1e6)) {
      build();
    }
    update();
  });

  replace(controls,
    h("div", { class: "field" }, h("label", { for: view.id("scores"), text: "scores" }), typed),
    h("p", { class: "hint", id: view.id("scores-hint"),
      text: "Type a list (try 1000, 1001, 1002) or drag the sliders." }),
    sliders);
  replace(view.body, h("div", { class: "widget-columns" }, controls,
    h("div", { class: "widget-results" }, bars, list, arithmetic(h("p", { class: "widget-big" }, sumRow)),
      shift)));
  build();
  update();
  return { reset() { st = copy(lesson); build(); update(); } };
}
