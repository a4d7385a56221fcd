"""How fast the lab feels in a real browser (a benchmark, not a test).

    python benchmarks/lab_bench.py              # everything, about 1 minute
    python benchmarks/lab_bench.py --repeats 3  # three rounds, medians reported
    python benchmarks/lab_bench.py --busy-only  # only the latency under 8 trainings

Starts the lab on a free port of 127.0.0.1 (with its token, as a learner opens it) and
drives Debian chromium through Playwright. It reports:

* slider -> number: the time from a neuron slider's ``input`` event to the page showing
  the new z (the page asks the server, the library computes, the page draws); goal
  90th percentile <= 20 ms;
* live training, for every data set of the playground (a 2-8-8-1 tanh network): the
  frames per second the page draws while playing (goal >= 20) and the mean bytes of
  one frame on the WebSocket;
* playground control -> new frame drawn: pressing "step", changing the learning rate,
  changing the activation; goal 90th percentile <= 60 ms;
* how responsive the server stays while it trains: ``neuronlab lab`` runs in its own
  process, 8 WebSocket clients play 8 sessions of the heaviest network the lab allows
  (spirals, 2,000 samples, batch 1, six hidden layers of 8), and ``POST /api/neuron``
  is timed meanwhile; goal p99 < 50 ms.

The machine's load (``os.getloadavg``) is printed before and after: numbers taken under
load are noisy, so repeat them and compare medians.
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
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import uvicorn

from neuronlab.cli.lab import bind
from neuronlab.lab import create_app
from neuronlab.lab.server.serve import uvicorn_config

HEAVY = {"dataset": "spirals", "samples": 2000, "train_fraction": 0.9, "batch_size": 1,
         "hidden": [8] * 6}
TOKEN = "lab-bench-token"

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# Runs in the page: press "step" `presses` times, each time timing the click to the
# moment the next frame has been drawn (labStats.frames counts drawn frames).
# Runs in the page: `presses` times, do `action` (press "step", pick another learning
# rate...) and time it to the moment the next frame has been drawn (labStats.frames
# counts drawn frames). Between two, wait until the page is idle again.
CONTROL_LATENCY_JS = """async ([action, presses]) => {
  const act = {
    step: (i) => document.querySelector('#pg-step').click(),
    rate: (i) => choose('#pg-lr', i % 2 ? '0.03' : '0.1'),
    activation: (i) => choose('#pg-activation', i % 2 ? 'relu' : 'tanh'),
  }[action];
  function choose(selector, value) {
    const select = document.querySelector(selector);
    select.value = value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  }
  const times = [];
  for (let i = 0; i < presses; i++) {
    const before = window.labStats.frames;
    const t0 = performance.now();
    act(i);
    while (window.labStats.frames === before) {
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    times.push(window.labStats.lastFrameAt - t0);
    await new Promise((resolve) => setTimeout(resolve, 30));
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

DATASETS = ("and", "or", "xor", "circles", "moons", "spirals", "blobs", "plane", "bump")
PLAYGROUND = "#view=playground&pd={dataset}&ph=8,8&pa=tanh&pl={rate}&po=sgd&pe=0"
CONTROLS = ("step", "rate", "activation")


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


class Client:
    """JSON POSTs on one keep-alive connection, opened again when the server closed it
    (an idle keep-alive connection is closed by the server after a few seconds)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def post(self, path: str, body: object) -> dict:
        for attempt in range(2):
            try:
                self.conn.request("POST", path, json.dumps(body),
                                  {"Authorization": f"token {TOKEN}",
                                   "Content-Type": "application/json"})
                response = self.conn.getresponse()
                data: dict = json.loads(response.read())
                break
            except (OSError, http.client.HTTPException):
                self.conn.close()  # closed while idle: once more on a fresh connection
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt:
                    raise
        if response.status >= 300:
            raise RuntimeError(f"{path}: {response.status} {data}")
        return data

    def close(self) -> None:
        self.conn.close()


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
        client = Client(port)
        for _ in range(100):
            try:
                client.post("/api/neuron", {"inputs": [1.0], "weights": [1.0]})
                break
            except OSError:
                time.sleep(0.1)

        def watch(i: int) -> None:
            sid = Client(port).post("/api/sessions", {"config": {**HEAVY, "seed": i}})["id"]
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
            client.post("/api/neuron", {"inputs": [0.5, -0.3, 0.7 + i * 1e-3],
                                        "weights": [0.5, -0.3, 0.8], "bias": 0.1})
            times.append((time.perf_counter() - start) * 1000)
            time.sleep(0.01)
        stop.set()
        client.close()
        return times, sum(frames)
    finally:
        stop.set()
        lab.terminate()
        lab.wait(timeout=15)
        if lab.stdout is not None:
            lab.stdout.close()


def p90(times: list[float]) -> float:
    return statistics.quantiles(times, n=10)[-1]


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min) / {five:.2f} (5 min) on {os.cpu_count()} cores"


def browser_round(browser: Any, url: str, seconds: float) -> dict[str, Any]:
    """One round in chromium: the slider, every data set playing, the controls."""
    result: dict[str, Any] = {"training": {}, "controls": {}}
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{url}#view=neuron")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_function("() => document.querySelector('#neuron-z').textContent === '1.000'")
    page.evaluate(SLIDER_LATENCY_JS, 10)  # warm up
    result["slider"] = page.evaluate(SLIDER_LATENCY_JS, 60)
    page.close()

    for dataset in DATASETS:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        sizes: list[int] = []
        page.on("websocket", lambda ws, record=sizes.append: ws.on(
            "framereceived", lambda payload: record(len(payload))))
        rate = "0.03" if dataset in ("plane", "bump") else "0.1"
        page.goto(url + PLAYGROUND.format(dataset=dataset, rate=rate))
        page.wait_for_selector("body[data-ready=true]")
        page.wait_for_function("() => document.querySelector('#pg-epoch').textContent === '0'")
        if dataset == "xor":  # the controls, on one data set
            for control in CONTROLS:
                page.evaluate(CONTROL_LATENCY_JS, [control, 3])  # warm up
                result["controls"][control] = page.evaluate(CONTROL_LATENCY_JS, [control, 20])
        page.click("#pg-play")
        page.wait_for_function("() => window.labStats.frames > 0 && "
                               "document.querySelector('#pg-play').textContent.includes('pause')")
        time.sleep(0.5)
        sizes.clear()
        first = page.evaluate("[window.labStats.frames, performance.now()]")
        time.sleep(seconds)
        last = page.evaluate("[window.labStats.frames, performance.now()]")
        sent = list(sizes)
        epoch = page.locator("#pg-epoch").inner_text()
        page.click("#pg-play")
        page.close()
        result["training"][dataset] = {
            "rate": (last[0] - first[0]) / ((last[1] - first[1]) / 1000),
            "bytes": statistics.mean(sent) if sent else 0.0, "epoch": epoch}
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=2.0,
                        help="seconds of training per data set to count frames over (2)")
    parser.add_argument("--repeats", type=int, default=1,
                        help="rounds of the browser measurements; medians are shown (1)")
    parser.add_argument("--busy-only", action="store_true",
                        help="only time the API while 8 sessions train (no browser)")
    parser.add_argument("--no-busy", action="store_true",
                        help="skip the 8-sessions part")
    args = parser.parse_args(argv)
    print(f"load before: {load()}")
    if not args.busy_only:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            print("This benchmark needs the playwright Python package.")
            return 2
        if not Path(CHROMIUM).exists():
            print(f"This benchmark needs Debian chromium at {CHROMIUM}.")
            return 2
        rounds = []
        with Server() as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for _ in range(args.repeats):
                rounds.append(browser_round(browser, server.token_url, args.seconds))
            browser.close()
        report(rounds, args.seconds)
    if not args.no_busy:
        times, frames = busy_latency()
        q99 = statistics.quantiles(times, n=100)[-1]
        print(f"POST /api/neuron while 8 heavy sessions train ({frames} frames sent): "
              f"median {statistics.median(times):.1f} ms, p99 {q99:.1f} ms, max "
              f"{max(times):.1f} ms over {len(times)} requests (goal p99 < 50 ms): "
              f"{'ok' if q99 < 50 else 'MISSED'}")
    print(f"load after: {load()}")
    print("repeat with: python benchmarks/lab_bench.py"
          + (" --busy-only" if args.busy_only else "") + (" --no-busy" if args.no_busy else "")
          + (f" --repeats {args.repeats}" if args.repeats != 1 else "")
          + (f" --seconds {args.seconds:g}" if args.seconds != 2.0 else ""))
    return 0


def report(rounds: list[dict[str, Any]], seconds: float) -> None:
    n = len(rounds)
    med = statistics.median
    what = f"median of {n} rounds" if n > 1 else "one round"
    slider = [p90(r["slider"]) for r in rounds]
    print(f"slider -> number, chromium ({what}): median "
          f"{med(med(r['slider']) for r in rounds):.1f} ms, 90th percentile {med(slider):.1f}"
          f" ms over 60 moves (goal p90 <= 20 ms): {'ok' if med(slider) <= 20 else 'MISSED'}")
    print(f"live training, 2-8-8-1 tanh, frames drawn per second over {seconds:g} s ({what}):")
    print("| data set | frames/s | bytes/frame | epoch at the end | goal >= 20/s |")
    print("|---|---|---|---|---|")
    for dataset in DATASETS:
        rate = med(r["training"][dataset]["rate"] for r in rounds)
        size = med(r["training"][dataset]["bytes"] for r in rounds)
        epoch = rounds[-1]["training"][dataset]["epoch"]
        print(f"| {dataset} | {rate:.1f} | {size:,.0f} | {epoch} | "
              f"{'ok' if rate >= 20 else 'MISSED'} |")
    print(f"playground control -> new frame drawn, chromium, xor ({what}):")
    for control in CONTROLS:
        times = [r["controls"][control] for r in rounds]
        q = med(p90(t) for t in times)
        print(f"  {control:10s} median {med(med(t) for t in times):.1f} ms, 90th percentile "
              f"{q:.1f} ms over 20 (goal p90 <= 60 ms): {'ok' if q <= 60 else 'MISSED'}")


if __name__ == "__main__":
    sys.exit(main())
