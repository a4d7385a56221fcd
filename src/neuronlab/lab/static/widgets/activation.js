// Lesson 2: the curve of the chosen activation with z marked. The points, f(z) and the
// slope f'(z) all come from POST /api/widgets/activation.

import { selectRow, sliderRow } from "../controls.js";
import { linePlot } from "../diagrams.js";
import { figure, fmt, h, replace } from "../dom.js";
import { arith, arithmetic, copy, frame, latest, readout, request } from "./common.js";

export function mount(section, settings) {
  const view = frame(section);
  const lesson = { activation: settings.activation ?? "sigmoid", z: settings.z ?? 0 };
  const choices = settings.choices ?? ["relu", "sigmoid", "tanh", "step", "leaky_relu"];
  let st = copy(lesson);
  const [yRow, yOut] = readout(view.id("y"), "f(z) =");
  const [slopeRow, slopeOut] = readout(view.id("slope"), "slope f′(z) =");
  const formula = arithmetic(h("p", { class: "formula", id: view.id("formula") }));
  const about = h("p", { class: "hint", id: view.id("about") });
  const curve = figure(view.id("curve"), "The activation function with z marked");
  const controls = h("div", { class: "widget-controls" });

  const update = latest(async () => {
    const r = await request("/api/widgets/activation", { activation: st.activation, z: st.z });
    yOut.textContent = fmt(r.y);
    slopeOut.textContent = fmt(r.slope);
    arith(formula, `${r.formula}\n${r.slope_formula}`);
    about.textContent = r.description;
    linePlot(curve, {
      series: [{ x: r.curve.z, y: r.curve.y, color: "#41506b" }],
      marker: { x: r.z, y: r.y, label: `z = ${fmt(r.z, 2)}` },
      xLabel: "z", yLabel: `${r.activation}(z)`,
    });
  }, view);

  function build() {
    replace(controls,
      sliderRow({ id: view.id("z"), label: "z", value: st.z, min: -6, max: 6, step: 0.01,
        onInput: (v) => { st.z = v; update(); } }),
      selectRow({ id: view.id("activation"), label: "activation", value: st.activation,
        options: choices, onChange: (v) => { st.activation = v; update(); } }));
  }

  replace(view.body, h("div", { class: "widget-columns" },
    h("div", {}, controls, arithmetic(h("p", { class: "widget-big" }, yRow, slopeRow)), formula, about),
    h("div", { class: "widget-results" }, curve)));
  build();
  update();
  return {
    reset() {
      st = copy(lesson);
      build();
      update();
    },
  };
}
