// Lessons 8 and 9: one training step, stage by stage. POST /api/widgets/backprop
// returns every number from the library (forward z and a of each layer, the loss, the
// backward pass from Dense.backward, the SGD update); this widget walks through them:
// forward → loss → backward (last layer first) → update, highlighting the layer at work.

import { button, numberRow, selectRow } from "../controls.js";
import { placeLabels } from "../diagrams.js";
import { figure, fmt, h, replace, s } from "../dom.js";
import { arith, arithmetic, copy, frame, latest, readout, request } from "./common.js";

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
 *
 * The picture is drawn as wide (in its own units) as it is on screen, so its 12-13 px
 * text stays 12-13 px; on a phone the loss box moves under the output neuron and only
 * a few links carry numbers (the tooltips, and the lines under the picture, give all).
 * A label with no free spot is hidden rather than laid over another.
 */
const LABELLED_LINKS = 8;
const redraws = new WeakMap();  // svg -> the last drawing, drawn again on a new width
const resized = typeof ResizeObserver === "undefined" ? null : new ResizeObserver((entries) => {
  for (const entry of entries) {
    const last = redraws.get(entry.target);
    if (last && entry.contentRect.width > 0 && widthOf(entry.target) !== last.width) last.redraw();
  }
});

function widthOf(svg) {
  const onScreen = svg.getBoundingClientRect().width;
  return onScreen ? Math.round(Math.min(640, Math.max(300, onScreen))) : 640;
}

