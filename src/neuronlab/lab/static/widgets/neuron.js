// Lesson 1: one neuron. Sliders for the inputs, weights and bias, the activation menu,
// and the three step lines `z = (...)`, `z = ... = ...`, `ŷ = f(z)` from POST /api/neuron.

import { selectRow, sliderRow } from "../controls.js";
import { drawNeuron } from "../diagrams.js";
import { figure, fmt, h, replace } from "../dom.js";
import { arith, arithmetic, copy, frame, latest, meta, readout, request } from "./common.js";

export function mount(section, settings) {
  const view = frame(section);
  const lesson = {
    inputs: settings.inputs ?? [0.5, -0.3, 0.7],
    weights: settings.weights ?? [0.5, -0.3, 0.8],
    bias: settings.bias ?? 0.1,
    activation: settings.activation ?? "relu",
  };
  let st = copy(lesson);
  const [zRow, zOut] = readout(view.id("z"), "z =");
  const [yRow, yOut] = readout(view.id("y"), "ŷ =");
  const steps = arithmetic(h("div", { id: view.id("steps"), class: "steps", "aria-live": "polite" }));
  const diagram = figure(view.id("diagram"), "The neuron with its inputs, weights and output");
  const controls = h("div", { class: "widget-controls" });

  const update = latest(async () => {
    const r = await request("/api/neuron", st);
    zOut.textContent = fmt(r.z);
    yOut.textContent = fmt(r.y);
    arith(steps, r.steps);
    drawNeuron(diagram, r);
  }, view);

  async function build() {
    const choices = (await meta()).neuron_activations;
    replace(controls,
      st.inputs.map((x, i) => h("div", { class: "pair" },
        sliderRow({ id: view.id(`x${i + 1}`), label: `input x${i + 1}`, value: x,
          onInput: (v) => { st.inputs[i] = v; update(); } }),
        sliderRow({ id: view.id(`w${i + 1}`), label: `weight w${i + 1}`, value: st.weights[i],
          onInput: (v) => { st.weights[i] = v; update(); } }))),
      sliderRow({ id: view.id("b"), label: "bias b", value: st.bias,
        onInput: (v) => { st.bias = v; update(); } }),
      selectRow({ id: view.id("activation"), label: "activation", value: st.activation,
        options: choices, onChange: (v) => { st.activation = v; update(); } }));
  }

  replace(view.body, h("div", { class: "widget-columns" },
    controls,
    h("div", { class: "widget-results" }, arithmetic(h("p", { class: "widget-big" }, zRow, yRow)), steps,
      diagram)));
  build().then(update, view.fail);
  return {
    reset() {
      st = copy(lesson);
      build().then(update, view.fail);
    },
  };
}
