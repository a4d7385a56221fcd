"""How fast the lab feels in a real browser (a benchmark, not a test).

    python benchmarks/lab_bench.py              # 60 slider moves, 3 s of training
    python benchmarks/lab_bench.py --moves 200 --seconds 10

Starts the lab on a free port of 127.0.0.1 and drives Debian chromium through
Playwright. It reports:

* the median time from a neuron slider's ``input`` event to the page showing the new
  z (the page asks the server, the library computes, the page draws); goal <= 30 ms;
* the frames per second the playground receives while the server trains a 2-8-8-1
  network on XOR; goal >= 10.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import uvicorn

from neuronlab.cli_lab import bind
from neuronlab.lab import create_app

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

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
        config = uvicorn.Config(create_app(), log_level="warning", ws="websockets-sansio",
                                lifespan="off")
        self.server = uvicorn.Server(config)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--moves", type=int, default=60, help="slider moves to time (60)")
    parser.add_argument("--seconds", type=float, default=3.0,
                        help="seconds of training to count frames over (3)")
    args = parser.parse_args(argv)
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
        page.goto(f"{server.url}/#view=neuron")
        page.wait_for_selector("body[data-ready=true]")
        page.wait_for_function("() => document.querySelector('#neuron-z').textContent === '1.000'")
        page.evaluate(SLIDER_LATENCY_JS, 10)  # warm up
        times = page.evaluate(SLIDER_LATENCY_JS, args.moves)

        page.close()
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{server.url}/#view=playground&pd=xor&ph=8,8&pa=tanh&pl=0.1&po=sgd")
        page.wait_for_selector("body[data-ready=true]")
        page.wait_for_function("() => document.querySelector('#pg-epoch').textContent === '0'")
        page.click("#pg-play")
        page.wait_for_function(
            "() => document.querySelector('#pg-play').textContent.includes('pause')")
        time.sleep(0.5)
        first = page.evaluate("[window.labStats.frames, performance.now()]")
        time.sleep(args.seconds)
        last = page.evaluate("[window.labStats.frames, performance.now()]")
        epochs = page.locator("#pg-epoch").inner_text()
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
    print("repeat with: python benchmarks/lab_bench.py"
          + (f" --moves {args.moves}" if args.moves != 60 else "")
          + (f" --seconds {args.seconds:g}" if args.seconds != 3.0 else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
