// Lesson 10: the 2x + 1 puzzle trained step by step. Step, Play and Reset walk the
// run that POST /api/widgets/puzzle computed (neuronlab.stories.train_puzzle): w, b,
// the answer for 55, and the path of (w, b) on a contour map of the loss surface.

import { button, selectRow } from "../controls.js";
import { niceTicks, tickText } from "../diagrams.js";
import { figure, fmt, h, replace, s } from "../dom.js";
import { arithmetic, copy, frame, latest, readout, request } from "./common.js";

const RATES = [0.00002, 0.00005, 0.0001, 0.0002, 0.0004, 0.0005];
const LOW = [255, 248, 225];  // the valley floor
const HIGH = [38, 64, 120];  // the high walls

function surfaceImage(surface) {
  const n = surface.size;
  const canvas = document.createElement("canvas");
  canvas.width = n;
  canvas.height = n;
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(n, n);
  surface.bands.forEach((row, j) => row.forEach((band, i) => {
    const t = band / (surface.levels - 1);
    const rgb = LOW.map((c, k) => Math.round(c + (HIGH[k] - c) * t));
    image.data.set([...rgb, 255], ((n - 1 - j) * n + i) * 4);  // row 0 is the lowest b
  }));
  ctx.putImageData(image, 0, 0);
  return canvas.toDataURL();
}

