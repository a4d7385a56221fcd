// The lab page: four views behind tabs, the state in the URL, numbers from the server.

import { get, showError } from "./api.js";
import { initBatch } from "./batch.js";
import { initLayer } from "./layer.js";
import { initNeuron } from "./neuron.js";
import { initPlayground } from "./playground.js";
import { button } from "./controls.js";
import { h } from "./dom.js";
import { readState, repairState, saveState } from "./state.js";

const VIEWS = ["neuron", "layer", "batch", "playground"];

async function main() {
  const meta = await get("/api/meta");
  const d = meta.defaults;
  const defaults = {
    view: "neuron",
    neuron: d.neuron,
    layer: d.layer,
    batch: { X: d.batch.X, sample: null },
    playground: { config: d.playground, epoch: 0 },
  };
  const state = readState(defaults);
  if (!VIEWS.includes(state.view)) state.view = "neuron";
  const notes = repairState(state, defaults, meta.limits);
  for (const part of ["neuron", "layer"]) {
    if (!meta.neuron_activations.includes(state[part].activation)) {
      notes.push(`the ${part}'s activation '${state[part].activation}' is not one of `
        + `${meta.neuron_activations.join(", ")}: it is ${defaults[part].activation} again`);
      state[part].activation = defaults[part].activation;
    }
  }
  const note = document.getElementById("note");
  if (notes.length) {
    note.querySelector("span").textContent = `This link did not fit together, so the page `
      + `repaired it: ${notes.join("; ")}.`;
    note.hidden = false;
  }
  note.querySelector("button").addEventListener("click", () => { note.hidden = true; });

  const app = {
    meta,
    state,
    save: () => saveState(state),
    /**
     * The view's heading with a "Reset to the lesson's numbers" button: it puts the
     * view's numbers (for the batch: its samples and the layer) back to the lesson's and
     * calls `redraw()`.
     */
    heading(name, title, redraw) {
      const parts = name === "batch" ? ["batch", "layer"] : [name];
      const reset = button("Reset to the lesson's numbers",
        `Reset the ${name} view to the lesson's numbers`, () => {
          for (const part of parts) {
            const target = state[part];
            for (const key of Object.keys(target)) delete target[key];
            Object.assign(target, structuredClone(defaults[part]));
          }
          note.hidden = true;
          redraw();
          app.save();
        }, { id: `${name}-lesson-reset`, class: "lesson-reset" });
      return h("div", { class: "view-head" }, h("h2", { text: title }), reset);
    },
    /** Give the shared layer `neurons` rows and `inputs` columns (new cells are 0). */
    resizeLayer(neurons, inputs) {
      const layer = state.layer;
      while (layer.weights.length < neurons) {
        layer.weights.push(Array.from({ length: layer.inputs.length }, () => 0));
        layer.biases.push(0);
      }
      layer.weights.length = neurons;
      layer.biases.length = neurons;
      while (layer.inputs.length < inputs) layer.inputs.push(0);
      layer.inputs.length = inputs;
      layer.weights = layer.weights.map((row) => {
        const out = row.slice(0, inputs);
        while (out.length < inputs) out.push(0);
        return out;
      });
    },
    /** Give every batch row as many values as the layer has inputs. */
    resizeBatch() {
      const n = state.layer.inputs.length;
      state.batch.X = state.batch.X.map((row) => {
        const out = row.slice(0, n);
        while (out.length < n) out.push(0);
        return out;
      });
      if (state.batch.sample !== null && !(state.batch.sample < state.batch.X.length)) {
        state.batch.sample = null;
      }
    },
  };

  const inits = { neuron: initNeuron, layer: initLayer, batch: initBatch,
    playground: initPlayground };
  const views = {};
  const tabs = {};
  for (const name of VIEWS) {
    tabs[name] = document.getElementById(`tab-${name}`);
    tabs[name].addEventListener("click", () => show(name));
    tabs[name].addEventListener("keydown", (event) => {
      // The tabs pattern: arrows move to the next tab (round), Home/End to the ends.
      const at = VIEWS.indexOf(name);
      const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: VIEWS.length - 1 }[
        event.key];
      if (to === undefined) return;
      event.preventDefault();
      const next = VIEWS[(to + VIEWS.length) % VIEWS.length];
      show(next);
      tabs[next].focus();
    });
  }

  function show(name) {
    state.view = name;
    for (const other of VIEWS) {
      const active = other === name;
      tabs[other].setAttribute("aria-selected", String(active));
      tabs[other].tabIndex = active ? 0 : -1;
      document.getElementById(`view-${other}`).hidden = !active;
    }
    if (!views[name]) views[name] = inits[name](document.getElementById(`view-${name}`), app);
    views[name].show();
    app.save();
  }

  show(state.view);
  // A link pasted into this tab changes only the hash: start again from it.
  window.addEventListener("hashchange", () => location.reload());
  document.body.dataset.ready = "true";
}

main().catch((err) => showError(`The lab could not start: ${err.message}`));
