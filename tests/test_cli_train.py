"""``neuronlab train DATASET``: every data set, its options, --save, MNIST from IDX files."""

from __future__ import annotations

import re
import struct
from pathlib import Path

import numpy as np
import pytest

from neuronlab import datasets
from neuronlab import io as nio
from neuronlab.cli import build_parser, main
from neuronlab.cli.train import PRESETS, cmd_train

GENERATED = ("moons", "circles", "spirals", "blobs", "cubic", "sine")


@pytest.fixture(autouse=True)
def wide_console(monkeypatch):
    """Rich wraps at the terminal width (80 under pytest); 200 keeps each message on a line."""
    monkeypatch.setenv("COLUMNS", "200")


def run(capsys, *args: str) -> tuple[int, str]:
    code = main(["train", *args])
    return code, capsys.readouterr().out


def metrics_table(out: str) -> dict[str, list[str]]:
    """The rows of the "Final metrics" table: {"train": [samples, loss, metric], ...}."""
    assert "Final metrics" in out, out
    rows = {}
    for line in out[out.index("Final metrics"):].splitlines():
        cells = [cell.strip() for cell in re.split(r"[│┃|]", line) if cell.strip()]
        if cells and cells[0] in ("split", "train", "test"):
            rows[cells[0]] = cells[1:]
    return rows


@pytest.fixture
def saved_models(monkeypatch) -> list:
    """Every model the CLI saves, kept so a test can compare it with the file."""
    models = []
    real_save = nio.save_model

    def keeping_save(model, path):
        models.append(model)
        return real_save(model, path)

    monkeypatch.setattr(nio, "save_model", keeping_save)
    return models


def cli_data(name: str, seed: int = 0) -> np.ndarray:
    """The X the CLI trains on for ``name`` (default options)."""
    kwargs = dict(PRESETS[name].kwargs)
    if name in GENERATED:
        kwargs["seed"] = seed
    X, _ = datasets.load(name, **kwargs)
    return X / PRESETS[name].scale


# ---------------------------------------------------------------------------
# every data set
# ---------------------------------------------------------------------------


def test_every_data_set_has_a_preset():
    assert set(PRESETS) == set(datasets.DATASETS)


@pytest.mark.parametrize("name", [n for n in PRESETS if n != "mnist"])
def test_train_every_data_set_prints_the_final_metrics_table(capsys, tmp_path, saved_models,
                                                             name):
    path = tmp_path / f"{name}.npz"
    code, out = run(capsys, name, "--epochs", "3", "--quiet", "--save", str(path))
    assert code == 0, out
    assert f"Training on {name}" in out and "3 epochs" in out and "Epochs run: 3" in out
    rows = metrics_table(out)
    header = rows["split"]
    assert header[:2] == ["samples", "loss"] and header[2] in ("accuracy", "mae")
    split = PRESETS[name].split
    assert set(rows) == ({"split", "train", "test"} if split else {"split", "train"})
    n = len(cli_data(name))
    samples = int(rows["train"][0]) + (int(rows["test"][0]) if split else 0)
    assert samples == n
    for row in ("train", "test") if split else ("train",):
        assert all(re.fullmatch(r"\d+\.\d{4}", v) for v in rows[row][1:]), rows[row]

    # --save wrote one model file that predicts exactly as the trained model
    assert f"Saved the model to {path}" in out.replace("\n", "")
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    (trained,) = saved_models
    X = cli_data(name)
    np.testing.assert_array_equal(nio.load_model(path).predict(X), trained.predict(X))


def test_classification_presets_report_accuracy_and_regression_mae(capsys):
    for name, metric in [("blobs", "accuracy"), ("xor", "accuracy"), ("sine", "mae"),
                         ("puzzle", "mae")]:
        code, out = run(capsys, name, "--epochs", "1", "--quiet")
        assert code == 0 and metrics_table(out)["split"][2] == metric, name


# ---------------------------------------------------------------------------
# the presets reach the acceptance targets from the command line
# ---------------------------------------------------------------------------


def test_cli_digits_defaults_reach_97_percent(capsys):
    code, out = run(capsys, "digits", "--quiet")
    assert code == 0
    rows = metrics_table(out)
    assert rows["test"][0] == "360" and float(rows["test"][2]) >= 0.97, rows


def test_cli_moons_defaults_reach_96_percent(capsys):
    code, out = run(capsys, "moons", "--quiet")
    rows = metrics_table(out)
    assert code == 0 and float(rows["test"][2]) >= 0.96, rows


def test_cli_spirals_defaults_reach_97_percent(capsys):
    code, out = run(capsys, "spirals", "--quiet")
    rows = metrics_table(out)
    assert code == 0 and float(rows["train"][2]) >= 0.97, rows


def test_cli_cubic_defaults_fit_within_1_percent_of_the_variance(capsys):
    code, out = run(capsys, "cubic", "--quiet")
    X, y = datasets.make_cubic(seed=0)
    _, _, _, y_test = datasets.train_test_split(X, y, test_size=0.2, seed=0)
    rows = metrics_table(out)
    assert code == 0 and float(rows["test"][1]) <= 0.01 * np.var(y_test), rows


