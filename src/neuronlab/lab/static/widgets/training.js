// A Sequential recipe trained as written (lessons 6, 7, 10 and 11): the server builds
// the model the lesson's marker describes, calls fit, and streams each epoch's loss
// (POST /api/widgets/training, one JSON object per line). The page draws the code that
// ran, the loss curve as it falls, the predictions ŷ beside the targets y, and the
// decision boundary over the input square. Every number comes from the library.

import { streamLines } from "../api.js";
import { linePlot } from "../diagrams.js";
import { figure, fmt, h, replace, s } from "../dom.js";
import { copy, frame } from "./common.js";
import { playgroundUrl } from "./playground.js";

// The fields the server takes; the rest of the marker (rates, playground) is the page's.
const FIELDS = ["data", "layers", "optimizer", "learning_rate", "loss", "epochs",
  "batch_size", "seed"];
const RATES = [0.01, 0.1, 1.0, 5.0];
const SIZE = 260;
const PAD = 30;

/** A learning rate as Python writes it: 1.0, 0.01. */
const rateText = (v) => (Number.isInteger(v) ? v.toFixed(1) : String(v));

/** The recipe the server is asked to run: only its own fields. */
export function recipeOf(settings) {
  const body = {};
  for (const key of FIELDS) if (settings[key] !== undefined) body[key] = settings[key];
  return body;
}

/** Orange (ŷ near 0) to blue (ŷ near 1), pale near one half: the playground's colours. */
function shade(p) {
  if (p === null || p === undefined) return "#cccccc";
  const t = Math.min(1, Math.abs(2 * p - 1));
  const [r, g, b] = p > 0.5 ? [8, 119, 189] : [245, 147, 34];
  const mix = (c) => Math.round(255 + (c - 255) * (0.15 + 0.6 * t));
  return `rgb(${mix(r)},${mix(g)},${mix(b)})`;
}

/** The decision boundary: ŷ over the square, the corners coloured by their target y. */
function drawBoundary(svg, r) {
  const { size, view, values } = r.boundary;
  const [low, high] = view;
  const span = SIZE - 2 * PAD;
  const px = (v) => PAD + ((v - low) / (high - low)) * span;
  const py = (v) => SIZE - PAD - ((v - low) / (high - low)) * span;
  const cell = span / size;
  svg.setAttribute("viewBox", `0 0 ${SIZE} ${SIZE}`);
  const parts = [];
  values.forEach((p, k) => {
    const row = Math.floor(k / size);
    const col = k % size;
    parts.push(s("rect", { x: (PAD + col * cell).toFixed(2), y: (PAD + row * cell).toFixed(2),
      width: (cell + 0.3).toFixed(2), height: (cell + 0.3).toFixed(2), fill: shade(p) }));
  });
  parts.push(s("rect", { x: PAD, y: PAD, width: span, height: span, class: "training-frame" }));
  parts.push(s("text", { x: SIZE / 2, y: SIZE - 6, "text-anchor": "middle", class: "axis-label",
    text: "x1" }));
  parts.push(s("text", { x: 8, y: SIZE / 2, class: "axis-label", text: "x2" }));
  for (const v of [0, 1]) {
    parts.push(s("text", { x: px(v), y: SIZE - PAD + 14, "text-anchor": "middle", class: "tick",
      text: v }));
    parts.push(s("text", { x: PAD - 6, y: py(v) + 4, "text-anchor": "end", class: "tick",
      text: v }));
  }
  r.inputs.forEach(([x1, x2], k) => {
    const dot = s("circle", { cx: px(x1), cy: py(x2), r: 9,
      class: r.targets[k] > 0.5 ? "corner fires" : "corner quiet" });
    dot.append(s("title", { text: `(${x1}, ${x2}): y = ${r.targets[k]}, ŷ = ${fmt(r.predictions[k])}` }));
    parts.push(dot);
    if (r.answers[k] !== r.targets[k]) {
      parts.push(s("circle", { cx: px(x1), cy: py(x2), r: 14, class: "corner-wrong" }));
    }
  });
  replace(svg, parts);
}

