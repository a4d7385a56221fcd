// One neuron (lesson 1, and the explorer's Neuron view). Sliders for the inputs,
// weights and bias, the activation menu, and the three step lines `z = (...)`,
// `z = ... = ...`, `ŷ = f(z)` from POST /api/neuron.
//
// `options` (the explorer's): `state`, an object edited in place instead of a copy of
// the lesson's numbers; `digits`, the decimals every set value keeps; `inputs`, the most
// inputs (then + and − buttons add and remove one); `curve`, draw the activation with
// z marked; `onChange()`, called after each redraw (the explorer saves its link).

import { button, selectRow, sliderRow } from "../controls.js";
import { drawNeuron, linePlot } from "../diagrams.js";
import { computedText, figure, h, replace } from "../dom.js";
import { arith, arithmetic, copy, frame, latest, meta, readout, request } from "./common.js";

export function mount(section, settings, options = {}) {
  const view = frame(section);
  const lesson = {
    inputs: settings.inputs ?? [0.5, -0.3, 0.7],
    weights: settings.weights ?? [0.5, -0.3, 0.8],
    bias: settings.bias ?? 0.1,
    activation: settings.activation ?? "relu",
  };
  let st = options.state ?? copy(lesson);
  const digits = options.digits ?? null;
  const [zRow, zOut] = readout(view.id("z"), "z =");
  const [yRow, yOut] = readout(view.id("y"), "ŷ =");
  const steps = arithmetic(h("div", { id: view.id("steps"), class: "steps", "aria-live": "polite" }));
  const diagram = figure(view.id("diagram"), "The neuron with its inputs, weights and output");
  const curve = options.curve
    ? figure(view.id("curve"), "The activation function with the current z marked") : null;
  const controls = h("div", { class: "widget-controls" });

  const update = latest(async () => {
    const r = await request("api/neuron", {
      inputs: st.inputs, weights: st.weights, bias: st.bias, activation: st.activation,
    });
    zOut.textContent = computedText(r.z);
    yOut.textContent = computedText(r.y);
    arith(steps, r.steps);
    drawNeuron(diagram, r);
    if (curve) {
      linePlot(curve, {
        series: [{ x: r.curve.z, y: r.curve.y, color: "#555" }],
        marker: { x: r.z, y: r.y, label: `z = ${computedText(r.z)}` },
        xLabel: "z", yLabel: `${r.activation}(z)`,
      });
    }
    if (options.onChange) options.onChange();
  }, view);

  /** + and − input buttons, when the caller lets the number of inputs change. */
  function inputButtons() {
    if (!options.inputs) return [];
    const most = options.inputs;
    return h("div", { class: "buttons" },
      button("+ input", "Add an input", () => {
        if (st.inputs.length >= most) return;
        st.inputs.push(1.0);
        st.weights.push(0.5);
        build().then(update, view.fail);
      }, { id: view.id("add"), disabled: st.inputs.length >= most }),
      button("− input", "Remove the last input", () => {
        if (st.inputs.length <= 1) return;
        st.inputs.pop();
        st.weights.pop();
        build().then(update, view.fail);
      }, { id: view.id("remove"), disabled: st.inputs.length <= 1 }));
  }

  async function build() {
    const choices = (await meta()).neuron_activations;
    const pairs = st.inputs.map((x, i) => h("div", { class: "pair" },
      sliderRow({ id: view.id(`x${i + 1}`), label: `input x${i + 1}`, value: x, digits,
        onInput: (v) => { st.inputs[i] = v; update(); } }),
      sliderRow({ id: view.id(`w${i + 1}`), label: `weight w${i + 1}`, value: st.weights[i],
        digits, onInput: (v) => { st.weights[i] = v; update(); } })));
    const bias = sliderRow({ id: view.id("b"), label: "bias b", value: st.bias, digits,
      onInput: (v) => { st.bias = v; update(); } });
    const activation = selectRow({ id: view.id("activation"), label: "activation",
      value: st.activation, options: choices,
      onChange: (v) => { st.activation = v; update(); } });
    if (options.inputs) {  // grouped, with the buttons that change the inputs
      replace(controls,
        h("fieldset", {}, h("legend", { text: "Inputs and weights" }), pairs, inputButtons()),
        h("fieldset", {}, h("legend", { text: "Bias and activation" }), bias, activation));
    } else {
      replace(controls, pairs, bias, activation);
    }
  }

  replace(view.body, h("div", { class: "widget-columns" },
    controls,
    h("div", { class: "widget-results" }, arithmetic(h("p", { class: "widget-big" }, zRow, yRow)), steps,
      diagram,
      curve ? [h("h3", { text: "The activation, with z marked" }), curve] : [])));
  build().then(update, view.fail);
  return {
    reset() {
      if (!options.state) st = copy(lesson);
      build().then(update, view.fail);
    },
  };
}
