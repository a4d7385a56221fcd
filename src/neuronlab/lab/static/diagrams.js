// SVG pictures: one neuron, one layer, line plots. They draw numbers the server sent.

import { computedText, fmt, replace, s, setText, signColor, textColor,
  weightWidth } from "./dom.js";

// ------------------------------------------------------------------ fitting the page
// A diagram's picture is as wide (in its own units) as it is on screen, between a
// narrow form for phones and a wide form: its 11-14 px text stays 11-14 px.

const drawn = new WeakMap();  // svg -> { redraw, width } of its last drawing
const observer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver((entries) => {
  for (const entry of entries) {
    const last = drawn.get(entry.target);
    if (last && entry.contentRect.width > 0 && widthFor(entry.target, last.least, last.most)
        !== last.width) {
      last.redraw();
    }
  }
});

/** The viewBox width for `svg`: its width on screen, kept within [least, most]. */
function widthFor(svg, least, most) {
  const onScreen = svg.getBoundingClientRect().width;
  if (!onScreen) return most;
  return Math.round(Math.min(most, Math.max(least, onScreen)));
}

/** Remember how to draw `svg` again when its width on screen changes. */
function watch(svg, least, most, width, redraw) {
  if (!drawn.has(svg) && observer) observer.observe(svg);
  drawn.set(svg, { least, most, width, redraw });
}

/** Do the boxes a and b (x, y, width, height) overlap? */
function overlaps(a, b) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height
    && b.y < a.y + a.height;
}

/** Does the box touch the circle {cx, cy, r}? */
function touchesCircle(box, c) {
  const nx = Math.max(box.x, Math.min(c.cx, box.x + box.width));
  const ny = Math.max(box.y, Math.min(c.cy, box.y + box.height));
  return (nx - c.cx) ** 2 + (ny - c.cy) ** 2 < c.r ** 2;
}

function padded(box, pad) {
  return { x: box.x - pad, y: box.y - pad, width: box.width + 2 * pad,
    height: box.height + 2 * pad };
}

/**
 * Put each label at the first of its spots where it overlaps no label placed before,
 * no circle and no fixed box, and stays inside the picture; a label with no free spot
 * is hidden (its link's tooltip and the step-by-step lines still give the number).
 */
export function placeLabels(svg, labels, circles, fixed, width, height) {
  const taken = fixed.map((el) => padded(el.getBBox(), 1));
  for (const { el, spots } of labels) {
    let free = false;
    for (const [x, y] of spots) {
      el.setAttribute("x", x.toFixed(1));
      el.setAttribute("y", y.toFixed(1));
      const box = padded(el.getBBox(), 2);
      if (box.width <= 4) return;  // not laid out (the view is hidden): leave as is
      free = box.x >= 0 && box.x + box.width <= width && box.y >= 0
        && box.y + box.height <= height
        && !taken.some((other) => overlaps(box, other))
        && !circles.some((c) => touchesCircle(box, c));
      if (free) {
        taken.push(box);
        break;
      }
    }
    if (!free) el.setAttribute("visibility", "hidden");
  }
}

/** Shrink the text of each node until it fits inside the node's circle. */
function fitNodes(svg) {
  for (const group of svg.querySelectorAll("g.node")) {
    const circle = group.querySelector("circle");
    const cy = Number(circle.getAttribute("cy"));
    const r = Number(circle.getAttribute("r"));
    for (const text of group.querySelectorAll("text")) {
      for (let tries = 0; tries < 4; tries++) {
        const box = text.getBBox();
        if (!box.width) break;
        const dy = Math.max(Math.abs(box.y - cy), Math.abs(box.y + box.height - cy));
        const room = 2 * Math.sqrt(Math.max(0, r * r - dy * dy)) - 6;
        if (box.width <= room) break;
        const size = parseFloat(getComputedStyle(text).fontSize);
        // never below 11 px: a number that small is not read (the tooltip has it too)
        const smaller = Math.max(11, size * Math.max(0.5, room / box.width) * 0.97);
        if (smaller >= size) break;
        text.style.fontSize = `${smaller}px`;
      }
    }
    // Text that does not fit even at 11 px (say 1000.00) gets a larger circle instead.
    const cx = Number(circle.getAttribute("cx"));
    let need = r;
    for (const text of group.querySelectorAll("text")) {
      const box = text.getBBox();
      if (!box.width) continue;
      const dx = Math.max(Math.abs(box.x - cx), Math.abs(box.x + box.width - cx));
      const dy = Math.max(Math.abs(box.y - cy), Math.abs(box.y + box.height - cy));
      need = Math.max(need, Math.hypot(dx, dy) + 1);
    }
    if (need > r) circle.setAttribute("r", need.toFixed(1));
  }
}

