// Lessons 8 and 9: one training step, stage by stage. POST /api/widgets/backprop
// returns every number from the library (forward z and a of each layer, the loss, the
// backward pass from Dense.backward, the SGD update); this widget walks through them:
// forward → loss → backward (last layer first) → update, highlighting the layer at work.

import { button, numberRow, selectRow } from "../controls.js";
import { figure, fmt, h, replace, s } from "../dom.js";
import { copy, frame, latest, readout, request } from "./common.js";

const SAMPLES = [["all", "all four (the batch)"], ["0", "(0, 0)"], ["1", "(0, 1)"], ["2", "(1, 0)"],
  ["3", "(1, 1)"]];

/** The stages of one step for a network of `layers` layers. */
export function stagesFor(layers) {
  const out = [];
  for (let k = 0; k < layers; k++) out.push({ kind: "forward", layer: k });
  out.push({ kind: "loss", layer: layers - 1 });
  for (let k = layers - 1; k >= 0; k--) out.push({ kind: "backward", layer: k });
  out.push({ kind: "update", layer: -1 });
  return out;
}

/**
 * Draw the network of a traced step `r` (from /api/widgets/backprop or the playground's
 * /api/sessions/{id}/backprop) into the <svg> `diagram` at `stage`: weights, then ∂L/∂w
 * on the links once the backward pass reached their layer, then the new weights after
 * the update. `reached(kind, layer)` says whether a stage was reached. The neurons show
 * z and a (and ∂L/∂z) of sample `sample` of the batch; with no sample (a batch of
 * several), ∂L/∂b.
 */
const LABELLED_LINKS = 8;

export function drawNetwork(diagram, r, stage, reached, sample = r.X.length === 1 ? 0 : null) {
  const sizes = r.sizes;
  const one = sample !== null;
  const W = 640;
  const tallest = Math.max(...sizes);
  const gap = 92;
  const H = Math.max(220, tallest * gap + 40);
  const colX = (c) => 60 + c * ((W - 200) / (sizes.length - 1));
  const nodeY = (c, i) => H / 2 + (i - (sizes[c] - 1) / 2) * gap;
  diagram.setAttribute("viewBox", `0 0 ${W} ${H}`);
  const parts = [];
  const updated = reached("update");
  r.forward.forEach((f, k) => {
    const active = stage && stage.layer === k;
    const back = reached("backward", k);
    // Up to LABELLED_LINKS links between two columns carry their number on the line;
    // more would pile up, so those show it on hover (and the tables list them all).
    const labelled = f.W.length * f.W[0].length <= LABELLED_LINKS;
    f.W.forEach((row, j) => row.forEach((w, i) => {
      const [x1, y1, x2, y2] = [colX(k) + 24, nodeY(k, i), colX(k + 1) - 30, nodeY(k + 1, j)];
      const text = updated ? `w ${fmt(r.after[k].W[j][i], 3)}`
        : back ? `∂w ${fmt(r.backward[k].grad_W[j][i], 3)}` : `w ${fmt(w, 2)}`;
      const line = s("line", { x1, y1, x2, y2, class: `link step-link${active ? " current" : ""}` });
      if (!labelled) line.append(s("title", { text: `x${i + 1} → N${j + 1}: ${text}` }));
      parts.push(line);
      if (!labelled) return;
      const t = 0.3 + 0.4 * ((i + j) % 3) / 2;  // stagger the labels so that they do not meet
      parts.push(s("text", { x: x1 + (x2 - x1) * t, y: y1 + (y2 - y1) * t - 5, "text-anchor": "middle",
        class: `link-label${back && !updated ? " grad" : ""}`, text }));
    }));
  });
  sizes.forEach((n, c) => {
    for (let i = 0; i < n; i++) {
      const x = colX(c);
      const y = nodeY(c, i);
      const k = c - 1;  // the layer of this column (-1: the inputs)
      const active = stage && stage.layer === k && k >= 0;
      const lines = [];
      if (c === 0) {
        const input = r.features ? r.features[i] : `x${i + 1}`;
        lines.push(one ? fmt(r.X[sample][i], 2) : input);
        if (one) parts.push(s("text", { x: x - 30, y: y + 4, "text-anchor": "end", class: "axis-label", text: input }));
      }
      else {
        if (reached("forward", k) && one) lines.push(`z ${fmt(r.forward[k].z[sample][i], 3)}`, `a ${fmt(r.forward[k].a[sample][i], 3)}`);
        if (reached("backward", k)) lines.push(one ? `∂z ${fmt(r.backward[k].grad_z[sample][i], 3)}`
          : `∂b ${fmt(r.backward[k].grad_b[i], 3)}`);
        if (!lines.length) lines.push(`N${i + 1}`);
      }
      const g = s("g", { class: `node ${c === 0 ? "input" : "neuron"}${active ? " current" : ""}` });
      g.append(s("circle", { cx: x, cy: y, r: c === 0 ? 24 : 34 }));
      lines.forEach((line, m) => g.append(s("text", { x, y: y + 4 + (m - (lines.length - 1) / 2) * 14,
        "text-anchor": "middle", text: line })));
      parts.push(g);
    }
  });
  const last = sizes.length - 1;
  const lossOn = reached("loss");
  parts.push(s("line", { x1: colX(last) + 34, y1: H / 2, x2: W - 112, y2: H / 2, class: "out-link" }));
  const box = s("g", { class: `loss-box${stage && stage.kind === "loss" ? " current" : ""}` });
  box.append(s("rect", { x: W - 110, y: H / 2 - 30, width: 104, height: 60, rx: 8 }));
  box.append(s("text", { x: W - 58, y: H / 2 - 6, "text-anchor": "middle", text: "loss L" }));
  box.append(s("text", { x: W - 58, y: H / 2 + 14, "text-anchor": "middle",
    text: lossOn ? fmt(r.loss, 4) : "?" }));
  parts.push(box);
  replace(diagram, parts);
}

