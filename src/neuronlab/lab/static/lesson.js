// The course pages: search the lessons, check recall answers, mount the live widgets.
// The pages are complete HTML from the server; this script only adds what needs the
// server's answers. Every number it shows comes from the server.

import { initRecall } from "./recall.js";

// An old link to the explorers (/#view=neuron) still opens them at their new place.
function openOldExplorerLink() {
  if (location.pathname === "/" && /^#view=/.test(location.hash)) {
    location.replace(`/explore${location.hash}`);
  }
}
openOldExplorerLink();
window.addEventListener("hashchange", openOldExplorerLink);

async function send(path, options = {}) {
  let response;
  try {
    response = await fetch(path, options);
  } catch (err) {
    throw new Error("The lab server does not answer; is `neuronlab lab` still running?");
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || `The lab answered ${response.status}.`);
  return data;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// --------------------------------------------------------------------------- search
function initSearch() {
  const form = document.getElementById("ask");
  const box = document.getElementById("ask-q");
  const out = document.getElementById("ask-results");
  if (!form || !box || !out) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const query = box.value.trim();
    out.replaceChildren();
    if (!query) return;
    out.append(element("p", "searching", "Looking through the lessons…"));
    try {
      const data = await send(`/api/search?q=${encodeURIComponent(query)}`);
      out.replaceChildren();
      if (!data.results.length) {
        out.append(element("p", "", "No passage of the lessons matches those words; try others."));
        return;
      }
      const list = element("ol", "hits");
      for (const hit of data.results) {
        const item = element("li", "hit");
        const link = element("a", "hit-link");
        // title_html and heading_html are escaped by the server, with <mark> around matches
        link.innerHTML = `Lesson ${hit.lesson}: ${hit.title_html}` +
          (hit.heading ? ` › ${hit.heading_html}` : "");
        link.href = hit.url;
        const text = element("p", "hit-text");
        text.innerHTML = hit.html; // escaped by the server, with <mark> around the matches
        item.append(link, text);
        if (hit.widget) {
          const widget = element("a", "hit-widget", "Go to its live widget");
          widget.href = hit.widget;
          item.append(widget);
        }
        list.append(item);
      }
      out.append(list);
    } catch (err) {
      out.replaceChildren(element("p", "error", err.message));
    }
  });
}

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
  return import("/static/widgets/index.js").then((m) => m.mountAll(document)).catch(() => {});
}

// --------------------------------------------------------------------------- code cells
function initCells() {
  // The editors and the kernel (cells.js); the page reads fine without them.
  if (!document.querySelector("figure[data-cell], figure[data-exercise]")) return Promise.resolve();
  return import("/static/cells.js").then((m) => m.mountCells(document)).catch((err) => {
    console.error("The code cells could not start:", err);
  });
}

initSearch();
initRecall();
Promise.all([initWidgets(), initCells()]).finally(() => { document.body.dataset.ready = "true"; });
