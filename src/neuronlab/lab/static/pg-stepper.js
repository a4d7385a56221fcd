// The playground's slow-motion step: one batch of training, stage by stage, for the
// learner's own network. POST /api/sessions/{id}/backprop returns every number of the
// step training takes next (from the library: forward z and a, the loss, Dense.backward's
// ∂L/∂z, ∂L/∂W and ∂L/∂b, the session's optimizer's update); nothing changes until the
// learner presses "Take this step", which POSTs .../backprop/apply and draws the new frame.
// A small network is drawn with the lesson widget's diagram; every network also gets its
// numbers as compact tables, one layer at a time.

import { post } from "./api.js";
import { button } from "./controls.js";
import { figure, fmt, h, replace } from "./dom.js";
import { drawNetwork, stagesFor } from "./widgets/backprop-stepper.js";

const AUTOPLAY_MS = 1400;
const DRAWABLE = (sizes) => sizes.length <= 4 && Math.max(...sizes) <= 4;  // labels stay readable

const layerName = (r, k) => (k === r.forward.length - 1 ? "the output layer" : `hidden layer ${k + 1}`);
const neuronNames = (r, k) => Array.from({ length: r.sizes[k + 1] }, (_, j) => `L${k + 1} n${j + 1}`);
const inputNames = (r, k) => (k === 0 ? r.features : neuronNames(r, k - 1));

/** A compact table: `rows` × `cols` with headers, cell text from `cell(i, j)`, cell ids from `id`. */
function table(caption, rowNames, colNames, cell, id) {
  return h("table", { class: "matrix small stepper-table" },
    h("caption", { text: caption }),
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "" }),
      colNames.map((name) => h("th", { scope: "col", text: name })))),
    h("tbody", {}, rowNames.map((name, i) => h("tr", {}, h("th", { scope: "row", text: name }),
      colNames.map((_, j) => h("td", { id: id ? id(i, j) : null, text: cell(i, j) }))))));
}

