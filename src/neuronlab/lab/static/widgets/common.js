// What every lesson widget shares: asking the server, showing its refusals in the
// widget itself, and a unique id prefix per widget (a page may hold several).
// The numbers all come from the server; these helpers only fetch and draw them.

import { latest, request } from "../api.js";
import { h, replace } from "../dom.js";

// The widgets ask the server as the explorer does; `latest(task, view)` reports to the
// widget's own area instead of the explorer's status bar.
export { latest, request };

let metaPromise = null;

/** The lab's /api/meta (limits, menus, the explorer's defaults), fetched once per page. */
export function meta() {
  if (!metaPromise) metaPromise = request("api/meta");
  return metaPromise;
}

/**
 * The widget's own area inside its section: `body` to fill, `fail(err)` to show a
 * refusal, `ok()` to clear it, `id(name)` for element ids unique on the page.
 */
export function frame(section) {
  let body = section.querySelector(":scope > .widget-body");
  if (!body) {
    body = h("div", { class: "widget-body" });
    // Right after the section's heading; the reset button and the link stay where they are.
    const heading = section.querySelector(":scope > h2, :scope > h3, :scope > h4, :scope > header");
    if (heading) heading.after(body);
    else section.prepend(body);
  }
  let alert = section.querySelector(":scope > .widget-error");
  if (!alert) {
    alert = h("p", { class: "widget-error", role: "alert", hidden: true });
    body.before(alert);
  }
  const prefix = section.id;
  return {
    body,
    id: (name) => `${prefix}-${name}`,
    fail(err) {
      alert.textContent = err && err.message ? err.message : String(err);
      alert.hidden = false;
    },
    ok() {
      alert.textContent = "";
      alert.hidden = true;
    },
    ready() {
      section.dataset.ready = "true";
    },
  };
}

/** A deep copy of the lesson's settings, so editing the widget never changes them. */
export const copy = (value) => structuredClone(value);

/** A small "name = value" read-out whose value is an <output>. */
export function readout(id, label, cls = "") {
  const out = h("output", { id, class: "widget-value" });
  return [h("span", { class: `widget-readout ${cls}` }, h("span", { text: `${label} ` }), out), out];
}

// ------------------------------------------------------------------ every number visible
// The arithmetic a widget prints is never cut off: each line is split at its operators
// (`+`, `-`, `=`, `→`, ...) outside brackets into inline-block terms, so a long sum wraps
// between terms, never inside `(0.50 × 0.50)`. Every read-out, sum and table carries
// `data-arith`; the browser tests check that none of them overflows its box.

const OPERATOR = /^ (?:[+\-−=→←]|@|·) /;

/** One line of arithmetic as inline-block terms, each starting with its operator. */
function terms(line) {
  const out = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth = Math.max(0, depth - 1);
    else if (c === " " && depth === 0 && i > start && OPERATOR.test(line.slice(i, i + 4))) {
      out.push(line.slice(start, i));
      start = i + 1;
    }
  }
  out.push(line.slice(start));
  // A plain space between the terms: where the line may break (and textContent reads
  // as the server wrote it).
  return out.flatMap((t, i) => [i ? " " : "", h("span", { class: "term", text: t })]);
}

/** Fill `el` with `text` (lines split by "\n"), each line wrapping at its operators. */
export function arith(el, text) {
  replace(el, String(text).split("\n").flatMap((line, k) => {
    const indent = line.match(/^ */)[0].length;
    const row = h("span", { class: "arith-line" }, terms(line.slice(indent)));
    if (indent) row.style.paddingLeft = `${indent}ch`;
    return k ? ["\n", row] : [row];
  }));
}

/** Mark `el` as arithmetic that must stay fully visible (and give it the look). */
export function arithmetic(el) {
  el.dataset.arith = "";
  el.classList.add("arith");
  return el;
}

// A table wider than its box becomes a list of cards (one per row, each cell with its
// column's name); wide again, it is a table again.
const tables = new Set();
const tableObserver = typeof ResizeObserver === "undefined" ? null
  : new ResizeObserver(() => { for (const t of tables) fitTable(t); });

/** Name each body cell after its column (for the cards) unless it has a name already. */
function labelCells(table) {
  const heads = Array.from(table.querySelectorAll("thead th")).map((th) => th.textContent);
  for (const row of table.querySelectorAll("tbody tr")) {
    Array.from(row.children).forEach((cell, i) => {
      if (!cell.dataset.label && heads[i]) cell.dataset.label = heads[i];
    });
  }
}

/** Lay `table` out as a table if it fits its box, as cards if not. */
export function fitTable(table) {
  if (!table.isConnected) { tables.delete(table); return; }
  const box = table.parentElement;
  if (!box || !box.clientWidth) return;
  labelCells(table);
  table.classList.remove("cards");
  if (table.scrollWidth > box.clientWidth) table.classList.add("cards");
}

/** Keep `table` fitting its box from now on (call `fitTable` again after redrawing it). */
export function reflow(table) {
  arithmetic(table);
  table.classList.add("reflow");
  if (!tables.has(table)) {
    tables.add(table);
    if (tableObserver && table.parentElement) tableObserver.observe(table.parentElement);
  }
  requestAnimationFrame(() => fitTable(table));
  return table;
}
