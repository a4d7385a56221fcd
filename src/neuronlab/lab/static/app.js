// The lab page: four views behind tabs, the state in the URL, numbers from the server.

import { get, showError } from "./api.js";
import { initBatch } from "./batch.js";
import { initLayer } from "./layer.js";
import { initNeuron } from "./neuron.js";
import { initPlayground } from "./playground.js";
import { readState, saveState } from "./state.js";

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

  const app = {
    meta,
    state,
    save: () => saveState(state),
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
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      const next = VIEWS[(VIEWS.indexOf(name) + step + VIEWS.length) % VIEWS.length];
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
