// The course pages: search the lessons, check recall answers, mount the live widgets.
// The pages are complete HTML from the server; this script only adds what needs the
// server's answers. Every number it shows comes from the server.

import { labUrl, ROOT } from "./api.js"; // first: it keeps the page key the first redirect brings
import { initRecall } from "./recall.js";
import { initAsk } from "./ask.js"; // the questions box (and its "show me" links)

// An old link to the explorers (/#view=neuron) still opens them at their new place.
function openOldExplorerLink() {
  if (location.pathname === ROOT.pathname && /^#view=/.test(location.hash)) {
    location.replace(labUrl(`explore${location.hash}`));
  }
}
openOldExplorerLink();
window.addEventListener("hashchange", openOldExplorerLink);

// --------------------------------------------------------------------------- widgets
function initWidgets() {
  // "Reset to the lesson's numbers": the widget listens for this event on its section;
  // its starting settings are in the section's data-settings.
  for (const section of document.querySelectorAll("section[data-widget]")) {
    const button = section.querySelector(".widget-reset");
    if (!button) continue;
    button.addEventListener("click", () => {
      const settings = JSON.parse(section.dataset.settings || "{}");
      section.dispatchEvent(new CustomEvent("widget:reset", { detail: { settings } }));
    });
  }
  return import("./widgets/index.js").then((m) => m.mountAll(document)).catch(() => {});
}

// --------------------------------------------------------------------------- code cells
function initCells() {
  // The editors and the kernel (cells.js); the page reads fine without them.
  if (!document.querySelector("figure[data-cell], figure[data-exercise]")) return Promise.resolve();
  return import("./cells.js").then((m) => m.mountCells(document)).catch((err) => {
    console.error("The code cells could not start:", err);
  });
}

initAsk();
initRecall();
Promise.all([initWidgets(), initCells()]).finally(() => { document.body.dataset.ready = "true"; });
