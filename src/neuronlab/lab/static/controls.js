// Form controls with labels: a slider paired with a number box, selects, buttons.

import { h } from "./dom.js";

let counter = 0;
const uid = (base) => `${base}-${++counter}`;

/**
 * A labelled slider and number box that edit one value together.
 * `onInput(value)` is called on every change from either of them.
 */
export function sliderRow({ id, label, value, min = -3, max = 3, step = 0.01, onInput }) {
  const key = id || uid("slider");
  const range = h("input", {
    type: "range", id: `${key}-range`, min, max, step, value,
    "aria-label": `${label} (slider)`,
  });
  const box = h("input", {
    type: "number", id: `${key}-num`, step, value, class: "num",
    "aria-label": label,
  });
  range.addEventListener("input", () => {
    box.value = range.value;
    onInput(Number(range.value));
  });
  box.addEventListener("input", () => {
    if (box.value === "" || Number.isNaN(Number(box.value))) return;
    range.value = box.value;
    onInput(Number(box.value));
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
