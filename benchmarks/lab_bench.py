"""How fast the lab feels in a real browser (a benchmark, not a test).

    python benchmarks/lab_bench.py              # 60 slider moves, 3 s of training
    python benchmarks/lab_bench.py --moves 200 --seconds 10
    python benchmarks/lab_bench.py --busy-only  # only the latency under 8 trainings

Starts the lab on a free port of 127.0.0.1 (with its token, as a learner opens it) and
drives Debian chromium through Playwright. It reports:

* the median time from a neuron slider's ``input`` event to the page showing the new
  z (the page asks the server, the library computes, the page draws); goal <= 30 ms;
* the frames per second the playground receives while the server trains a 2-8-8-1
  network on XOR; goal >= 10; and the mean bytes of one frame on the WebSocket;
* the median time from pressing "step" (a control) to the page drawing the new frame;
* how responsive the server stays while it trains: ``neuronlab lab`` runs in its own
  process, 8 WebSocket clients play 8 sessions of the heaviest network the lab allows
  (spirals, 2,000 samples, batch 1, six hidden layers of 8), and ``POST /api/neuron``
  is timed meanwhile; goal p99 < 50 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import uvicorn

from neuronlab.cli.lab import bind
from neuronlab.lab import create_app
from neuronlab.lab.server import uvicorn_config

HEAVY = {"dataset": "spirals", "samples": 2000, "train_fraction": 0.9, "batch_size": 1,
         "hidden": [8] * 6}
TOKEN = "lab-bench-token"

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# Runs in the page: press "step" `presses` times, each time timing the click to the
# moment the next frame has been drawn (labStats.frames counts drawn frames).
STEP_LATENCY_JS = """async (presses) => {
  const step = document.querySelector('#pg-step');
  const times = [];
  for (let i = 0; i < presses; i++) {
    const before = window.labStats.frames;
    const t0 = performance.now();
    step.click();
    while (window.labStats.frames === before) {
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    times.push(window.labStats.lastFrameAt - t0);
  }
  return times;
}"""

# Runs in the page: move slider x1 `moves` times, each time timing the input event to
# the moment the new z is in the DOM (a MutationObserver sees it as soon as it lands).
SLIDER_LATENCY_JS = """async (moves) => {
  const slider = document.querySelector('#neuron-x1-range');
  const z = document.querySelector('#neuron-z');
  const times = [];
  for (let i = 0; i < moves; i++) {
    const value = (-2 + (i % 80) * 0.05).toFixed(2);
    const before = z.textContent;
    const changed = new Promise((resolve) => {
      const seen = new MutationObserver(() => {
        if (z.textContent !== before) { seen.disconnect(); resolve(performance.now()); }
      });
      seen.observe(z, { childList: true, characterData: true, subtree: true });
    });
    const start = performance.now();
    slider.value = value;
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    times.push((await changed) - start);
    await new Promise((r) => setTimeout(r, 20));
  }
  return times;
}"""


class Server:
    def __init__(self) -> None:
        self.sock = bind("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        app = create_app()
        self.token_url = f"{self.url}/?token={app.state.token}"
        self.server = uvicorn.Server(uvicorn_config(app))
        self.thread = threading.Thread(target=self.server.run,
                                       kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


def _post(conn: http.client.HTTPConnection, path: str, body: object) -> dict:
    conn.request("POST", path, json.dumps(body), {"Authorization": f"token {TOKEN}",
                                                   "Content-Type": "application/json"})
    response = conn.getresponse()
    data: dict = json.loads(response.read())
    if response.status >= 300:
        raise RuntimeError(f"{path}: {response.status} {data}")
    return data


def busy_latency(sessions: int = 8, requests: int = 300) -> tuple[list[float], int]:
    """Milliseconds per ``POST /api/neuron`` while ``sessions`` heavy sessions train."""
    from websockets.sync.client import connect

    env = {**os.environ, "NEURONLAB_LAB_TOKEN": TOKEN,
           "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parent.parent / "src"),
                                          os.environ.get("PYTHONPATH", "")])}
    lab = subprocess.Popen([sys.executable, "-m", "neuronlab.cli", "lab", "--no-browser",
                            "--port", "0"], env=env, stdout=subprocess.PIPE, text=True)
    stop = threading.Event()
    frames = [0] * sessions
    try:
        assert lab.stdout is not None
        port = None
        while port is None:
            line = lab.stdout.readline()
            if not line:
                raise RuntimeError("neuronlab lab did not start")
            found = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=", line)
            port = int(found.group(1)) if found else None
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for _ in range(100):
            try:
                _post(conn, "/api/neuron", {"inputs": [1.0], "weights": [1.0]})
                break
            except OSError:
                conn.close()
                time.sleep(0.1)

        def watch(i: int) -> None:
            sid = _post(http.client.HTTPConnection("127.0.0.1", port, timeout=30),
                        "/api/sessions", {"config": {**HEAVY, "seed": i}})["id"]
            with connect(f"ws://127.0.0.1:{port}/api/sessions/{sid}/stream",
                         additional_headers={"Authorization": f"token {TOKEN}"},
                         max_size=None) as ws:
                ws.send(json.dumps({"cmd": "play"}))
                while not stop.is_set():
                    try:
                        ws.recv(timeout=30, decode=False)
                    except Exception:  # the lab stopped at the end of the measurement
                        return
                    frames[i] += 1

        watchers = [threading.Thread(target=watch, args=(i,), daemon=True)
                    for i in range(sessions)]
        for watcher in watchers:
            watcher.start()
        while min(frames) < 2:
            time.sleep(0.05)
        times = []
        for i in range(requests):
            start = time.perf_counter()
            _post(conn, "/api/neuron", {"inputs": [0.5, -0.3, 0.7 + i * 1e-3],
                                        "weights": [0.5, -0.3, 0.8], "bias": 0.1})
            times.append((time.perf_counter() - start) * 1000)
            time.sleep(0.01)
        stop.set()
        conn.close()
        return times, sum(frames)
    finally:
        stop.set()
        lab.terminate()
        lab.wait(timeout=15)
        if lab.stdout is not None:
            lab.stdout.close()


def report_busy(sessions: int = 8) -> None:
    times, frames = busy_latency(sessions)
    p99 = statistics.quantiles(times, n=100)[-1]
    print(f"POST /api/neuron while {sessions} heavy sessions train ({frames} frames sent): "
          f"median {statistics.median(times):.1f} ms, p99 {p99:.1f} ms, max {max(times):.1f}"
          f" ms over {len(times)} requests (goal p99 < 50 ms): "
          f"{'ok' if p99 < 50 else 'MISSED'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--moves", type=int, default=60, help="slider moves to time (60)")
    parser.add_argument("--seconds", type=float, default=3.0,
                        help="seconds of training to count frames over (3)")
    parser.add_argument("--busy-only", action="store_true",
                        help="only time the API while 8 sessions train (no browser)")
    args = parser.parse_args(argv)
    if args.busy_only:
        report_busy()
        return 0
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("This benchmark needs the playwright Python package.")
        return 2
    if not Path(CHROMIUM).exists():
        print(f"This benchmark needs Debian chromium at {CHROMIUM}.")
        return 2

    with Server() as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{server.token_url}#view=neuron")
        page.wait_for_selector("body[data-ready=true]")
        page.wait_for_function("() => document.querySelector('#neuron-z').textContent === '1.000'")
        page.evaluate(SLIDER_LATENCY_JS, 10)  # warm up
        times = page.evaluate(SLIDER_LATENCY_JS, args.moves)

        page.close()
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        sizes: list[int] = []
        page.on("websocket", lambda ws: ws.on(
            "framereceived", lambda payload: sizes.append(len(payload))))
        page.goto(f"{server.token_url}#view=playground&pd=xor&ph=8,8&pa=tanh&pl=0.1&po=sgd")
        page.wait_for_selector("body[data-ready=true]")
        page.wait_for_function("() => document.querySelector('#pg-epoch').textContent === '0'")
        page.evaluate(STEP_LATENCY_JS, 3)  # warm up
        steps = page.evaluate(STEP_LATENCY_JS, 20)
        sizes.clear()
        page.click("#pg-play")
        page.wait_for_function(
            "() => document.querySelector('#pg-play').textContent.includes('pause')")
        time.sleep(0.5)
        first = page.evaluate("[window.labStats.frames, performance.now()]")
        time.sleep(args.seconds)
        last = page.evaluate("[window.labStats.frames, performance.now()]")
        epochs = page.locator("#pg-epoch").inner_text()
        frame_bytes = statistics.mean(sizes) if sizes else 0.0
        page.click("#pg-play")
        browser.close()

    rate = (last[0] - first[0]) / ((last[1] - first[1]) / 1000)
    median = statistics.median(times)
    q90 = statistics.quantiles(times, n=10)[-1]
    print(f"slider -> updated z, chromium: median {median:.1f} ms, 90th percentile "
          f"{q90:.1f} ms over {len(times)} moves (goal <= 30 ms): "
          f"{'ok' if median <= 30 else 'MISSED'}")
    print(f"training frames, 2-8-8-1 on XOR: {rate:.1f} frames/s over {args.seconds:g} s, "
          f"epoch {epochs} at the end (goal >= 10/s): {'ok' if rate >= 10 else 'MISSED'}")
    print(f"bytes per frame on the WebSocket while playing: mean {frame_bytes:,.0f} "
          f"over {len(sizes)} frames")
    print(f"step button -> new frame drawn, chromium: median {statistics.median(steps):.1f} ms, "
          f"90th percentile {statistics.quantiles(steps, n=10)[-1]:.1f} ms over {len(steps)}")
    report_busy()
    print("repeat with: python benchmarks/lab_bench.py"
          + (f" --moves {args.moves}" if args.moves != 60 else "")
          + (f" --seconds {args.seconds:g}" if args.seconds != 3.0 else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
