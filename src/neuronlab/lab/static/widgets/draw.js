// Lesson 13: the learner draws a digit. The drawing goes to the server as a grid of grey
// levels; the library prepares it as MNIST prepares its digits (the ink's box scaled to
// 20 x 20, centred by its centre of mass in 28 x 28: neuronlab.vision.to_mnist) and the
// MLP and the conv net of the lesson read it side by side (POST /api/widgets/draw).

import { h, replace } from "../dom.js";
import { arithmetic, frame, latest, request } from "./common.js";
import { bars, grid, paint } from "./pixels.js";

const SIDE = 280;  // the pad's own pixels
const SENT = 56;  // the drawing is sent as SENT x SENT grey levels

export function mount(section, settings) {
  const view = frame(section);
  const pad = h("canvas", { id: view.id("pad"), class: "draw-pad", width: SIDE, height: SIDE,
    role: "img", "aria-label": "Draw a digit here with the mouse or a finger" });
  const seen = grid(view.id("seen"), "Your digit as the networks see it: 28 × 28", 4);
  const status = arithmetic(h("p", { class: "hint", id: view.id("status"), "aria-live": "polite",
    text: "Draw one digit, large, in the box." }));
  const mlpBars = arithmetic(h("div", { class: "prob-bars", id: view.id("mlp") }));
  const convBars = arithmetic(h("div", { class: "prob-bars", id: view.id("conv") }));
  const mlpHead = h("h4", { id: view.id("mlp-head"), text: "The MLP reads" });
  const convHead = h("h4", { id: view.id("conv-head"), text: "The conv net reads" });
  const clear = h("button", { type: "button", id: view.id("clear"), text: "Clear" });
  const ctx = pad.getContext("2d");
  let drawing = false;
  let inked = false;
  let previous = null;

  function blank() {
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, SIDE, SIDE);
    inked = false;
    replace(mlpBars);
    replace(convBars);
    mlpHead.textContent = "The MLP reads";
    convHead.textContent = "The conv net reads";
    delete section.dataset.conv;
    delete section.dataset.mlp;
    paint(seen, Array.from({ length: 28 }, () => new Array(28).fill(0)));
  }

  function point(event) {
    const box = pad.getBoundingClientRect();
    return [((event.clientX - box.left) / box.width) * SIDE,
      ((event.clientY - box.top) / box.height) * SIDE];
  }

  function stroke(event) {
    const [x, y] = point(event);
    ctx.strokeStyle = "#000000";
    ctx.lineWidth = settings.pen ?? 20;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.beginPath();
    const [x0, y0] = previous ?? [x, y];
    ctx.moveTo(x0, y0);
    ctx.lineTo(x + (previous ? 0 : 0.01), y);
    ctx.stroke();
    previous = [x, y];
    inked = true;
  }

  /** The pad as SENT x SENT grey levels: 0 paper, 1 ink (averaged by the browser's scaling). */
  function greyLevels() {
    const small = document.createElement("canvas");
    small.width = SENT;
    small.height = SENT;
    const sctx = small.getContext("2d");
    sctx.imageSmoothingEnabled = true;
    sctx.imageSmoothingQuality = "high";
    sctx.drawImage(pad, 0, 0, SENT, SENT);
    const data = sctx.getImageData(0, 0, SENT, SENT).data;
    const rows = [];
    for (let i = 0; i < SENT; i++) {
      const row = [];
      for (let j = 0; j < SENT; j++) {
        const k = 4 * (i * SENT + j);
        row.push(Math.round((1 - data[k] / 255) * 100) / 100);
      }
      rows.push(row);
    }
    return rows;
  }

  const read = latest(async () => {
    if (!inked) return;
    const timer = setTimeout(() => {
      status.textContent = "Training the two readers on the training digits "
        + "(only the first time, a few seconds)…";
    }, 400);
    let r;
    try {
      r = await request("/api/widgets/draw", { pixels: greyLevels() });
    } finally {
      clearTimeout(timer);
    }
    paint(seen, r.image);
    replace(mlpBars, bars(r.mlp, view.id("mlp-p")));
    replace(convBars, bars(r.conv, view.id("conv-p")));
    mlpHead.textContent = `The MLP reads ${r.mlp_digit} (${(100 * r.mlp[r.mlp_digit]).toFixed(1)}%)`;
    convHead.textContent = `The conv net reads ${r.conv_digit} (${(100 * r.conv[r.conv_digit]).toFixed(1)}%)`;
    status.textContent = `The MLP (${r.mlp_parameters.toLocaleString("en")} weights) reads `
      + `${(100 * r.mlp_accuracy).toFixed(1)}% of the ${r.held_out.toLocaleString("en")} held-out digits right; the conv net `
      + `(${r.conv_parameters.toLocaleString("en")} weights) ${(100 * r.conv_accuracy).toFixed(1)}%.`;
    section.dataset.mlp = String(r.mlp_digit);
    section.dataset.conv = String(r.conv_digit);
  }, view);

  pad.addEventListener("pointerdown", (event) => {
    drawing = true;
    previous = null;
    pad.setPointerCapture?.(event.pointerId);
    stroke(event);
  });
  pad.addEventListener("pointermove", (event) => { if (drawing) stroke(event); });
  const lift = () => {
    if (!drawing) return;
    drawing = false;
    previous = null;
    read();
  };
  pad.addEventListener("pointerup", lift);
  pad.addEventListener("pointerleave", lift);
  clear.addEventListener("click", () => { blank(); status.textContent = "Draw one digit, large, in the box."; });

  replace(view.body,
    h("div", { class: "widget-columns" },
      h("div", {}, pad, h("div", { class: "widget-foot" }, clear,
        h("figure", { class: "kernel-tile" }, seen, h("figcaption", { text: "what the networks see" })))),
      h("div", { class: "widget-results" }, status,
        h("div", { class: "draw-readers" },
          h("div", { class: "widget-panel" }, mlpHead, mlpBars),
          h("div", { class: "widget-panel" }, convHead, convBars)))));
  blank();
  view.ready();
  return { reset() { blank(); } };
}