export function mount(section, settings) {
  const view = frame(section);
  const lesson = { w: settings.w ?? 0.1, b: settings.b ?? 0.6,
    learning_rate: settings.learning_rate ?? 0.0001, steps: settings.steps ?? 50 };
  let st = copy(lesson);
  let run = null;
  let at = 0;
  let timer = null;
  let drawnWidth = 0;
  const [stepRow, stepOut] = readout(view.id("step"), "");
  const [wRow, wOut] = readout(view.id("w"), "w =");
  const [bRow, bOut] = readout(view.id("b"), "b =");
  const [pRow, pOut] = readout(view.id("prediction"), "ŷ →");
  const pLabel = pRow.firstChild;  // "55 →" once the run says which number is asked about
  const [lRow, lOut] = readout(view.id("loss"), "loss =");
  const note = h("p", { class: "widget-error", role: "alert", id: view.id("diverged"), hidden: true });
  const pairs = h("p", { class: "hint", id: view.id("pairs") });
  const map = figure(view.id("surface"), "The loss over (w, b) as a contour map, with the path of the steps");
  const controls = h("div", { class: "buttons" });
  const playButton = button("▶ Play", "Play: take every step in turn", () => play(),
    { id: view.id("play"), class: "primary" });
  const stepButton = button("Step", "Take one step of gradient descent", () => go(at + 1),
    { id: view.id("next") });
  const resetButton = button("Reset", "Back to the starting w and b", () => go(0),
    { id: view.id("restart") });

  function stop() {
    clearInterval(timer);
    timer = null;
    playButton.textContent = "▶ Play";
  }

  function play() {
    if (timer) { stop(); return; }
    if (!run) return;
    if (at >= run.steps.length - 1) go(0);
    playButton.textContent = "❚❚ Pause";
    timer = setInterval(() => {
      if (at >= run.steps.length - 1) stop();
      else go(at + 1);
    }, 80);
  }

  function go(k) {
    if (!run) return;
    at = Math.max(0, Math.min(k, run.steps.length - 1));
    draw();
  }

  function draw() {
    const row = run.steps[at];
    stepOut.textContent = row.step < 0 ? "start" : `after step ${row.step + 1} of ${run.steps.length - 1}`;
    wOut.textContent = fmt(row.w, 4);
    bOut.textContent = fmt(row.b, 4);
    pOut.textContent = fmt(row.prediction);
    lOut.textContent = fmt(row.loss, 3);
    stepButton.disabled = at >= run.steps.length - 1;
    const sf = run.surface;
    // As wide in its own units as on screen (300 to 560), so its text stays 11-13 px.
    const onScreen = map.getBoundingClientRect().width;
    const W = onScreen ? Math.round(Math.min(560, Math.max(300, onScreen))) : 420;
    const H = Math.round(W * 0.68);
    drawnWidth = W;
    const pad = { left: 50, right: 10, top: 12, bottom: 40 };
    const px = (w) => pad.left + ((w - sf.w[0]) / (sf.w[1] - sf.w[0])) * (W - pad.left - pad.right);
    const py = (b) => H - pad.bottom - ((b - sf.b[0]) / (sf.b[1] - sf.b[0])) * (H - pad.top - pad.bottom);
    map.setAttribute("viewBox", `0 0 ${W} ${H}`);
    const path = run.steps.slice(0, at + 1).map((r, i) => `${i ? "L" : "M"}${px(r.w).toFixed(1)},${py(r.b).toFixed(1)}`).join("");
    // Round ticks inside the map's range (the range itself is the server's).
    const wTicks = niceTicks(sf.w[0], sf.w[1], W < 400 ? 3 : 5, true);
    const bTicks = niceTicks(sf.b[0], sf.b[1], 4, true);
    replace(map,
      s("image", { href: run.image, x: pad.left, y: pad.top, width: W - pad.left - pad.right,
        height: H - pad.top - pad.bottom, preserveAspectRatio: "none", class: "pixelated" }),
      s("rect", { x: pad.left, y: pad.top, width: W - pad.left - pad.right,
        height: H - pad.top - pad.bottom, class: "frame" }),
      s("path", { d: path, class: "path-halo" }),
      s("path", { d: path, class: "path" }),
      s("circle", { cx: px(2), cy: py(1), r: 5, class: "answer" }),
      s("text", { x: px(2) - 8, y: py(1) - 8, "text-anchor": "end", class: "answer-label", text: "w = 2, b = 1" }),
      s("circle", { cx: px(row.w), cy: py(row.b), r: 5, class: "marker" }),
      s("text", { x: (W + pad.left) / 2, y: H - 4, "text-anchor": "middle", class: "axis-label", text: "weight w" }),
      s("text", { x: 12, y: (H - pad.bottom + pad.top) / 2, class: "axis-label",
        transform: `rotate(-90 12 ${(H - pad.bottom + pad.top) / 2})`, "text-anchor": "middle", text: "bias b" }),
      wTicks.map((v) => [s("line", { x1: px(v), x2: px(v), y1: H - pad.bottom, y2: H - pad.bottom + 4,
        class: "tick-mark" }), s("text", { x: px(v), y: H - pad.bottom + 17, "text-anchor": "middle",
        class: "tick", text: tickText(v, wTicks) })]).flat(),
      bTicks.map((v) => [s("line", { x1: pad.left - 4, x2: pad.left, y1: py(v), y2: py(v),
        class: "tick-mark" }), s("text", { x: pad.left - 6, y: py(v) + 4,
        "text-anchor": "end", class: "tick", text: tickText(v, bTicks) })]).flat());
  }

  const load = latest(async () => {
    stop();
    const r = await request("/api/widgets/puzzle", st);
    run = { ...r, image: surfaceImage(r.surface) };
    note.textContent = r.diverged || "";
    note.hidden = !r.diverged;
    pLabel.textContent = `${r.question} → `;
    pairs.textContent = `Pairs ${r.pairs.map(([x, y]) => `${x}→${y}`).join(", ")}; `
      + `loss ${r.loss_formula}.`;
    go(0);
  }, view);

  function build() {
    replace(controls, stepButton, playButton, resetButton,
      selectRow({ id: view.id("rate"), label: "learning rate", value: st.learning_rate,
        options: RATES.includes(st.learning_rate) ? RATES : [...RATES, st.learning_rate].sort((a, b) => a - b),
        onChange: (v) => { st.learning_rate = Number(v); load(); } }));
  }

  replace(view.body, h("div", { class: "widget-columns" },
    h("div", {}, controls, arithmetic(h("p", { class: "widget-big stacked", "aria-live": "polite" },
      stepRow, wRow, bRow, pRow, lRow)), note,
      pairs),
    h("div", { class: "widget-results" }, map)));
  build();
  load();
  if (typeof ResizeObserver !== "undefined") {
    new ResizeObserver(() => {
      const w = map.getBoundingClientRect().width;
      if (run && w && Math.round(Math.min(560, Math.max(300, w))) !== drawnWidth) draw();
    }).observe(map);
  }
  return { reset() { st = copy(lesson); build(); load(); } };
}