/** Shrink a text until its right end is inside the picture. */
function fitRight(text, width) {
  const box = text.getBBox();
  if (box.width && box.x + box.width > width - 2) {
    const size = parseFloat(getComputedStyle(text).fontSize);
    text.style.fontSize = `${Math.max(11, (size * (width - 2 - box.x)) / box.width)}px`;
  }
}

// ------------------------------------------------------------------ pieces
function node(x, y, r, cls, lines, title) {
  const group = s("g", { class: cls });
  group.append(s("circle", { cx: x, cy: y, r }));
  const top = y - (lines.length - 1) * 8;
  lines.forEach((line, i) => {
    group.append(s("text", { x, y: top + i * 16 + 4, "text-anchor": "middle", text: line }));
  });
  if (title) group.append(s("title", { text: title }));
  return group;
}

function link(x1, y1, x2, y2, weight, extra = {}) {
  return s("line", {
    x1, y1, x2, y2, stroke: signColor(weight), "stroke-width": weightWidth(weight),
    class: "link", ...extra,
  });
}

function label(x, y, text, cls = "link-label") {
  return s("text", { x, y, class: cls, "text-anchor": "middle", text });
}

/** Spots along the segment (x1, y1) -> (x2, y2) at fractions `ts`, shifted by dy. */
function along(x1, y1, x2, y2, ts, dy) {
  return ts.map((t) => [x1 + (x2 - x1) * t, y1 + (y2 - y1) * t + dy]);
}

// ------------------------------------------------------------------ the diagrams
/**
 * One neuron: inputs on the left, weights and products along the links, z and y.
 * Narrow (a phone): the output ŷ sits under the neuron, so the links keep their room.
 */
export function drawNeuron(svg, r) {
  const width = widthFor(svg, 300, 600);
  watch(svg, 300, 600, width, () => drawNeuron(svg, r));
  const narrow = width < 520;
  const n = r.inputs.length;
  const gap = 64;
  const base = Math.max(240, n * gap + 50);
  const cy = base / 2;
  const rIn = narrow ? 22 : 24;
  const xIn = narrow ? 50 : 60;
  const rN = 46;
  const rOut = narrow ? 32 : 38;
  const nx = narrow ? width - rN - 10 : 360;
  const [ox, oy] = narrow ? [nx, cy + rN + 44 + rOut] : [540, cy];
  const height = narrow ? Math.max(base, oy + rOut + 8) : base;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const parts = [];
  const labels = [];
  const weightLabels = [];
  const productLabels = [];
  const circles = [];
  const fixed = [];
  const x0 = xIn + rIn + 2;
  const x1 = nx - rN;
  r.inputs.forEach((x, i) => {
    const y = cy + (i - (n - 1) / 2) * gap;
    parts.push(link(x0, y, x1, cy, r.weights[i]));
    const w = label(0, 0, `w${i + 1} = ${setText(r.weights[i])}`);
    const p = label(0, 0, `x·w = ${computedText(r.products[i])}`, "link-label product");
    parts.push(w, p);
    weightLabels.push({ el: w, spots: along(x0, y, x1, cy, [0.25, 0.15, 0.35, 0.45], -6) });
    productLabels.push({ el: p,
      spots: along(x0, y, x1, cy, [0.6, 0.5, 0.7, 0.4, 0.8, 0.3], 15) });
    parts.push(node(xIn, y, rIn, "node input", [setText(x)], `input x${i + 1} = ${setText(x)}`));
    circles.push({ cx: xIn, cy: y, r: rIn });
    const name = s("text", { x: xIn - rIn - 5, y: y + 4, "text-anchor": "end",
      class: "axis-label", text: `x${i + 1}` });
    parts.push(name);
    fixed.push(name);
  });
  labels.push(...weightLabels, ...productLabels);
  parts.push(s("line", { x1: nx, y1: 22, x2: nx, y2: cy - rN, class: "bias-link" }));
  const bias = s("text", { x: nx, y: 16, class: "link-label bias",
    "text-anchor": narrow ? "end" : "middle", text: `bias b = ${setText(r.bias)}` });
  if (narrow) bias.setAttribute("x", nx + rN);
  parts.push(bias);
  fixed.push(bias);
  parts.push(node(nx, cy, rN, "node neuron", [`Σ = ${computedText(r.sum)}`,
    `z = ${computedText(r.z)}`], "sum of the products plus the bias"));
  circles.push({ cx: nx, cy, r: rN }, { cx: ox, cy: oy, r: rOut });
  const activation = `${r.activation}(z)`;
  if (narrow) {
    parts.push(s("line", { x1: nx, y1: cy + rN, x2: ox, y2: oy - rOut, class: "out-link" }));
    const f = s("text", { x: nx - 8, y: (cy + rN + oy - rOut) / 2 + 4, class: "link-label",
      "text-anchor": "end", text: activation });
    parts.push(f);
    fixed.push(f);
  } else {
    parts.push(s("line", { x1: nx + rN, y1: cy, x2: ox - rOut, y2: cy, class: "out-link" }));
    const f = label((nx + rN + ox - rOut) / 2, cy - 8, activation);
    parts.push(f);
    fixed.push(f);
  }
  parts.push(node(ox, oy, rOut, "node output", ["ŷ =", computedText(r.y)],
    "the neuron's output"));
  replace(svg, parts);
  fitNodes(svg);
  placeLabels(svg, labels, circles, fixed, width, height);
}

