// Talking to the lab server: JSON requests whose answers carry every number the page shows.

const status = () => document.getElementById("status");

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

async function send(method, path, body) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch (err) {
    const message = "The lab server does not answer; is `neuronlab lab` still running?";
    showError(message);
    throw new Error(message);
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const message = data.error || `The server answered ${response.status}.`;
    showError(message);
    const error = new Error(message);
    error.status = response.status;
    throw error;
  }
  clearError();
  return data;
}

export const get = (path) => send("GET", path);
export const post = (path, body) => send("POST", path, body ?? {});

/**
 * Run `task` for the latest state only: while one request is in flight, later calls
 * are merged into one follow-up request, so a fast slider never queues stale work.
 */
export function latest(task) {
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
        } catch (err) {
          // The message is already in the status bar.
        }
      } while (again);
    } finally {
      running = false;
    }
  };
}
