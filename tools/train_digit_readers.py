"""Train the two digit readers of the lesson "Seeing" and write them into the package.

    python tools/train_digit_readers.py

The lab's drawing pad and confusion table, and the lesson's figures, use an MLP and a
small conv net trained on the 8,000 bundled MNIST training digits
(:func:`neuronlab.vision.train_readers`: fixed seed, fixed epochs). Training them takes
seconds, but they are needed the moment a lesson page opens, so they ship ready, as two
model files (``neuronlab.io.save_model``) in ``src/neuronlab/data/``. Run this again
whenever the bundled digits, the readers' recipes or the library's training change.
"""

from __future__ import annotations

import time
from pathlib import Path

from neuronlab import datasets
from neuronlab.io import save_model
from neuronlab.vision import READER_FILES, conv_net, mlp, train_readers

DATA = Path(__file__).resolve().parents[1] / "src" / "neuronlab" / "data"


def main() -> None:
    start = time.perf_counter()
    first, second = train_readers()
    X_test, y_test = datasets.load("mnist", part="test", images=True)
    for key, model, recipe in (("mlp", first, mlp), ("conv", second, conv_net)):
        # the trained weights in a fresh copy of the recipe: no optimizer state to ship
        shipped = recipe()
        shipped.build()
        shipped.set_weights(model.get_weights())
        path = save_model(shipped, DATA / READER_FILES[key])
        accuracy = model.evaluate(X_test, y_test, return_dict=True)["accuracy"]
        print(f"{path.name}: {model.count_params()} weights, {accuracy:.2%} of "
              f"{len(y_test)} held-out digits, {path.stat().st_size} bytes")
    print(f"trained in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