/**
 * A layer: inputs on the left, one circle per neuron with its z, its output ŷ on the
 * right. `flow` is the list of per-neuron computations the server sent.
 */
export function drawLayer(svg, { inputs, flow, animate = false, caption = "" }) {
  const width = widthFor(svg, 300, 620);
  watch(svg, 300, 620, width, () => drawLayer(svg, { inputs, flow, animate, caption }));
  const narrow = width < 520;
  const n = inputs.length;
  const m = flow.length;
  const rows = Math.max(n, m);
  const gap = 74;
  const top = caption ? 16 : 0;
  const height = Math.max(240, rows * gap + 40) + top;
  const yIn = (i) => top + (height - top) / 2 + (i - (n - 1) / 2) * gap;
  const yOut = (j) => top + (height - top) / 2 + (j - (m - 1) / 2) * gap;
  const rIn = 22;
  const rN = 30;
  const x0 = narrow ? 50 : 70;
  const x1 = narrow ? width - 142 : 390;
  const xEnd = narrow ? x1 + rN + 22 : 490;
  const few = n * m <= 8;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const parts = [];
  const labels = [];
  const circles = [];
  const fixed = [];
  if (caption) {
    const c = s("text", { x: 10, y: 16, class: "caption", text: caption });
    parts.push(c);
    fixed.push(c);
  }
  flow.forEach((neuron, j) => {
    neuron.weights.forEach((w, i) => {
      const [ax, ay, bx, by] = [x0 + rIn, yIn(i), x1 - rN, yOut(j)];
      const line = link(ax, ay, bx, by, w, { class: animate ? "link flowing" : "link" });
      line.append(s("title", {
        text: `N${j + 1}: x${i + 1} × w = ${setText(inputs[i])} × ${setText(w)} = ` +
          `${computedText(neuron.products[i])}`,
      }));
      parts.push(line);
      if (few) {
        const p = label(0, 0, computedText(neuron.products[i]), "link-label product");
        parts.push(p);
        labels.push({ el: p,
          spots: along(ax, ay, bx, by, [0.7, 0.55, 0.4, 0.8, 0.3, 0.62, 0.48], -4) });
      }
    });
  });
  inputs.forEach((x, i) => {
    parts.push(node(x0, yIn(i), rIn, "node input", [setText(x)],
      `input x${i + 1} = ${setText(x)}`));
    circles.push({ cx: x0, cy: yIn(i), r: rIn });
    const name = s("text", { x: x0 - rIn - 5, y: yIn(i) + 4, "text-anchor": "end",
      class: "axis-label", text: `x${i + 1}` });
    parts.push(name);
    fixed.push(name);
  });
  const outs = [];
  flow.forEach((neuron, j) => {
    parts.push(node(x1, yOut(j), rN, "node neuron",
      [`N${j + 1}`, `z ${computedText(neuron.z)}`], neuron.z_line));
    circles.push({ cx: x1, cy: yOut(j), r: rN });
    // Narrow: the bias under the output's number (beside the neuron it meets that number).
    const b = s("text", { x: narrow ? xEnd + 6 : x1 + rN + 4, y: yOut(j) + (narrow ? 22 : -8),
      class: "link-label bias", text: `b ${setText(neuron.bias)}` });
    parts.push(b);
    fixed.push(b);
    parts.push(s("line", { x1: x1 + rN, y1: yOut(j), x2: xEnd, y2: yOut(j), class: "out-link" }));
    const out = s("text", { x: xEnd + 6, y: yOut(j) + 5, class: "out-value",
      text: `ŷ${j + 1} = ${computedText(neuron.y)}` });
    parts.push(out);
    outs.push(out);
    fixed.push(out);
  });
  replace(svg, parts);
  fitNodes(svg);
  for (const out of outs) fitRight(out, width);
  placeLabels(svg, labels, circles, fixed, width, height);
}

