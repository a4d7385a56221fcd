// The Playground: pick data and a network, press play, and watch the server train it.
// This module holds the page's state (the session, its data, the configuration kept in
// the link) and wires the parts: the controls (pg-controls.js), the stream of frames
// (pg-socket.js) and their drawing (pg-pictures.js, pg-network.js, pg-stepper.js).

import { get, post, showError } from "./api.js";
import { button } from "./controls.js";
import { figure, fmt, h, replace } from "./dom.js";
import { buildControls as fillControls } from "./pg-controls.js";
import { networkView } from "./pg-network.js";
import {
  BOUNDARY_PX, drawBoundary, drawCurves, drawWeights, fillPictures, neuronImage, unpack,
} from "./pg-pictures.js";
import { openStream } from "./pg-socket.js";
import { slowMotion } from "./pg-stepper.js";

// Counters the benchmark reads: how many frames arrived, and when.
window.labStats = { frames: 0, lastFrameAt: 0 };

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
  // The buttons are disabled until what they need is there (the session; for play and
  // step its open stream): a click before then would do nothing. drawFrame enables them.
  const playButton = button("▶ play", "Play: train continuously", () => togglePlay(),
    { id: "pg-play", class: "primary", disabled: true });
  const stepButton = button("step", "Train one epoch", () => command("step"),
    { id: "pg-step", disabled: true });
  const resetButton = button("reset", "Reset the weights to their starting values",
    () => reset(), { id: "pg-reset", disabled: true });
  const exportButton = button("export", "Download the model and show its Python code",
    () => exportModel(), { id: "pg-export", disabled: true });
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

  const csvInput = h("input", { type: "file", id: "pg-csv", accept: ".csv,text/csv",
    "aria-label": "Upload a CSV file of points x1,x2,label" });
  csvInput.addEventListener("change", async () => {
    const file = csvInput.files[0];
    if (!file) return;
    try {
      const { points } = await post("api/playground/csv", { text: await file.text() });
      cfg.points = points;
      reconfigure();
    } catch (err) {
      // The message (naming the bad row) is in the status bar.
    }
    csvInput.value = "";
  });
  // What the controls show and edit besides the configuration.
  const page = { data: null, ownLabel: 0, csvInput };
  function buildControls() {
    page.data = data;
    fillControls(controls, cfg, app.meta, page, { reconfigure, reconfigureSoon });
  }

  // ---------------------------------------------------------------- session
  function openSocket() {
    const stream = openStream(session, {
      onFrame: (frame) => drawFrame(frame),
      onError: (message) => showError(message),
      onClose: () => {
        if (socket === stream) {
          stopped("The training stream closed, so training stopped. Reload the page to " +
            "start a new session.");
        }
      },
    });
    socket = stream;
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
      state = await post("api/sessions", { config: cfg, ...restore });
    } catch (err) {
      if (err.status !== 400 || !(pg.weights || pg.epoch || !epochOk)) throw err;
      // Say why the link's network could not be restored, then start from epoch 0.
      const at = epochOk ? ` at epoch ${pg.epoch}` : "";
      const why = `This link's network could not be restored${at}: ${err.message} ` +
        "Starting from epoch 0.";
      pg.epoch = 0;
      pg.weights = null;
      state = await post("api/sessions", { config: cfg, epochs: 0 });
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
      // (after the stream closed, `starting` is the start that succeeded: nothing new)
      buildControls();
      if (!starting) starting = start().catch(() => { starting = null; });
      return;
    }
    try {
      useState(await post(`api/sessions/${session}/config`, { config: cfg }));
    } catch (err) {
      // The message is in the status bar; go back to the last settings the server took.
      Object.assign(cfg, structuredClone(data.config));
      buildControls();
    }
  }

  /** Send `cmd` on the stream; false (and nothing sent) when there is no open stream. */
  function command(cmd) {
    return socket ? socket.send(cmd) : false;
  }

  function togglePlay() {
    const sent = command(lastFrame && lastFrame.playing ? "pause" : "play");
    if (sent && !(lastFrame && lastFrame.playing)) playButton.textContent = "❚❚ pause";
  }

  /** No stream (any more): the buttons say so, the status line says why and what to do.
   * The lab ends a session when its stream closes, so every button that needs the session
   * goes off too (a click would only get "no such session"). */
  function stopped(message) {
    socket = null;
    session = null;
    if (lastFrame) lastFrame.playing = false;
    playButton.textContent = "▶ play";
    playButton.setAttribute("aria-label", "Play: train continuously");
    for (const b of [playButton, stepButton, resetButton, exportButton, stepper.button]) {
      b.disabled = true;
    }
    statusLine.textContent = message;
    statusLine.dataset.kind = "stopped";
  }

  async function reset() {
    if (!session) return;
    drawFrame(await post(`api/sessions/${session}/reset`, {}));
  }

  function editWeight(c, j, i, value, what) {
    if (!session) return;  // the session ended with its stream
    const box = h("input", { type: "number", id: "pg-weight-value", step: "any", value,
      class: "num", "aria-label": `New value of the ${what}` });
    replace(weightEdit, h("label", { for: "pg-weight-value", text: `${what}: ` }), box,
      h("button", { type: "submit", id: "pg-weight-apply", text: "set" }),
      button("cancel", "Close the weight editor", () => { weightEdit.hidden = true; }));
    weightEdit.onsubmit = async (event) => {
      event.preventDefault();
      if (box.value === "" || Number.isNaN(Number(box.value))) return;
      try {
        drawFrame(await post(`api/sessions/${session}/weight`,
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
    cfg.points = [...cfg.points, [Number(x.toFixed(3)), Number(y.toFixed(3)), page.ownLabel]];
    reconfigure();
  });

  async function exportModel() {
    if (!session) return;
    const info = await get(`api/sessions/${session}/export`);
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
    // evaluate's loss is what training minimizes: the L2/L1 penalty is in it
    const penalty = data.config.l2 || data.config.l1 ? " + penalty" : "";
    for (const side of ["train", "test"]) {
      document.getElementById(`pg-${side}-acc`).previousElementSibling.textContent =
        `${side} ${data.metric === "accuracy" ? "accuracy" : data.metric.toUpperCase()}`;
      document.getElementById(`pg-${side}-loss`).previousElementSibling.textContent =
        `${side} loss (${lossName}${penalty})`;
    }
    playButton.textContent = frame.playing ? "❚❚ pause" : "▶ play";
    playButton.setAttribute("aria-label", frame.playing ? "Pause training" :
      "Play: train continuously");
    const live = Boolean(socket && socket.open);  // a click before the stream opens is lost
    playButton.disabled = Boolean(frame.diverged) || !live;
    stepButton.disabled = Boolean(frame.diverged) || frame.playing || !live;
    resetButton.disabled = !session;  // these two need only the session
    exportButton.disabled = !session;
    diverged.hidden = !frame.diverged;
    diverged.textContent = frame.diverged || "";
    const st = frame.status;
    if (socket) {
      statusLine.textContent = st && st.kind !== "diverged" ? st.text : "";
      statusLine.dataset.kind = st ? st.kind : "ok";
    }
    drawBoundary(canvas, legend, frame, data);
    network.draw(frame, weights, data);
    drawWeights(weightsBox, weights);
    stepper.update(frame);
    const got = frame.curves;
    if (!got.append) curve = { epoch: [], train: [], test: [] };
    curve.epoch.push(...got.epoch);
    curve.train.push(...got.train);
    curve.test.push(...got.test);
    drawCurves(curves, curve);
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
        curves,
        h("p", { class: "hint", id: "pg-curves-note", text: "The train loss is the mean over " +
          "the epoch's batches, each taken before its step (as fit reports it); the test " +
          "loss is measured after the epoch. So early on the train curve can sit above the " +
          "test curve while the train loss above, measured now, is below it." }))),
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
