// Lesson 6: XOR. One sigmoid neuron trained on it ends answering one half everywhere, beside
// the hand-wired network A = OR, B = AND, output = A and not B, whose hidden
// neurons each draw a line. Everything comes from GET /api/widgets/xor.

import { linePlot } from "../diagrams.js";
import { figure, fmt, h, replace } from "../dom.js";
import { arithmetic, fitTable, frame, latest, reflow, request } from "./common.js";
import { drawSquare } from "./square.js";

export function mount(section, settings) {
  const view = frame(section);
  const lesson = { lines: settings.hidden_boundaries ?? true };
  let data = null;
  const single = figure(view.id("single"), "What one trained neuron answers at the four corners");
  const curve = figure(view.id("loss"), "The single neuron's loss, epoch by epoch");
  const net = figure(view.id("net"), "The hand-wired network's answers and its hidden boundaries");
  const verdict = arithmetic(h("p", { class: "widget-big", id: view.id("verdict") }));
  const netVerdict = arithmetic(h("p", { class: "widget-big", id: view.id("net-verdict") }));
  const table = reflow(h("table", { class: "matrix", id: view.id("table") }));
  const toggle = h("input", { type: "checkbox", id: view.id("lines"), checked: lesson.lines });
  toggle.addEventListener("change", () => draw());

  function draw() {
    if (!data) return;
    const r = data;
    verdict.textContent = `one neuron, trained: ŷ = ${r.single.predictions.map((p) => fmt(p)).join(", ")}, `
      + `loss ${fmt(r.single.final_loss)}; its best was ${r.single.best_correct} of 4 right, `
      + `${r.single.best_when}`;
    drawSquare(single, { view: r.view, corners: r.corners, outputs: r.single.answers,
      wrong: r.single.wrong });
    linePlot(curve, { series: [{ x: r.single.loss_epochs, y: r.single.loss, color: "#b3261e" }],
      xLabel: "epoch", yLabel: "loss (MSE)", yMin: 0, height: 180 });
    const n = r.network;
    netVerdict.textContent = `two hidden neurons: ${n.correct} of 4 right`;
    drawSquare(net, { view: r.view, corners: r.corners, outputs: n.outputs,
      lines: toggle.checked ? n.hidden.map((hid, j) => ({ segment: hid.segment,
        label: hid.name.split(" ")[0], cls: j ? "second" : "first" })) : [] });
    replace(table,
      h("caption", { text: "A = OR(x1, x2), B = AND(x1, x2), output = A and not B" }),
      h("thead", {}, h("tr", {}, ["x1", "x2", "A", "B", "output ŷ", "target y"].map((t) =>
        h("th", { scope: "col", text: t })))),
      h("tbody", {}, r.corners.map(([x1, x2], k) => h("tr", {},
        h("td", { text: x1 }), h("td", { text: x2 }),
        n.hidden.map((hid) => h("td", { text: hid.outputs[k] })),
        h("td", { class: "out", text: n.outputs[k] }), h("td", { text: r.targets[k] })))));
    fitTable(table);
  }

  const load = latest(async () => {
    data = await request("/api/widgets/xor");
    draw();
  }, view);

  replace(view.body, h("div", { class: "widget-columns even" },
    h("div", { class: "widget-panel" }, h("h4", { text: "One neuron, trained" }), verdict,
      h("div", { class: "square" }, single), curve,
      h("p", { class: "hint", text: "Filled: answers 1 (ŷ > 0.5). Ringed: a wrong answer." })),
    h("div", { class: "widget-panel" }, h("h4", { text: "Two hidden neurons, wired by hand" }),
      netVerdict, h("div", { class: "square" }, net),
      h("div", { class: "check" }, toggle, h("label", { for: view.id("lines"),
        text: "show the hidden boundaries" })),
      table)));
  load();
  return { reset() { toggle.checked = lesson.lines; draw(); } };
}
