"""How fast a lesson page's Python answers, and what one kernel costs in memory.

* cold: from the first run request of a page (no kernel yet) to its output;
* warm: from a run request of ``print(1)`` to its output, kernel already running;
* RSS of one kernel process after it ran ``print(1)`` and after it imported NumPy and
  neuronlab (what lesson cells do).

Run: PYTHONPATH=src python benchmarks/kernel_bench.py [--pages 3] [--warm 30]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path

from neuronlab.lab.kernels.pool import Kernels


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def bench(pages: int, warm_runs: int) -> None:
    kernels = Kernels(max_kernels=pages)
    try:
        cold, warm, rss_bare, rss_lib = [], [], [], []
        for n in range(pages):
            page = f"bench-page-{n:04d}"
            began = time.perf_counter()
            result = await kernels.run(page, "print(1)")
            cold.append(time.perf_counter() - began)
            assert result["outputs"][0]["text"] == "1\n", result
            pid = kernels._kernels[page].pid
            assert pid is not None
            rss_bare.append(rss_mib(pid))
            for _ in range(warm_runs):
                began = time.perf_counter()
                result = await kernels.run(page, "print(1)")
                warm.append(time.perf_counter() - began)
            await kernels.run(page, "import numpy as np\nimport neuronlab\n"
                                    "neuronlab.Neuron([0.5], 0.1)([1.0])")
            rss_lib.append(rss_mib(pid))
        ms = [t * 1000 for t in warm]
        print(f"cold start, first cell of a page: median {statistics.median(cold):.2f} s "
              f"(min {min(cold):.2f}, max {max(cold):.2f}, {pages} pages)")
        print(f"warm print(1): median {statistics.median(ms):.1f} ms, "
              f"p90 {sorted(ms)[int(0.9 * len(ms)) - 1]:.1f} ms ({len(ms)} runs)")
        print(f"RSS per kernel: {statistics.median(rss_bare):.0f} MiB after print(1), "
              f"{statistics.median(rss_lib):.0f} MiB with NumPy and neuronlab imported")
    finally:
        await kernels.close_all()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=3)
    parser.add_argument("--warm", type=int, default=30)
    args = parser.parse_args()
    asyncio.run(bench(args.pages, args.warm))


if __name__ == "__main__":
    main()
