// The Playground's network diagram: a small heatmap per neuron, the weights on the links.
//
// The layout is computed from the measured width of every label, so no two labels and no
// label and heatmap can overlap, and the diagram keeps 1 SVG unit = 1 CSS pixel: text is
// never scaled below its CSS size. A network too wide for its box scrolls inside the box.
// Hovering (or focusing) a neuron shows its heatmap enlarged; a link shows its weight.

import { fmt, h, replace, s, short, signColor } from "./dom.js";

const NODE_MIN = 20;   // smallest heatmap side (px) before the diagram scrolls instead
const NODE_MAX = 44;
const GAP_MIN = 20;    // smallest gap between two columns of heatmaps
const FONT = { head: [12, 600], input: [12, 600], bias: [11, 400], weight: [11, 400],
  out: [11, 600] };
const HEAD_ROW = 16;   // height of one row of column headers
const BIAS_ROW = 13;   // the bias label under a neuron
const ZOOM_PX = 180;   // side of the enlarged heatmap

let measureContext = null;
const measured = new Map();

/** Width in px of `text` at font size `size` and `weight` in the page's font. */
function textWidth(text, [size, weight]) {
  const key = `${weight} ${size} ${text}`;
  if (!measured.has(key)) {
    if (!measureContext) measureContext = document.createElement("canvas").getContext("2d");
    const family = getComputedStyle(document.documentElement).fontFamily || "sans-serif";
    measureContext.font = `${weight} ${size}px ${family}`;
    // A margin for the difference between canvas and SVG text rendering.
    measured.set(key, Math.ceil(measureContext.measureText(text).width * 1.08) + 2);
  }
  return measured.get(key);
}

/** Column `c`'s header: the inputs, hidden layers 1..n, the output. */
function header(c, cols) {
  if (c === 0) return "inputs";
  return c === cols - 1 ? "output" : `layer ${c}`;
}

/**
 * Where everything goes for a network of `sizes` in a box `boxWidth` px wide.
 * `widths`: the widest input label, column header and bias label (px); `biases`: whether
 * the bias labels get a row under each neuron.
 */
export function layout(sizes, boxWidth, widths, biases) {
  const cols = sizes.length;
  const tallest = Math.max(...sizes);
  const left = widths.input + 8;  // input labels sit left of the input heatmaps
  const bias = biases ? widths.bias : 0;
  const right = Math.max(4, bias / 2 - NODE_MIN / 2 + 4);
  const room = boxWidth - left - right;
  const node = Math.round(Math.min(NODE_MAX, Math.max(NODE_MIN, room / (1 + 2.5 * (cols - 1)))));
  const pitchMin = Math.max(node + GAP_MIN, bias + 8);
  const pitchX = Math.min(node * 4 + 20, Math.max(pitchMin, (room - node) / (cols - 1)));
  // Headers alternate between two rows when one row has no room for them side by side.
  const headRows = widths.head + 8 > pitchX ? 2 : 1;
  const outR = Math.max(node / 2, 12);
  const pitchY = Math.max(node, 2 * outR) + (biases ? BIAS_ROW : 0) + 8;
  const top = headRows * HEAD_ROW + 8;
  const width = Math.ceil(left + node + (cols - 1) * pitchX + right);
  const height = Math.ceil(top + tallest * pitchY);
  return {
    biases, node, outR, pitchX, pitchY, headRows, width, height,
    x: (c) => left + node / 2 + c * pitchX,
    y: (c, j) => top + ((tallest - sizes[c]) * pitchY) / 2 + j * pitchY + node / 2,
    headY: (c) => HEAD_ROW * (headRows === 2 ? 1 + (c % 2) : 1) - 3,
  };
}

/** Stroke width and opacity of a link of weight `w`: thicker and stronger when larger. */
function linkStyle(w, node) {
  const size = Math.min(1, Math.abs(w || 0));
  const most = node >= 32 ? 6 : 4;
  return { width: (0.8 + (most - 0.8) * Math.min(1, Math.abs(w || 0) / 2)).toFixed(2),
    opacity: (0.3 + 0.7 * size).toFixed(2) };
}

