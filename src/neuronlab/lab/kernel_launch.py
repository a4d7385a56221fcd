"""Start one lesson page's Python kernel, with limits: ``python -m neuronlab.lab.kernel_launch``.

The lab (:mod:`neuronlab.lab.kernels`) runs this instead of ``ipykernel_launcher``. Before
ipykernel starts, the process takes the limits the exercise checker gives the learner's
code (:func:`neuronlab.learn.sandbox.limits`): address space, file size, number of
processes, no core files. There is no CPU-time limit, because a kernel lives as long
as its page; each cell has a wall-clock limit kept by the lab instead. The working
directory is the kernel's own scratch folder, which the lab made and removes.

Figures are drawn with matplotlib's inline backend, so a cell that plots sends its
figure as a PNG image. An exception is shown in short: only the lines of the learner's
cells, not the kernel's machinery (a syntax error keeps IPython's own short form), and
``input()``, which has no keyboard here, says so and what to write instead.
"""

from __future__ import annotations

import os
import sys
import traceback
import types
from typing import Any

#: The cell's own lines are named like this in a short traceback.
THIS_CELL = "this cell"
#: What a cell that asks for keyboard input (``input()``, ``getpass``) is told instead of
#: ipykernel's StdinNotImplementedError: the lab's cells have no keyboard to read from.
NO_KEYBOARD = ("A cell cannot read keyboard input: input() has no keyboard to read from "
               "on this page. Set the value in the code instead: write name = \"Ada\" "
               "where you wrote name = input(), and for a number, n = 5 instead of "
               "n = int(input()).")


def short_traceback(shell: Any, etype: type[BaseException], value: BaseException,
                    tb: types.TracebackType | None) -> list[str]:
    """The traceback as the learner reads it: their cells' frames, then the error line."""
    cells: dict[str, int] = getattr(shell.compile, "_filename_map", {})
    current = max(cells.values(), default=None)  # the cell being run was compiled last
    lines = []
    for frame in traceback.extract_tb(tb):
        number = cells.get(frame.filename)
        if number is None:
            continue  # IPython's, ipykernel's or a library's frame
        where = THIS_CELL if number == current else f"the cell run as [{number}]"
        name = "" if frame.name == "<module>" else f", in {frame.name}"
        lines.append(f"  line {frame.lineno} of {where}{name}")
        if frame.line:
            lines.append(f"    {frame.line.strip()}")
    error = "".join(traceback.format_exception_only(etype, value)).rstrip()
    if etype.__name__ == "StdinNotImplementedError":  # input() in a cell
        error = NO_KEYBOARD
    if not lines:
        return [error]
    return ["Traceback (your code, most recent call last):", *lines, error]


def install_short_tracebacks(shell: Any) -> None:
    """Make ``shell`` report errors with :func:`short_traceback`."""
    original = shell.showtraceback

    def showtraceback(self: Any, exc_tuple: Any = None, filename: Any = None,
                      tb_offset: Any = None, exception_only: bool = False,
                      running_compiled_code: bool = False) -> None:
        try:
            etype, value, tb = self._get_exc_info(exc_tuple)
        except ValueError:
            return original(exc_tuple, filename, tb_offset, exception_only,
                            running_compiled_code)
        if issubclass(etype, SyntaxError) or exception_only:
            return original(exc_tuple, filename, tb_offset, exception_only,
                            running_compiled_code)
        stb = short_traceback(self, etype, value, tb)
        self._showtraceback(etype, value, stb)

    shell.showtraceback = types.MethodType(showtraceback, shell)


def main(argv: list[str] | None = None) -> None:
    from ..learn.sandbox import limits, set_limits

    settings = limits(0.0)
    settings.pop("RLIMIT_CPU", None)  # a kernel lives as long as its page
    set_limits(settings)
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")

    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize(sys.argv[1:] if argv is None else argv)
    install_short_tracebacks(app.shell)
    app.start()


if __name__ == "__main__":
    main()
