// Pictures of numbers for the lesson "Seeing": a digit, a kernel or a feature map drawn
// cell by cell on a canvas. Only drawing: every value comes from the server.

import { h } from "../dom.js";

/** A canvas showing a `rows x cols` grid, `scale` screen pixels per cell. */
export function grid(id, label, scale = 6) {
  const canvas = h("canvas", { id, class: "pixels", role: "img", "aria-label": label });
  canvas.dataset.scale = String(scale);
  return canvas;
}

/** Grey for an image (0 white paper .. 1 black ink). */
const grey = (v) => {
  const c = Math.round(255 * (1 - Math.max(0, Math.min(1, v))));
  return `rgb(${c},${c},${c})`;
};

/** Blue for positive, red for negative, white for zero, scaled by `top`. */
function signed(v, top) {
  const t = top > 0 ? Math.max(-1, Math.min(1, v / top)) : 0;
  const [r, g, b] = t >= 0 ? [11, 106, 168] : [179, 38, 30];
  const a = Math.abs(t);
  const mix = (c) => Math.round(255 + (c - 255) * a);
  return `rgb(${mix(r)},${mix(g)},${mix(b)})`;
}

/**
 * Paint `values` (rows of numbers) on `canvas`. `kind` "image" is grey 0..1; "signed"
 * is blue/red around 0 scaled by the largest size. `shown(i, j)` (optional) says which
 * cells are drawn yet (the others stay blank, dotted).
 */
export function paint(canvas, values, { kind = "image", shown = null } = {}) {
  const scale = Number(canvas.dataset.scale || 6);
  const rows = values.length;
  const cols = rows ? values[0].length : 0;
  canvas.width = cols * scale;
  canvas.height = rows * scale;
  const ctx = canvas.getContext("2d");
  const top = Math.max(1e-12, ...values.flat().map((v) => Math.abs(v)));
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      if (shown && !shown(i, j)) {
        ctx.fillStyle = "#eef0f4";
        ctx.fillRect(j * scale, i * scale, scale, scale);
        continue;
      }
      ctx.fillStyle = kind === "image" ? grey(values[i][j]) : signed(values[i][j], top);
      ctx.fillRect(j * scale, i * scale, scale, scale);
    }
  }
  return ctx;
}

/** Outline cells `[row, col]` to `[row + rows, col + cols]` on a painted canvas. */
export function outline(canvas, row, col, rows, cols, color = "#b85a00") {
  const scale = Number(canvas.dataset.scale || 6);
  const ctx = canvas.getContext("2d");
  ctx.strokeStyle = color;
  ctx.lineWidth = 2;
  ctx.strokeRect(col * scale + 1, row * scale + 1, cols * scale - 2, rows * scale - 2);
}

/** The grid cell `[row, col]` under a pointer event on `canvas` (its CSS size may differ). */
export function cellAt(canvas, event, rows, cols) {
  const box = canvas.getBoundingClientRect();
  const col = Math.floor(((event.clientX - box.left) / box.width) * cols);
  const row = Math.floor(((event.clientY - box.top) / box.height) * rows);
  return [Math.max(0, Math.min(rows - 1, row)), Math.max(0, Math.min(cols - 1, col))];
}

/** Probability bars for classes 0-9, the largest marked. */
export function bars(probabilities, idPrefix) {
  const best = probabilities.indexOf(Math.max(...probabilities));
  return probabilities.map((p, k) => {
    const bar = h("span", { class: "prob-bar" });
    bar.style.width = `${(100 * p).toFixed(2)}%`;
    return h("div", { class: k === best ? "prob-row best" : "prob-row" },
      h("span", { class: "prob-name", text: String(k) }),
      h("span", { class: "prob-track" }, bar),
      h("output", { class: "prob-value", id: `${idPrefix}-${k}`, text: `${(100 * p).toFixed(1)}%` }));
  });
}
