// Code cells and exercises on a lesson page: an editor for each `[data-cell]` and
// `[data-exercise]` block, run in the page's own Python kernel on this machine
// (POST /api/kernels/<page>/run), exercises checked by the same checker as
// `neuronlab learn check` (POST /api/exercises/<name>/check).
// Cells of one page share one kernel, so one namespace: running a cell first runs the
// cells above it that have not run yet, as in a notebook read from the top.

import {
  EditorView, EditorState, Prec, basicSetup, keymap, python,
} from "./vendor/codemirror.js";
import { labUrl, pageHeaders, request } from "./api.js";

function newPageId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const PAGE = newPageId();
let kernelStarted = false;
let queue = Promise.resolve(); // runs go one after the other
const ran = new Set(); // cells that ran in the current kernel

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** `node` showing `text`, each `quoted` part of it as code (as the terminal shows it). */
export function withCode(node, text) {
  node.replaceChildren();
  String(text).split(/(`[^`\n]+`)/).forEach((part, i) => {
    if (i % 2) node.append(element("code", "", part.slice(1, -1)));
    else if (part) node.append(part);
  });
  return node;
}

/** An element whose text may quote code between backticks. */
const textElement = (tag, className, text) => withCode(element(tag, className), text);

const postJson = (path, body) => request(path, body ?? {});

/** Every `ms`, show what the running cell has printed so far, until `done` settles.
 * Each answer carries a cursor; sent back, it asks only for what is new since. */
async function watchOutputs(region, done, ms = 400) {
  let finished = false;
  const stop = () => { finished = true; };
  done.then(stop, stop);
  let shown = [];
  let cursor = { generation: -1, item: 0, chars: 0 }; // nothing yet: the first answer is all
  while (!finished) {
    await new Promise((resolve) => { setTimeout(resolve, ms); });
    if (finished) break;
    try {
      const query = `?generation=${cursor.generation}&item=${cursor.item}&chars=${cursor.chars}`;
      const live = await request(`/api/kernels/${PAGE}/outputs${query}`);
      if (finished || !live.running) continue;
      shown = mergeOutputs(live.reset ? [] : shown, live.start, live.outputs);
      cursor = live.cursor;
      const all = live.cut ? [...shown, { type: "note", text: live.cut }] : shown;
      if (all.length) showOutputs(region, { outputs: all });
    } catch (err) {
      break; // the run's own answer says what went wrong
    }
  }
}

/** `have` continued by `fresh`: its first item extends item `start` (more text) or is new. */
function mergeOutputs(have, start, fresh) {
  const merged = have.slice(0, start + 1);
  fresh.forEach((item, i) => {
    const at = start + i;
    if (at < merged.length && i === 0 && "text" in item && "text" in merged[at]) {
      merged[at] = { ...merged[at], text: merged[at].text + item.text };
    } else {
      merged[at] = item;
    }
  });
  return merged;
}

/** While the page has a kernel, it says now and then that it is still open: a crashed
 * tab stops saying so, and its kernel gives its slot to the next page that needs one. */
setInterval(() => {
  if (kernelStarted && document.visibilityState !== "prerender") {
    request(`/api/kernels/${PAGE}/outputs`).catch(() => {});
  }
}, 15000);

// --------------------------------------------------------------------------- outputs
function showOutputs(region, data) {
  region.replaceChildren();
  for (const item of data.outputs) {
    if (item.type === "stream") {
      region.append(element("pre", `out-${item.name === "stderr" ? "stderr" : "stdout"}`, item.text));
    } else if (item.type === "result" || item.type === "display") {
      region.append(element("pre", "out-result", item.text));
    } else if (item.type === "image") {
      const img = element("img", "out-image");
      img.src = `data:image/png;base64,${item.png}`;
      img.alt = "A figure drawn by the cell";
      region.append(img);
    } else if (item.type === "error") {
      region.append(element("pre", "out-error", item.text));
    } else if (item.type === "note") {
      region.append(textElement("p", "out-note", item.text));
    }
  }
  if (!data.outputs.length) {
    region.append(element("p", "out-empty", "Ran, printed nothing."));
  }
}

function showError(region, message) {
  region.replaceChildren(textElement("p", "out-note out-refused", message));
}

// --------------------------------------------------------------------------- cells
const THEME = EditorView.theme({
  "&": { fontSize: "0.85rem", maxHeight: "32rem", backgroundColor: "#ffffff" },
  "&.cm-focused": { outline: "3px solid #b35300", outlineOffset: "-3px" },
  ".cm-scroller": {
    fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace",
    lineHeight: "1.45",
  },
  ".cm-gutters": { backgroundColor: "#f3f4f7", color: "#4f5666", borderRight: "1px solid #c9ced8" },
});

const cells = []; // every editor on the page, in page order

class Cell {
  constructor(figure, index) {
    this.figure = figure;
    this.index = index;
    this.exercise = figure.dataset.exercise || "";
    const pre = figure.querySelector("pre");
    this.original = (pre ? pre.textContent : "").replace(/\s+$/, "") + "\n";
    this.build(pre);
  }

  build(pre) {
    // The editor lives in a shadow root: CodeMirror then styles it with a constructed
    // style sheet, which the lab's Content-Security-Policy (no inline <style>) allows.
    const box = element("div", "cell-editor");
    const shadow = box.attachShadow({ mode: "open" });
    const runKeys = Prec.highest(keymap.of([
      { key: "Shift-Enter", run: () => { this.run(); return true; } },
      { key: "Mod-Enter", run: () => { this.run(); return true; } },
    ]));
    this.view = new EditorView({
      parent: shadow,
      root: shadow,
      state: EditorState.create({
        doc: this.original,
        extensions: [
          basicSetup, python(), runKeys, THEME,
          EditorView.contentAttributes.of({ "aria-label": "Python code" }),
        ],
      }),
    });
    const bar = element("div", "cell-bar");
    this.runButton = element("button", "cell-run", "▶ Run");
    this.runButton.type = "button";
    this.runButton.title = "Run this cell (Shift+Enter in the editor)";
    this.stopButton = element("button", "cell-stop", "■ Stop");
    this.stopButton.type = "button";
    this.stopButton.disabled = true;
    this.resetButton = element("button", "cell-reset", "Reset");
    this.resetButton.type = "button";
    this.resetButton.title = "Put the lesson's code back";
    this.state = element("span", "cell-state", "");
    bar.append(this.runButton, this.stopButton, this.resetButton);
    this.runButton.addEventListener("click", () => this.run());
    this.stopButton.addEventListener("click", () => this.stop());
    this.resetButton.addEventListener("click", () => this.reset());
    if (this.exercise) {
      this.checkButton = element("button", "cell-check", "✓ Check");
      this.checkButton.type = "button";
      this.hintButton = element("button", "cell-hint", "Hint");
      this.hintButton.type = "button";
      bar.prepend(this.checkButton);
      bar.append(this.hintButton);
      this.checkButton.addEventListener("click", () => this.check());
      this.hintButton.addEventListener("click", () => this.hint());
    }
    bar.append(this.state);
    this.output = element("div", "cell-output");
    this.output.setAttribute("role", "status");
    this.output.setAttribute("aria-live", "polite");
    this.output.setAttribute("aria-label", "Output");
    const keys = element("p", "cell-keys",
      "Shift+Enter runs the cell; Tab leaves the editor.");
    if (pre) pre.replaceWith(box); else this.figure.append(box);
    box.after(bar, this.output);
    this.figure.classList.add("live");
    if (this.exercise) {
      this.verdict = element("div", "cell-verdict");
      this.verdict.setAttribute("role", "status");
      this.verdict.setAttribute("aria-live", "polite");
      this.hints = element("ol", "cell-hints");
      this.hints.hidden = true;
      this.output.after(this.verdict, this.hints);
      this.where = element("p", "cell-where", "");
      const caption = this.figure.querySelector("figcaption");
      const note = caption?.querySelector(".terminal-note"); // the terminal's way stays last
      if (note) note.before(this.where); else caption?.append(this.where);
      this.describe();
    }
    if (this.index === 0) this.figure.querySelector(".cell-bar").after(keys);
  }

  code() {
    return this.view.state.doc.toString();
  }

  busy(on) {
    this.runButton.disabled = on;
    this.stopButton.disabled = !on;
    this.figure.dataset.running = on ? "true" : "false";
    this.state.textContent = on ? "Running…" : "";
    // The last run's output is not this run's: it goes as soon as the run starts (what
    // this run prints appears as it comes).
    if (on) this.output.replaceChildren(element("p", "out-note out-running", "Running…"));
  }

  run() {
    // Cells above this one that have not run yet go first, in order.
    const before = cells.filter((c) => c.index < this.index && !c.exercise && !ran.has(c));
    const todo = this.exercise ? [this] : [...before, this];
    for (const cell of todo) {
      queue = queue.then(() => cell.runNow());
    }
    return queue;
  }

  async runNow() {
    this.busy(true);
    try {
      const running = postJson(`/api/kernels/${PAGE}/run`, { code: this.code() });
      watchOutputs(this.output, running);
      const data = await running;
      kernelStarted = true;
      if (data.started && ran.size) ran.clear(); // a fresh kernel knows nothing yet
      if (data.restarted) ran.clear();
      ran.add(this);
      showOutputs(this.output, data);
      this.figure.dataset.status = data.status;
    } catch (err) {
      showError(this.output, err.message);
      this.figure.dataset.status = "refused";
    } finally {
      this.busy(false);
    }
  }

  async stop() {
    this.state.textContent = "Stopping…";
    try {
      await postJson(`/api/kernels/${PAGE}/interrupt`);
    } catch (err) {
      showError(this.output, err.message);
    }
  }

  reset() {
    this.view.dispatch({
      changes: { from: 0, to: this.view.state.doc.length, insert: this.original },
    });
    this.view.focus();
  }

  async describe() {
    try {
      const info = await request(`/api/exercises/${encodeURIComponent(this.exercise)}`);
      withCode(this.where, "Check runs your code on the exercise's cases and saves it as " +
        `\`${String(info.file).split("/").pop()}\` in your workspace \`${info.workspace}\`.` +
        (info.solved ? " ✓ Solved already." : ""));
      this.figure.dataset.solved = info.solved ? "true" : "false";
    } catch (err) {
      withCode(this.where, err.message);
    }
  }

  async check() {
    this.checkButton.disabled = true;
    this.verdict.replaceChildren(element("p", "", "Checking…"));
    try {
      const data = await postJson(`/api/exercises/${encodeURIComponent(this.exercise)}/check`,
        { code: this.code() });
      this.verdict.className = `cell-verdict ${data.passed ? "right" : "wrong"}`;
      const head = textElement("p", "verdict-head",
        `${data.passed ? "✓" : "✗"} ${data.exercise}: ${data.headline}`);
      const text = element("pre", "verdict-text",
        data.text.split("\n").slice(1).join("\n"));
      this.verdict.replaceChildren(head);
      if (text.textContent.trim()) this.verdict.append(text);
      if (data.passed) {
        this.verdict.append(textElement("p", "saved",
          `Saved as solved in your workspace \`${data.workspace}\`` +
          (data.newly_solved ? "; the terminal's `neuronlab learn list` shows it too." : ".")));
        this.figure.dataset.solved = "true";
      }
      for (const warning of data.warnings || []) this.verdict.append(textElement("p", "", warning));
    } catch (err) {
      this.verdict.className = "cell-verdict wrong";
      this.verdict.replaceChildren(textElement("p", "", err.message));
    } finally {
      this.checkButton.disabled = false;
    }
  }

  async hint() {
    try {
      const data = await postJson(`/api/exercises/${encodeURIComponent(this.exercise)}/hint`);
      this.hints.replaceChildren(...data.shown.map((h) => textElement("li", "hint", h)));
      this.hints.hidden = false;
      this.hintButton.textContent = data.last ? "All hints shown" : "Another hint";
      this.hintButton.disabled = data.last;
    } catch (err) {
      this.hints.replaceChildren(textElement("li", "", err.message));
      this.hints.hidden = false;
    }
  }
}

function closeKernel() {
  if (!kernelStarted) return;
  kernelStarted = false;
  ran.clear();
  // keepalive lets the request outlive the page (a beacon cannot DELETE)
  fetch(labUrl(`/api/kernels/${PAGE}`), { method: "DELETE", keepalive: true, headers: pageHeaders() }).catch(() => {});
}

export function mountCells(root = document) {
  const blocks = root.querySelectorAll("figure[data-cell], figure[data-exercise]");
  blocks.forEach((figure, i) => cells.push(new Cell(figure, i)));
  if (cells.length) window.addEventListener("pagehide", closeKernel);
  return cells;
}
