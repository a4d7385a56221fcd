// Lesson 13: one 3x3 kernel sliding over a real digit, as the neuron widget shows one
// neuron. Under the cursor: the window's nine pixels, the nine products and their sum
// `z = (pixel × weight) + ... + b`; beside it the feature map, filling in as the window
// slides. The kernel, bias, stride and padding are the learner's; below, the same digit
// through several kernels at once, and the map after ReLU and 2x2 max pooling. Every
// number comes from POST /api/widgets/kernel (a Conv2D of the library).

import { fmt, h, replace } from "../dom.js";
import { arith, arithmetic, copy, frame, latest, readout, reflow, request } from "./common.js";
import { cellAt, grid, outline, paint } from "./pixels.js";

const PRESETS = ["vertical edge", "horizontal edge", "blur", "sharpen"];
const DEFAULT_KERNEL = [[1, 0, -1], [1, 0, -1], [1, 0, -1]];

export function mount(section, settings) {
  const view = frame(section);
  const lesson = {
    digit: settings.digit ?? 0,
    kernel: settings.kernel ?? DEFAULT_KERNEL,
    bias: settings.bias ?? 0,
    stride: settings.stride ?? 1,
    padding: settings.padding ?? "valid",
    at: settings.at ?? [8, 8],
  };
  let st = copy(lesson);
  let last = null;
  let furthest = -1;  // the furthest window visited, in reading order: the map shows up to it
  let sliding = null;

  const image = grid(view.id("image"), "The digit, with the kernel's window outlined", 7);
  const map = grid(view.id("map"), "The feature map, filling in as the window moves", 7);
  const [zRow, zOut] = readout(view.id("z"), "z =");
  const [atRow, atOut] = readout(view.id("at"), "window at row, column");
  const [shapeRow, shapeOut] = readout(view.id("shape"), "feature map");
  const line = arithmetic(h("div", { class: "steps", id: view.id("line"), "aria-live": "polite" }));
  const table = h("table", { class: "matrix kernel-products", id: view.id("products") });
  const bank = h("div", { class: "kernel-bank", id: view.id("bank") });
  const pooled = h("div", { class: "kernel-bank", id: view.id("pooling") });
  const label = h("p", { class: "hint", id: view.id("label") });

  const boxes = [0, 1, 2].map((i) => [0, 1, 2].map((j) => {
    const box = h("input", { type: "number", step: 0.1, class: "num kernel-cell",
      id: view.id(`k${i}${j}`), "aria-label": `kernel row ${i + 1}, column ${j + 1}` });
    box.addEventListener("change", () => {
      st.kernel[i][j] = Number(box.value);
      preset.value = "";
      update();
    });
    return box;
  }));
  const preset = h("select", { id: view.id("preset"), "aria-label": "a kernel to start from" },
    h("option", { value: "", text: "(your own)" }),
    PRESETS.map((name) => h("option", { value: name, text: name })));
  const bias = h("input", { type: "number", step: 0.1, class: "num", id: view.id("bias"),
    "aria-label": "bias b" });
  const stride = h("select", { id: view.id("stride"), "aria-label": "stride" },
    h("option", { value: "1", text: "1" }), h("option", { value: "2", text: "2" }));
  const padding = h("select", { id: view.id("padding"), "aria-label": "padding" },
    h("option", { value: "valid", text: "valid (no zeros)" }),
    h("option", { value: "same", text: "same (zeros around)" }));
  const digit = h("input", { type: "number", min: 0, step: 1, class: "num",
    id: view.id("digit"), "aria-label": "which held-out digit" });
  const slide = h("button", { type: "button", id: view.id("slide"), text: "Slide the window" });

  function fillControls() {
    boxes.forEach((row, i) => row.forEach((box, j) => { box.value = String(st.kernel[i][j]); }));
    bias.value = String(st.bias);
    stride.value = String(st.stride);
    padding.value = st.padding;
    digit.value = String(st.digit);
    preset.value = "";
  }

  preset.addEventListener("change", () => {
    if (!preset.value || !last) return;
    st.kernel = copy(last.kernels[preset.value]);
    const chosen = preset.value;
    fillControls();
    preset.value = chosen;
    update();
  });
  bias.addEventListener("change", () => { st.bias = Number(bias.value); update(); });
  stride.addEventListener("change", () => { st.stride = Number(stride.value); restart(); });
  padding.addEventListener("change", () => { st.padding = padding.value; restart(); });
  digit.addEventListener("change", () => { st.digit = Number(digit.value); update(); });

  function restart() {
    st.at = [0, 0];
    furthest = -1;
    update();
  }

  function drawAll(r) {
    const [rows, cols] = r.shape;
    furthest = Math.max(furthest, r.at[0] * cols + r.at[1]);
    paint(image, r.image);
    // the window: 3x3 pixels from `origin` (it may hang over the edge into the zeros)
    outline(image, r.origin[0], r.origin[1], 3, 3);
    paint(map, r.map, { kind: "signed", shown: (i, j) => i * cols + j <= furthest });
    outline(map, r.at[0], r.at[1], 1, 1);
    section.dataset.done = furthest === rows * cols - 1 ? "true" : "false";
  }

  function show(r) {
    last = r;
    drawAll(r);
    zOut.textContent = fmt(r.z, 4);
    atOut.textContent = `${r.at[0]}, ${r.at[1]}`;
    digit.max = String(r.held_out - 1);
    shapeOut.textContent = `${r.shape[0]} × ${r.shape[1]}`;
    arith(line, r.line);
    label.textContent = `Held-out digit #${r.digit}, labelled ${r.label}. Blue: positive z, `
      + "red: negative, white: zero; grey cells: not reached yet.";
    replace(table,
      h("caption", { text: "The nine products pixel × weight, laid out as the window" }),
      h("tbody", {}, r.products.map((row, i) => h("tr", {},
        row.map((p, j) => h("td", { id: view.id(`p${i}${j}`), text: fmt(p, 3),
          title: `${fmt(r.window[i][j], 2)} × ${fmt(r.kernel[i][j], 2)}` }))))));
    reflow(table);
    replace(bank, r.bank.map((b, k) => {
      const c = grid(view.id(`bank${k}`), `The digit through the ${b.name} kernel`, 3);
      paint(c, b.map, { kind: "signed" });
      return h("figure", { class: "kernel-tile" }, c, h("figcaption", { text: b.name }));
    }));
    const relu = grid(view.id("relu"), "Your feature map after ReLU", 3);
    paint(relu, r.relu, { kind: "signed" });
    const pool = grid(view.id("pooled"), "After 2 × 2 max pooling", 6);
    paint(pool, r.pooled, { kind: "signed" });
    replace(pooled,
      h("figure", { class: "kernel-tile" }, relu,
        h("figcaption", { text: `ReLU: ${r.relu.length} × ${r.relu[0].length}` })),
      h("figure", { class: "kernel-tile" }, pool,
        h("figcaption", { text: `2 × 2 max pool: ${r.pooled.length} × ${r.pooled[0].length}` })));
    section.dataset.at = r.at.join(",");
    section.dataset.state = JSON.stringify({ digit: r.digit, kernel: r.kernel, bias: r.bias,
      stride: r.stride, padding: r.padding, at: r.at, products: r.products, sum: r.sum,
      z: r.z });
  }

  const update = latest(async () => {
    show(await request("/api/widgets/kernel", st));
  }, view);

  function moveTo(at) {
    if (st.at[0] === at[0] && st.at[1] === at[1]) return;
    st.at = at;
    update();
  }

  function fromImage(event) {
    if (!last) return;
    const [row, col] = cellAt(image, event, 28, 28);
    // the window whose centre is nearest the pixel under the cursor
    const [rows, cols] = last.shape;
    const s = last.stride;
    const i = Math.round((row + last.pad[0] - 1) / s);
    const j = Math.round((col + last.pad[1] - 1) / s);
    moveTo([Math.max(0, Math.min(rows - 1, i)), Math.max(0, Math.min(cols - 1, j))]);
  }
  image.addEventListener("pointermove", fromImage);
  image.addEventListener("click", fromImage);
  map.addEventListener("pointermove", (event) => {
    if (last) moveTo(cellAt(map, event, last.shape[0], last.shape[1]));
  });

  slide.addEventListener("click", () => {
    if (!last) return;
    if (sliding) { clearInterval(sliding); sliding = null; slide.textContent = "Slide the window"; return; }
    const [rows, cols] = last.shape;
    let k = 0;
    furthest = -1;
    slide.textContent = "Stop";
    sliding = setInterval(() => {
      if (k >= rows * cols) {
        clearInterval(sliding);
        sliding = null;
        slide.textContent = "Slide the window";
        return;
      }
      st.at = [Math.floor(k / cols), k % cols];
      k += Math.max(1, Math.floor(cols / 6));
      update();
    }, 60);
  });

  const kernelGrid = h("div", { class: "kernel-grid", role: "group", "aria-label": "the kernel" },
    boxes.flat());
  replace(view.body,
    h("div", { class: "widget-columns" },
      h("div", { class: "widget-controls" },
        h("div", { class: "field" }, h("label", { for: view.id("preset"), text: "kernel" }), preset),
        kernelGrid,
        h("div", { class: "field" }, h("label", { for: view.id("bias"), text: "bias b" }), bias),
        h("div", { class: "field" }, h("label", { for: view.id("stride"), text: "stride" }), stride),
        h("div", { class: "field" }, h("label", { for: view.id("padding"), text: "padding" }), padding),
        h("div", { class: "field" }, h("label", { for: view.id("digit"), text: "digit #" }), digit),
        slide),
      h("div", { class: "widget-results" },
        h("div", { class: "kernel-pictures" },
          h("figure", { class: "kernel-tile" }, image, h("figcaption", { text: "the digit: point at it" })),
          h("figure", { class: "kernel-tile" }, map, h("figcaption", {}, shapeRow))),
        label,
        arithmetic(h("p", { class: "widget-big" }, zRow, atRow)),
        line,
        h("div", { class: "scroll" }, table))),
    h("div", { class: "widget-columns even" },
      h("div", { class: "widget-panel" }, h("h4", { text: "Several kernels, the same digit" }), bank),
      h("div", { class: "widget-panel" }, h("h4", { text: "ReLU, then pooling" }), pooled)));
  fillControls();
  update();
  return {
    reset() {
      st = copy(lesson);
      furthest = -1;
      fillControls();
      update();
    },
  };
}
