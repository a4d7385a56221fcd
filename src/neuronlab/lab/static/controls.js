// Form controls with labels: a slider paired with a number box, selects, buttons.

import { fmt, h, roundTo } from "./dom.js";

let counter = 0;
const uid = (base) => `${base}-${++counter}`;

/**
 * Make a number box wide enough for its text, so a long value never hides in it.
 * `least` is the narrowest width in characters.
 */
export function fitBox(box, least = 5) {
  box.style.width = `${Math.max(least, box.value.length + 3)}ch`;
}

/**
 * A labelled slider and number box that edit one value together.
 * `onInput(value)` is called on every change from either of them. With `digits`, the
 * value is kept to that many decimals and the box always shows them ("0.50", not "0.5"),
 * as the diagrams do.
 */
export function sliderRow({ id, label, value, min = -3, max = 3, step = 0.01, digits = null,
  onInput }) {
  const key = id || uid("slider");
  const shown = (v) => (digits === null ? String(v) : fmt(v, digits));
  const kept = (v) => (digits === null ? v : roundTo(v, digits));
  const range = h("input", {
    type: "range", id: `${key}-range`, min, max, step, value: shown(value),
    "aria-label": `${label} (slider)`,
  });
  const box = h("input", {
    type: "number", id: `${key}-num`, step, value: shown(value), class: "num",
    "aria-label": label,
  });
  if (digits !== null) fitBox(box);
  range.addEventListener("input", () => {
    const v = kept(Number(range.value));
    box.value = shown(v);
    if (digits !== null) fitBox(box);
    onInput(v);
  });
  box.addEventListener("input", () => {
    if (box.value === "" || Number.isNaN(Number(box.value))) return;
    range.value = box.value;
    if (digits !== null) fitBox(box);
    onInput(kept(Number(box.value)));
  });
  box.addEventListener("change", () => {
    // Typing done: the box shows the value in use, at the shared precision.
    if (digits === null || box.value === "" || Number.isNaN(Number(box.value))) return;
    box.value = shown(kept(Number(box.value)));
    range.value = box.value;
    fitBox(box);
  });
  return h("div", { class: "slider-row" },
    h("label", { for: `${key}-num`, text: label }), range, box);
}

/** A labelled <select>; options are [value, text] pairs or plain values. */
export function selectRow({ id, label, value, options, onChange }) {
  const select = h("select", { id, "aria-label": label },
    options.map((option) => {
      const [val, text] = Array.isArray(option) ? option : [option, option];
      return h("option", { value: val, selected: String(val) === String(value), text });
    }));
  select.addEventListener("change", () => onChange(select.value));
  return h("div", { class: "field" }, h("label", { for: id, text: label }), select);
}

/** A labelled number box. */
export function numberRow({ id, label, value, min, max, step = 1, onChange }) {
  const box = h("input", { type: "number", id, min, max, step, value, class: "num",
    "aria-label": label });
  box.addEventListener("change", () => {
    if (box.value !== "") onChange(Number(box.value));
  });
  return h("div", { class: "field" }, h("label", { for: id, text: label }), box);
}

export function button(text, label, onClick, attrs = {}) {
  return h("button", { type: "button", "aria-label": label, onclick: onClick, ...attrs }, text);
}

/**
 * A number box for one cell of a table; `onValue(v)` gets each valid edit. With
 * `digits`, the value is kept to that many decimals and the box shows them all.
 */
export function cell(id, label, value, onValue, digits = null) {
  const shown = (v) => (digits === null ? v : fmt(v, digits));
  const kept = (v) => (digits === null ? v : roundTo(v, digits));
  const box = h("input", { type: "number", id, step: 0.01, value: shown(value),
    class: "num cell", "aria-label": label });
  if (digits !== null) fitBox(box, 6);
  box.addEventListener("input", () => {
    if (box.value === "" || Number.isNaN(Number(box.value))) return;
    if (digits !== null) fitBox(box, 6);
    onValue(kept(Number(box.value)));
  });
  box.addEventListener("change", () => {
    if (digits === null || box.value === "" || Number.isNaN(Number(box.value))) return;
    box.value = shown(kept(Number(box.value)));
    fitBox(box, 6);
  });
  return box;
}
