// The whole page state lives in the URL hash, so a link reproduces what you see.
// #view=neuron&nx=0.5,-0.3,0.7&nw=...  (see KEYS below for every field)

import { SET_DIGITS, roundTo } from "./dom.js";

const list = (text) => text.split(",").filter((t) => t !== "").map(Number);
const rows = (text) => text.split(";").filter((t) => t !== "").map(list);
const joinRows = (m) => m.map((r) => r.join(",")).join(";");

// Playground config fields and their short URL names.
const PLAYGROUND = {
  dataset: ["pd", String], samples: ["pn", Number], noise: ["pz", Number],
  train_fraction: ["pt", Number], batch_size: ["pb", Number], hidden: ["ph", list],
  activation: ["pa", String], learning_rate: ["pl", Number], optimizer: ["po", String],
  l2: ["pr", Number], seed: ["ps", Number], features: ["pf", (t) => t.split(",")],
  l1: ["pq", Number], loss: ["pm", String], points: ["pp", rows],
};

/** Read the state from `location.hash` on top of `defaults` (a deep copy is returned). */
export function readState(defaults) {
  const state = structuredClone(defaults);
  const p = new URLSearchParams(location.hash.replace(/^#/, ""));
  const take = (key, parse, apply) => {
    if (!p.has(key)) return;
    try {
      apply(parse(p.get(key)));
    } catch (err) {
      // A broken field keeps its default; the server checks everything anyway.
    }
  };
  take("view", String, (v) => { state.view = v; });
  take("nx", list, (v) => { state.neuron.inputs = v; });
  take("nw", list, (v) => { state.neuron.weights = v; });
  take("nb", Number, (v) => { state.neuron.bias = v; });
  take("nf", String, (v) => { state.neuron.activation = v; });
  take("lw", rows, (v) => { state.layer.weights = v; });
  take("lb", list, (v) => { state.layer.biases = v; });
  take("lx", list, (v) => { state.layer.inputs = v; });
  take("lf", String, (v) => { state.layer.activation = v; });
  take("bx", rows, (v) => { state.batch.X = v; });
  take("bs", Number, (v) => { state.batch.sample = v; });
  for (const [field, [key, parse]] of Object.entries(PLAYGROUND)) {
    take(key, parse, (v) => { state.playground.config[field] = v; });
  }
  take("pe", Number, (v) => { state.playground.epoch = v; });
  take("pw", String, (v) => { state.playground.weights = v; });
  return state;
}

/** The hash for `state`. */
export function encodeState(state) {
  const p = new URLSearchParams();
  p.set("view", state.view);
  p.set("nx", state.neuron.inputs.join(","));
  p.set("nw", state.neuron.weights.join(","));
  p.set("nb", state.neuron.bias);
  p.set("nf", state.neuron.activation);
  p.set("lw", joinRows(state.layer.weights));
  p.set("lb", state.layer.biases.join(","));
  p.set("lx", state.layer.inputs.join(","));
  p.set("lf", state.layer.activation);
  p.set("bx", joinRows(state.batch.X));
  if (state.batch.sample !== null && state.batch.sample !== undefined) {
    p.set("bs", state.batch.sample);
  }
  for (const [field, [key]] of Object.entries(PLAYGROUND)) {
    const value = state.playground.config[field];
    if (field === "points") p.set(key, joinRows(value || []));
    else p.set(key, Array.isArray(value) ? value.join(",") : value);
  }
  p.set("pe", state.playground.epoch || 0);
  // The weights as they are (base64 float32): a link reopens this very network, also at
  // epoch 0, where a weight may have been set by hand.
  if (state.playground.weights) p.set("pw", state.playground.weights);
  return "#" + p.toString().replaceAll("%2C", ",").replaceAll("%3B", ";");
}

let timer = null;
let leaving = false;

/** Write `state` into the URL (without adding history entries), at most every 100 ms. */
export function saveState(state) {
  if (leaving) return;
  clearTimeout(timer);
  timer = setTimeout(() => {
    history.replaceState(null, "", encodeState(state));
  }, 100);
}

/** Write `state` into the URL now. */
export function saveStateNow(state) {
  if (leaving) return;
  clearTimeout(timer);
  history.replaceState(null, "", encodeState(state));
}

/**
 * Open `url` (a link pasted into this tab's address bar) by reloading the page. Nothing
 * is saved into the address from now on, and a save that slipped in between the paste
 * and this call (one was pending for up to 100 ms) is undone: the link is what loads.
 */
export function reloadAt(url) {
  leaving = true;
  clearTimeout(timer);
  history.replaceState(null, "", url);
  location.reload();
}

const finite = (v) => typeof v === "number" && Number.isFinite(v);
const listOf = (v) => Array.isArray(v) && v.length > 0 && v.every(finite);

/**
 * Make a state read from a hand-edited link usable: every count matches (one weight per
 * input, one bias per neuron, one value per input in each sample), every value is a
 * number within the lab's limits, kept to SET_DIGITS decimals as the boxes show it.
 * Returns the list of what had to change (empty when the link was fine); the state is
 * repaired in place.
 */
export function repairState(state, defaults, limits) {
  const notes = [];
  const bound = (v) => Math.min(limits.value, Math.max(-limits.value, roundTo(v, SET_DIGITS)));
  const clean = (values) => values.map(bound);

  const nr = state.neuron;
  if (!listOf(nr.inputs) || !listOf(nr.weights) || !finite(nr.bias)
      || nr.inputs.length > limits.inputs) {
    const keep = listOf(nr.inputs) && nr.inputs.length <= limits.inputs;
    notes.push(keep ? "the neuron's weights or bias were not numbers: they are back to the "
      + "lesson's values" : "the neuron's inputs were not 1 to " + limits.inputs
      + " numbers: the neuron is back to the lesson's values");
    if (!keep) nr.inputs = [...defaults.neuron.inputs];
    if (!listOf(nr.weights)) nr.weights = [];
    if (!finite(nr.bias)) nr.bias = defaults.neuron.bias;
  }
  if (nr.weights.length !== nr.inputs.length) {
    notes.push(`the neuron had ${nr.inputs.length} inputs but ${nr.weights.length} weights: `
      + (nr.weights.length > nr.inputs.length ? "the extra weights were dropped"
        : "each missing weight is 0.50"));
    nr.weights = nr.inputs.map((_, i) => (i < nr.weights.length ? nr.weights[i] : 0.5));
  }
  nr.inputs = clean(nr.inputs);
  nr.weights = clean(nr.weights);
  nr.bias = bound(nr.bias);

  const ly = state.layer;
  const rowsOk = Array.isArray(ly.weights) && ly.weights.length > 0
    && ly.weights.length <= limits.neurons && ly.weights.every(listOf)
    && ly.weights.every((row) => row.length === ly.weights[0].length
      && row.length <= limits.inputs);
  if (!rowsOk) {
    notes.push("the layer's weights were not a table of numbers with equal rows: the layer "
      + "is back to the lesson's values");
    Object.assign(ly, structuredClone(defaults.layer));
  }
  const columns = ly.weights[0].length;
  if (!listOf(ly.inputs) || ly.inputs.length !== columns) {
    notes.push(`the layer's neurons have ${columns} weights each but the link gave `
      + `${Array.isArray(ly.inputs) ? ly.inputs.length : 0} input values: `
      + "missing inputs are 0, extra ones were dropped");
    const given = Array.isArray(ly.inputs) ? ly.inputs.filter(finite) : [];
    ly.inputs = Array.from({ length: columns }, (_, i) => (i < given.length ? given[i] : 0));
  }
  if (!listOf(ly.biases) || ly.biases.length !== ly.weights.length) {
    notes.push(`the layer has ${ly.weights.length} neurons but the link gave `
      + `${Array.isArray(ly.biases) ? ly.biases.length : 0} biases: `
      + "missing biases are 0, extra ones were dropped");
    const given = Array.isArray(ly.biases) ? ly.biases.filter(finite) : [];
    ly.biases = ly.weights.map((_, j) => (j < given.length ? given[j] : 0));
  }
  ly.weights = ly.weights.map(clean);
  ly.inputs = clean(ly.inputs);
  ly.biases = clean(ly.biases);

  const bt = state.batch;
  if (!Array.isArray(bt.X) || !bt.X.length || bt.X.length > limits.batch_rows
      || !bt.X.every(listOf)) {
    notes.push("the batch's samples were not rows of numbers: they are back to the "
      + "lesson's samples");
    bt.X = structuredClone(defaults.batch.X);
  }
  if (bt.X.some((row) => row.length !== columns)) {
    notes.push(`each sample needs ${columns} values (one per input of the layer): `
      + "missing values are 0, extra ones were dropped");
    bt.X = bt.X.map((row) => Array.from({ length: columns },
      (_, i) => (i < row.length ? row[i] : 0)));
  }
  bt.X = bt.X.map(clean);
  if (bt.sample !== null && !(Number.isInteger(bt.sample) && bt.sample >= 0
      && bt.sample < bt.X.length)) {
    notes.push(`there is no sample s${Number(bt.sample) + 1}: no sample is chosen`);
    bt.sample = null;
  }
  return notes;
}
