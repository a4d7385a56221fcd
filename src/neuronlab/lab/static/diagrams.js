// SVG pictures: one neuron, one layer, line plots. They draw numbers the server sent.

import { fmt, replace, s, short, signColor, weightWidth } from "./dom.js";

function node(x, y, r, cls, lines, title) {
  const group = s("g", { class: cls });
  group.append(s("circle", { cx: x, cy: y, r }));
  const top = y - (lines.length - 1) * 7;
  lines.forEach((line, i) => {
    group.append(s("text", { x, y: top + i * 14 + 4, "text-anchor": "middle", text: line }));
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

/** One neuron: inputs on the left, weights and products on the links, z and y. */
export function drawNeuron(svg, r) {
  const n = r.inputs.length;
  const gap = 64;
  const height = Math.max(240, n * gap + 50);
  const cy = height / 2;
  const nx = 360;
  svg.setAttribute("viewBox", `0 0 600 ${height}`);
  const parts = [];
  r.inputs.forEach((x, i) => {
    const y = cy + (i - (n - 1) / 2) * gap;
    parts.push(link(84, y, nx - 46, cy, r.weights[i]));
    const at = (f) => [84 + (nx - 46 - 84) * f, y + (cy - y) * f];
    const [wx, wy] = at(0.22);
    const [px, py] = at(0.7);
    parts.push(label(wx, wy - 7, `w${i + 1} = ${short(r.weights[i])}`));
    parts.push(label(px, py + 15, `x·w = ${fmt(r.products[i])}`, "link-label product"));
    parts.push(node(60, y, 24, "node input", [short(x)], `input x${i + 1} = ${x}`));
    parts.push(s("text", { x: 20, y: y + 4, class: "axis-label", text: `x${i + 1}` }));
  });
  parts.push(s("line", { x1: nx, y1: 22, x2: nx, y2: cy - 46, class: "bias-link" }));
  parts.push(label(nx, 16, `bias b = ${short(r.bias)}`, "link-label bias"));
  parts.push(node(nx, cy, 46, "node neuron", [`Σ = ${fmt(r.sum)}`, `z = ${fmt(r.z)}`],
    "sum of the products plus the bias"));
  parts.push(s("line", { x1: nx + 46, y1: cy, x2: 500, y2: cy, class: "out-link" }));
  parts.push(label((nx + 46 + 500) / 2, cy - 8, `${r.activation}(z)`, "link-label"));
  parts.push(node(540, cy, 38, "node output", ["y =", fmt(r.y)], "the neuron's output"));
  replace(svg, parts);
}

/**
 * A layer: inputs on the left, one circle per neuron with its z, its output y on the
 * right. `flow` is the list of per-neuron computations the server sent.
 */
export function drawLayer(svg, { inputs, flow, animate = false, caption = "" }) {
  const n = inputs.length;
  const m = flow.length;
  const rows = Math.max(n, m);
  const gap = 74;
  const height = Math.max(240, rows * gap + 40);
  const yIn = (i) => height / 2 + (i - (n - 1) / 2) * gap;
  const yOut = (j) => height / 2 + (j - (m - 1) / 2) * gap;
  const x0 = 70;
  const x1 = 390;
  const few = n * m <= 8;
  svg.setAttribute("viewBox", `0 0 620 ${height}`);
  const parts = [];
  if (caption) parts.push(s("text", { x: 10, y: 16, class: "caption", text: caption }));
  flow.forEach((neuron, j) => {
    neuron.weights.forEach((w, i) => {
      const line = link(x0 + 22, yIn(i), x1 - 30, yOut(j), w,
        { class: animate ? "link flowing" : "link" });
      line.append(s("title", {
        text: `N${j + 1}: x${i + 1} × w = ${short(inputs[i])} × ${short(w)} = ${fmt(neuron.products[i])}`,
      }));
      parts.push(line);
      if (few) {
        const t = 0.72;
        parts.push(label(x0 + 22 + (x1 - 30 - x0 - 22) * t, yIn(i) + (yOut(j) - yIn(i)) * t - 4,
          fmt(neuron.products[i], 2), "link-label product"));
      }
    });
  });
  inputs.forEach((x, i) => {
    parts.push(node(x0, yIn(i), 22, "node input", [short(x)], `input x${i + 1} = ${x}`));
    parts.push(s("text", { x: 14, y: yIn(i) + 4, class: "axis-label", text: `x${i + 1}` }));
  });
  flow.forEach((neuron, j) => {
    parts.push(node(x1, yOut(j), 30, "node neuron", [`N${j + 1}`, `z ${short(neuron.z)}`],
      neuron.z_line));
    parts.push(s("text", { x: x1 + 36, y: yOut(j) - 8, class: "link-label bias",
      text: `b ${short(neuron.bias)}` }));
    parts.push(s("line", { x1: x1 + 30, y1: yOut(j), x2: 490, y2: yOut(j), class: "out-link" }));
    parts.push(s("text", { x: 498, y: yOut(j) + 5, class: "out-value",
      text: `y${j + 1} = ${fmt(neuron.y)}` }));
  });
  replace(svg, parts);
}

/**
 * A line plot of one or more series: {x: [...], y: [...], color, label}. The axes span
 * the data; `marker` ({x, y, label}) is drawn as a dot.
 */
export function linePlot(svg, { series, marker = null, width = 420, height = 220,
  xLabel = "", yLabel = "", yMin = null }) {
  const pad = { left: 52, right: 12, top: 22, bottom: 34 };
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
  const margin = (yb - ya) * 0.06;
  ya -= yMin === null ? margin : 0;
  yb += margin;
  const px = (x) => pad.left + ((x - xa) / (xb - xa)) * (width - pad.left - pad.right);
  const py = (y) => height - pad.bottom - ((y - ya) / (yb - ya)) * (height - pad.top - pad.bottom);
  const parts = [
    s("rect", { x: pad.left, y: pad.top, width: width - pad.left - pad.right,
      height: height - pad.top - pad.bottom, class: "plot-area" }),
  ];
  if (ya < 0 && yb > 0) parts.push(s("line", { x1: pad.left, x2: width - pad.right,
    y1: py(0), y2: py(0), class: "zero-axis" }));
  if (xa < 0 && xb > 0) parts.push(s("line", { x1: px(0), x2: px(0), y1: pad.top,
    y2: height - pad.bottom, class: "zero-axis" }));
  for (const [v, anchor] of [[xa, "start"], [xb, "end"]]) {
    parts.push(s("text", { x: px(v), y: height - pad.bottom + 14, "text-anchor": anchor,
      class: "tick", text: Number.isInteger(v) ? v : fmt(v, 1) }));
  }
  for (const v of [ya, yb]) {
    parts.push(s("text", { x: pad.left - 6, y: py(v) + 4, "text-anchor": "end", class: "tick",
      text: fmt(v, Math.abs(v) < 1 ? 3 : 1) }));
  }
  parts.push(s("text", { x: (width + pad.left) / 2, y: height - 4, "text-anchor": "middle",
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
        "text-anchor": "end", class: "legend", fill: se.color, text: se.label }));
    }
  });
  if (marker) {
    parts.push(s("circle", { cx: px(marker.x), cy: py(marker.y), r: 5, class: "marker" }));
    if (marker.label) parts.push(s("text", { x: px(marker.x) + 8, y: py(marker.y) - 8,
      class: "marker-label", text: marker.label }));
  }
  replace(svg, parts);
}
