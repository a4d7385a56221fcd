"""Side-by-side timings: neuronlab against PyTorch, scikit-learn and micrograd.

    python -m benchmarks                          # 5 interleaved repeats, prints the tables
    python -m benchmarks --repeats 9
    python -m benchmarks --smoke                  # one short repeat of everything (CI)
    python -m benchmarks --markdown BENCHMARKS.md # also write the tables into that file

Every workload runs the libraries in turn, A B C A B C ..., so a change in the
machine's load hits them all alike; the tables show medians. A ratio is neuronlab's
speed divided by the other library's speed: above 1 means neuronlab is faster.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

if __package__ in (None, ""):  # run as a file: python benchmarks/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import workloads as wl
from benchmarks.workloads import Run, Workload

PAUSE = 0.2  # seconds between runs, so one library's idle BLAS threads are asleep for the next


@dataclass
class Measured:
    """The repeated runs of one library on one workload."""

    library: str
    runs: list[Run]
    work: float  # epochs or samples per run, so that rate = work / seconds

    @property
    def rate(self) -> float:
        return statistics.median(self.work / r.seconds for r in self.runs)

    @property
    def spread(self) -> tuple[float, float]:
        rates = [self.work / r.seconds for r in self.runs]
        return min(rates), max(rates)

    @property
    def accuracy(self) -> float | None:
        values = [r.accuracy for r in self.runs if r.accuracy is not None]
        return statistics.median(values) if values else None

    def step_us(self, w: Workload) -> float:
        """Median microseconds per training step (one batch)."""
        return 1e6 * statistics.median(r.seconds for r in self.runs) / w.steps

    @property
    def loss(self) -> float | None:
        values = [r.loss for r in self.runs if r.loss is not None]
        return statistics.median(values) if values else None


@dataclass
class Report:
    """Markdown lines, printed as they come and kept for ``--markdown``."""

    smoke: bool
    repeats: int
    lines: list[str] = field(default_factory=list)
    checks: list[tuple[str, bool, str]] = field(default_factory=list)

    def say(self, *texts: str) -> None:
        for text in texts or ("",):
            self.lines.append(text)
            print(text, flush=True)

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

        def line(cells: list[str]) -> str:
            return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"

        self.say(line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|",
                 *[line(r) for r in rows], "")

    def check(self, what: str, ok: bool, detail: str) -> None:
        self.checks.append((what, ok, detail))


def interleave(runners: dict[str, Callable[[], Run]], repeats: int, warmup: bool,
               pause: float) -> dict[str, list[Run]]:
    """Run each runner ``repeats`` times, taking turns; an untimed first round if ``warmup``."""
    if warmup:
        for run in runners.values():
            run()
    results: dict[str, list[Run]] = {name: [] for name in runners}
    for _ in range(repeats):
        for name, run in runners.items():
            gc.collect()  # no library pays for another's garbage
            results[name].append(run())
            time.sleep(pause)
    return results


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min) / {five:.2f} (5 min)"


def number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f} %"


# --------------------------------------------------------------------------- training
def training(report: Report, w: Workload, libraries: dict[str, Callable[[Workload], Run]],
             unit: str, warmup: bool, pause: float,
             gemm_limit: float | None = None) -> dict[str, Measured]:
    per_epoch = unit == "epochs/s"
    work = w.epochs if per_epoch else w.samples
    report.say(f"### {w.name}, {w.epochs:,} epochs of {len(w.X):,} samples")
    report.say(f"load before: {load()}")
    runs = interleave({name: (lambda fn=fn: fn(w)) for name, fn in libraries.items()},
                      report.repeats, warmup, pause)
    measured = {name: Measured(name, r, work) for name, r in runs.items()}
    ours = measured["neuronlab"]
    header = ["library", f"{unit} (median)", "min .. max", "µs per step", "accuracy"]
    if per_epoch:
        header.append("final MSE")
    if gemm_limit:
        header.append("of GEMM limit")
    header.append("neuronlab ÷ this")
    rows = []
    for name, m in measured.items():
        low, high = m.spread
        row = [name, number(m.rate), f"{number(low)} .. {number(high)}",
               f"{m.step_us(w):.1f}", percent(m.accuracy)]
        if per_epoch:
            row.append("-" if m.loss is None else f"{m.loss:.2e}")
        if gemm_limit:
            row.append(f"{100 * m.rate / gemm_limit:.0f} %")
        row.append("1" if name == "neuronlab" else f"{ours.rate / m.rate:.2f}×")
        rows.append(row)
    report.table(header, rows)
    report.say(f"load after: {load()}")
    report.say()
    return measured


def ratio_check(report: Report, what: str, measured: dict[str, Measured], peer: str,
                at_least: float) -> None:
    ratio = measured["neuronlab"].rate / measured[peer].rate
    report.check(f"{what}: ≥ {at_least}× {peer}", ratio >= at_least, f"{ratio:.2f}×")


def accuracy_check(report: Report, what: str, measured: dict[str, Measured], peer: str) -> None:
    ours, theirs = measured["neuronlab"].accuracy, measured[peer].accuracy
    assert ours is not None and theirs is not None
    gap = 100 * (ours - theirs)
    report.check(f"{what}: accuracy within ±1 point of {peer}", abs(gap) <= 1.0,
                 f"{100 * ours:.1f} % vs {100 * theirs:.1f} % ({gap:+.1f})")


# --------------------------------------------------------------------------- inference
def inference(report: Report, w: Workload, sizes: list[tuple[int, int]], pause: float) -> None:
    report.say(f"### inference through the {'-'.join(map(str, w.sizes))} net")
    report.say(f"load before: {load()}")
    rows = []
    for n_samples, calls in sizes:
        predict = wl.inference_calls(w, n_samples)
        timed = {name: (lambda call=call, calls=calls: Run(wl.seconds_per_call(call, calls)))
                 for name, call in predict.items()}
        runs = interleave(timed, report.repeats, warmup=not report.smoke, pause=pause)
        latency = {name: statistics.median(r.seconds for r in rs) for name, rs in runs.items()}
        faults = {name: wl.faults_per_call(call, min(calls, 20)) for name, call in predict.items()}
        for name, seconds in latency.items():
            speed = "1" if name == "neuronlab" else f"{seconds / latency['neuronlab']:.2f}×"
            rows.append([f"{n_samples:,}", name, f"{1e6 * seconds:,.1f}",
                         f"{n_samples / seconds:,.0f}", f"{faults[name]:,.0f}", speed])
        if n_samples == 1:
            ok = latency["neuronlab"] < latency["pytorch"]
            report.check("1-sample inference latency below PyTorch's", ok,
                         f"{1e6 * latency['neuronlab']:.1f} µs vs "
                         f"{1e6 * latency['pytorch']:.1f} µs")
    report.table(["samples", "library", "µs per call (median)", "samples/s",
                  "page faults per call", "neuronlab ÷ this"], rows)
    report.say(f"load after: {load()}")
    report.say()


# --------------------------------------------------------------------------- convolution
def convolution(report: Report, warmup: bool, pause: float) -> None:
    """The LeNet-sized net on 28×28×1 images, batch 64: training steps and inference."""
    report.say("### convolution: LeNet-sized net on 28×28×1 images, batch 64")
    report.say(f"load before: {load()}")
    runs = interleave({"neuronlab": wl.train_lenet_neuronlab, "pytorch": wl.train_lenet_torch},
                      report.repeats, warmup, pause)
    step = {name: 1e6 * statistics.median(r.seconds for r in rs) / wl.LENET_STEPS
            for name, rs in runs.items()}
    calls = 3 if report.smoke else 50
    timed = {name: (lambda call=call: Run(wl.seconds_per_call(call, calls)))
             for name, call in wl.lenet_inference_calls().items()}
    latency = {name: 1e6 * statistics.median(r.seconds for r in rs)
               for name, rs in interleave(timed, report.repeats, warmup, pause).items()}
    rows = []
    for name in ("neuronlab", "pytorch"):
        ratio = "1" if name == "neuronlab" else f"{step[name] / step['neuronlab']:.2f}×"
        rows.append(["training step (fit, 10 batches)", name, f"{step[name]:,.0f}", ratio])
    for name in ("neuronlab", "pytorch"):
        ratio = "1" if name == "neuronlab" else f"{latency[name] / latency['neuronlab']:.2f}×"
        rows.append(["inference (predict, 64 images)", name, f"{latency[name]:,.0f}", ratio])
    report.table(["what", "library", "µs per batch of 64 (median)", "neuronlab ÷ this"], rows)
    report.say("Conv2D 6@5×5 relu, MaxPool 2, Conv2D 16@5×5 relu, MaxPool 2, Flatten, Dense "
               "120 relu, Dense 84 relu, Dense 10 softmax; SGD, cross-entropy. neuronlab's "
               "images are NHWC (im2col), PyTorch's NCHW, each library's own layout and "
               "initial weights; the same threads.")
    report.say(f"load after: {load()}")
    report.say()


# --------------------------------------------------------------------------- memory
def memory(report: Report, w: Workload) -> None:
    peak, reference = wl.peak_memory_neuronlab(w)
    mb = 1024 * 1024
    report.say(f"### peak memory of neuronlab training the {'-'.join(map(str, w.sizes))} net")
    report.say(f"training data + parameters: {reference / mb:.1f} MiB; peak while training "
               f"(data + everything fit allocates, by tracemalloc): {peak / mb:.1f} MiB = "
               f"{peak / reference:.2f}× the data + parameters.")
    report.say()
    report.check("MNIST-shaped training peak memory ≤ 1.5× data + parameters",
                 peak <= 1.5 * reference, f"{peak / reference:.2f}×")


# --------------------------------------------------------------------------- machine
def machine() -> list[str]:
    import sklearn

    torch_version = wl.torch_setup()
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            found = re.search(r"model name\s*:\s*(.*)", f.read())
            cpu = found.group(1).strip() if found else cpu
    except OSError:
        pass
    blas = "unknown"
    try:
        config: Any = np.show_config(mode="dicts")
        info = config["Build Dependencies"]["blas"]
        blas = f"{info.get('name')} {info.get('version', '')}".strip()
    except Exception:  # older NumPy: no dict mode
        pass
    import torch

    try:  # which BLAS kernels NumPy runs, on how many threads
        from threadpoolctl import threadpool_info

        pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
        blas += "".join(f", {p['num_threads']} threads, {p.get('architecture')} kernels"
                        for p in pools[:1])
    except ImportError:
        pass
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores visible; PyTorch threads: "
        f"{torch.get_num_threads()}",
        f"- Python {platform.python_version()}, NumPy {np.__version__} (BLAS: {blas}), "
        f"PyTorch {torch_version}, scikit-learn {sklearn.__version__}, micrograd 0.1.0",
    ]


# --------------------------------------------------------------------------- main
def run(smoke: bool, repeats: int) -> Report:
    report = Report(smoke, repeats)
    warmup, pause = not smoke, 0.0 if smoke else PAUSE
    report.say("## Machine", *machine(), f"- load when the run started: {load()}", "")
    how = "smoke run: tiny sizes, 1 repeat" if smoke else f"medians of {repeats} repeats"
    report.say(f"## Results ({how}, interleaved)")
    report.say()

    xor = wl.xor(epochs=100 if smoke else 3000)
    tiny = training(report, xor, {"neuronlab": wl.train_neuronlab, "pytorch": wl.train_torch,
                                  "micrograd": wl.train_micrograd}, "epochs/s", warmup, pause)
    report.say(f"Accuracy here is on the 4 XOR points. micrograd runs the same {xor.epochs:,} "
               "epochs from the same weights (its scalar `Value`s, with a sigmoid node written "
               "as micrograd's own relu is); PyTorch starts from the same weights too.")
    report.say()

    digits = wl.digits(epochs=1 if smoke else 20, n_train=320 if smoke else None)
    small = training(report, digits, {"neuronlab": wl.train_neuronlab,
                                      "pytorch": wl.train_torch,
                                      "scikit-learn": wl.train_sklearn}, "samples/s",
                     warmup, pause)
    report.say(f"Accuracy on the {len(digits.X_test)} held-out digits. A step is one batch of "
               f"{digits.batch_size}.")
    report.say()

    mnist = (wl.mnist_shaped(n_train=1024, n_test=256, epochs=1) if smoke
             else wl.mnist_shaped())
    wl.gemm_flops_per_second(mnist, 20 if smoke else 500)  # wake the BLAS threads up
    rates = [wl.gemm_flops_per_second(mnist, 20 if smoke else 500) for _ in range(5)]
    gemm = max(rates)  # the machine's best: the highest limit, the hardest to reach
    limit = gemm / (6 * mnist.n_params)
    report.say(f"NumPy float32 GEMM rate on the MNIST-shaped products "
               f"(128×784 @ 784×128 and 128×128ᵀ @ 128×784): {gemm / 1e9:.0f} GFLOP/s (best "
               f"of 5 rounds; median {statistics.median(rates) / 1e9:.0f}), so the training "
               f"limit GEMM ÷ (6 × {mnist.n_params:,} parameters) is {limit:,.0f} samples/s.")
    report.say()
    big = training(report, mnist, {"neuronlab": wl.train_neuronlab, "pytorch": wl.train_torch,
                                   "scikit-learn": wl.train_sklearn}, "samples/s",
                   warmup, pause, gemm_limit=limit)
    report.say(f"Accuracy on {len(mnist.X_test):,} held-out samples of the same teacher. Timed: "
               "neuronlab's whole `fit` (input checks and one-hot labels included), "
               "scikit-learn's whole `fit`, PyTorch's loop over tensors made beforehand.")
    report.say()

    inference(report, mnist, [(1, 20 if smoke else 2000),
                              (min(10_000, len(mnist.X_test)), 2 if smoke else 10)], pause)
    convolution(report, warmup, pause)
    memory(report, mnist)

    what = "MNIST-shaped training"
    ratio_check(report, what, big, "pytorch", 1.3)
    ratio_check(report, what, big, "scikit-learn", 2.0)
    accuracy_check(report, what, big, "pytorch")
    accuracy_check(report, what, big, "scikit-learn")
    share = big["neuronlab"].rate / limit
    report.check(f"{what}: ≥ 50 % of the GEMM-bound limit", share >= 0.5, f"{100 * share:.0f} %")
    ratio_check(report, "XOR tiny", tiny, "pytorch", 4.0)
    ratio_check(report, "XOR tiny", tiny, "micrograd", 8.0)
    ratio_check(report, "Digits", small, "pytorch", 4.0)
    step = small["neuronlab"].step_us(digits)
    report.check("Digits: ≤ 100 µs per training step", step <= 100, f"{step:.1f} µs")
    report.say("## Targets" + (" (not judged on a smoke run)" if smoke else ""))
    report.say()
    report.table(["target", "result", "measured"],
                 [[what, "met" if ok else "MISSED", detail] for what, ok, detail in report.checks])
    report.say(f"load when the run ended: {load()}")
    return report


def write_markdown(path: Path, lines: list[str], command: str) -> None:
    """Put the tables between the result markers of ``path`` (appended if missing)."""
    start, end = "<!-- results: start -->", "<!-- results: end -->"
    lines = ["#" + line if line.startswith("#") else line for line in lines]  # one level down
    block = "\n".join([start, f"Generated by `{command}` on "
                       f"{time.strftime('%Y-%m-%d %H:%M %Z')}.", "", *lines, end])
    text = path.read_text() if path.exists() else ""
    if start in text and end in text:
        text = text[:text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per library")
    parser.add_argument("--smoke", action="store_true",
                        help="one tiny repeat of each workload, to check the harness runs")
    parser.add_argument("--markdown", type=Path, help="write the tables into this file")
    args = parser.parse_args(argv)
    repeats = 1 if args.smoke else max(1, args.repeats)
    started = time.perf_counter()
    report = run(args.smoke, repeats)
    print(f"(harness took {time.perf_counter() - started:.0f} s)")
    if args.markdown:
        command = "python -m benchmarks" + (" --smoke" if args.smoke else
                                            f" --repeats {repeats}")
        write_markdown(args.markdown, report.lines, command)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