export function drawNetwork(diagram, r, stage, reached, sample = r.X.length === 1 ? 0 : null) {
  const W = widthOf(diagram);
  if (resized && !redraws.has(diagram)) resized.observe(diagram);
  redraws.set(diagram, { width: W, redraw: () => drawNetwork(diagram, r, stage, reached, sample) });
  const narrow = W < 520;
  const sizes = r.sizes;
  const one = sample !== null;
  const tallest = Math.max(...sizes);
  const gap = 92;
  const rIn = 24;
  const rN = 40;
  const left = one ? 58 : 34;  // room for the input names left of their circles
  const right = narrow ? rN + 8 : 184;
  const H = Math.max(narrow ? 250 : 220, tallest * gap + 30);
  const colX = (c) => left + c * ((W - left - right) / (sizes.length - 1));
  const nodeY = (c, i) => H / 2 + (i - (sizes[c] - 1) / 2) * gap;
  const lastX = colX(sizes.length - 1);
  const box = narrow ? { x: Math.min(lastX - 52, W - 108), y: H / 2 + rN + 28, w: 104, h: 56 }
    : { x: W - 122, y: H / 2 - 30, w: 114, h: 60 };
  const height = narrow ? Math.max(H, box.y + box.h + 6) : H;
  diagram.setAttribute("viewBox", `0 0 ${W} ${height}`);
  const parts = [];
  const labels = [];
  const circles = [];
  const updated = reached("update");
  r.forward.forEach((f, k) => {
    const active = stage && stage.layer === k;
    const back = reached("backward", k);
    // Up to LABELLED_LINKS links between two columns carry their number on the line;
    // more would pile up, so those show it on hover (and the lines below list them all).
    const labelled = f.W.length * f.W[0].length <= (narrow ? LABELLED_LINKS / 2 : LABELLED_LINKS);
    const r0 = k === 0 ? rIn : rN;
    f.W.forEach((row, j) => row.forEach((w, i) => {
      const [x1, y1, x2, y2] = [colX(k) + r0, nodeY(k, i), colX(k + 1) - rN, nodeY(k + 1, j)];
      const text = updated ? `w ${fmt(r.after[k].W[j][i], 3)}`
        : back ? `∂w ${fmt(r.backward[k].grad_W[j][i], 3)}` : `w ${fmt(w, 2)}`;
      const line = s("line", { x1, y1, x2, y2, class: `link step-link${active ? " current" : ""}` });
      // named as the tables name them: an input feature, or neuron n of layer L
      const from = k === 0 ? (r.features ? r.features[i] : `x${i + 1}`) : `L${k} n${i + 1}`;
      line.append(s("title", { text: `${from} → L${k + 1} n${j + 1}: ${text}` }));
      parts.push(line);
      if (!labelled) return;
      const el = s("text", { x: 0, y: 0, "text-anchor": "middle",
        class: `link-label${back && !updated ? " grad" : ""}`, text });
      parts.push(el);
      const ts = [0.3, 0.5, 0.7, 0.4, 0.6, 0.2, 0.8];
      const shift = (i + j) % ts.length;
      labels.push({ el, spots: [...ts.slice(shift), ...ts.slice(0, shift)].flatMap((t) => [
        [x1 + (x2 - x1) * t, y1 + (y2 - y1) * t - 5], [x1 + (x2 - x1) * t, y1 + (y2 - y1) * t + 14]]) });
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
        if (one) parts.push(s("text", { x: x - rIn - 4, y: y + 4, "text-anchor": "end", class: "axis-label", text: input }));
      }
      else {
        if (reached("forward", k) && one) lines.push(`z ${fmt(r.forward[k].z[sample][i], 3)}`, `a ${fmt(r.forward[k].a[sample][i], 3)}`);
        if (reached("backward", k)) lines.push(one ? `∂z ${fmt(r.backward[k].grad_z[sample][i], 3)}`
          : `∂b ${fmt(r.backward[k].grad_b[i], 3)}`);
        if (!lines.length) lines.push(`N${i + 1}`);
      }
      const radius = c === 0 ? rIn : rN;
      circles.push({ cx: x, cy: y, r: radius });
      const g = s("g", { class: `node net-node ${c === 0 ? "input" : "neuron"}${active ? " current" : ""}` });
      g.append(s("circle", { cx: x, cy: y, r: radius }));
      lines.forEach((line, m) => g.append(s("text", { x, y: y + 4 + (m - (lines.length - 1) / 2) * 15,
        "text-anchor": "middle", text: line })));
      parts.push(g);
    }
  });
  const lossOn = reached("loss");
  parts.push(narrow
    ? s("line", { x1: lastX, y1: H / 2 + rN, x2: lastX, y2: box.y, class: "out-link" })
    : s("line", { x1: lastX + rN, y1: H / 2, x2: box.x - 2, y2: H / 2, class: "out-link" }));
  const lossBox = s("g", { class: `loss-box${stage && stage.kind === "loss" ? " current" : ""}` });
  lossBox.append(s("rect", { x: box.x, y: box.y, width: box.w, height: box.h, rx: 8 }));
  lossBox.append(s("text", { x: box.x + box.w / 2, y: box.y + box.h / 2 - 5, "text-anchor": "middle", text: "loss L" }));
  lossBox.append(s("text", { x: box.x + box.w / 2, y: box.y + box.h / 2 + 15, "text-anchor": "middle",
    text: lossOn ? fmt(r.loss, 4) : "?" }));
  parts.push(lossBox);
  replace(diagram, parts);
  const fixed = [lossBox, ...diagram.querySelectorAll("g.node text, text.axis-label")];
  placeLabels(diagram, labels, circles, fixed, W, height);
}

const rows = (m) => m.map((r) => `[${r.map((v) => fmt(v, 4)).join(", ")}]`).join("\n    ");
/** Each layer's W (one row a line) and b. */
const params = (layers) => layers.map((p, k) => `layer ${k + 1}:\n  W = ${
  p.W.map((r) => `[${r.map((v) => fmt(v, 4)).join(", ")}]`).join("\n      ")}\n  b = [${
  p.b.map((v) => fmt(v, 4)).join(", ")}]`).join("\n");

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
  const detail = arithmetic(h("div", { class: "steps", id: view.id("detail"), "aria-live": "polite" }));
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
    if (!stage) return ["ready: press Next stage", `The weights before the step:\n${params(r.before)}`];
    const k = stage.layer;
    if (stage.kind === "forward") {
      const f = r.forward[k];
      return [`forward: ${name(k)}`, `z = x @ W.T + b:\n    ${rows(f.z)}\na = ${f.activation}(z):\n    ${rows(f.a)}`];
    }
    if (stage.kind === "loss") {
      return ["loss", `ŷ = ${rows(r.prediction)}\ny = ${rows(r.y)}\n${r.loss_formula} = ${fmt(r.loss, 6)}\n` +
        `∂L/∂ŷ = ${rows(r.grad_output)}`];
    }
    if (stage.kind === "backward") {
      const b = r.backward[k];
      return [`backward: ${name(k)}`, `∂L/∂a (arriving) = ${rows(b.grad_a)}\n∂L/∂z = ∂L/∂a · f′(z) = ${rows(b.grad_z)}\n` +
        `∂L/∂W = (∂L/∂z)ᵀ @ x:\n    ${rows(b.grad_W)}\n∂L/∂b = Σ ∂L/∂z = [${b.grad_b.map((v) => fmt(v, 4)).join(", ")}]`];
    }
    return ["update", `w ← w − η·∂L/∂w with η = ${r.learning_rate}:\n${params(r.after)}`];
  }

  function draw() {
    const stages = stagesFor(r.forward.length);
    const stage = at >= 0 ? stages[at] : null;
    const [title, text] = describe(stage);
    stageOut.textContent = `${at + 1} of ${stages.length} · ${title}`;
    arith(detail, text);
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
        numberRow({ id: view.id("target"), label: "target y", value: st.target, step: 0.1,
          onChange: (v) => { st.target = v; load(); } }),
        numberRow({ id: view.id("rate"), label: "learning rate η", value: st.learning_rate, step: 0.1,
          onChange: (v) => { st.learning_rate = v; load(); } }),
        h("p", { class: "hint", text: "One sigmoid neuron, loss L = (ŷ − y)²." }));
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
    arithmetic(h("p", { class: "widget-big" }, stageRow)),
    h("div", { class: "widget-columns" }, controls,
      h("div", { class: "widget-results" }, diagram, arithmetic(h("p", {}, gradRow)), detail)));
  build();
  load();
  return { reset() { stopAuto(); st = copy(lesson); at = -1; build(); load(); } };
}