export function mount(section, settings) {
  const view = frame(section);
  const lesson = copy(settings);
  let rate = lesson.learning_rate ?? null;  // null: the optimizer's name as written
  let epochs = lesson.epochs ?? 3000;
  let run = 0;  // a newer run makes an older one's lines stale

  const code = h("code", { class: "language-python", id: view.id("code") });
  const status = h("p", { class: "widget-big", id: view.id("status"), "aria-live": "polite" });
  const verdict = h("p", { class: "widget-big", id: view.id("verdict") });
  const curve = figure(view.id("loss"), "The loss of every epoch as the model trains");
  const square = figure(view.id("boundary"), "The trained model's answer ŷ over the input square");
  const table = h("table", { class: "matrix", id: view.id("table") });
  const rates = [...new Set([...(lesson.rates ?? RATES), lesson.learning_rate]
    .filter((v) => typeof v === "number"))].sort((a, b) => a - b);
  const rateSelect = h("select", { id: view.id("rate"), "aria-label": "learning rate" },
    h("option", { value: "", text: `optimizer='${lesson.optimizer ?? "sgd"}' (as written)` }),
    rates.map((v) => h("option", { value: String(v),
      text: `learning_rate=${rateText(v)}` })));
  rateSelect.value = rate === null ? "" : String(rate);
  const epochBox = h("input", { type: "number", id: view.id("epochs"), class: "num", min: 1,
    step: 1, value: epochs, "aria-label": "epochs" });
  const train = h("button", { type: "button", id: view.id("train"), text: "Train" });
  const curveEpochs = [];
  const curveLoss = [];

  function drawCurve() {
    linePlot(curve, { series: [{ x: curveEpochs, y: curveLoss, color: "#b3261e" }],
      xLabel: "epoch", yLabel: `loss (${(lesson.loss ?? "mse").toUpperCase()})`, yMin: 0,
      height: 200 });
  }

  function showResult(r) {
    curveEpochs.length = 0;
    curveLoss.length = 0;
    curveEpochs.push(...r.curve.epoch);
    curveLoss.push(...r.curve.loss);
    drawCurve();
    drawBoundary(square, r);
    replace(table,
      h("caption", { text: "After training: the model's output ŷ beside the target y" }),
      h("thead", {}, h("tr", {}, ["x1", "x2", "y", "ŷ", "answer"].map((t) =>
        h("th", { scope: "col", text: t })))),
      h("tbody", {}, r.inputs.map(([x1, x2], k) => h("tr", {},
        h("td", { text: x1 }), h("td", { text: x2 }), h("td", { text: r.targets[k] }),
        h("td", { class: "out", id: view.id(`yhat${k}`), text: fmt(r.predictions[k], 4) }),
        h("td", { text: r.answers[k] === r.targets[k] ? `${r.answers[k]} ✓` : `${r.answers[k]} ✗` })))));
    const solved = r.correct === r.targets.length;
    status.replaceChildren(`learning rate ${rateText(r.learning_rate)}, ${r.epochs_run} epochs: loss `,
      h("output", { id: view.id("first-loss"), class: "widget-value", text: fmt(r.first_loss, 4) }),
      " in the first epoch → ", h("output", { id: view.id("final-loss"), class: "widget-value",
        text: fmt(r.final_loss, 4) }), " in the last; the trained weights' loss ",
      h("output", { id: view.id("trained-loss"), class: "widget-value",
        text: fmt(r.trained_loss, 5) }));
    verdict.textContent = r.diverged ? r.diverged
      : `${r.correct} of ${r.targets.length} rows right (ŷ > 0.5 answers 1): `
        + (solved ? "the table is learned." : "not learned yet.");
    verdict.dataset.solved = solved ? "true" : "false";
    linkPlayground(r);
    section.dataset.finalLoss = String(r.final_loss);
    section.dataset.predictions = JSON.stringify(r.predictions);
  }

  // The section's playground link opens this very run: the four XOR rows, the layers,
  // the optimizer with the rate that ran, the loss, the whole table as one batch, the seed.
  function linkPlayground(r) {
    const link = section.querySelector("a[data-explorer]");
    const layers = r.recipe.layers;
    const hidden = layers.slice(0, -1);
    if (!link || r.recipe.data !== "xor" || !hidden.length
        || hidden.some(([, act]) => act !== hidden[0][1]) || layers.at(-1)[1] !== "sigmoid") return;
    link.href = playgroundUrl(section, { dataset: "xor4", hidden: hidden.map(([u]) => u),
      activation: hidden[0][1], optimizer: r.recipe.optimizer, learning_rate: r.learning_rate,
      batch_size: r.recipe.batch_size ?? 4, loss: r.recipe.loss, seed: r.recipe.seed });
    link.textContent = `Open this run in the playground (${r.epochs_run} epochs: press play)`;
  }

  async function start() {
    const mine = ++run;
    const body = recipeOf(lesson);
    body.epochs = epochs;
    if (rate === null) delete body.learning_rate;
    else body.learning_rate = rate;
    delete section.dataset.done;
    train.disabled = true;
    curveEpochs.length = 0;
    curveLoss.length = 0;
    verdict.textContent = "";
    status.textContent = "Training…";
    try {
      await streamLines("/api/widgets/training", body, (line) => {
        if (mine !== run) return;
        if (line.type === "start") {
          code.textContent = line.code;
        } else if (line.type === "progress") {
          for (const [e, l] of line.points) { curveEpochs.push(e); curveLoss.push(l); }
          status.textContent = `Training… epoch ${line.epoch} of ${line.epochs}`;
          drawCurve();
        } else if (line.type === "done") {
          code.textContent = line.code;
          showResult(line);
        } else if (line.type === "error") {
          throw new Error(line.error);
        }
      });
      if (mine === run) view.ok();
    } catch (err) {
      if (mine === run) {
        view.fail(err);
        status.textContent = "Not trained: see the message above.";
      }
    } finally {
      if (mine === run) {
        train.disabled = false;
        section.dataset.done = "true";
        view.ready();
      }
    }
  }

  rateSelect.addEventListener("change", () => {
    rate = rateSelect.value === "" ? null : Number(rateSelect.value);
    start();
  });
  epochBox.addEventListener("change", () => {
    epochs = Number(epochBox.value);
    start();
  });
  train.addEventListener("click", () => start());

  replace(view.body,
    h("figure", { class: "code training-code" },
      h("figcaption", { text: "The code that runs on the lab's server" }), h("pre", {}, code)),
    h("div", { class: "training-controls" },
      h("span", {}, h("label", { for: view.id("rate"), text: "learning rate" }), rateSelect),
      h("span", {}, h("label", { for: view.id("epochs"), text: "epochs" }), epochBox),
      train),
    status,
    h("div", { class: "widget-columns even" },
      h("div", { class: "widget-panel" }, h("h4", { text: "Loss, epoch by epoch" }), curve),
      h("div", { class: "widget-panel" }, h("h4", { text: "Decision boundary" }),
        h("div", { class: "square" }, square),
        h("p", { class: "hint", text: "Blue: ŷ above 0.5, orange: below; paler is nearer 0.5. "
          + "Dots: the rows, filled where y = 1. Ringed: a wrong answer." }))),
    verdict,
    h("div", { class: "scroll" }, table));
  drawCurve();
  start();
  return {
    reset() {
      rate = lesson.learning_rate ?? null;
      epochs = lesson.epochs ?? 3000;
      rateSelect.value = rate === null ? "" : String(rate);
      epochBox.value = epochs;
      start();
    },
  };
}
