// What every lesson widget shares: asking the server, showing its refusals in the
// widget itself, and a unique id prefix per widget (a page may hold several).
// The numbers all come from the server; these helpers only fetch and draw them.

import { latest, request } from "../api.js";
import { h } from "../dom.js";

// The widgets ask the server as the explorer does; `latest(task, view)` reports to the
// widget's own area instead of the explorer's status bar.
export { latest, request };

let metaPromise = null;

/** The lab's /api/meta (limits, menus, the explorer's defaults), fetched once per page. */
export function meta() {
  if (!metaPromise) metaPromise = request("/api/meta");
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
