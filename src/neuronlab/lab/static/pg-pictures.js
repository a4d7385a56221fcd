// The playground's drawing: the pictures a frame carries (boundary, each neuron's map),
// the points on the boundary, the weights table and the loss curves. Pictures arrive as
// base64 bytes (one a cell); this module turns them into colours and draws them.

import { linePlot } from "./diagrams.js";
import { fmt, h, replace } from "./dom.js";

// One colour per class the learner can pick (the server's own_labels), and its name.
export const CLASS_COLORS = [[232, 113, 10], [8, 119, 189], [44, 160, 44], [148, 103, 189]];
export const CLASS_NAMES = ["orange", "blue", "green", "purple"];
export const BOUNDARY_PX = 360;

/** Base64 float32 weights -> [{W: rows, b}] for a network of `sizes` (W row by row, then b). */
export function unpack(params, sizes) {
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
export function neuronImage(grid, size) {
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
export function fillPictures(frame, shown) {
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

/**
 * The boundary on `canvas` with the data's points (train: dark ring, test: white ring),
 * and the legend under it saying what the colours are.
 */
export function drawBoundary(canvas, legend, frame, data) {
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

/** Every weight and bias, one small table per layer. */
export function drawWeights(weightsBox, weights) {
  replace(weightsBox, weights.map((layer, c) => h("table", { class: "matrix small" },
    h("caption", { text: `layer ${c + 1}: W (${layer.W.length}×${layer.W[0].length}) and b` }),
    h("tbody", {}, layer.W.map((row, j) => h("tr", {},
      h("th", { scope: "row", text: `n${j + 1}` }),
      row.map((w) => h("td", { text: fmt(w) })),
      h("td", { class: "bias-cell", text: `b ${fmt(layer.b[j])}` })))))));
}

/** The train and test loss curves so far (at most ~400 points drawn). */
export function drawCurves(figure, curve) {
  const n = curve.epoch.length;
  const every = Math.max(1, Math.ceil(n / 400));
  const pick = (list) => list.filter((_, k) => k % every === 0 || k === n - 1);
  linePlot(figure, {
    series: [
      // fit's history: the train loss is the mean over the epoch's batches, each taken
      // before its step; the test loss is measured after the epoch (as in Keras; the
      // note under the figure says so)
      { x: pick(curve.epoch), y: pick(curve.train), color: "#0877bd", label: "train loss" },
      { x: pick(curve.epoch), y: pick(curve.test), color: "#e8710a", label: "test loss" },
    ],
    xLabel: "epoch", yLabel: "loss", yMin: 0, height: 200,
  });
}
