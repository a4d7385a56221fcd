// The lab page: four views behind tabs, the state in the URL, numbers from the server.

import { get, showError } from "./api.js";
import { initPlayground } from "./playground.js";
import { button } from "./controls.js";
import { SET_DIGITS, h, replace } from "./dom.js";
import { readState, reloadAt, repairState, saveState } from "./state.js";
import { mount as mountBatch } from "./widgets/batch.js";
import { mount as mountLayer } from "./widgets/layer.js";
import { mount as mountNeuron } from "./widgets/neuron.js";

const VIEWS = ["neuron", "layer", "batch", "playground"];

/**
 * An explorer view is its lesson widget, mounted on the explorer's state (kept in the
 * link) with the explorer's extras: the heading with its reset button, set values kept
 * to the diagrams' precision, and the buttons that change the shape.
 */
function explorer(name, title, mount, options) {
  return (root, app) => {
    const section = h("div", { id: name, class: "explorer-view" });
    let widget = null;
    replace(root, app.heading(name, title, () => widget.reset()), section);
    widget = mount(section, {}, { digits: SET_DIGITS, onChange: app.save, ...options(app) });
    let first = true;
    return {
      show() {
        if (!first) widget.reset();  // another view may have changed the shared layer
        first = false;
      },
    };
  };
}

const initNeuron = explorer("neuron", "One neuron: multiply, sum, activate", mountNeuron,
  (app) => ({ state: app.state.neuron, inputs: app.meta.limits.inputs, curve: true }));

const initLayer = explorer("layer", "A layer: many neurons reading the same inputs",
  mountLayer, (app) => ({ state: app.state.layer, resize: app.resizeLayer,
    limits: app.meta.limits, scroll: true }));

const initBatch = explorer("batch", "A batch: the whole layer as one matrix product",
  mountBatch, (app) => {
    const layer = app.state.layer;
    const batch = app.state.batch;
    // The batch runs through the Layer view's layer: its samples are its own.
    const state = {
      get weights() { return layer.weights; },
      get biases() { return layer.biases; },
      get activation() { return layer.activation; },
      get X() { return batch.X; },
      get sample() { return batch.sample; },
      set sample(k) { batch.sample = k; },
    };
    return { state, rows: app.meta.limits.batch_rows, beforeBuild: app.resizeBatch,
      scroll: true, note: "The weights are the Layer view's; edit them there. Choose a "
        + "sample with its s button (arrow keys, Home and End move between them)." };
  });

async function main() {
  const meta = await get("api/meta");
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
  window.addEventListener("hashchange", (event) => reloadAt(event.newURL));
  document.body.dataset.ready = "true";
}

main().catch((err) => showError(`The lab could not start: ${err.message}`));
