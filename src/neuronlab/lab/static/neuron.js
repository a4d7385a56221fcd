// The Neuron view: sliders for inputs, weights and bias; the diagram, the step-by-step
// lines, and the activation curve with z marked, all from POST /api/neuron.

import { latest, post } from "./api.js";
import { button, selectRow, sliderRow } from "./controls.js";
import { drawNeuron, linePlot } from "./diagrams.js";
import { SET_DIGITS, figure, fmt, h, replace } from "./dom.js";

export function initNeuron(root, app) {
  const st = app.state.neuron;
  const controls = h("div", { class: "controls" });
  const diagram = figure("neuron-diagram", "Diagram of the neuron with its values");
  const curve = figure("neuron-curve", "The activation function with the current z marked");

  const zOut = h("output", { id: "neuron-z" });
  const yOut = h("output", { id: "neuron-y" });
  const steps = h("pre", { id: "neuron-steps", class: "steps", "aria-live": "polite" });

  const update = latest(async () => {
    const r = await post("/api/neuron", {
      inputs: st.inputs, weights: st.weights, bias: st.bias, activation: st.activation,
    });
    zOut.textContent = fmt(r.z);
    yOut.textContent = fmt(r.y);
    steps.textContent = r.steps;  // z with the products, z summed, ŷ = f(z)
    drawNeuron(diagram, r);
    linePlot(curve, {
      series: [{ x: r.curve.z, y: r.curve.y, color: "#555" }],
      marker: { x: r.z, y: r.y, label: `z = ${fmt(r.z)}` },
      xLabel: "z", yLabel: `${r.activation}(z)`,
    });
    app.save();
  });

  function changed() {
    update();
  }

  function build() {
    const rows = st.inputs.map((x, i) => h("div", { class: "pair" },
      sliderRow({ id: `neuron-x${i + 1}`, label: `input x${i + 1}`, value: x,
        digits: SET_DIGITS,
        onInput: (v) => { st.inputs[i] = v; changed(); } }),
      sliderRow({ id: `neuron-w${i + 1}`, label: `weight w${i + 1}`, value: st.weights[i],
        digits: SET_DIGITS,
        onInput: (v) => { st.weights[i] = v; changed(); } })));
    const limit = app.meta.limits.inputs;
    replace(controls,
      h("fieldset", {}, h("legend", { text: "Inputs and weights" }), rows,
        h("div", { class: "buttons" },
          button("+ input", "Add an input", () => {
            if (st.inputs.length >= limit) return;
            st.inputs.push(1.0);
            st.weights.push(0.5);
            build();
            changed();
          }, { id: "neuron-add", disabled: st.inputs.length >= limit }),
          button("− input", "Remove the last input", () => {
            if (st.inputs.length <= 1) return;
            st.inputs.pop();
            st.weights.pop();
            build();
            changed();
          }, { id: "neuron-remove", disabled: st.inputs.length <= 1 }))),
      h("fieldset", {}, h("legend", { text: "Bias and activation" }),
        sliderRow({ id: "neuron-b", label: "bias b", value: st.bias, digits: SET_DIGITS,
          onInput: (v) => { st.bias = v; changed(); } }),
        selectRow({ id: "neuron-activation", label: "activation", value: st.activation,
          options: app.meta.neuron_activations,
          onChange: (v) => { st.activation = v; changed(); } })));
  }

  replace(root,
    app.heading("neuron", "One neuron: multiply, sum, activate", () => {
      build();
      update();
    }),
    h("div", { class: "columns" },
      controls,
      h("div", { class: "results" },
        h("p", { class: "big" }, "z = ", zOut, " ŷ = ", yOut),
        steps,
        diagram,
        h("h3", { text: "The activation, with z marked" }),
        curve)));
  build();
  update();
  return { show() {} };
}