# ---------------------------------------------------------------------------
# options
# ---------------------------------------------------------------------------


def test_options_reach_the_model(capsys, tmp_path, saved_models):
    code, out = run(capsys, "circles", "--layers", "8,4", "--activation", "tanh",
                    "--optimizer", "rmsprop", "--learning-rate", "0.005", "--batch-size",
                    "16", "--epochs", "2", "--seed", "3", "--samples", "120", "--noise",
                    "0.1", "--test-size", "0.25", "--quiet", "--save", str(tmp_path / "c"))
    assert code == 0, out
    (model,) = saved_models
    config = model.get_config()
    assert [(layer["units"], layer["activation"]["name"]) for layer in config["layers"]] == [
        (8, "tanh"), (4, "tanh"), (1, "sigmoid")]
    assert config["compile"]["optimizer"] == {"name": "rmsprop", "learning_rate": 0.005,
                                              "rho": 0.9, "epsilon": 1e-8}
    assert config["compile"]["loss"]["name"] == "binary_crossentropy"
    assert model.seed == 3 and model.history.params["batch_size"] == 16
    rows = metrics_table(out)
    assert rows["train"][0] == "90" and rows["test"][0] == "30"
    assert (tmp_path / "c.npz").is_file()


def test_no_split_trains_and_reports_on_all_data(capsys):
    code, out = run(capsys, "blobs", "--epochs", "1", "--no-split", "--quiet")
    rows = metrics_table(out)
    assert code == 0 and set(rows) == {"split", "train"} and rows["train"][0] == "200"


def test_same_seed_same_numbers_other_seed_other_numbers(capsys):
    first = metrics_table(run(capsys, "moons", "--epochs", "2", "--quiet")[1])
    again = metrics_table(run(capsys, "moons", "--epochs", "2", "--quiet")[1])
    other = metrics_table(run(capsys, "moons", "--epochs", "2", "--quiet", "--seed", "1")[1])
    assert first == again and first != other


