// Small helpers to build HTML and SVG elements, and to format numbers for display.
// Nothing here computes a network's numbers: those all come from the server.

const SVG_NS = "http://www.w3.org/2000/svg";

function fill(node, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** An HTML element: h("button", {id: "x", onclick: f}, "text"). */
export function h(tag, attrs, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

/** An SVG element: s("circle", {cx: 1, cy: 2, r: 3}). */
/** An element with a class and a text (both optional): `element("p", "note", "Hi")`. */
export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function s(tag, attrs, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** A number as text with `digits` decimals ("—" when the server sent none). */
export function fmt(value, digits = 3) {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  if (Math.abs(value) >= 1e4) return Number(value).toExponential(2); // 4.47e+23, not 30 digits
  const text = Number(value).toFixed(digits);
  return text === "-0." + "0".repeat(digits) ? text.slice(1) : text;
}

/** A short form for labels on links: at most 2 decimals. */
export function short(value) {
  return fmt(value, 2);
}

// One precision per quantity, shared by the number boxes and the diagrams: what the
// learner sets (inputs, weights, biases) moves in steps of 0.01 and shows 2 decimals;
// what the library computes from it (products, sums, z, y) shows 3.
export const SET_DIGITS = 2;
export const SET_STEP = 0.01;
export const COMPUTED_DIGITS = 3;

/** An input, weight or bias as the boxes and the diagrams show it: "0.50". */
export function setText(value) {
  return fmt(value, SET_DIGITS);
}

/** A computed number (product, sum, z, y) as every view shows it: "2.385"; a number that
 * is not 0 but would read "0.000" keeps 3 digits of its own ("5.55e-17", "0.0004"), as
 * the library's step-by-step lines write it (Python's "{:.3g}"). */
export function computedText(value) {
  const text = fmt(value, COMPUTED_DIGITS);
  if (!value || Number(text) !== 0) return text;
  const [mantissa, exponent] = value.toExponential(2).split("e");
  const power = Number(exponent);  // after rounding to 3 digits, as "{:.3g}" decides
  if (power >= -4) return String(Number(value.toPrecision(3)));
  return `${mantissa.replace(/\.?0+$/, "")}e${power < 0 ? "-" : "+"}` +
    String(Math.abs(power)).padStart(2, "0");
}

/** `value` rounded to `digits` decimals (what a box with that precision holds). */
export function roundTo(value, digits) {
  const scale = 10 ** digits;
  return Math.round(Number(value) * scale) / scale;
}

/** The decimals a step like 0.01 (2), 0.05 (2) or 1 (0) allows. */
export function stepDigits(step) {
  const text = String(step);
  return text.includes(".") ? text.split(".")[1].length : 0;
}

/** Replace every child of `node`. */
export function replace(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));
  return node;
}

/** "#e8710a" or "rgb(232, 113, 10)" -> [232, 113, 10]. */
export function parseColor(color) {
  const text = String(color).trim();
  if (text.startsWith("#")) {
    const hex = text.length === 4 ? text.slice(1).replace(/./g, "$&$&") : text.slice(1, 7);
    return [0, 2, 4].map((k) => parseInt(hex.slice(k, k + 2), 16));
  }
  return (text.match(/[\d.]+/g) || ["0", "0", "0"]).slice(0, 3).map(Number);
}

/** WCAG relative luminance of an [r, g, b] colour. */
function luminance(rgb) {
  const [r, g, b] = rgb.map((c) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two colours (1 to 21). */
export function contrast(a, b) {
  const [la, lb] = [luminance(parseColor(a)), luminance(parseColor(b))];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** `color`, darkened just enough for text on white (WCAG AA, 4.5:1). */
export function textColor(color) {
  let rgb = parseColor(color);
  while (contrast(`rgb(${rgb})`, "#fff") < 4.6) rgb = rgb.map((c) => Math.floor(c * 0.92));
  return `rgb(${rgb.join(", ")})`;
}

/** Colour of a signed value: blue for positive, orange for negative (as in the playground). */
export function signColor(value) {
  if (value === null || value === undefined) return "#999";
  return value >= 0 ? "#0877bd" : "#e8710a";
}

/** Stroke width for a weight of size |w|, capped so that big weights stay readable. */
export function weightWidth(value) {
  const size = Math.abs(value || 0);
  return Math.min(1 + size * 2, 7).toFixed(2);
}

/** An empty <svg> figure with an id and a text alternative for screen readers. */
export function figure(id, label) {
  return s("svg", { id, role: "img", "aria-label": label, class: "figure" });
}
