// The widget gallery: every widget the lessons mark, with the lesson's settings
// (GET /api/widgets/lessons reads them from the lessons themselves), as a lesson page
// shows it: a section with a heading, a reset button and a link to the explorer.

import { labUrl } from "../api.js";
import { h } from "../dom.js";
import { request } from "./common.js";
import { mountAll } from "./index.js";

async function main() {
  const { widgets } = await request("/api/widgets/lessons");
  const main = document.getElementById("gallery");
  const seen = {};
  for (const w of widgets) {
    seen[w.kind] = (seen[w.kind] || 0) + 1;
    const id = `w-${w.kind}${seen[w.kind] > 1 ? `-${seen[w.kind]}` : ""}`;
    main.append(h("section", { class: "widget", id, "data-widget": w.kind,
      "data-settings": JSON.stringify(w.settings), "aria-labelledby": `${id}-title` },
    h("h2", { id: `${id}-title`, text: `Lesson ${w.lesson}: ${w.title}` }),
    h("div", { class: "widget-foot" },
      h("button", { type: "button", "data-reset": "", id: `${id}-reset`,
        text: "Reset to the lesson's numbers" }),
      h("a", { href: labUrl("explore"), "data-explorer": "", text: "Open the full explorer" }),
      h("span", { class: "hint", text: `widget: ${w.kind}` }))));
  }
  await mountAll(document);
  document.body.dataset.ready = "true";
}

main().catch((err) => {
  const bar = document.getElementById("status");
  bar.textContent = `The gallery could not start: ${err.message}`;
  bar.hidden = false;
});
