"""What is going wrong with a playground run, in words, and what to try.

:func:`status` looks at the loss curve and the network as they are now: a diverged
run, a loss exploding or oscillating, ReLU neurons that died, an accuracy stuck at
chance. ``None`` while all is well.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .session import Session


def status(session: Session) -> dict[str, str] | None:
    """What is going wrong, in words, and what to try; ``None`` while all is well."""
    c, curve = session.config, session.curves["train"][session.judged_from:]
    if session.diverged:
        return {"kind": "diverged", "text": session.diverged}
    recent = [v for v in curve[-20:] if math.isfinite(v)]
    if len(recent) >= 6 and recent[-1] > 3 * min(curve) and recent[-1] > recent[-5]:
        return {"kind": "exploding", "text": (
            f"The loss is exploding: {recent[-1]:.3g} now, {min(curve):.3g} at best. The "
            f"steps most likely overshoot; try a smaller learning rate (now "
            f"{c.learning_rate:g}).")}
    if len(recent) >= 20:
        steps = np.diff(recent)
        turns = int(np.sum(np.sign(steps[1:]) != np.sign(steps[:-1])))
        # How far the loss jumps around its trend: mini-batch noise on a falling
        # loss stays small, steps that overshoot make it a good part of the loss.
        epochs = np.arange(len(recent))
        trend = np.polyval(np.polyfit(epochs, recent, 1), epochs)
        bounce = float(np.std(np.array(recent) - trend))
        if turns >= 10 and bounce > 0.25 * abs(float(np.mean(recent))):
            return {"kind": "oscillating", "text": (
                f"The loss oscillates: it went up and down {turns} times in the last 20 "
                f"epochs. Try a smaller learning rate (now {c.learning_rate:g}) or a "
                f"larger batch (now {c.batch_size}).")}
    dead = dead_relus(session)
    if dead is not None:
        return {"kind": "dead", "text": (
            f"{dead[0]} of {dead[1]} ReLU neurons are dead: they output 0 for every "
            "training point, so no gradient reaches their weights and they stop learning (in "
            "the first hidden layer for good; a later one's comes back only if the layers "
            "before it change its inputs). Try a smaller learning rate, leaky_relu, or press "
            "reset.")}
    accuracy = session.scores["train"].get("accuracy")
    if session.task == "classification" and session.epoch - session.curve_start >= 50 \
            and accuracy is not None and accuracy <= 1 / session.classes + 0.05:
        return {"kind": "chance", "text": (
            f"The accuracy sits at chance ({accuracy:.0%}; guessing gives "
            f"{1 / session.classes:.0%}): the network has not learned anything. Try another "
            "learning rate, more neurons, or other input features.")}
    return None

def dead_relus(session: Session) -> tuple[int, int] | None:
    """(dead, all) hidden ReLU neurons when most are dead, else ``None``."""
    if session.config.activation != "relu" or not session.config.hidden:
        return None
    out, dead, total = session.F_train.astype(session.model.dtype), 0, 0
    with np.errstate(all="ignore"):
        for layer in session.model.layers[:-1]:
            out = layer.forward(out)
            dead += int(np.sum(np.all(out <= 0, axis=0)))
            total += out.shape[1]
    return (dead, total) if dead > total / 2 else None
