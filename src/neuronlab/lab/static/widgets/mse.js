// Lesson 7: the mean squared error. Targets 0, 1, 1, 0 and predictions the learner
// drags; each squared error and their mean come from POST /api/widgets/mse.

import { fmt, h, replace } from "../dom.js";
import { arith, arithmetic, copy, fitTable, frame, latest, readout, reflow, request } from "./common.js";

export function mount(section, settings) {
  const view = frame(section);
  const targets = settings.targets ?? [0, 1, 1, 0];
  let lesson = settings.predictions ?? null;  // null: the server's untrained XOR net
  let st = null;
  const table = reflow(h("table", { class: "matrix mse", id: view.id("table") }));
  const [mseRow, mseOut] = readout(view.id("mse"), "MSE =");
  const formula = arithmetic(h("p", { class: "formula", id: view.id("formula") }));
  let cells = [];

  const update = latest(async () => {
    const r = await request("/api/widgets/mse", { targets, predictions: st });
    r.squared_errors.forEach((sq, k) => {
      cells[k].pred.textContent = fmt(r.predictions[k]);
      cells[k].err.textContent = fmt(r.errors[k]);
      cells[k].sq.textContent = fmt(sq, 4);
    });
    mseOut.textContent = fmt(r.mse, 4);
    arith(formula, r.formula);
    fitTable(table);
  }, view);

  function build() {
    cells = [];
    replace(table,
      h("caption", { text: "Drag each prediction ŷ; the loss is the mean of the squared errors" }),
      h("thead", {}, h("tr", {}, ["sample", "target y", "prediction ŷ", "", "ŷ − y", "(ŷ − y)²"]
        .map((t) => h("th", { scope: "col", text: t })))),
      h("tbody", {}, targets.map((t, k) => {
        const pred = h("output", { id: view.id(`p${k + 1}`), class: "widget-value" });
        const err = h("td", { id: view.id(`e${k + 1}`) });
        const sq = h("td", { class: "out", id: view.id(`sq${k + 1}`) });
        const range = h("input", { type: "range", min: 0, max: 1, step: 0.001, value: st[k],
          id: view.id(`range${k + 1}`), "aria-label": `prediction for sample ${k + 1} (target ${t})` });
        range.addEventListener("input", () => { st[k] = Number(range.value); update(); });
        cells.push({ pred, err, sq, range });
        return h("tr", {}, h("th", { scope: "row", text: `s${k + 1}` }), h("td", { text: t }),
          h("td", { class: "slider-cell", "data-label": "drag ŷ" }, range), h("td", {}, pred), err, sq);
      })));
  }

  async function start() {
    if (lesson === null) lesson = (await request("/api/widgets/mse", { targets })).predictions;
    st = copy(lesson);
    build();
    await update();
  }

  replace(view.body, table,
    arithmetic(h("p", { class: "widget-big" }, mseRow)), formula,
    h("p", { class: "hint", text: "The predictions start where an untrained network puts them." }));
  start().catch(view.fail);
  return { reset() { start().catch(view.fail); } };
}