/**
 * Round tick values for the range [a, b]: about `count` steps of 1, 2 or 5 times a power
 * of ten, from the last tick at or below a to the first at or above b (with `inside`,
 * only the ticks within [a, b]). niceTicks(-0.057, 1.06) -> [-0.5, 0, 0.5, 1, 1.5];
 * niceTicks(0, 1990) -> [0, 500, 1000, 1500, 2000].
 */
export function niceTicks(a, b, count = 4, inside = false) {
  const raw = (b - a) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((v) => v >= raw * 0.999) || 10 * power;
  const first = inside ? Math.ceil(a / step - 1e-9) : Math.floor(a / step + 1e-9);
  const last = inside ? Math.floor(b / step + 1e-9) : Math.ceil(b / step - 1e-9);
  const digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9) + (step / power === 2.5 ? 1 : 0));
  const ticks = [];
  for (let k = first; k <= last; k++) ticks.push(Number((k * step).toFixed(digits)) + 0);
  return ticks;
}

/** The round ticks around [a, b] with the least room beyond the data, 3 to `most` steps. */
export function snugTicks(a, b, most = 6) {
  let best = null;
  for (let count = most; count >= 3; count--) {  // on a tie, the finer steps
    const ticks = niceTicks(a, b, count);
    const spare = (ticks[ticks.length - 1] - ticks[0]) / (b - a);
    if (!best || spare < best.spare - 1e-9) best = { ticks, spare };
  }
  return best.ticks;
}

/**
 * Snug round ticks for [a, b] whose labels fit side by side along `room` px: up to 6,
 * fewer when the labels would touch (0…3000 on a phone is 0, 1000, 2000, 3000).
 */
export function ticksThatFit(a, b, room, charWidth = 7.5, gap = 10) {
  for (let most = 6; most > 3; most--) {
    const ticks = snugTicks(a, b, most);
    const chars = Math.max(...ticks.map((v) => tickText(v, ticks).length));
    // the end labels sit wholly inside the axis (anchored at their edge), so the last
    // step must hold one whole label and half of its neighbour
    if (room / (ticks.length - 1) >= 1.5 * chars * charWidth + gap) return ticks;
  }
  return snugTicks(a, b, 3);
}

/** A tick value as text: as few decimals as its step needs. */
export function tickText(v, ticks) {
  const decimals = Math.max(0, ...ticks.map((t) => (String(t).split(".")[1] || "").length));
  return v.toFixed(decimals).replace(/^-(0\.?0*)$/, "$1");
}

/**
 * A line plot of one or more series: {x: [...], y: [...], color, label}. The axes run
 * between round ticks that hold the data; `marker` ({x, y, label}) is drawn as a dot.
 * The picture is as wide (in its own units) as on screen, 300 to 560, so its 11-13 px
 * text stays that size; `width` fixes it instead.
 */
