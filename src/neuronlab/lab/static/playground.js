// The Playground: pick data and a network, press play, and watch the server train it.
// Frames arrive over a WebSocket; this module only draws them.

import { get, post, showError } from "./api.js";
import { button, numberRow, selectRow, sliderRow } from "./controls.js";
import { linePlot } from "./diagrams.js";
import { figure, fmt, h, replace } from "./dom.js";
import { networkView } from "./pg-network.js";
import { slowMotion } from "./pg-stepper.js";

const CLASS_COLORS = [[232, 113, 10], [8, 119, 189], [44, 160, 44], [148, 103, 189]];
const CLASS_NAMES = ["orange", "blue", "green", "purple"];
const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const L2_RATES = [0, 0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1];
const FEATURES = [["x1", "x1"], ["x2", "x2"], ["x1sq", "x1²"], ["x2sq", "x2²"],
  ["x1x2", "x1·x2"], ["sinx1", "sin(x1)"], ["sinx2", "sin(x2)"]];
const OWN_DATA = "custom";
const BOUNDARY_PX = 360;

/** Base64 float32 weights -> [{W: rows, b}] for a network of `sizes` (W row by row, then b). */
function unpack(params, sizes) {
  const raw = bytes(params);
  const flat = new Float32Array(raw.buffer, 0, raw.length / 4);
  const layers = [];
  let at = 0;
  for (let c = 1; c < sizes.length; c++) {
    const W = [];
    for (let j = 0; j < sizes[c]; j++) {
      W.push(Array.from(flat.subarray(at, at + sizes[c - 1])));
      at += sizes[c - 1];
    }
    const b = Array.from(flat.subarray(at, at + sizes[c]));
    at += sizes[c];
    layers.push({ W, b });
  }
  return layers;
}

/** A continuous colour for t in [0, 1]: orange (low) through white to blue (high). */
function ramp(t) {
  const v = 2 * Math.min(1, Math.max(0, t)) - 1;
  return mix(v >= 0 ? CLASS_COLORS[1] : CLASS_COLORS[0], Math.abs(v));
}

// Counters the benchmark reads: how many frames arrived, and when.
window.labStats = { frames: 0, lastFrameAt: 0 };

