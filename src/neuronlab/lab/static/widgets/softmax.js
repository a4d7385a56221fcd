// Lesson 12: softmax. A slider per score; the probabilities as bars that sum to 1,
// computed by the library's softmax through POST /api/widgets/softmax.

import { sliderRow } from "../controls.js";
import { figure, fmt, h, replace, s } from "../dom.js";
import { copy, frame, latest, readout, request } from "./common.js";

export function mount(section, settings) {
  const view = frame(section);
  const lesson = settings.scores ?? [2.0, 1.0, 0.1];
  let st = copy(lesson);
  const controls = h("div", { class: "widget-controls" });
  const bars = figure(view.id("bars"), "The probabilities as bars");
  const [sumRow, sumOut] = readout(view.id("sum"), "sum =");
  const list = h("p", { class: "widget-big", id: view.id("probabilities"), "aria-live": "polite" });

  const update = latest(async () => {
    const r = await request("/api/widgets/softmax", { scores: st });
    const W = 420;
    const row = 34;
    bars.setAttribute("viewBox", `0 0 ${W} ${row * r.probabilities.length + 8}`);
    replace(bars, r.probabilities.map((p, k) => [
      s("text", { x: 4, y: k * row + 22, class: "axis-label", text: `class ${k + 1}` }),
      s("rect", { x: 70, y: k * row + 6, width: 280, height: 22, class: "bar-track" }),
      s("rect", { x: 70, y: k * row + 6, width: (280 * p).toFixed(2), height: 22, class: "bar" }),
      s("text", { x: 356, y: k * row + 22, class: "bar-label", text: fmt(p) }),
    ]).flat());
    replace(list, r.probabilities.map((p, k) => h("span", { class: "widget-readout" },
      `p${k + 1} = `, h("output", { id: view.id(`p${k + 1}`), class: "widget-value", text: fmt(p) }))));
    sumOut.textContent = fmt(r.sum);
  }, view);

  function build() {
    replace(controls, st.map((z, k) => sliderRow({ id: view.id(`s${k + 1}`),
      label: `score of class ${k + 1}`, value: z, min: -5, max: 5, step: 0.1,
      onInput: (v) => { st[k] = v; update(); } })));
  }

  replace(view.body, h("div", { class: "widget-columns" }, controls,
    h("div", { class: "widget-results" }, bars, list, h("p", { class: "widget-big" }, sumRow))));
  build();
  update();
  return { reset() { st = copy(lesson); build(); update(); } };
}
