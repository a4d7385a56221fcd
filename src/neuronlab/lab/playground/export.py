"""The playground run as Python: code that rebuilds the network and trains it as the lab did.

The code uses only the library's public API; run with the model file the lab exports
beside it, it ends with the same weights.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ...layers import Dense
from .config import FEATURES, OWN_DATA, TABLES

if TYPE_CHECKING:
    from .session import Session


def dense_call(layer: Dense) -> str:
    """The ``Dense(...)`` call that makes a layer like ``layer`` (its weights aside)."""
    assert layer.activation is not None
    return (f'Dense({layer.units}, activation="{layer.activation.name}"'
            + (f", input_shape={layer.input_shape}" if layer.input_shape else "")
            + (f", l2={layer.l2!r}" if layer.l2 else "")
            + (f", l1={layer.l1!r}" if layer.l1 else "") + ")")


def python_code(session: Session, filename: str) -> str:
    """Python that rebuilds this network and trains it exactly as the lab did."""
    c = session.config
    # The call heads.build_model made for this session, written out layer by layer.
    layer_lines = "".join(f"    {dense_call(layer)},\n" for layer in session.dense_layers())
    if c.dataset == OWN_DATA:
        data = "X, y = np.zeros((0, 2)), np.zeros(0, dtype=np.int64)\n"
    elif c.dataset in TABLES:
        data = (f"X, y = datasets.{TABLES[c.dataset].__name__}()  # the truth table's rows\n"
                "y = y[:, 0].astype(np.int64)\n")
    elif session.task == "classification":
        data = (f'X, y = datasets.make_classification_2d("{c.dataset}", n_samples='
                f"{c.samples}, noise={c.noise!r}, seed={c.seed})\n")
    else:
        data = (f"X, y = datasets.make_{c.dataset}(n_samples={c.samples}, "
                f"noise={c.noise!r}, seed={c.seed})\n")
    if c.points:
        rows = ",\n".join(f"    {list(p)!r}" for p in c.points)
        data += (f"own = np.array([\n{rows},\n])  # your own points: x1, x2, label\n"
                 "X = np.concatenate([X, own[:, :2]])\n"
                 "y = np.concatenate([y, own[:, 2].astype(y.dtype)])\n")
    columns = ", ".join(FEATURES[name].code for name in c.features)
    labels = ", ".join(FEATURES[name].label for name in c.features)
    stratify = session.task == "classification" and \
        int(np.bincount(np.concatenate([session.labels_train, session.labels_test])).min()) >= 2
    if c.dataset in TABLES:  # the lab trains and tests on the whole table
        split = "X_train, X_test, y_train, y_test = X, X.copy(), y, y.copy()  # all rows, both\n"
    else:
        split = ("X_train, X_test, y_train, y_test = datasets.train_test_split(\n"
                 f"    X, y, test_size={c.test_size!r}, seed={c.seed}, stratify={stratify})\n")
    prepare = ("y_train, y_test = y_train.reshape(-1, 1), y_test.reshape(-1, 1)\n"
               if session.head.units == 1 else "")
    notes = replay_notes(session)
    return (
        '"""Rebuild and train the network of the neuronlab playground."""\n'
        "import numpy as np\n"
        "\n"
        "from neuronlab import Dense, Sequential, datasets, optimizers\n"
        "\n"
        f"{data}"
        f"{split}"
        f"{prepare}"
        "\n"
        "def features(X):\n"
        f'    """The inputs the network sees: {labels}."""\n'
        f"    return np.column_stack([{columns}])\n"
        "\n"
        "\n"
        "F_train, F_test = features(X_train), features(X_test)\n"
        "model = Sequential([\n"
        f"{layer_lines}"
        f"], seed={c.seed})\n"
        f"model.compile(optimizer=optimizers.{type(session.model.optimizer).__name__}"
        f"(learning_rate={c.learning_rate!r}),\n"
        f'              loss="{session.head.loss}", metrics=["{session.metric}"])\n'
        "\n"
        f"{notes}"
        "# One fit call per epoch, shuffled with the epoch number as seed, as the lab does.\n"
        f"for epoch in range({session.epoch}):\n"
        f"    model.fit(F_train, y_train, epochs=1, batch_size={c.batch_size}, seed=epoch,\n"
        "              verbose=0, validation_data=(F_test, y_test))\n"
        'print("test:", model.evaluate(F_test, y_test, return_dict=True))\n'
        "\n"
        "# The exported file holds the same trained weights:\n"
        "# from neuronlab.io import load_model\n"
        f'# model = load_model("{filename}")\n'
    )


def replay_notes(session: Session) -> str:
    """Comments for the code when replaying the seed's epochs does not give the lab's weights."""
    notes = ""
    if session.edited:
        notes += ("# Some weights were set by hand in the lab: the loop below does not redo\n"
                  "# that; the model file holds them.\n")
    if session.stepped:
        notes += ("# The lab took a slow-motion step outside the epochs: the loop below does\n"
                  "# not redo it; the model file holds the weights after it.\n")
    if session.linked:
        optimizer = session.model.optimizer
        assert optimizer is not None
        notes += ("# The lab took this network's weights from a link at epoch "
                  f"{session.curve_start};\n# the model file holds them. The loop below "
                  "replays training from the seed\n# and gives the same weights only if they "
                  "came from training alone")
        if not optimizer.elementwise:
            notes += (f",\n# and not even then with {type(optimizer).__name__}, whose running "
                      "state started afresh\n# at the link")
        notes += ".\n"
    return notes
