// Talking to the lab server: JSON requests whose answers carry every number the page shows.

const status = () => document.getElementById("status");

// Where the lab is: this file is <lab>/static/api.js, so the lab's root is one folder up.
// Standalone that is "/", behind JupyterHub "/user/<name>/neuronlab/"; every address the
// pages use is made from it, never from "/" (so the lab works under any prefix).
export const ROOT = new URL("../", import.meta.url);

/** The full address of a path of the lab ("/api/neuron", "lessons/x"), under its root. */
export function labUrl(path) {
  return new URL(String(path).replace(/^\/+/, ""), ROOT).href;
}

/** The WebSocket address of a path of the lab (ws: or wss:, as the page). */
export function socketUrl(path) {
  const url = new URL(labUrl(path));
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.href;
}

// The page key: the routes that run code need it besides the cookie (a cookie reaches
// every port of this host; this key only this origin's pages hold). It arrives once, in
// the fragment of the first redirect (#neuronlab-page=...), and is kept in this origin's
// localStorage; the fragment is then taken out of the address bar.
const PAGE_KEY = "neuronlab-page";

function adoptPageKey() {
  const found = /^#neuronlab-page=([0-9a-f]{16,128})$/.exec(location.hash);
  if (!found) return;
  try {
    localStorage.setItem(PAGE_KEY, found[1]);
  } catch (err) {
    sessionKey = found[1]; // storage refused (a private window): keep it for this page
  }
  history.replaceState(history.state, "", location.pathname + location.search);
}

let sessionKey = "";
adoptPageKey();

/** The headers every request to the lab carries: the page key, when this page has it. */
export function pageHeaders() {
  let key = sessionKey;
  try {
    key = localStorage.getItem(PAGE_KEY) || key;
  } catch (err) { /* storage refused */ }
  return key ? { "X-Neuronlab-Page": key } : {};
}

/** Show a message from the server (or about the connection) in the status bar. */
export function showError(message) {
  const bar = status();
  if (!bar) return;
  bar.textContent = message;
  bar.hidden = !message;
}

export function clearError() {
  showError("");
}

/**
 * POST (or GET when `body` is undefined) JSON to the lab and return the answer; throw
 * an Error carrying the server's own message (and `status`) when it refuses.
 */
export async function request(path, body) {
  const options = body === undefined ? { method: "GET", headers: pageHeaders() }
    : { method: "POST", headers: { "Content-Type": "application/json", ...pageHeaders() },
      body: JSON.stringify(body) };
  let response;
  try {
    response = await fetch(labUrl(path), options);
  } catch (err) {
    throw new Error("The lab server does not answer; is `neuronlab lab` still running?");
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(data.error || `The server answered ${response.status}.`);
    error.status = response.status;
    throw error;
  }
  return data;
}

/**
 * POST `body` as JSON to `path` and call `onLine` with each JSON line of the answer as it
 * arrives (a training run streams one line per batch or epoch); throw as `request` does.
 */
export async function streamLines(path, body, onLine) {
  let response;
  try {
    response = await fetch(labUrl(path), { method: "POST",
      headers: { "Content-Type": "application/json", ...pageHeaders() }, body: JSON.stringify(body) });
  } catch (err) {
    throw new Error("The lab server does not answer; is `neuronlab lab` still running?");
  }
  if (!response.ok) {
    const data = await response.json().catch(() => ({}));
    const error = new Error(data.error || `The server answered ${response.status}.`);
    error.status = response.status;
    throw error;
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (value) buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, cut).trim();
      buffer = buffer.slice(cut + 1);
      if (line) onLine(JSON.parse(line));
    }
    if (done) break;
  }
}

/** `request`, with its refusal (or none) shown in the explorer's status bar. */
async function send(path, body) {
  try {
    const data = await request(path, body);
    clearError();
    return data;
  } catch (err) {
    showError(err.message);
    throw err;
  }
}

export const get = (path) => send(path);
export const post = (path, body) => send(path, body ?? {});

/**
 * Run `task` for the latest state only: while one request is in flight, later calls
 * are merged into one follow-up request, so a fast slider never queues stale work.
 * `view` (optional) hears the outcome: `ok()`, `fail(err)`, and `ready()` at the end;
 * without it a refusal is left to the status bar.
 */
export function latest(task, view = null) {
  let running = false;
  let again = false;
  return async function run() {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        try {
          await task();
          view?.ok();
        } catch (err) {
          view?.fail(err);
        }
      } while (again);
    } finally {
      running = false;
      view?.ready();
    }
  };
}
