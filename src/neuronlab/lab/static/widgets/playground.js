// Lesson 11: a compact card with the lesson's playground settings and a link that
// opens the explorer's playground with them (its URL-hash state format).

import { labUrl } from "../api.js";
import { h, replace } from "../dom.js";
import { arithmetic, frame } from "./common.js";

// The playground's URL names, as the explorer's state.js reads them.
const KEYS = { dataset: "pd", samples: "pn", noise: "pz", train_fraction: "pt",
  batch_size: "pb", hidden: "ph", activation: "pa", learning_rate: "pl", optimizer: "po",
  l2: "pr", seed: "ps", loss: "pm" };

/** The explorer address that opens the playground with `settings`. */
export function playgroundUrl(section, settings) {
  const link = section.querySelector("a[data-explorer]");
  const base = link ? link.href.split("#")[0] : labUrl("explore");
  const p = new URLSearchParams();
  p.set("view", "playground");
  for (const [field, key] of Object.entries(KEYS)) {
    const value = settings[field];
    if (value === undefined || value === null) continue;
    p.set(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  return `${base}#${p.toString().replaceAll("%2C", ",")}`;
}

export function mount(section, settings) {
  const view = frame(section);
  const rows = Object.keys(KEYS).filter((k) => settings[k] !== undefined);
  const draw = () => {
    const url = playgroundUrl(section, settings);
    replace(view.body, h("div", { class: "widget-card" },
      arithmetic(h("dl", { class: "settings" }, rows.flatMap((k) => [
        h("dt", { text: k.replace("_", " ") }),
        h("dd", { text: Array.isArray(settings[k]) ? `[${settings[k].join(", ")}]` : settings[k] }),
      ]), settings.epochs === undefined ? [] : [
        h("dt", { text: "epochs" }),
        h("dd", { text: `${settings.epochs} (press play; the epoch counter shows how far)` }),
      ])),
      h("a", { class: "button-link", id: view.id("open"), href: url,
        text: "Open these settings in the playground" })));
    // The section's own link to the playground opens these very settings too.
    const link = section.querySelector("a[data-explorer]");
    if (link) {
      link.href = url;
      link.textContent = "Open the playground with these settings";
    }
    view.ready();
  };
  draw();
  return { reset: draw };
}
