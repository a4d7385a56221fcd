// Lesson 13: the lesson's small convolutional network trained in the page on the bundled
// training digits (POST /api/widgets/convnet streams each batch's loss), with a progress
// bar; then its test accuracy, its learned 3x3 kernels, and the feature maps of a
// chosen held-out digit (POST /api/widgets/convnet/maps). Every number is the library's.

import { streamLines } from "../api.js";
import { linePlot } from "../diagrams.js";
import { figure, h, replace } from "../dom.js";
import { arithmetic, frame, request } from "./common.js";
import { bars, grid, paint } from "./pixels.js";

export function mount(section, settings) {
  const view = frame(section);
  const epochsChoice = h("select", { id: view.id("epochs"), "aria-label": "epochs" },
    [1, 2, 3].map((n) => h("option", { value: String(n), text: String(n) })));
  epochsChoice.value = String(settings.epochs ?? 1);
  const train = h("button", { type: "button", id: view.id("train"), text: "Train" });
  const bar = h("progress", { id: view.id("progress"), class: "training-bar", max: 1, value: 0 });
  const status = arithmetic(h("p", { class: "widget-big", id: view.id("status"),
    "aria-live": "polite", text: "Press Train: the network learns from the training digits." }));
  const curve = figure(view.id("loss"), "The loss of every batch as the network trains");
  const kernels = h("div", { class: "kernel-bank", id: view.id("kernels") });
  const digit = h("input", { type: "number", min: 0, step: 1, class: "num",
    id: view.id("digit"), value: settings.digit ?? 0, "aria-label": "which held-out digit" });
  const maps = h("div", { class: "kernel-bank", id: view.id("maps") });
  const probs = arithmetic(h("div", { class: "prob-bars", id: view.id("probs") }));
  const guess = h("h4", { id: view.id("guess"), text: "Its answer" });
  const xs = [];
  const ys = [];
  let run = null;
  let generation = 0;

  const drawCurve = () => linePlot(curve, { series: [{ x: xs, y: ys, color: "#b3261e" }],
    xLabel: "batch of 64 digits", yLabel: "loss (cross-entropy)", yMin: 0, height: 200 });

  async function showMaps() {
    if (!run) return;
    const r = await request("/api/widgets/convnet/maps", { run, digit: Number(digit.value) });
    const picture = grid(view.id("digit-image"), `Held-out digit #${r.digit}`, 3);
    paint(picture, r.image);
    replace(maps, h("figure", { class: "kernel-tile" }, picture,
      h("figcaption", { text: `#${r.digit}, labelled ${r.label}` })),
    r.maps.map((m, k) => {
      const c = grid(view.id(`map${k}`), `Feature map ${k + 1}, after ReLU`, 2);
      paint(c, m, { kind: "signed" });
      return h("figure", { class: "kernel-tile" }, c, h("figcaption", { text: `map ${k + 1}` }));
    }));
    replace(probs, bars(r.probabilities, view.id("p")));
    guess.textContent = `Its answer: ${r.guess} (${(100 * r.probabilities[r.guess]).toFixed(1)}%)`;
    section.dataset.guess = String(r.guess);
  }
  digit.addEventListener("change", () => showMaps().catch(view.fail));

  async function start() {
    const mine = ++generation;
    train.disabled = true;
    xs.length = 0;
    ys.length = 0;
    delete section.dataset.done;
    status.textContent = "Training…";
    try {
      const body = { epochs: Number(epochsChoice.value), seed: settings.seed ?? 0 };
      await streamLines("/api/widgets/convnet", body, (line) => {
        if (mine !== generation) return;
        if (line.type === "start") {
          bar.max = line.batches;
          bar.value = 0;
          digit.max = String(line.held_out - 1);
          status.textContent = `Training on ${line.digits.toLocaleString("en")} digits…`;
        } else if (line.type === "progress" || line.type === "done") {
          for (const [x, y] of line.points) { xs.push(x); ys.push(y); }
          drawCurve();
          if (line.type === "progress") {
            bar.value = line.batch;
            status.textContent = `Training… batch ${line.batch} of ${line.batches}`;
          }
        }
        if (line.type === "done") {
          bar.value = bar.max;
          run = line.run;
          status.textContent = `Trained: ${line.batches} batches. On the `
            + `${line.held_out.toLocaleString("en")} held-out digits `
            + `it reads ${(100 * line.test_accuracy).toFixed(1)}% right, with `
            + `${line.parameters.toLocaleString("en")} weights.`;
          section.dataset.accuracy = String(line.test_accuracy);
          replace(kernels, line.kernels.map((k, i) => {
            const c = grid(view.id(`kernel${i}`), `Learned kernel ${i + 1}`, 14);
            paint(c, k, { kind: "signed" });
            return h("figure", { class: "kernel-tile" }, c, h("figcaption", { text: `kernel ${i + 1}` }));
          }));
        } else if (line.type === "error") {
          throw new Error(line.error);
        }
      });
      await showMaps();
      view.ok();
    } catch (err) {
      view.fail(err);
      status.textContent = "Not trained: see the message above.";
    } finally {
      if (mine === generation) {
        train.disabled = false;
        section.dataset.done = "true";
        view.ready();
      }
    }
  }
  train.addEventListener("click", () => start());

  replace(view.body,
    h("div", { class: "training-controls" },
      h("span", {}, h("label", { for: view.id("epochs"), text: "epochs" }), epochsChoice), train),
    bar, status,
    h("div", { class: "widget-columns even" },
      h("div", { class: "widget-panel" }, h("h4", { text: "Loss, batch by batch" }), curve),
      h("div", { class: "widget-panel" }, h("h4", { text: "The first layer's learned kernels" }),
        kernels, h("p", { class: "hint", text: "Blue: positive weights, red: negative." }))),
    h("div", { class: "widget-panel" },
      h("h4", {}, h("label", { for: view.id("digit"), text: "Feature maps of held-out digit # " }), digit),
      maps, guess, probs));
  drawCurve();
  view.ready();
  return { reset() { epochsChoice.value = String(settings.epochs ?? 1); } };
}