const rows = (m) => m.map((r) => `[${r.map((v) => fmt(v, 4)).join(", ")}]`).join("\n    ");

export function mount(section, settings) {
  const view = frame(section);
  const oneNeuron = (settings.network ?? "one-neuron") === "one-neuron";
  const lesson = oneNeuron
    ? { network: "one-neuron", inputs: settings.inputs ?? [1.0, 2.0],
      weights: settings.weights ?? [0.5, -0.5], bias: settings.bias ?? 0.0,
      target: settings.target ?? 1.0, learning_rate: settings.learning_rate ?? 0.5 }
    : { network: "xor", hidden: settings.hidden ?? 4, sample: settings.sample ?? null,
      learning_rate: settings.learning_rate ?? 1.0 };
  let st = copy(lesson);
  let r = null;
  let at = -1;
  let timer = null;
  const controls = h("div", { class: "widget-controls" });
  const diagram = figure(view.id("diagram"), "The network with the numbers of the current stage");
  const [stageRow, stageOut] = readout(view.id("stage"), "stage:");
  const [gradRow, gradOut] = readout(view.id("grad-w"), "∂L/∂w (layer 1, neuron 1, input 1) =");
  const detail = h("pre", { class: "steps", id: view.id("detail"), "aria-live": "polite" });
  const nextButton = button("Next stage ▸", "Show the next stage of the training step",
    () => go(at + 1), { id: view.id("next"), class: "primary" });
  const autoButton = button("▶ Autoplay", "Walk through every stage by itself", () => auto(),
    { id: view.id("auto") });
  const againButton = button("Start over", "Back to before the forward pass", () => { stopAuto(); go(-1); },
    { id: view.id("again") });

  function stopAuto() {
    clearInterval(timer);
    timer = null;
    autoButton.textContent = "▶ Autoplay";
  }

  function auto() {
    if (timer) { stopAuto(); return; }
    if (!r) return;
    if (at >= stagesFor(r.forward.length).length - 1) go(-1);
    autoButton.textContent = "❚❚ Pause";
    timer = setInterval(() => {
      if (at >= stagesFor(r.forward.length).length - 1) stopAuto();
      else go(at + 1);
    }, 1400);
  }

  function go(k) {
    if (!r) return;
    const stages = stagesFor(r.forward.length);
    at = Math.max(-1, Math.min(k, stages.length - 1));
    draw();
  }

  function describe(stage) {
    const L = r.forward.length;
    const name = (k) => (L === 1 ? "the neuron" : k === L - 1 ? "the output layer" : `hidden layer ${k + 1}`);
    if (!stage) return ["ready: press Next stage", "The weights before the step:\n" +
      r.before.map((p, k) => `layer ${k + 1}: W = ${rows(p.W)}\n         b = [${p.b.map((v) => fmt(v, 4)).join(", ")}]`).join("\n")];
    const k = stage.layer;
    if (stage.kind === "forward") {
      const f = r.forward[k];
      return [`forward: ${name(k)}`, `z = x @ W.T + b:\n    ${rows(f.z)}\na = ${f.activation}(z):\n    ${rows(f.a)}`];
    }
    if (stage.kind === "loss") {
      return ["loss", `ŷ = ${rows(r.prediction)}   y = ${rows(r.y)}\n${r.loss_formula} = ${fmt(r.loss, 6)}\n` +
        `∂L/∂ŷ = ${rows(r.grad_output)}`];
    }
    if (stage.kind === "backward") {
      const b = r.backward[k];
      return [`backward: ${name(k)}`, `∂L/∂a (arriving) = ${rows(b.grad_a)}\n∂L/∂z = ∂L/∂a · f′(z) = ${rows(b.grad_z)}\n` +
        `∂L/∂W = (∂L/∂z)ᵀ @ x:\n    ${rows(b.grad_W)}\n∂L/∂b = Σ ∂L/∂z = [${b.grad_b.map((v) => fmt(v, 4)).join(", ")}]`];
    }
    return ["update", `w ← w − η·∂L/∂w with η = ${r.learning_rate}:\n` + r.after.map((p, j) =>
      `layer ${j + 1}: W = ${rows(p.W)}\n         b = [${p.b.map((v) => fmt(v, 4)).join(", ")}]`).join("\n")];
  }

  function draw() {
    const stages = stagesFor(r.forward.length);
    const stage = at >= 0 ? stages[at] : null;
    const [title, text] = describe(stage);
    stageOut.textContent = `${at + 1} of ${stages.length} · ${title}`;
    detail.textContent = text;
    nextButton.disabled = at >= stages.length - 1;
    const reached = (kind, layer) => stages.slice(0, at + 1).some((st2) => st2.kind === kind &&
      (layer === undefined || st2.layer === layer));
    gradOut.textContent = reached("backward", 0) ? fmt(r.backward[0].grad_W[0][0], 4) : "—";
    drawNetwork(diagram, r, stage, reached);
  }

  const load = latest(async () => {
    const body = copy(st);
    if (!oneNeuron && body.sample === null) delete body.sample;
    r = await request("/api/widgets/backprop", body);
    go(at);
  }, view);

  const list = (text) => text.split(",").map((t) => Number(t.trim()));
  function build() {
    if (oneNeuron) {
      const field = (id, label, value, apply) => {
        const box = h("input", { type: "text", id: view.id(id), value, class: "num wide",
          inputmode: "decimal", "aria-label": label });
        box.addEventListener("change", () => { apply(box.value); load(); });
        return h("div", { class: "field" }, h("label", { for: view.id(id), text: label }), box);
      };
      replace(controls,
        field("inputs", "inputs x", st.inputs.join(", "), (v) => { st.inputs = list(v); }),
        field("weights", "weights w", st.weights.join(", "), (v) => { st.weights = list(v); }),
        numberRow({ id: view.id("bias"), label: "bias b", value: st.bias, step: 0.1,
          onChange: (v) => { st.bias = v; load(); } }),
        numberRow({ id: view.id("target"), label: "target t", value: st.target, step: 0.1,
          onChange: (v) => { st.target = v; load(); } }),
        numberRow({ id: view.id("rate"), label: "learning rate η", value: st.learning_rate, step: 0.1,
          onChange: (v) => { st.learning_rate = v; load(); } }),
        h("p", { class: "hint", text: "One sigmoid neuron, loss L = (ŷ − t)²." }));
    } else {
      replace(controls,
        selectRow({ id: view.id("sample"), label: "samples", value: st.sample === null ? "all" : String(st.sample),
          options: SAMPLES, onChange: (v) => { st.sample = v === "all" ? null : Number(v); load(); } }),
        selectRow({ id: view.id("hidden"), label: "hidden neurons", value: String(st.hidden),
          options: [["2", "2 (a 2-2-1 net)"], ["4", "4 (a 2-4-1 net)"]],
          onChange: (v) => { st.hidden = Number(v); load(); } }),
        numberRow({ id: view.id("rate"), label: "learning rate η", value: st.learning_rate, step: 0.1,
          onChange: (v) => { st.learning_rate = v; load(); } }),
        h("p", { class: "hint", text: "XOR, sigmoid neurons, seed 0, loss MSE." }));
    }
  }

  replace(view.body,
    h("div", { class: "buttons" }, nextButton, autoButton, againButton),
    h("p", { class: "widget-big" }, stageRow),
    h("div", { class: "widget-columns" }, controls,
      h("div", { class: "widget-results" }, diagram, h("p", {}, gradRow), detail)));
  build();
  load();
  return { reset() { stopAuto(); st = copy(lesson); at = -1; build(); load(); } };
}
