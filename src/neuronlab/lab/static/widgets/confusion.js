// Lesson 13: what the MLP gets right and wrong on the held-out digits. A table of
// counts (row: the true digit, column: the MLP's answer); pick a cell to see its digits
// as pictures. Every number comes from POST /api/widgets/confusion.

import { h, replace } from "../dom.js";
import { frame, latest, reflow, request } from "./common.js";
import { grid, paint } from "./pixels.js";

export function mount(section, settings) {
  const view = frame(section);
  let st = { ...(settings.label !== undefined ? { label: settings.label, guess: settings.guess } : {}) };
  const summary = h("p", { class: "widget-big", id: view.id("summary"), "aria-live": "polite",
    text: "Training the MLP on the training digits (only the first time)…" });
  const table = h("table", { class: "matrix confusion", id: view.id("table") });
  const caption = h("h4", { id: view.id("cell") });
  const pictures = h("div", { class: "kernel-bank", id: view.id("pictures") });

  const update = latest(async () => {
    const r = await request("/api/widgets/confusion", st);
    summary.textContent = `The MLP reads ${r.right.toLocaleString("en")} of the `
      + `${r.total.toLocaleString("en")} held-out digits right (${(100 * r.accuracy).toFixed(1)}%).`;
    const top = Math.max(...r.matrix.flatMap((row, i) => row.filter((_, j) => j !== i)));
    replace(table,
      h("caption", { text: "Rows: the true digit. Columns: the MLP's answer. Pick a red cell." }),
      h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "" }),
        r.matrix.map((_, j) => h("th", { scope: "col", text: String(j) })))),
      h("tbody", {}, r.matrix.map((row, i) => h("tr", {}, h("th", { scope: "row", text: String(i) }),
        row.map((n, j) => {
          if (i === j) return h("td", { class: "diagonal", text: String(n) });
          const cell = h("td", {});
          if (n > 0) {
            const b = h("button", { type: "button", text: String(n),
              "aria-label": `${n} digits ${i} read as ${j}` });
            b.style.background = `rgba(179, 38, 30, ${(0.1 + 0.6 * n / top).toFixed(2)})`;
            if (i === r.label && j === r.guess) b.setAttribute("aria-pressed", "true");
            b.addEventListener("click", () => { st = { label: i, guess: j }; update(); });
            cell.append(b);
          } else {
            cell.textContent = "·";
          }
          return cell;
        })))));
    reflow(table);
    caption.textContent = `${r.count} held-out ${r.label}${r.count === 1 ? "" : "s"} that the MLP `
      + `read as ${r.guess}`
      + (r.count > r.pictures.length ? ` (the first ${r.pictures.length})` : "");
    replace(pictures, r.pictures.map((p) => {
      const c = grid(view.id(`digit${p.digit}`), `Held-out digit #${p.digit}`, 3);
      paint(c, p.image);
      return h("figure", { class: "kernel-tile" }, c, h("figcaption", { text: `#${p.digit}` }));
    }));
    section.dataset.cell = `${r.label},${r.guess}`;
  }, view);

  replace(view.body, summary, h("div", { class: "widget-columns even" },
    h("div", { class: "scroll" }, table),
    h("div", { class: "widget-panel" }, caption, pictures)));
  update();
  return { reset() { st = {}; update(); } };
}
