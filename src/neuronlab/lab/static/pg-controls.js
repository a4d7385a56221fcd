// The playground's controls: the data, the input features, the learner's own points,
// the network and its training. Every choice comes from the lab's /api/meta.

import { showError } from "./api.js";
import { button, numberRow, selectRow, sliderRow } from "./controls.js";
import { h, replace } from "./dom.js";
import { CLASS_NAMES } from "./pg-pictures.js";

/**
 * Fill `root` with the controls of the configuration `cfg`; each change edits `cfg` and
 * calls `reconfigure()` (`reconfigureSoon()` while a slider moves). The menus and their
 * choices come from the lab (`meta`, its /api/meta): the page keeps no copy of them.
 * `page` holds what the page itself keeps: `data` (the session's data, or null),
 * `ownLabel` (the label of the next point the learner adds) and `csvInput`.
 */
export function buildControls(root, cfg, meta, page, { reconfigure, reconfigureSoon }) {
  const lim = meta.limits;
  const choices = meta.playground;
  const { data, csvInput } = page;
  const features = choices.features;
  const withValue = (menu, value) => (menu.includes(value) ? menu
    : [...menu, value].sort((x, y) => x - y));
  const layers = cfg.hidden.map((units, k) => h("div", { class: "layer-size" },
    h("span", { text: `hidden layer ${k + 1}: ${units} neuron${units === 1 ? "" : "s"}` }),
    button("−", `Remove a neuron from hidden layer ${k + 1}`, () => {
      cfg.hidden[k] = units - 1;
      reconfigure();
    }, { id: `pg-layer${k + 1}-minus`, disabled: units <= 1 }),
    button("+", `Add a neuron to hidden layer ${k + 1}`, () => {
      cfg.hidden[k] = units + 1;
      reconfigure();
    }, { id: `pg-layer${k + 1}-plus`, disabled: units >= lim.neurons })));
  replace(root,
    h("fieldset", {}, h("legend", { text: "Data" }),
      selectRow({ id: "pg-dataset", label: "data set", value: cfg.dataset,
        options: [...meta.datasets, ...choices.tables,
          [choices.own_data, `${choices.own_data} (only your points)`]],
        onChange: (v) => { cfg.dataset = v; reconfigure(); } }),
      numberRow({ id: "pg-samples", label: "points", value: cfg.samples,
        min: choices.samples[0], max: choices.samples[1], onChange: (v) => { cfg.samples = v; reconfigure(); } }),
      sliderRow({ id: "pg-noise", label: "noise", value: cfg.noise, min: 0, max: 1,
        step: 0.05, onInput: (v) => { cfg.noise = v; reconfigureSoon(); } }),
      sliderRow({ id: "pg-train", label: "train fraction", value: cfg.train_fraction,
        min: choices.train_fraction[0], max: choices.train_fraction[1], step: 0.05,
        onInput: (v) => { cfg.train_fraction = v; reconfigureSoon(); } }),
      numberRow({ id: "pg-batch", label: "batch size", value: cfg.batch_size, min: 1,
        max: lim.points, onChange: (v) => { cfg.batch_size = v; reconfigure(); } }),
      numberRow({ id: "pg-seed", label: "seed", value: cfg.seed, min: 0,
        max: lim.seed, onChange: (v) => { cfg.seed = v; reconfigure(); } })),
    h("fieldset", { class: "features" }, h("legend", { text: "Input features" }),
      features.map(([name, label]) => {
        const box = h("input", { type: "checkbox", id: `pg-feature-${name}`,
          checked: cfg.features.includes(name) });
        box.addEventListener("change", () => {
          const chosen = features.map(([n]) => n).filter((n) =>
            n === name ? box.checked : cfg.features.includes(n));
          if (!chosen.length) {
            box.checked = true;
            showError("The network needs at least one input feature.");
            return;
          }
          cfg.features = chosen;
          reconfigure();
        });
        return h("label", { class: "check", for: `pg-feature-${name}` }, box, label);
      })),
    h("fieldset", {}, h("legend", { text: "Your own data" }),
      h("p", { class: "hint", text: "Click on the plot to add a point of this label:" }),
      selectRow({ id: "pg-own-label", label: "label of new points", value: page.ownLabel,
        options: data && data.task === "regression" ? [-1, -0.5, 0, 0.5, 1]
          : choices.own_labels.map((k) => [k, `class ${k} ${CLASS_NAMES[k]}`]),
        onChange: (v) => { page.ownLabel = Number(v); } }),
      h("div", { class: "field" }, h("label", { for: "pg-csv", text: "CSV x1,x2,label" }),
        csvInput),
      button(`clear my points (${cfg.points.length})`, "Remove the points you added",
        () => { cfg.points = []; reconfigure(); },
        { id: "pg-clear-points", disabled: !cfg.points.length })),
    h("fieldset", {}, h("legend", { text: "Network" }),
      h("div", { class: "layer-size" },
        h("span", { text: `hidden layers: ${cfg.hidden.length}` }),
        button("−", "Remove the last hidden layer", () => {
          cfg.hidden.pop();
          reconfigure();
        }, { id: "pg-layers-minus", disabled: cfg.hidden.length === 0 }),
        button("+", "Add a hidden layer", () => {
          cfg.hidden.push(cfg.hidden.at(-1) || 4);
          reconfigure();
        }, { id: "pg-layers-plus", disabled: cfg.hidden.length >= lim.hidden_layers })),
      layers,
      selectRow({ id: "pg-activation", label: "activation", value: cfg.activation,
        options: meta.hidden_activations,
        onChange: (v) => { cfg.activation = v; reconfigure(); } })),
    h("fieldset", {}, h("legend", { text: "Training" }),
      selectRow({ id: "pg-lr", label: "learning rate", value: cfg.learning_rate,
        options: withValue(choices.learning_rates, cfg.learning_rate), onChange: (v) => { cfg.learning_rate = Number(v); reconfigure(); } }),
      selectRow({ id: "pg-optimizer", label: "optimizer", value: cfg.optimizer,
        options: meta.optimizers, onChange: (v) => { cfg.optimizer = v; reconfigure(); } }),
      selectRow({ id: "pg-l2", label: "L2 regularization", value: cfg.l2,
        options: withValue(choices.penalties, cfg.l2),
        onChange: (v) => { cfg.l2 = Number(v); reconfigure(); } }),
      selectRow({ id: "pg-l1", label: "L1 regularization", value: cfg.l1,
        options: withValue(choices.penalties, cfg.l1),
        onChange: (v) => { cfg.l1 = Number(v); reconfigure(); } }),
      selectRow({ id: "pg-loss", label: "loss", value: cfg.loss,
        options: choices.losses.map((loss) => [loss, loss === "auto" ? "auto (by task)" : loss]),
        onChange: (v) => { cfg.loss = v; reconfigure(); } })));
  // A truth table is its rows: no number of points, no noise, no split (train = test).
  const table = choices.tables.some(([name]) => name === cfg.dataset);
  for (const id of ["pg-samples", "pg-noise-range", "pg-noise-num", "pg-train-range",
    "pg-train-num"]) {
    const input = document.getElementById(id);
    if (input) {
      input.disabled = table;
      input.title = table ? `${cfg.dataset} is the rows of a truth table: every row is `
        + "trained on and tested on" : "";
    }
  }
}
