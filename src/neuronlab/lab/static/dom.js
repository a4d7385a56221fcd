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

/** Replace every child of `node`. */
export function replace(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));
  return node;
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