function bytes(base64) {
  const text = atob(base64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

function mix(color, amount) {
  // Blend white toward `color` by `amount` in [0, 1].
  return color.map((c) => Math.round(255 + (c - 255) * amount));
}

/**
 * A size×size canvas whose pixel k has the colour colorAt(k) returns as [r, g, b]. The
 * canvas is reused for the next picture of that size: draw it or read it at once.
 */
function paint(size, colorAt) {
  let easel = easels.get(size);
  if (!easel) {
    const canvas = document.createElement("canvas");
    canvas.width = size;
    canvas.height = size;
    const ctx = canvas.getContext("2d");
    easel = { canvas, ctx, image: ctx.createImageData(size, size) };
    easels.set(size, easel);
  }
  const pixels = easel.image.data;
  for (let k = 0; k < size * size; k++) {
    const [r, g, b] = colorAt(k);
    pixels[4 * k] = r;
    pixels[4 * k + 1] = g;
    pixels[4 * k + 2] = b;
    pixels[4 * k + 3] = 255;
  }
  easel.ctx.putImageData(easel.image, 0, 0);
  return easel.canvas;
}
const easels = new Map();  // size -> the canvas pictures of that size are painted on

/**
 * The boundary: each cell coloured by its class label, stronger where the model is surer
 * (one byte a cell: the class in the top 2 bits, the strength 0..63 below).
 */
function boundaryImage(boundary) {
  if (boundary.value) {  // regression: the prediction on a continuous colour map
    const values = bytes(boundary.value);
    return paint(boundary.size, (k) => RAMP[values[k]]);
  }
  const cells = bytes(boundary.cells);
  return paint(boundary.size, (k) => BOUNDARY_COLORS[cells[k]]);
}

/** A neuron's heatmap: bytes 0..255 where 128 is an output of 0; blue above, orange below. */
function neuronImage(grid, size) {
  const key = `${size}:${grid}`;
  const known = neuronImages.get(key);
  if (known) return known;
  const values = bytes(grid);
  const url = paint(size, (k) => NEURON_COLORS[values[k]]).toDataURL();
  if (neuronImages.size >= 512) neuronImages.clear();
  neuronImages.set(key, url);
  return url;
}
// The colour of each byte a picture can hold, worked out once.
const BYTES = Array.from({ length: 256 }, (_, b) => b);
const RAMP = BYTES.map((b) => ramp(b / 255));
const BOUNDARY_COLORS = BYTES.map((b) => mix(CLASS_COLORS[b >> 6], 0.15 + 0.6 * (b & 63) / 63));
const NEURON_COLORS = BYTES.map((b) => {
  const v = b / 127.5 - 1;
  return mix(v >= 0 ? CLASS_COLORS[1] : CLASS_COLORS[0], Math.abs(v));
});

// The pictures already made: a picture that did not change is not painted again.
const neuronImages = new Map();
const BLANK = { size: 1, grid: "gA==", low: null, high: null };
const BLANK_BOUNDARY = { size: 1, cells: "AA==" };

/**
 * A stream's frame leaves out (null) each picture the page already shows: fill them in
 * from `shown`, the last whole set of pictures of this configuration, and keep these.
 */
function fillPictures(frame, shown) {
  const same = shown && shown.generation === frame.generation;
  // (a picture never received, as when the frame that had it came before the page
  // took the new configuration, is blank until it changes)
  const keep = (got, had) => got ?? (same && had ? had : BLANK);
  return {
    generation: frame.generation,
    boundary: frame.boundary ?? (same && shown.boundary ? shown.boundary : BLANK_BOUNDARY),
    inputs: frame.inputs.map((map, i) => keep(map, shown?.inputs[i])),
    hidden: frame.hidden.map((layer, c) => layer.map((map, j) =>
      keep(map, shown?.hidden[c]?.[j]))),
  };
}

export function initPlayground(root, app) {
  const pg = app.state.playground;
  const cfg = pg.config;
  let session = null;
  let data = null;
  let socket = null;
  let lastFrame = null;
  let starting = null;
  let curve = { epoch: [], train: [], test: [] };
  let shown = null;  // the pictures on screen: a stream's frame sends only those that changed

  const controls = h("div", { class: "pg-controls" });
  const playButton = button("▶ play", "Play: train continuously", () => togglePlay(),
    { id: "pg-play", class: "primary" });
  const stepButton = button("step", "Train one epoch", () => command("step"), { id: "pg-step" });
  const resetButton = button("reset", "Reset the weights to their starting values",
    () => reset(), { id: "pg-reset" });
  const exportButton = button("export", "Download the model and show its Python code",
    () => exportModel(), { id: "pg-export" });
  const stepper = slowMotion({ session: () => session, onFrame: (frame) => drawFrame(frame) });
  const stat = (id, label) => h("div", { class: "stat" }, h("span", { text: label }),
    h("output", { id, text: "—" }));
  const stats = h("div", { class: "stats", "aria-live": "off" },
    stat("pg-epoch", "epoch"), stat("pg-train-loss", "train loss"),
    stat("pg-test-loss", "test loss"), stat("pg-train-acc", "train accuracy"),
    stat("pg-test-acc", "test accuracy"));
  const canvas = h("canvas", { id: "pg-boundary", width: BOUNDARY_PX, height: BOUNDARY_PX,
    role: "img", "aria-label": "Decision boundary with the training and test points" });
  const diverged = h("div", { id: "pg-diverged", class: "diverged", role: "alert", hidden: true });
  const statusLine = h("p", { id: "pg-status", class: "pg-status", role: "status",
    "aria-live": "polite" });
  const weightEdit = h("form", { id: "pg-weight-form", class: "weight-edit", hidden: true });
  const legend = h("p", { class: "hint", id: "pg-legend" });
  const network = networkView({ heatmap: neuronImage,
    onEdit: (c, j, i, w, what) => editWeight(c, j, i, w, what) });
  const curves = figure("pg-curves", "Train and test loss by epoch");
  const weightsBox = h("div", { id: "pg-weights" });
  const exportBox = h("div", { id: "pg-export-box", hidden: true });

  let ownLabel = 0;
  const csvInput = h("input", { type: "file", id: "pg-csv", accept: ".csv,text/csv",
    "aria-label": "Upload a CSV file of points x1,x2,label" });
  csvInput.addEventListener("change", async () => {
    const file = csvInput.files[0];
    if (!file) return;
    try {
      const { points } = await post("/api/playground/csv", { text: await file.text() });
      cfg.points = points;
      reconfigure();
    } catch (err) {
      // The message (naming the bad row) is in the status bar.
    }
    csvInput.value = "";
  });

  // ---------------------------------------------------------------- controls
  function buildControls() {
    const lim = app.meta.limits;
    const layers = cfg.hidden.map((units, k) => h("div", { class: "layer-size" },
      h("span", { text: `hidden layer ${k + 1}: ${units} neuron${units === 1 ? "" : "s"}` }),
      button("−", `Remove a neuron from hidden layer ${k + 1}`, () => {
        cfg.hidden[k] = units - 1;
        reconfigure();
      }, { id: `pg-layer${k + 1}-minus`, disabled: units <= 1 }),
      button("+", `Add a neuron to hidden layer ${k + 1}`, () => {
        cfg.hidden[k] = units + 1;
        reconfigure();
      }, { id: `pg-layer${k + 1}-plus`, disabled: units >= lim.neurons })));
    const rates = LEARNING_RATES.includes(cfg.learning_rate) ? LEARNING_RATES
      : [...LEARNING_RATES, cfg.learning_rate].sort((a, b) => a - b);
    const l2s = L2_RATES.includes(cfg.l2) ? L2_RATES : [...L2_RATES, cfg.l2].sort((a, b) => a - b);
    replace(controls,
      h("fieldset", {}, h("legend", { text: "Data" }),
        selectRow({ id: "pg-dataset", label: "data set", value: cfg.dataset,
          options: [...app.meta.datasets, ["xor4", "xor4 (the 4 rows of the truth table)"],
            [OWN_DATA, "custom (only your points)"]],
          onChange: (v) => { cfg.dataset = v; reconfigure(); } }),
        numberRow({ id: "pg-samples", label: "points", value: cfg.samples, min: 8,
          max: lim.points, onChange: (v) => { cfg.samples = v; reconfigure(); } }),
        sliderRow({ id: "pg-noise", label: "noise", value: cfg.noise, min: 0, max: 1,
          step: 0.05, onInput: (v) => { cfg.noise = v; reconfigureSoon(); } }),
        sliderRow({ id: "pg-train", label: "train fraction", value: cfg.train_fraction,
          min: 0.1, max: 0.9, step: 0.05,
          onInput: (v) => { cfg.train_fraction = v; reconfigureSoon(); } }),
        numberRow({ id: "pg-batch", label: "batch size", value: cfg.batch_size, min: 1,
          max: lim.points, onChange: (v) => { cfg.batch_size = v; reconfigure(); } }),
        numberRow({ id: "pg-seed", label: "seed", value: cfg.seed, min: 0,
          max: lim.seed, onChange: (v) => { cfg.seed = v; reconfigure(); } })),
      h("fieldset", { class: "features" }, h("legend", { text: "Input features" }),
        FEATURES.map(([name, label]) => {
          const box = h("input", { type: "checkbox", id: `pg-feature-${name}`,
            checked: cfg.features.includes(name) });
          box.addEventListener("change", () => {
            const chosen = FEATURES.map(([n]) => n).filter((n) =>
              n === name ? box.checked : cfg.features.includes(n));
            if (!chosen.length) {
              box.checked = true;
              showError("The network needs at least one input feature.");
              return;
            }
            cfg.features = chosen;
            reconfigure();
          });
          return h("label", { class: "check", for: `pg-feature-${name}` }, box, label);
        })),
      h("fieldset", {}, h("legend", { text: "Your own data" }),
        h("p", { class: "hint", text: "Click on the plot to add a point of this label:" }),
        selectRow({ id: "pg-own-label", label: "label of new points", value: ownLabel,
          options: data && data.task === "regression" ? [-1, -0.5, 0, 0.5, 1]
            : [[0, "class 0 orange"], [1, "class 1 blue"], [2, "class 2 green"],
              [3, "class 3 purple"]],
          onChange: (v) => { ownLabel = Number(v); } }),
        h("div", { class: "field" }, h("label", { for: "pg-csv", text: "CSV x1,x2,label" }),
          csvInput),
        button(`clear my points (${cfg.points.length})`, "Remove the points you added",
          () => { cfg.points = []; reconfigure(); },
          { id: "pg-clear-points", disabled: !cfg.points.length })),
      h("fieldset", {}, h("legend", { text: "Network" }),
        h("div", { class: "layer-size" },
          h("span", { text: `hidden layers: ${cfg.hidden.length}` }),
          button("−", "Remove the last hidden layer", () => {
            cfg.hidden.pop();
            reconfigure();
          }, { id: "pg-layers-minus", disabled: cfg.hidden.length === 0 }),
          button("+", "Add a hidden layer", () => {
            cfg.hidden.push(cfg.hidden.at(-1) || 4);
            reconfigure();
          }, { id: "pg-layers-plus", disabled: cfg.hidden.length >= lim.hidden_layers })),
        layers,
        selectRow({ id: "pg-activation", label: "activation", value: cfg.activation,
          options: app.meta.hidden_activations,
          onChange: (v) => { cfg.activation = v; reconfigure(); } })),
      h("fieldset", {}, h("legend", { text: "Training" }),
        selectRow({ id: "pg-lr", label: "learning rate", value: cfg.learning_rate,
          options: rates, onChange: (v) => { cfg.learning_rate = Number(v); reconfigure(); } }),
        selectRow({ id: "pg-optimizer", label: "optimizer", value: cfg.optimizer,
          options: app.meta.optimizers, onChange: (v) => { cfg.optimizer = v; reconfigure(); } }),
        selectRow({ id: "pg-l2", label: "L2 regularization", value: cfg.l2, options: l2s,
          onChange: (v) => { cfg.l2 = Number(v); reconfigure(); } }),
        selectRow({ id: "pg-l1", label: "L1 regularization", value: cfg.l1,
          options: L2_RATES.includes(cfg.l1) ? L2_RATES : [...L2_RATES, cfg.l1],
          onChange: (v) => { cfg.l1 = Number(v); reconfigure(); } }),
        selectRow({ id: "pg-loss", label: "loss", value: cfg.loss,
          options: [["auto", "auto (by task)"], ["mse", "mse"], ["mae", "mae"]],
          onChange: (v) => { cfg.loss = v; reconfigure(); } })));
    // A truth table is its rows: no number of points, no noise, no split (train = test).
    const table = cfg.dataset === "xor4";
    for (const id of ["pg-samples", "pg-noise-range", "pg-noise-num", "pg-train-range",
      "pg-train-num"]) {
      const input = document.getElementById(id);
      if (input) {
        input.disabled = table;
        input.title = table ? "xor4 is the 4 rows of the truth table: every row is trained "
          + "on and tested on" : "";
      }
    }
  }

  // ---------------------------------------------------------------- session
  function openSocket() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${location.host}/api/sessions/${session}/stream`);
    socket = ws;
    ws.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "error") showError(message.error);
      else if (message.type === "frame") {
        drawFrame(message);
        // Say so: the server sends the next frames no faster than they are drawn.
        if (ws.readyState === WebSocket.OPEN) ws.send('{"cmd":"drawn"}');
      }
    };
    ws.onclose = () => {
      if (socket === ws) {
        stopped("The training stream closed, so training stopped. Reload the page to " +
          "start a new session.");
      }
    };
  }

  async function start() {
    let state;
    // A link carries its network's weights (pw) and epoch (pe); an older link only its
    // epoch, which the server replays from the seed.
    const rawEpoch = new URLSearchParams(location.hash.replace(/^#/, "")).get("pe");
    const epochOk = Number.isInteger(pg.epoch) && pg.epoch >= 0;
    const restore = pg.weights ? { weights: pg.weights, epoch: pg.epoch }
      : { epochs: pg.epoch || 0 };
    try {
      if (!epochOk && (pg.weights || rawEpoch)) {
        const error = new Error(`its epoch ${JSON.stringify(rawEpoch)} (pe) is not a whole ` +
          "number of epochs.");
        error.status = 400;
        throw error;
      }
      state = await post("/api/sessions", { config: cfg, ...restore });
    } catch (err) {
      if (err.status !== 400 || !(pg.weights || pg.epoch || !epochOk)) throw err;
      // Say why the link's network could not be restored, then start from epoch 0.
      const at = epochOk ? ` at epoch ${pg.epoch}` : "";
      const why = `This link's network could not be restored${at}: ${err.message} ` +
        "Starting from epoch 0.";
      pg.epoch = 0;
      pg.weights = null;
      state = await post("/api/sessions", { config: cfg, epochs: 0 });
      showError(why);
    }
    session = state.id;
    useState(state);
    openSocket();
  }

  function useState(state) {
    data = state.data;
    Object.assign(cfg, data.config);
    curve = { epoch: [], train: [], test: [] };
    buildControls();
    exportBox.hidden = true;
    drawFrame(state.frame);
  }

  let reconfigureTimer = null;
  function reconfigureSoon() {
    clearTimeout(reconfigureTimer);
    reconfigureTimer = setTimeout(reconfigure, 150);
  }

  async function reconfigure() {
    clearTimeout(reconfigureTimer);
    pg.epoch = 0;
    pg.weights = null;
    app.save();
    if (!session) {  // the first start failed (e.g. own data without points): try again
      buildControls();
      if (!starting) starting = start().catch(() => { starting = null; });
      return;
    }
    try {
      useState(await post(`/api/sessions/${session}/config`, { config: cfg }));
    } catch (err) {
      // The message is in the status bar; go back to the last settings the server took.
      Object.assign(cfg, structuredClone(data.config));
      buildControls();
    }
  }

  /** Send `cmd` on the stream; false (and nothing sent) when there is no open stream. */
  function command(cmd) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ cmd }));
      return true;
    }
    return false;
  }

  function togglePlay() {
    const sent = command(lastFrame && lastFrame.playing ? "pause" : "play");
    if (sent && !(lastFrame && lastFrame.playing)) playButton.textContent = "❚❚ pause";
  }

  /** No stream (any more): the buttons say so, the status line says why and what to do. */
  function stopped(message) {
    socket = null;
    if (lastFrame) lastFrame.playing = false;
    playButton.textContent = "▶ play";
    playButton.setAttribute("aria-label", "Play: train continuously");
    playButton.disabled = true;
    stepButton.disabled = true;
    statusLine.textContent = message;
    statusLine.dataset.kind = "stopped";
  }

  async function reset() {
    if (!session) return;
    drawFrame(await post(`/api/sessions/${session}/reset`, {}));
  }

  function editWeight(c, j, i, value, what) {
    const box = h("input", { type: "number", id: "pg-weight-value", step: "any", value,
      class: "num", "aria-label": `New value of the ${what}` });
    replace(weightEdit, h("label", { for: "pg-weight-value", text: `${what}: ` }), box,
      h("button", { type: "submit", id: "pg-weight-apply", text: "set" }),
      button("cancel", "Close the weight editor", () => { weightEdit.hidden = true; }));
    weightEdit.onsubmit = async (event) => {
      event.preventDefault();
      if (box.value === "" || Number.isNaN(Number(box.value))) return;
      try {
        drawFrame(await post(`/api/sessions/${session}/weight`,
          { layer: c, neuron: j, input: i, value: Number(box.value) }));
        weightEdit.hidden = true;
      } catch (err) {
        // the message is in the status bar; the box stays open to fix the value
      }
    };
    weightEdit.hidden = false;
    box.focus();
    box.select();
  }

  canvas.addEventListener("click", (event) => {
    if (!data) return;
    const rect = canvas.getBoundingClientRect();
    const [x0, x1, y0, y1] = data.extent;
    const x = x0 + ((event.clientX - rect.left) / rect.width) * (x1 - x0);
    const y = y1 - ((event.clientY - rect.top) / rect.height) * (y1 - y0);
    cfg.points = [...cfg.points, [Number(x.toFixed(3)), Number(y.toFixed(3)), ownLabel]];
    reconfigure();
  });

  async function exportModel() {
    if (!session) return;
    const info = await get(`/api/sessions/${session}/export`);
    const link = h("a", { href: info.download, download: info.filename, id: "pg-download",
      text: `download ${info.filename} again` });
    replace(exportBox,
      h("h3", { text: "The Python code that rebuilds and trains this network" }),
      h("pre", { class: "code", id: "pg-code" }, h("code", { text: info.code })),
      h("p", {}, "The model file (the neuronlab save format): ", link));
    exportBox.hidden = false;
    link.click();
  }

  // ---------------------------------------------------------------- drawing
  function drawBoundary(frame) {
    const ctx = canvas.getContext("2d");
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(boundaryImage(frame.boundary), 0, 0, BOUNDARY_PX, BOUNDARY_PX);
    const [x0, x1, y0, y1] = data.extent;
    const px = (x) => ((x - x0) / (x1 - x0)) * BOUNDARY_PX;
    const py = (y) => ((y1 - y) / (y1 - y0)) * BOUNDARY_PX;
    for (const [part, stroke, width] of [["train", "#1d2330", 1.5], ["test", "#ffffff", 1.5]]) {
      const { X, y } = data[part];
      X.forEach(([a, b], k) => {
        ctx.beginPath();
        ctx.arc(px(a), py(b), 3.5, 0, 2 * Math.PI);
        const color = data.task === "regression"
          ? ramp((y[k] - data.target_range[0]) / ((data.target_range[1] - data.target_range[0]) || 1))
          : CLASS_COLORS[y[k] % CLASS_COLORS.length];
        ctx.fillStyle = `rgb(${color.join(",")})`;
        ctx.fill();
        ctx.lineWidth = width;
        ctx.strokeStyle = stroke;
        ctx.stroke();
      });
    }
    const classes = data.task === "regression"
      ? [`targets from ${fmt(data.target_range[0])} (orange) to ${fmt(data.target_range[1])} (blue)`]
      : Array.from({ length: data.classes }, (_, k) => `class ${k} ${CLASS_NAMES[k]}`);
    // Regression: a bar of the continuous colour map, low (orange) to high (blue).
    const bar = data.task === "regression" ? h("span", { class: "ramp", role: "img",
      "aria-label": `colour map: orange ${fmt(data.target_range[0])}, white halfway, blue ` +
        fmt(data.target_range[1]) }) : null;
    replace(legend, bar, `${classes.join(", ")}. Click to add a point. Points with a dark ` +
      `ring are training points (${data.train.y.length}), with a white ring test points ` +
      `(${data.test.y.length}).`);
  }

  function drawNetwork(frame, weights) {
    network.draw(frame, weights, data);
  }

  function drawWeights(weights) {
    replace(weightsBox, weights.map((layer, c) => h("table", { class: "matrix small" },
      h("caption", { text: `layer ${c + 1}: W (${layer.W.length}×${layer.W[0].length}) and b` }),
      h("tbody", {}, layer.W.map((row, j) => h("tr", {},
        h("th", { scope: "row", text: `n${j + 1}` }),
        row.map((w) => h("td", { text: fmt(w) })),
        h("td", { class: "bias-cell", text: `b ${fmt(layer.b[j])}` })))))));
  }

  function drawFrame(frame) {
    if (!data || frame.generation !== data.generation) return;
    shown = fillPictures(frame, shown);
    Object.assign(frame, shown);
    lastFrame = frame;
    const percent = data.metric === "accuracy"
      ? (v) => (v === null ? "—" : `${fmt(v * 100, 1)}%`)
      : (v) => (v === null ? "—" : fmt(v, 4));
    const weights = unpack(frame.params, data.layers);
    document.getElementById("pg-epoch").textContent = frame.epoch;
    document.getElementById("pg-train-loss").textContent = fmt(frame.scores.train.loss, 4);
    document.getElementById("pg-test-loss").textContent = fmt(frame.scores.test.loss, 4);
    document.getElementById("pg-train-acc").textContent = percent(frame.scores.train[data.metric]);
    document.getElementById("pg-test-acc").textContent = percent(frame.scores.test[data.metric]);
    // Which loss: MSE or MAE by name; the cross-entropies as "CE".
    const lossName = ["mse", "mae"].includes(data.loss) ? data.loss.toUpperCase() : "CE";
    for (const side of ["train", "test"]) {
      document.getElementById(`pg-${side}-acc`).previousElementSibling.textContent =
        `${side} ${data.metric === "accuracy" ? "accuracy" : data.metric.toUpperCase()}`;
      document.getElementById(`pg-${side}-loss`).previousElementSibling.textContent =
        `${side} loss (${lossName})`;
    }
    playButton.textContent = frame.playing ? "❚❚ pause" : "▶ play";
    playButton.setAttribute("aria-label", frame.playing ? "Pause training" :
      "Play: train continuously");
    playButton.disabled = Boolean(frame.diverged) || !socket;
    stepButton.disabled = Boolean(frame.diverged) || frame.playing || !socket;
    diverged.hidden = !frame.diverged;
    diverged.textContent = frame.diverged || "";
    const st = frame.status;
    if (socket) {
      statusLine.textContent = st && st.kind !== "diverged" ? st.text : "";
      statusLine.dataset.kind = st ? st.kind : "ok";
    }
    drawBoundary(frame);
    drawNetwork(frame, weights);
    drawWeights(weights);
    stepper.update(frame);
    const got = frame.curves;
    if (!got.append) curve = { epoch: [], train: [], test: [] };
    curve.epoch.push(...got.epoch);
    curve.train.push(...got.train);
    curve.test.push(...got.test);
    const n = curve.epoch.length;
    const every = Math.max(1, Math.ceil(n / 400));  // draw at most ~400 points
    const pick = (list) => list.filter((_, k) => k % every === 0 || k === n - 1);
    linePlot(curves, {
      series: [
        { x: pick(curve.epoch), y: pick(curve.train), color: "#0877bd", label: "train loss" },
        { x: pick(curve.epoch), y: pick(curve.test), color: "#e8710a", label: "test loss" },
      ],
      xLabel: "epoch", yLabel: "loss", yMin: 0, height: 200,
    });
    if (!frame.playing) {
      pg.epoch = frame.epoch;
      pg.weights = frame.params;
      app.save();
    }
    window.labStats.frames += 1;  // drawn: what the benchmark counts and times
    window.labStats.lastFrameAt = performance.now();
  }

  replace(root,
    h("h2", { text: "Playground: watch a network learn" }),
    h("div", { class: "pg-grid" },
      controls,
      h("div", { class: "pg-main" },
        h("div", { class: "buttons" }, playButton, stepButton, stepper.button, resetButton,
          exportButton),
        stats,
        statusLine,
        h("div", { class: "pg-pictures" },
          h("div", { class: "boundary-box" }, canvas, diverged),
          h("div", { class: "network-box" }, network.element, weightEdit)),
        stepper.panel,
        legend,
        h("h3", { text: "Loss by epoch" }),
        curves)),
    h("details", { class: "weights-details" },
      h("summary", { text: "All weights and biases" }), weightsBox),
    exportBox);
  buildControls();

  return {
    show() {
      if (!starting) {
        starting = start().catch((err) => {
          starting = null;  // showing this tab again tries again
          stopped(`Training cannot start: ${err.message} Then come back to this tab or ` +
            "reload the page to try again.");
        });
      }
    },
  };
}
