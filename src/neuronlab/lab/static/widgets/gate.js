// Lesson 5: one step neuron as a logic gate. Sliders w1, w2, b; the boundary line
// w1·x1 + w2·x2 + b = 0 over the four corners; the truth table; AND/OR/NOT presets.
// The table and the line's end points come from POST /api/widgets/gate.

import { button, sliderRow } from "../controls.js";
import { figure, fmt, h, replace } from "../dom.js";
import { arith, arithmetic, copy, fitTable, frame, latest, reflow, request } from "./common.js";
import { drawSquare } from "./square.js";

// The presets are the lessons' gate neurons; NOT reads x1 only (w2 = 0).
const PRESETS = {
  and: { weights: [1.0, 1.0], bias: -1.5 },
  or: { weights: [1.0, 1.0], bias: -0.5 },
  not: { weights: [-1.0, 0.0], bias: 0.5 },
};

export function mount(section, settings) {
  const view = frame(section);
  const lesson = {
    weights: settings.weights ?? PRESETS[settings.preset ?? "and"].weights,
    bias: settings.bias ?? PRESETS[settings.preset ?? "and"].bias,
  };
  let st = copy(lesson);
  const controls = h("div", { class: "widget-controls" });
  const square = figure(view.id("square"), "The four corners and the neuron's boundary line");
  const table = reflow(h("table", { class: "matrix", id: view.id("table") }));
  const equation = arithmetic(h("p", { class: "formula", id: view.id("equation") }));
  const gate = arithmetic(h("p", { class: "widget-big", id: view.id("gate"), "aria-live": "polite" }));

  const update = latest(async () => {
    const r = await request("/api/widgets/gate", st);
    arith(equation, `boundary: ${r.line.equation}`);
    const named = Object.entries(r.matches).filter(([, yes]) => yes).map(([k]) => k.toUpperCase());
    gate.textContent = named.length ? `This neuron computes ${named.join(" / ")}.`
      : "This neuron is none of AND, OR, NOT.";
    drawSquare(square, { view: r.view, corners: r.corners, outputs: r.outputs,
      lines: [{ segment: r.line.segment, label: "z = 0" }] });
    replace(table,
      h("caption", { text: "Truth table: z = w1·x1 + w2·x2 + b, output ŷ = 1 if z > 0" }),
      h("thead", {}, h("tr", {}, ["x1", "x2", "z", "output ŷ"].map((t) =>
        h("th", { scope: "col", text: t })))),
      h("tbody", {}, r.corners.map(([x1, x2], k) => h("tr", {},
        h("td", { text: x1 }), h("td", { text: x2 }),
        h("td", { id: view.id(`z${k + 1}`), text: fmt(r.z[k], 2) }),
        h("td", { class: "out", id: view.id(`out${k + 1}`), text: r.outputs[k] })))));
    fitTable(table);
  }, view);

  function build() {
    replace(controls,
      sliderRow({ id: view.id("w1"), label: "weight w1", value: st.weights[0],
        onInput: (v) => { st.weights[0] = v; update(); } }),
      sliderRow({ id: view.id("w2"), label: "weight w2", value: st.weights[1],
        onInput: (v) => { st.weights[1] = v; update(); } }),
      sliderRow({ id: view.id("b"), label: "bias b", value: st.bias,
        onInput: (v) => { st.bias = v; update(); } }),
      h("div", { class: "buttons" }, h("span", { class: "hint", text: "Presets:" }),
        Object.entries(PRESETS).map(([name, preset]) => button(name.toUpperCase(),
          `Set the ${name.toUpperCase()} gate's weights and bias`, () => {
            st = copy(preset);
            build();
            update();
          }, { id: view.id(`preset-${name}`) }))));
  }

  replace(view.body, h("div", { class: "widget-columns" },
    h("div", {}, controls, equation, gate),
    h("div", { class: "widget-results split" }, h("div", { class: "square" }, square), table)));
  build();
  update();
  return { reset() { st = copy(lesson); build(); update(); } };
}
