"""Watch the network learn: a GIF of training, one frame per snapshot (worked example §7)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from matplotlib.animation import PillowWriter

from ..callbacks import Callback, Logs
from ..checks import check_int
from ..errors import ConfigError, NotFittedError
from ..model import Sequential
from ._common import NEGATIVE, POSITIVE, new_figure, points_and_labels, predictor, styled, view_box
from .boundaries import draw_boundary
from .drawings import draw_network


class TrainingAnimation(NamedTuple):
    """What :func:`animate_training` made: the GIF, and the loss and epoch of each frame."""

    path: Path
    losses: list[float]
    epochs: list[int]


def snapshot_epochs(epochs: int, snapshots: int) -> list[int]:
    """The epochs after which a frame is taken: 0 (untrained) to ``epochs``, evenly spread.

    >>> snapshot_epochs(100, 5)
    [0, 25, 50, 75, 100]
    """
    return [round(k * epochs / (snapshots - 1)) for k in range(snapshots)]


class _Snapshots(Callback):
    """Draws a frame whenever training reaches one of the snapshot epochs."""

    def __init__(self, draw: Any, when: list[int],
                 progress: Callable[[str, int, int], None] | None = None) -> None:
        self.draw = draw
        self.when = set(when[1:])
        self.total = when[-1]
        self.losses: list[float] = []
        self.progress = progress

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        self.losses.append(float((logs or {})["loss"]))
        if epoch + 1 in self.when:
            self.draw(epoch + 1, self.losses)
        if self.progress is not None:
            self.progress("epoch", epoch + 1, self.total)


@styled
def animate_training(model: Sequential, X: Any, y: Any, epochs: int = 300,
                     snapshots: int = 30, path: str | Path = "training.gif", fps: int = 6,
                     batch_size: int | None = None, seed: int | None = None,
                     validation_data: tuple[Any, Any] | None = None,
                     resolution: int = 80,
                     progress: Callable[[str, int, int], None] | None = None
                     ) -> TrainingAnimation:
    """Train ``model`` (compiled by you) for ``epochs`` and save a GIF of it learning.

    The GIF has exactly ``snapshots`` frames, taken at evenly spaced epochs from 0
    (before any training) to ``epochs``. Each frame shows, on the left, the decision
    boundary (for 2-input models) or the network's weights (for any other model) and,
    on the right, the training loss so far. The model ends trained, with
    ``model.history`` holding every epoch (``batch_size``, ``seed`` and
    ``validation_data`` go to ``fit``). Frames are written by matplotlib's
    ``PillowWriter``, so nothing but Pillow is needed.

    Returns ``(path, losses, epochs)``: the loss on ``(X, y)`` at each frame, so you
    can check it falls.

    ``progress``, if given, is called as ``progress(what, done, total)`` after each
    epoch (``"epoch"``), each frame drawn (``"frame"``) and around writing the GIF
    (``"write"``, 0 then 1 of 1), so a caller can show how far it has got.

    >>> import tempfile, pathlib
    >>> from neuronlab import Dense, Sequential, SGD, datasets
    >>> X, y = datasets.and_gate()
    >>> model = Sequential([Dense(1, "sigmoid", input_shape=(2,))], seed=0)
    >>> model.compile(optimizer=SGD(learning_rate=1.0), loss="mse")
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "and.gif"
    >>> movie = animate_training(model, X, y, epochs=40, snapshots=3, path=out)
    >>> movie.epochs, movie.losses[-1] < movie.losses[0]
    ([0, 20, 40], True)
    """
    if not isinstance(model, Sequential):
        raise ConfigError(f"animate_training trains a neuronlab Sequential model, got "
                          f"{type(model).__name__}.")
    if model.optimizer is None or model.loss is None:
        raise NotFittedError("animate_training needs a compiled model: call "
                             "model.compile(optimizer='sgd', loss='mse') first.")
    epochs = check_int(epochs, "epochs")
    snapshots = check_int(snapshots, "snapshots", minimum=2)
    fps = check_int(fps, "fps")
    if snapshots > epochs + 1:
        raise ConfigError(
            f"snapshots={snapshots} needs at least {snapshots - 1} epochs (one frame at epoch "
            f"0, then one per epoch at most), got epochs={epochs}. Lower snapshots or train "
            f"longer."
        )
    path = Path(path)
    if path.suffix.lower() != ".gif":
        raise ConfigError(f"animate_training writes a GIF; give a path ending in .gif, got "
                          f"{str(path)!r}.")
    path.parent.mkdir(parents=True, exist_ok=True)
    p = predictor(model, "animate_training")
    two_d = p.n_inputs == 2
    if two_d:
        Xp, labels = points_and_labels(X, y, "animate_training")
        box = view_box(Xp)
    when = snapshot_epochs(epochs, snapshots)
    fig = new_figure(11.0, 4.8)
    left = fig.add_subplot(1, 2, 1)
    right = fig.add_subplot(1, 2, 2)
    frame_losses: list[float] = []
    start_loss = float(model.evaluate(X, y, return_dict=True)["loss"])
    top = start_loss

    def draw(epoch: int, history: list[float]) -> None:
        nonlocal top
        left.clear()
        right.clear()
        loss = float(model.evaluate(X, y, return_dict=True)["loss"])
        frame_losses.append(loss)
        if two_d:
            _, accuracy = draw_boundary(left, p, Xp, labels, box, resolution)
            left.set_title(f"decision boundary: {accuracy:.0%} right")
        else:
            draw_network(left, model, max_nodes=10, show_weights=False)
            left.set_title("weights (blue +, vermillion -)")
        steps = np.arange(0, len(history) + 1)
        curve = [start_loss, *history]
        top = max(top, *curve)
        right.plot(steps, curve, color=POSITIVE, lw=2,
                   label="loss during each epoch (fit's history)")
        right.plot([epoch], [loss], "o", color=NEGATIVE, ms=8,
                   label=f"after epoch {epoch}: {loss:.4g}")
        right.set_xlim(0, epochs)
        right.set_ylim(0, top * 1.08)
        right.set_xlabel("epoch")
        right.set_ylabel(f"loss ({model.loss.name if model.loss else ''})")
        right.set_title("the loss falls as the network learns")
        right.grid(alpha=0.3)
        right.legend(loc="center right")  # clear of a falling curve and of the high, flat one
        fig.suptitle(f"Training: epoch {epoch} of {epochs}")
        writer.grab_frame()
        if progress is not None:
            progress("frame", len(frame_losses), snapshots)

    writer = PillowWriter(fps=fps)
    with writer.saving(fig, str(path), dpi=80):
        draw(0, [])
        recorder = _Snapshots(draw, when, progress)
        model.fit(X, y, epochs=epochs, batch_size=batch_size, verbose=0, seed=seed,
                  validation_data=validation_data, callbacks=[recorder])
        if progress is not None:
            progress("write", 0, 1)
    if progress is not None:
        progress("write", 1, 1)
    return TrainingAnimation(path, frame_losses, when)