@pytest.mark.parametrize("columns", ["80", "200"])
def test_progress_bar_without_quiet(capsys, monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", columns)
    code, out = run(capsys, "blobs", "--epochs", "2")
    assert code == 0 and "Final metrics" in out
    assert re.search(r"Epoch 2/2 ━+ loss: \d\.\d{4} - accuracy: ", out), out
    assert "val_accuracy:" in out


def test_save_into_a_missing_directory_is_a_clear_error(capsys, tmp_path):
    code, out = run(capsys, "and", "--epochs", "1", "--quiet", "--save",
                    str(tmp_path / "missing" / "model.npz"))
    assert code == 2
    assert "error:" in out and "does not exist" in out.replace("\n", " ")
    assert list(tmp_path.iterdir()) == []


def test_unknown_data_set_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as info:
        main(["train", "cifar"])
    assert info.value.code == 2
    assert "invalid choice: 'cifar'" in capsys.readouterr().err


# ---------------------------------------------------------------------------
# MNIST from IDX files the test writes
# ---------------------------------------------------------------------------


def write_idx(path: Path, array: np.ndarray) -> None:
    """The IDX format: zero, zero, type code (0x08: unsigned bytes), dims, sizes, data."""
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    path.write_bytes(header + array.astype(np.uint8).tobytes())


def tiny_mnist(folder: Path, n: int = 60, prefix: str = "train", seed: int = 0
               ) -> tuple[np.ndarray, np.ndarray]:
    """n 28x28 images: each label's digit is a bright square at its own place."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 10
    images = rng.integers(0, 40, size=(n, 28, 28))
    for i, label in enumerate(labels):
        row, col = divmod(int(label), 5)
        images[i, 4 + 10 * row:10 + 10 * row, 2 + 5 * col:6 + 5 * col] = 255
    write_idx(folder / f"{prefix}-images-idx3-ubyte", images)
    write_idx(folder / f"{prefix}-labels-idx1-ubyte", labels)
    return images, labels


def test_mnist_from_a_data_dir(capsys, tmp_path, saved_models):
    images, _ = tiny_mnist(tmp_path)
    tiny_mnist(tmp_path, 20, "t10k", seed=1)
    code, out = run(capsys, "mnist", "--data-dir", str(tmp_path), "--epochs", "20",
                    "--batch-size", "8", "--quiet", "--save", str(tmp_path / "mnist_model"))
    assert code == 0, out
    rows = metrics_table(out)
    assert rows["train"][0] == "60" and rows["test"][0] == "20"  # MNIST's own test set
    assert float(rows["train"][2]) == 1.0  # ten clearly different squares
    (model,) = saved_models
    assert model.layers[0].n_inputs == 784 and model.output_units == 10
    X = images.reshape(len(images), -1) / 255.0
    loaded = nio.load_model(tmp_path / "mnist_model.npz")
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_mnist_without_files_says_what_is_missing(capsys, tmp_path):
    code, out = run(capsys, "mnist", "--data-dir", str(tmp_path), "--quiet")
    assert code == 2
    assert "MNIST train files missing" in out.replace("\n", " ")


def test_cli_module_exposes_the_train_command():
    parser = build_parser()
    args = parser.parse_args(["train", "digits", "--layers", "32,16"])
    assert args.func is cmd_train and args.layers == [32, 16]


# --------------------------------------------------------------------------- numbers and paths
def test_save_into_a_folder_writes_inside_it(capsys, tmp_path):
    folder = tmp_path / "models"
    folder.mkdir()
    code, out = run(capsys, "xor", "--epochs", "5", "--quiet", "--save", str(folder))
    assert f"Saved the model to {folder / 'xor.npz'}" in out
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["models"]  # nothing beside it
    assert [p.name for p in folder.iterdir()] == ["xor.npz"]
    assert nio.load_model(folder / "xor.npz").count_params() == 17
    code, _ = run(capsys, "and", "--epochs", "5", "--quiet", "--save", f"{folder}/")
    assert code == 0 and (folder / "and.npz").is_file()


def test_save_into_a_missing_folder_is_refused_before_training(capsys, tmp_path):
    code, out = run(capsys, "xor", "--quiet", "--save", f"{tmp_path / 'missing'}/")
    assert code == 2
    assert "Training on" not in out and len(out.strip().splitlines()) == 1
    assert "does not exist" in out and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("option", ["--epochs", "--learning-rate", "--batch-size", "--samples"])
@pytest.mark.parametrize("value", ["0", "-3"])
def test_zero_or_negative_is_refused_never_replaced_by_a_default(capsys, option, value):
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "moons", option, value, "--quiet"])
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip().splitlines()[-1].startswith(
        f"neuronlab train: error: argument {option}:")


def test_one_is_used_as_given(capsys):
    code, out = run(capsys, "blobs", "--epochs", "1", "--batch-size", "1", "--samples", "20",
                    "--learning-rate", "0.5", "--no-split", "--quiet")
    assert code == 0
    assert "(20 samples)" in out and "learning_rate=0.5" in out and ", 1 epoch\n" in out


@pytest.mark.parametrize("args", [("--layers", "100000,100000"), ("--samples", "10000000000"),
                                  ("--layers", "4096,4096,4096")])
def test_huge_sizes_are_refused_before_allocating(capsys, args):
    try:
        code = main(["train", "moons", *args, "--quiet"])
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    assert code == 2
    assert "Training on" not in captured.out
    assert len((captured.out + captured.err).strip().splitlines()[-1:]) == 1


def test_puzzle_ends_with_the_answer_and_labels_its_steps(capsys):
    code, out = run(capsys, "puzzle", "--quiet")
    assert code == 0
    assert out.rstrip().splitlines()[-1] == "55 → 111.175"
    assert re.search(r"start, before step 0\s+│ 6\.10000", out)
    assert re.search(r"after step 0\s+│ 51\.81072", out)
    assert re.search(r"after step 10\s+│ 110\.97906", out)
    assert re.search(r"after step 49 = 50 steps\s+│ 111\.17526", out)


def test_the_bundled_mnist_is_tested_on_its_own_test_digits(capsys):
    code, out = run(capsys, "mnist", "--epochs", "1", "--quiet")
    assert code == 0, out
    rows = metrics_table(out)
    assert rows["train"][0] == "8000" and rows["test"][0] == "2000"  # as its help says


def test_samples_and_noise_reach_the_data_or_are_refused(capsys):
    code, out = run(capsys, "nnfs-spirals", "--samples", "50", "--epochs", "1", "--quiet")
    assert code == 0 and "(120 samples)" in out  # 50 per class x 3, 80 % to train
    quiet, noisy = (metrics_table(run(capsys, "blobs", "--epochs", "1", "--quiet",
                                      *extra)[1]) for extra in ((), ("--noise", "5")))
    assert quiet != noisy  # the clusters' spread changed the data
    for args, message in ((("digits", "--samples", "5"), "digits is data that ships with "
                           "neuronlab without a setting for --samples"),
                          (("xor", "--noise", "1"), "xor is a fixed table without a setting "
                           "for --noise"),
                          (("puzzle", "--layers", "8"), "the puzzle is one linear neuron"),
                          (("moons", "--loss", "hinge"), "hinge needs raw scores")):
        code, out = run(capsys, *args, "--epochs", "1", "--quiet")
        assert code == 2 and message in out.replace("\n", " "), out


def test_test_size_is_refused_where_nothing_is_split_by_it(capsys):
    for args, reason in ((("mnist",), "it is tested on its own test digits"),
                         (("xor",), "it is never split"),
                         (("moons", "--no-split"), "--no-split holds nothing out")):
        code, out = run(capsys, *args, "--test-size", "0.3", "--epochs", "1", "--quiet")
        assert code == 2 and reason in out.replace("\n", " "), out
    code, out = run(capsys, "moons", "--test-size", "0.3", "--epochs", "1", "--quiet")
    assert code == 0 and metrics_table(out)["test"][0] == "300"  # of the 1,000 points