/** The panel and its opening button; `update(frame)` after every frame of the playground. */
export function slowMotion({ session, onFrame }) {
  let r = null;
  let at = -1;
  let timer = null;
  let applied = false;
  let lastFrame = null;
  let sample = 0;

  const openButton = button("step one batch in slow motion",
    "Pause, then show one training step on the next batch, stage by stage", () => open(),
    { id: "pg-slow", disabled: true });  // until the first frame: update() enables it
  const prevButton = button("◂ Previous", "Show the previous stage", () => go(at - 1),
    { id: "pg-stepper-prev" });
  const nextButton = button("Next stage ▸", "Show the next stage of the training step",
    () => go(at + 1), { id: "pg-stepper-next", class: "primary" });
  const autoButton = button("▶ Autoplay", "Walk through the stages by themselves",
    () => auto(), { id: "pg-stepper-auto" });
  const applyButton = button("Take this step", "Apply the update to the network (the last stage)",
    () => apply(), { id: "pg-stepper-apply" });
  const closeButton = button("close", "Close the slow-motion step without taking it",
    () => close(), { id: "pg-stepper-close" });
  const stageOut = h("output", { id: "pg-stepper-stage", "aria-live": "polite" });
  const batchNote = h("p", { class: "hint", id: "pg-stepper-batch" });
  const note = h("p", { class: "hint", id: "pg-stepper-note", role: "status" });
  const sampleSelect = h("select", { id: "pg-stepper-sample" });
  sampleSelect.addEventListener("change", () => { sample = Number(sampleSelect.value); draw(); });
  const sampleRow = h("div", { class: "field" },
    h("label", { for: "pg-stepper-sample", text: "neurons show sample" }), sampleSelect);
  const diagram = figure("pg-stepper-diagram", "The network with the numbers of the current stage");
  const diagramBox = h("div", { class: "stepper-diagram" }, diagram);  // an <svg> has no .hidden
  const layersStrip = h("ol", { class: "stepper-layers", id: "pg-stepper-layers",
    "aria-label": "The layers; the one at work is marked" });
  const numbers = h("div", { id: "pg-stepper-numbers", class: "stepper-numbers" });
  const panel = h("section", { id: "pg-stepper", class: "pg-stepper", hidden: true,
    "aria-label": "One batch in slow motion" },
  h("h3", { text: "One batch in slow motion" }),
  batchNote,
  h("div", { class: "buttons" }, prevButton, nextButton, autoButton, applyButton, closeButton),
  h("p", { class: "stepper-stage" }, h("span", { text: "stage: " }), stageOut),
  note, sampleRow, diagramBox, layersStrip, numbers);
  panel.addEventListener("keydown", (event) => {
    if (event.target.tagName === "SELECT") return;
    if (event.key === "ArrowRight") { go(at + 1); event.preventDefault(); }
    if (event.key === "ArrowLeft") { go(at - 1); event.preventDefault(); }
  });

  const stages = () => stagesFor(r.forward.length);
  const paused = () => lastFrame && !lastFrame.playing && !lastFrame.diverged;

  async function open() {
    if (!session() || !paused()) return;
    stopAuto();
    try {
      r = await post(`api/sessions/${session()}/backprop`, {});
    } catch (err) {
      return;  // the message (e.g. "pause it first") is in the status bar
    }
    applied = false;
    at = -1;
    sample = 0;
    replace(sampleSelect, r.X.map((_, i) => h("option", { value: i, text: `${i + 1} of ${r.samples}` })));
    batchNote.textContent = `The batch: ${r.batch}. Every sum runs over the whole batch; the ` +
      `tables show its first ${r.shown} samples. Nothing changes until you press "Take this ` +
      "step\" at the last stage; the epoch counter then stays where it is.";
    panel.hidden = false;
    draw();
    nextButton.focus();
  }

  function close() {
    stopAuto();
    panel.hidden = true;
    r = null;
    openButton.focus();
  }

  function stopAuto() {
    clearInterval(timer);
    timer = null;
    autoButton.textContent = "▶ Autoplay";
  }

  function auto() {
    if (timer) { stopAuto(); return; }
    if (!r || applied) return;
    if (at >= stages().length - 1) go(-1);
    autoButton.textContent = "❚❚ Pause";
    timer = setInterval(() => {
      if (at >= stages().length - 1) stopAuto();
      else go(at + 1);
    }, AUTOPLAY_MS);
  }

  function go(k) {
    if (!r || applied) return;
    const focused = panel.contains(document.activeElement);
    at = Math.max(-1, Math.min(k, stages().length - 1));
    draw();
    // At the last stage "Next" is disabled: the keyboard moves on to "Take this step".
    if (focused && at === stages().length - 1 && !applyButton.disabled) applyButton.focus();
  }

  async function apply() {
    if (!r || at < stages().length - 1 || applied) return;
    stopAuto();
    try {
      const frame = await post(`api/sessions/${session()}/backprop/apply`, { params: r.params });
      applied = true;
      onFrame(frame);
      draw();
    } catch (err) {
      // The message (the network changed, or it is training) is in the status bar.
    }
  }

  function describe(stage) {
    if (!stage) return "ready: press Next stage";
    if (stage.kind === "forward") return `forward: ${layerName(r, stage.layer)}`;
    if (stage.kind === "loss") return "loss";
    if (stage.kind === "backward") return `backward: ${layerName(r, stage.layer)}`;
    return "update";
  }

  function sampleNames() {
    return r.X.map((_, i) => `sample ${i + 1}`);
  }

  function stageNumbers(stage) {
    const n = r.shown;
    if (!stage) {
      return [h("p", { text: "The weights before the step are on the links (and in \"All weights " +
        "and biases\" below). Press Next stage to run the forward pass." })];
    }
    const k = stage.layer;
    if (stage.kind === "forward") {
      const f = r.forward[k];
      return [
        h("p", { text: `z = x·Wᵀ + b, then a = ${f.activation}(z), for each sample (first ${n} of ${r.samples}).` }),
        h("div", { class: "stepper-tables" },
          table(`z of ${layerName(r, k)}`, sampleNames(), neuronNames(r, k), (i, j) => fmt(f.z[i][j], 4)),
          table(`a = ${f.activation}(z)`, sampleNames(), neuronNames(r, k), (i, j) => fmt(f.a[i][j], 4),
            (i, j) => `pg-stepper-a-${k}-${i}-${j}`)),
      ];
    }
    if (stage.kind === "loss") {
      const outputs = neuronNames(r, r.forward.length - 1);
      const both = outputs.flatMap((name) => [`ŷ ${name}`, `y ${name}`]);
      const penalty = r.penalty ? ` + penalties ${fmt(r.penalty, 6)} (L2: l2·ΣW², L1: l1·Σ|W|)` : "";
      const start = r.fused
        ? `∂L/∂z of the output layer = (ŷ − y) / N: ${r.forward.at(-1).activation} with ` +
          `${r.loss_name} cancel, so the library starts from z (the fused gradient).`
        : `∂L/∂ŷ from the loss (${r.loss_name}), handed to the output layer.`;
      return [
        h("p", { class: "widget-big", id: "pg-stepper-loss",
          text: `${r.loss_formula}${penalty}  →  L = ${fmt(r.loss, 6)}` }),
        h("div", { class: "stepper-tables" },
          table("predictions ŷ and targets y", sampleNames(), both,
            (i, j) => fmt((j % 2 ? r.y : r.prediction)[i][Math.floor(j / 2)], 4)),
          table(r.fused ? "∂L/∂z (output)" : "∂L/∂ŷ", sampleNames(), outputs,
            (i, j) => fmt(r.grad_output[i][j], 5))),
        h("p", { text: start }),
      ];
    }
    if (stage.kind === "backward") {
      const b = r.backward[k];
      const reg = r.regularization[k];
      const extra = [reg.l2 ? `2·${reg.l2}·W (L2)` : "", reg.l1 ? `${reg.l1}·sign(W) (L1)` : ""]
        .filter(Boolean).join(" + ");
      const how = b.grad_a === null ? "∂L/∂z = (ŷ − y) / N (fused)" : "∂L/∂z = ∂L/∂a · f′(z)";
      return [
        h("p", { text: `${how}; ∂L/∂W = (∂L/∂z)ᵀ · x summed over the batch${extra ? ` + ${extra}` : ""}` +
          "; ∂L/∂b = Σ ∂L/∂z; ∂L/∂x = ∂L/∂z · W goes on to the layer before." }),
        h("div", { class: "stepper-tables" },
          table(`∂L/∂z of ${layerName(r, k)}`, sampleNames(), neuronNames(r, k),
            (i, j) => fmt(b.grad_z[i][j], 5)),
          table("∂L/∂w on every link (row: neuron, column: its input) and ∂L/∂b",
            neuronNames(r, k), [...inputNames(r, k), "∂L/∂b"],
            (j, i) => fmt(i < b.grad_W[j].length ? b.grad_W[j][i] : b.grad_b[j], 5),
            (j, i) => (i < b.grad_W[j].length ? `pg-stepper-gw-${k}-${j}-${i}` : `pg-stepper-gb-${k}-${j}`))),
      ];
    }
    const o = r.optimizer;
    return [
      h("p", { class: "widget-big", id: "pg-stepper-rule", text: `${o.name}, step ${o.step}, ` +
        `η = ${o.learning_rate}: ${o.rule}` }),
      ...r.after.map((p, c) => table(`${layerName(r, c)}: old → new`, neuronNames(r, c),
        [...inputNames(r, c), "b"],
        (j, i) => (i < p.W[j].length ? `${fmt(r.before[c].W[j][i], 4)} → ${fmt(p.W[j][i], 4)}`
          : `${fmt(r.before[c].b[j], 4)} → ${fmt(p.b[j], 4)}`),
        (j, i) => (i < p.W[j].length ? `pg-stepper-w-${c}-${j}-${i}` : `pg-stepper-b-${c}-${j}`))),
    ];
  }

  function draw() {
    if (!r) return;
    const all = stages();
    const stage = at >= 0 ? all[at] : null;
    const last = at >= all.length - 1;
    stageOut.textContent = `${at + 1} of ${all.length} · ${describe(stage)}`;
    prevButton.disabled = applied || at < 0;
    nextButton.disabled = applied || last;
    autoButton.disabled = applied;
    applyButton.disabled = applied || !last;
    const changed = lastFrame && lastFrame.params !== r.params;
    if (applied) {
      note.textContent = "Done: the network took this step; its new weights are in the picture. " +
        "The epoch has not moved on, so \"step one batch in slow motion\" traces the same batch " +
        "again, from the new weights, and the next epoch of training starts with it too.";
    } else if (changed) {
      note.textContent = "The network changed since this step was traced: close it and trace again.";
      applyButton.disabled = true;
    } else {
      note.textContent = last ? "Press \"Take this step\" to apply the update to the network." : "";
    }
    const reached = (kind, layer) => all.slice(0, at + 1).some((st) => st.kind === kind &&
      (layer === undefined || st.layer === layer));
    const small = DRAWABLE(r.sizes);
    diagramBox.hidden = !small;
    sampleRow.hidden = !small;
    layersStrip.hidden = small;
    if (small) drawNetwork(diagram, r, stage, reached, sample);
    else {
      const names = ["inputs", ...r.forward.map((_, k) => (k === r.forward.length - 1 ? "output" : `L${k + 1}`)), "loss"];
      replace(layersStrip, names.map((name, c) => {
        const k = c - 1;
        const current = stage && ((stage.kind === "loss" && c === names.length - 1) ||
          (stage.kind !== "loss" && stage.layer === k && k >= 0) || (stage.kind === "update" && k >= 0 && c < names.length - 1));
        return h("li", { class: current ? "current" : null, "aria-current": current ? "step" : null,
          text: c > 0 && c < names.length - 1 ? `${name} (${r.sizes[c]})` : name });
      }));
    }
    replace(numbers, stageNumbers(stage));
  }

  return {
    button: openButton,
    panel,
    /** Called with every frame: enable the button only while paused. */
    update(frame) {
      lastFrame = frame;
      openButton.disabled = !paused();
      if (r && !panel.hidden) draw();
    },
  };
}