function overlaps(a, b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/**
 * The diagram view. `heatmap(grid, size)` gives an image URL of a neuron's heatmap;
 * `onEdit(c, j, i, w, what)` opens the weight editor for a link.
 * Returns { element, draw(frame, weights, data) }.
 */
export function networkView({ heatmap, onEdit }) {
  const svg = s("svg", { id: "pg-network", role: "group", class: "pg-network",
    "aria-label": "The network: each neuron's output over the plane and its bias, the " +
      "weights on the links. Focus a neuron to enlarge its map, a link to read its weight" });
  const scroller = h("div", { class: "pg-net-scroll" }, svg);
  const zoom = h("div", { class: "pg-zoom", id: "pg-zoom", role: "tooltip", hidden: true });
  const tip = h("div", { class: "pg-tip", id: "pg-tip", role: "tooltip", hidden: true });
  const help = h("p", { class: "hint", id: "pg-network-help", text: "Point at (or tab to) a " +
    "neuron to enlarge its map, at a link to read its weight; click a link to edit it." });
  const element = h("div", { class: "pg-net" }, scroller, zoom, tip, help);
  let last = null;        // the last [frame, weights, data] drawn
  let active = null;      // { kind: "node" | "link", key, at?: [x, y] } under the pointer
  let biasWidth = 0;      // grows only, so the layout does not jump while training
  let shape = "";
  let nodes = new Map();  // key "c:j" -> { element, name, text, image }
  let links = new Map();  // key "c:j:i" -> { element, text, from, to }

  let drawnWidth = 0;
  new ResizeObserver(() => {
    if (last && scroller.clientWidth !== drawnWidth) draw(...last);
  }).observe(scroller);

  // ---------------------------------------------------------------- popups
  /** Show `box` beside `target` (or the pointer `point`): right, left, below or above it. */
  function place(box, target, point) {
    const outer = element.getBoundingClientRect();
    const r = target.getBoundingClientRect();
    box.hidden = false;
    const bw = box.offsetWidth;
    const bh = box.offsetHeight;
    const [px, py] = point || [r.left + r.width / 2, r.top + r.height / 2];
    const from = point ? { left: px, right: px, top: py, bottom: py } : r;
    const clampX = (x) => Math.max(0, Math.min(x, outer.width - bw));
    const clampY = (y) => Math.max(0, Math.min(y, outer.height - bh));
    let x;
    let y = clampY(py - outer.top - bh / 2);
    if (from.right - outer.left + 12 + bw <= outer.width) x = from.right - outer.left + 12;
    else if (from.left - outer.left - 12 - bw >= 0) x = from.left - outer.left - 12 - bw;
    else {
      x = clampX(px - outer.left - bw / 2);
      const below = from.bottom - outer.top + 12;
      y = below + bh <= outer.height || from.top - outer.top - 12 - bh < 0
        ? below : from.top - outer.top - 12 - bh;
    }
    box.style.left = `${Math.round(x)}px`;
    box.style.top = `${Math.round(y)}px`;
  }

  function clearMarks() {
    svg.classList.remove("pointing");
    for (const marked of svg.querySelectorAll(".active, .near")) {
      marked.classList.remove("active", "near");
    }
  }

  function showNode(key) {
    const item = nodes.get(key);
    if (!item) return hide();
    active = { kind: "node", key };
    tip.hidden = true;
    clearMarks();
    svg.classList.add("pointing");
    item.element.classList.add("active");
    for (const link of links.values()) {
      if (link.from === key || link.to === key) link.element.classList.add("near");
    }
    replace(zoom,
      item.image && h("img", { src: item.image, width: ZOOM_PX, height: ZOOM_PX, alt: "" }),
      h("strong", { text: item.name }),
      item.text.map((line) => h("span", { text: line })));
    place(zoom, item.element);
  }

  function showLink(key, at) {
    const item = links.get(key);
    if (!item) return hide();
    active = { kind: "link", key, at };
    zoom.hidden = true;
    clearMarks();
    svg.classList.add("pointing");
    item.element.classList.add("active");
    replace(tip, h("strong", { text: item.text[0] }), h("span", { text: item.text[1] }),
      h("span", { class: "hint", text: "click to edit" }));
    if (at) place(tip, item.element, at);
    else {
      const r = item.element.getBoundingClientRect();
      place(tip, item.element, [r.left + r.width / 2, r.top + r.height / 2]);
    }
  }

  function hide() {
    active = null;
    zoom.hidden = true;
    tip.hidden = true;
    clearMarks();
  }

  // Escape closes the enlarged map or the tooltip (until the pointer or focus moves on).
  document.addEventListener("keydown", (e) => { if (e.key === "Escape" && active) hide(); });

  const tabStop = { link: null, node: null };  // the ids that Tab reaches in each group

  /** Arrow keys (by `steps`), Home and End move the focus within `group`. */
  function moveFocus(e, group, at, steps) {
    let to = null;
    if (e.key in steps) to = at + steps[e.key];
    else if (e.key === "Home") to = 0;
    else if (e.key === "End") to = group.length - 1;
    if (to === null) return;
    e.preventDefault();
    group[Math.min(Math.max(to, 0), group.length - 1)].focus();
  }

  let redrawing = false;
  function hover(target, show) {
    target.addEventListener("mouseenter", show);
    target.addEventListener("focus", () => show());
    for (const name of ["mouseleave", "blur"]) {
      target.addEventListener(name, () => { if (!redrawing) hide(); });
    }
  }

  // ---------------------------------------------------------------- drawing
  /** A network too wide to sit beside the boundary picture takes a row of its own. */
  function fitBox(sizes, widths) {
    const box = element.parentElement;
    const beside = box && box.previousElementSibling;
    if (!box || !box.parentElement || !beside) return;
    const comfortable = widths.input + 8 + 36 + (sizes.length - 1) * 80 + widths.bias / 2;
    const room = box.parentElement.clientWidth - beside.offsetWidth - 16;
    box.classList.toggle("wide", room < comfortable);
  }

  function draw(frame, weights, data) {
    last = [frame, weights, data];
    const sizes = data.layers;
    const cols = sizes.length;
    const outs = sizes[cols - 1];
    const key = sizes.join("-") + "|" + data.features.join(",");
    if (key !== shape) { shape = key; biasWidth = 0; }
    const biasText = (b) => `b ${short(b)}`;
    for (const layer of weights) {
      for (const b of layer.b) biasWidth = Math.max(biasWidth, textWidth(biasText(b), FONT.bias));
    }
    biasWidth = Math.max(biasWidth, textWidth(biasText(-0.5), FONT.bias));
    const heads = sizes.map((_, c) => header(c, cols));
    const widths = {
      input: Math.max(...data.features.map((f) => textWidth(f, FONT.input))),
      head: Math.max(...heads.map((t) => textWidth(t, FONT.head))),
      bias: biasWidth,
    };
    fitBox(sizes, widths);
    // In a narrow box the bias labels make way, so the whole network fits (a neuron's
    // bias is still in its enlarged view); if it fits in no way, the box scrolls.
    drawnWidth = scroller.clientWidth;
    const room = drawnWidth || 600;
    let L = layout(sizes, room, widths, true);
    if (L.width > room) {
      const bare = layout(sizes, room, widths, false);
      if (bare.width <= room) L = bare;
    }
    const half = L.node / 2;
    const name = (c, j) => {
      if (c === 0) return data.features[j];
      if (c === cols - 1) return outs === 1 ? "output" : `output c${j}`;
      return `L${c} n${j + 1}`;
    };

    svg.setAttribute("viewBox", `0 0 ${L.width} ${L.height}`);
    svg.setAttribute("width", L.width);
    svg.setAttribute("height", L.height);
    const focused = svg.contains(document.activeElement) ? document.activeElement.id : null;
    const linkEls = [];
    const labelEls = [];
    const nodeEls = [];
    const boxes = [];   // every label and node, for placing the weight labels
    nodes = new Map();
    links = new Map();

    heads.forEach((text, c) => {
      const w = textWidth(text, FONT.head);
      const x = Math.max(w / 2, Math.min(L.x(c), L.width - w / 2));
      labelEls.push(s("text", { x, y: L.headY(c), "text-anchor": "middle", class: "pg-head",
        text }));
    });

    weights.forEach((layer, c) => {
      // Weights written on the links only where few links cross: elsewhere, hover.
      const few = sizes[c] * sizes[c + 1] <= 16 && Math.max(sizes[c], sizes[c + 1]) <= 4;
      layer.W.forEach((row, j) => {
        const bx = L.x(c + 1) - half;
        const by = L.y(c + 1, j);
        row.forEach((w, i) => {
          const ax = L.x(c) + half;
          const ay = L.y(c, i);
          const what = `weight from ${name(c, i)} to ${name(c + 1, j)}`;
          const style = linkStyle(w, L.node);
          const line = s("line", { x1: ax, y1: ay, x2: bx, y2: by, stroke: signColor(w),
            "stroke-width": style.width, "stroke-opacity": style.opacity, class: "link",
            tabindex: -1, role: "button", id: `pg-link-${c}-${j}-${i}`,
            "data-weight": w, "aria-label": `${what}: ${fmt(w)}. Press Enter to edit` });
          const linkKey = `${c}:${j}:${i}`;
          links.set(linkKey, { element: line, from: `${c}:${i}`, to: `${c + 1}:${j}`,
            text: [`${name(c, i)} → ${name(c + 1, j)}`, `weight ${fmt(w)}`] });
          const open = () => onEdit(c, j, i, w, what);
          line.addEventListener("click", open);
          line.addEventListener("keydown", (e) => {
            if (e.key === "Enter" || e.key === " ") { e.preventDefault(); open(); }
            else moveFocus(e, linkEls, linkEls.indexOf(line), { ArrowDown: 1, ArrowRight: 1,
              ArrowUp: -1, ArrowLeft: -1 });
          });
          hover(line, (e) => showLink(linkKey, e && [e.clientX, e.clientY]));
          line.addEventListener("mousemove", (e) => {
            if (active && active.key === linkKey) place(tip, line, [e.clientX, e.clientY]);
          });
          linkEls.push(line);
          if (few) labelEls.push({ weight: w, from: [ax, ay], to: [bx, by] });
        });
      });
    });

    const addNode = (c, j, body, info) => {
      const x = L.x(c);
      const y = L.y(c, j);
      const g = s("g", { class: "pg-node", tabindex: -1, role: "img", id: `pg-node-${c}-${j}`,
        "data-node": `${c}:${j}`, "aria-label": `${info.name}: ${info.text.join(", ")}` });
      g.append(...body(x, y));
      hover(g, () => showNode(`${c}:${j}`));
      g.addEventListener("keydown", (e) => {
        // Up/down: the neuron above/below; left/right: the same row in the next column.
        const at = nodeEls.indexOf(g);
        const column = (dc) => {
          const cc = Math.min(Math.max(c + dc, 0), cols - 1);
          return Math.min(j, sizes[cc] - 1) + sizes.slice(0, cc).reduce((a, n) => a + n, 0) - at;
        };
        moveFocus(e, nodeEls, at, { ArrowDown: j < sizes[c] - 1 ? 1 : 0,
          ArrowUp: j > 0 ? -1 : 0, ArrowRight: column(1), ArrowLeft: column(-1) });
      });
      nodes.set(`${c}:${j}`, { element: g, ...info });
      nodeEls.push(g);
      boxes.push({ x: x - L.outR, y: y - L.outR, w: 2 * L.outR, h: 2 * L.outR });
    };
    const map = (cls, image) => (x, y) => [
      s("rect", { x: x - half - 1, y: y - half - 1, width: L.node + 2, height: L.node + 2,
        class: cls === "feature-map" ? "input-node" : "neuron-frame" }),
      s("image", { x: x - half, y: y - half, width: L.node, height: L.node, href: image,
        class: cls, preserveAspectRatio: "none" })];
    const range = (m) => `output from ${fmt(m.low)} to ${fmt(m.high)} over the plane`;
    const bias = (c, j) => {
      const b = weights[c - 1].b[j];
      if (!L.biases) return `bias ${fmt(b)}`;
      const text = biasText(b);
      const w = textWidth(text, FONT.bias);
      const y = L.y(c, j) + Math.max(half, c === cols - 1 ? L.outR : 0) + BIAS_ROW - 2;
      labelEls.push(s("text", { x: L.x(c), y, "text-anchor": "middle",
        class: "link-label bias", text }));
      boxes.push({ x: L.x(c) - w / 2, y: y - BIAS_ROW + 2, w, h: BIAS_ROW });
      return `bias ${fmt(b)}`;
    };

    frame.inputs.forEach((feature, i) => {
      const image = heatmap(feature.grid, feature.size);
      addNode(0, i, map("feature-map", image), { name: `input ${name(0, i)}`, image,
        text: [`from ${fmt(feature.low)} to ${fmt(feature.high)} over the plane`] });
      const w = textWidth(name(0, i), FONT.input);
      labelEls.push(s("text", { x: L.x(0) - half - 5, y: L.y(0, i) + 4, "text-anchor": "end",
        class: "node-text", text: name(0, i) }));
      boxes.push({ x: L.x(0) - half - 5 - w, y: L.y(0, i) - 8, w, h: 16 });
    });
    frame.hidden.forEach((layer, c) => {
      layer.forEach((neuron, j) => {
        const image = heatmap(neuron.grid, neuron.size);
        const b = bias(c + 1, j);
        addNode(c + 1, j, map("neuron-map", image), { name: `${name(c + 1, j)} (layer ${c + 1}, ` +
          `neuron ${j + 1})`, image, text: [range(neuron), b] });
      });
    });
    for (let j = 0; j < outs; j++) {
      const b = bias(cols - 1, j);
      addNode(cols - 1, j, (x, y) => [
        s("circle", { cx: x, cy: y, r: L.outR, class: "output-node" }),
        s("text", { x, y: y + 4, "text-anchor": "middle", class: "node-text out-text",
          text: outs === 1 ? "out" : `c${j}` })],
      { name: name(cols - 1, j), image: null, text: [b, "its value over the plane is the " +
        "picture on the left"] });
    }

    // Weights written on the links of small layers, where a spot is free of everything else.
    const placed = labelEls.map((item) => {
      if (!item.weight && item.weight !== 0) return item;
      const text = short(item.weight);
      const w = textWidth(text, FONT.weight);
      for (const t of [0.5, 0.35, 0.65, 0.25, 0.75]) {
        const x = item.from[0] + (item.to[0] - item.from[0]) * t;
        const y = item.from[1] + (item.to[1] - item.from[1]) * t - 3;
        const box = { x: x - w / 2 - 1, y: y - 10, w: w + 2, h: 13 };
        if (boxes.some((other) => overlaps(box, other))) continue;
        boxes.push(box);
        return s("text", { class: "link-label weight", "text-anchor": "middle", x, y, text });
      }
      return null;
    });

    // One tab stop for the links and one for the neurons (the arrow keys move inside
    // each), so the keyboard does not have to pass every one of 300 links.
    for (const [group, kind] of [[linkEls, "link"], [nodeEls, "node"]]) {
      const stop = group.find((el) => el.id === tabStop[kind]) ?? group[0];
      if (stop) {
        stop.setAttribute("tabindex", "0");
        tabStop[kind] = stop.id;
      }
      for (const el of group) {
        el.addEventListener("focus", () => {
          if (tabStop[kind] === el.id) return;
          document.getElementById(tabStop[kind])?.setAttribute("tabindex", "-1");
          el.setAttribute("tabindex", "0");
          tabStop[kind] = el.id;
        });
      }
    }

    redrawing = true;
    replace(svg, linkEls, nodeEls, placed);
    if (focused) {
      const again = document.getElementById(focused);
      if (again) again.focus({ preventScroll: true });
    }
    redrawing = false;
    if (active && active.kind === "node") showNode(active.key);
    else if (active && active.kind === "link") showLink(active.key, active.at);
    // (zoom.img uses the new heatmap: showNode rebuilt it from the new frame.)
    if (zoom.hidden && tip.hidden) clearMarks();
  }

  return { element, draw };
}
