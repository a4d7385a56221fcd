// The whole page state lives in the URL hash, so a link reproduces what you see.
// #view=neuron&nx=0.5,-0.3,0.7&nw=...  (see KEYS below for every field)

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

/** Write `state` into the URL (without adding history entries), at most every 100 ms. */
export function saveState(state) {
  clearTimeout(timer);
  timer = setTimeout(() => {
    history.replaceState(null, "", encodeState(state));
  }, 100);
}

/** Write `state` into the URL now. */
export function saveStateNow(state) {
  clearTimeout(timer);
  history.replaceState(null, "", encodeState(state));
}