export function linePlot(svg, options) {
  const { series, marker = null, height = 220, xLabel = "", yLabel = "", yMin = null } = options;
  const width = options.width ?? widthFor(svg, 300, 560);
  if (options.width === undefined) watch(svg, 300, 560, width, () => linePlot(svg, options));
  const pad = { left: 52, right: 14, top: 24, bottom: 36 };
  const xs = series.flatMap((se) => se.x);
  const ys = series.flatMap((se) => se.y).filter((v) => v !== null && Number.isFinite(v));
  if (marker) { xs.push(marker.x); ys.push(marker.y); }
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  if (!xs.length || !ys.length) {
    replace(svg, s("text", { x: width / 2, y: height / 2, "text-anchor": "middle",
      class: "axis-label", text: "no data yet" }));
    return;
  }
  let [xa, xb] = [Math.min(...xs), Math.max(...xs)];
  let [ya, yb] = [yMin ?? Math.min(...ys), Math.max(...ys)];
  if (xa === xb) { xa -= 1; xb += 1; }
  if (ya === yb) { ya -= 1; yb += 1; }
  const xTicks = ticksThatFit(xa, xb, width - pad.left - pad.right);
  const yTicks = snugTicks(ya, yb, 5);
  [xa, xb] = [xTicks[0], xTicks[xTicks.length - 1]];
  [ya, yb] = [yTicks[0], yTicks[yTicks.length - 1]];
  const px = (x) => pad.left + ((x - xa) / (xb - xa)) * (width - pad.left - pad.right);
  const py = (y) => height - pad.bottom - ((y - ya) / (yb - ya)) * (height - pad.top - pad.bottom);
  const parts = [
    s("rect", { x: pad.left, y: pad.top, width: width - pad.left - pad.right,
      height: height - pad.top - pad.bottom, class: "plot-area" }),
  ];
  for (const v of yTicks.slice(1, -1)) parts.push(s("line", { x1: pad.left, x2: width - pad.right,
    y1: py(v), y2: py(v), class: v === 0 ? "zero-axis" : "grid-line" }));
  for (const v of xTicks.slice(1, -1)) parts.push(s("line", { x1: px(v), x2: px(v), y1: pad.top,
    y2: height - pad.bottom, class: v === 0 ? "zero-axis" : "grid-line" }));
  xTicks.forEach((v, k) => {
    const anchor = k === 0 ? "start" : k === xTicks.length - 1 ? "end" : "middle";
    parts.push(s("text", { x: px(v), y: height - pad.bottom + 15, "text-anchor": anchor,
      class: "tick", text: tickText(v, xTicks) }));
  });
  for (const v of yTicks) {
    parts.push(s("text", { x: pad.left - 6, y: py(v) + 4, "text-anchor": "end", class: "tick",
      text: tickText(v, yTicks) }));
  }
  parts.push(s("text", { x: (width + pad.left) / 2, y: height - 3, "text-anchor": "middle",
    class: "axis-label", text: xLabel }));
  parts.push(s("text", { x: pad.left, y: pad.top - 8, "text-anchor": "start",
    class: "axis-label", text: yLabel }));
  series.forEach((se, k) => {
    let d = "";
    se.x.forEach((x, i) => {
      const y = se.y[i];
      if (y === null || !Number.isFinite(y)) return;
      d += `${d ? "L" : "M"}${px(x).toFixed(1)},${py(y).toFixed(1)}`;
    });
    parts.push(s("path", { d, class: "series", stroke: se.color, fill: "none" }));
    if (se.label) {
      parts.push(s("text", { x: width - pad.right - 6, y: pad.top + 14 + k * 14,
        "text-anchor": "end", class: "legend", fill: textColor(se.color), text: se.label }));
    }
  });
  if (marker) {
    parts.push(s("circle", { cx: px(marker.x), cy: py(marker.y), r: 5, class: "marker" }));
    if (marker.label) {
      // beside the dot, on the side with room
      const right = px(marker.x) < width - 90;
      parts.push(s("text", { x: px(marker.x) + (right ? 8 : -8), y: py(marker.y) - 8,
        "text-anchor": right ? "start" : "end", class: "marker-label", text: marker.label }));
    }
  }
  replace(svg, parts);
}
