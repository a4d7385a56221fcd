"""What ``fit`` shows while it trains: a progress bar (``verbose=1``) or a line per
epoch (``verbose=2``); nothing with ``verbose=0``.

The display is a callback, run after every other one at the end of each epoch. In a
terminal the bar is rich's; in Jupyter it is an HTML ``<progress>`` bar updated in place
through an IPython display handle (rich would need ipywidgets there). This is the only
part of training that imports rich or IPython, and only when something is shown.

>>> bar = display(verbose=0, epochs=3)
>>> with bar:
...     bar.on_epoch_end(0, {"loss": 0.5})
>>> format_logs({"loss": 0.5, "accuracy": 0.75})
'loss: 0.5000 - accuracy: 0.7500'
"""

from __future__ import annotations

import time
from html import escape
from typing import Any

from ..errors import ConfigError
from .callbacks import Callback, Logs


def format_logs(logs: Logs) -> str:
    """``"loss: 0.1234 - accuracy: 0.9000"``."""
    return " - ".join(f"{k}: {v:.4f}" for k, v in logs.items())


class Silent(Callback):
    """``verbose=0``: shows nothing."""

    def __enter__(self) -> Silent:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Finish the display (also when training stopped with an error)."""


def check_verbose(verbose: Any) -> int:
    """``verbose`` as 0, 1 or 2 (Keras's ``"auto"`` is 1); anything else is a ConfigError."""
    if verbose == "auto":
        return 1
    if isinstance(verbose, bool) or not isinstance(verbose, int) or verbose not in (0, 1, 2):
        raise ConfigError(
            f"verbose must be 0 (silent), 1 (a progress bar), 2 (one line per epoch) or "
            f"'auto', got {repr(verbose)[:60]}."
        )
    return verbose


def display(verbose: int, epochs: int) -> Silent:
    """The display for ``verbose`` (0 silent, 1 a bar, 2 a line per epoch)."""
    if not verbose:
        return Silent()
    return Console(verbose, epochs)


class Console(Silent):
    """A rich progress bar or one printed line per epoch (or the notebook bar in Jupyter)."""

    def __init__(self, verbose: int, epochs: int) -> None:
        from rich.console import Console as RichConsole

        self.verbose = verbose
        self.epochs = epochs
        self.progress: Any = None
        self.notebook: NotebookBar | None = None
        self.console = RichConsole()
        if verbose == 1 and self.console.is_jupyter:
            self.notebook = NotebookBar(epochs)
        elif verbose == 1:
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
            from rich.table import Column

            # On a narrow terminal the metrics wrap; the epoch count is never cut to "Epoch …".
            self.progress = Progress(
                TextColumn("[bold]Epoch {task.completed}/{task.total}",
                           table_column=Column(no_wrap=True)),
                BarColumn(bar_width=20),
                TextColumn("{task.fields[logs]}", table_column=Column(overflow="fold")),
                TimeRemainingColumn(),
                console=self.console,
            )
            self.task = self.progress.add_task("fit", total=epochs, logs="")
            self.progress.start()

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        text = format_logs(logs or {})
        if self.progress is not None:
            self.progress.update(self.task, completed=epoch + 1, logs=text)
        elif self.notebook is not None:
            self.notebook.update(epoch + 1, text)
        elif self.verbose >= 2:
            self.console.print(f"Epoch {epoch + 1}/{self.epochs} - {text}")

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
        if self.notebook is not None:
            self.notebook.update(self.notebook.done, self.notebook.text, force=True)


class NotebookBar:
    """An HTML progress bar in a Jupyter cell, redrawn at most 10 times a second."""

    def __init__(self, epochs: int) -> None:
        from IPython.display import display as show

        self.epochs, self.done, self.text, self.shown_at = epochs, 0, "", 0.0
        self.handle = show(self.render(), raw=True, display_id=True)

    def render(self) -> dict[str, str]:
        """The bar as HTML for Jupyter, and as text for places that show only text."""
        filled = round(20 * self.done / self.epochs) if self.epochs else 20
        return {
            "text/html": (f'<progress value="{self.done}" max="{self.epochs}" '
                          f'style="width:16em"></progress> '
                          f"<b>Epoch {self.done}/{self.epochs}</b> "
                          f"<code>{escape(self.text)}</code>"),
            "text/plain": (f"Epoch {self.done}/{self.epochs} "
                           f"{'━' * filled}{'╌' * (20 - filled)} {self.text}").rstrip(),
        }

    def update(self, done: int, text: str, force: bool = False) -> None:
        self.done, self.text = done, text
        now = time.monotonic()
        if force or done == self.epochs or now - self.shown_at >= 0.1:
            self.shown_at = now
            if self.handle is not None:
                self.handle.update(self.render(), raw=True)
