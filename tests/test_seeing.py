"""The lesson "Seeing": a drawing prepared as MNIST digits are, the kernel widget's numbers
(Conv2D's own), the digit readers, and the conv2d exercise's named mistakes."""

from __future__ import annotations

import numpy as np
import pytest

from neuronlab import datasets
from neuronlab.errors import DataError
from neuronlab.layers import Conv2D
from neuronlab.learn.catalog import EXERCISES
from neuronlab.learn.checker import check
from neuronlab.learn.lessons import find_lesson, lesson_namespace
from neuronlab.learn.quiz import COMPUTED
from neuronlab.vision import center_of_mass, conv_net, mlp, readers, resize, to_mnist

# ------------------------------------------------------------------ to_mnist


def _seven(size: int = 56, left: int = 12, top: int = 10, pen: int = 4) -> np.ndarray:
    drawing = np.zeros((size, size))
    drawing[top:top + pen, left:left + 30] = 1.0
    for row in range(top + pen, top + 36):
        column = left + 28 - (row - top - pen) // 2
        drawing[row, column - pen // 2:column + pen // 2 + 1] = 1.0
    return drawing


def test_to_mnist_scales_the_ink_into_20_by_20_and_centres_its_mass():
    digit = to_mnist(_seven())
    assert digit.shape == (28, 28) and digit.dtype == np.float32
    assert float(digit.min()) == 0.0 and float(digit.max()) == 1.0
    rows = np.flatnonzero(digit.max(axis=1) > 0)
    cols = np.flatnonzero(digit.max(axis=0) > 0)
    assert max(rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1) == 20
    row, col = center_of_mass(digit)
    assert abs(row - 14) <= 0.5 and abs(col - 14) <= 0.5


def test_to_mnist_does_not_care_where_or_how_large_the_digit_was_drawn():
    here = to_mnist(_seven(left=4, top=4))
    there = to_mnist(_seven(left=20, top=16))
    assert np.array_equal(here, there)
    large = np.kron(_seven(), np.ones((2, 2)))  # the same drawing at twice the size
    assert np.abs(to_mnist(large) - here).max() < 0.05


def test_to_mnist_refuses_what_is_not_a_drawing():
    with pytest.raises(DataError, match="empty"):
        to_mnist(np.zeros((28, 28)))
    with pytest.raises(DataError, match="between 0"):
        to_mnist(np.full((28, 28), 255.0))
    with pytest.raises(DataError, match="2-D"):
        to_mnist(np.ones((2, 28, 28)))


def test_resize_averages_what_each_new_pixel_covers():
    image = np.arange(36.0).reshape(6, 6)
    assert resize(image, (3, 3))[0, 0] == pytest.approx(image[:2, :2].mean())
    assert resize(image, (4, 5)).mean() == pytest.approx(image.mean())


# ------------------------------------------------------------------ the kernel widget


@pytest.mark.parametrize("stride, padding", [(1, "valid"), (2, "valid"), (1, "same"),
                                             (2, "same")])
def test_kernel_view_is_conv2d_at_the_window(stride, padding):
    from neuronlab.lab.course.seeing import kernel_view

    rng = np.random.default_rng(stride * 10 + len(padding))
    X, _ = datasets.load("mnist", part="test", images=True)
    for _ in range(3):
        kernel = rng.uniform(-2, 2, (3, 3)).round(2)
        bias = round(float(rng.uniform(-1, 1)), 2)
        digit = int(rng.integers(0, len(X)))
        layer = Conv2D(1, 3, strides=stride, padding=padding, input_shape=(28, 28, 1))
        layer.build((28, 28, 1), np.random.default_rng(0), np.float64)
        layer.set_weights([kernel.reshape(3, 3, 1, 1), [bias]])  # Keras layout
        z = layer.forward(X[digit:digit + 1].astype(np.float64))[0, :, :, 0]
        at = [int(rng.integers(0, z.shape[0])), int(rng.integers(0, z.shape[1]))]
        r = kernel_view({"digit": digit, "kernel": kernel.tolist(), "bias": bias,
                         "stride": stride, "padding": padding, "at": at})
        assert r["shape"] == list(z.shape) and r["at"] == at
        assert r["z"] == pytest.approx(z[at[0], at[1]], abs=1e-12)
        assert np.sum(r["products"]) + bias == pytest.approx(z[at[0], at[1]], abs=1e-3)
        assert np.allclose(r["map"], z, atol=1e-4)
        assert r["line"].count("×") == 9 and r["line"].endswith(f"= {z[at[0], at[1]]:.4f}")


def test_kernel_view_refuses_bad_settings_by_name():
    from neuronlab.lab.course.seeing import kernel_view
    from neuronlab.lab.server.schema import BadRequest

    with pytest.raises(BadRequest, match="'kernel' must be 3 rows"):
        kernel_view({"kernel": [[1, 2], [3, 4]]})
    with pytest.raises(BadRequest, match="at column"):
        kernel_view({"at": [0, 26]})
    with pytest.raises(BadRequest, match="stride"):
        kernel_view({"stride": 3})
    held_out = len(datasets.load("mnist", part="test", images=True)[1])
    assert kernel_view({"digit": held_out - 1})["held_out"] == held_out  # the page's picker
    with pytest.raises(BadRequest, match="digit"):
        kernel_view({"digit": held_out})


# ------------------------------------------------------------------ the readers


def test_the_readers_are_the_lessons_recipes_and_read_better_than_chance():
    trained = readers()
    assert trained.mlp.get_config() == mlp().get_config()
    assert trained.conv.get_config() == conv_net().get_config()
    assert trained.mlp_accuracy > 0.85 and trained.conv_accuracy > trained.mlp_accuracy
    digit = to_mnist(_seven())
    assert int(trained.conv.predict(digit.reshape(1, 28, 28, 1))[0].argmax()) == 7


def test_the_lessons_mlp_is_the_readers_mlp():
    lesson = find_lesson("seeing")
    names = lesson_namespace(lesson)
    assert names["mlp"].get_config() == mlp().get_config()
    assert names["mlp_accuracy"] == pytest.approx(readers().mlp_accuracy)


# ------------------------------------------------------------------ the exercise


def _solution():
    names: dict = {}
    exec(EXERCISES["conv2d"].solution, names)
    return names["conv2d"]


def test_conv2d_solution_passes_and_matches_the_library():
    assert check("conv2d", _solution()).passed


@pytest.mark.parametrize("mistake, wrong", [
    ("flip the kernel", lambda f: lambda im, k, b: f(im, [row[::-1] for row in k[::-1]], b)),
    ("stop one window short", lambda f: lambda im, k, b: [row[:-1] for row in f(im, k, b)[:-1]]),
    ("forget the bias", lambda f: lambda im, k, b: f(im, k, 0.0)),
])
def test_conv2d_checker_names_the_classic_mistakes(mistake, wrong):
    result = check("conv2d", wrong(_solution()))
    assert not result.passed
    assert mistake in str(result)


def test_conv2d_checker_explains_a_window_off_the_edge():
    def too_many(image, kernel, bias):
        k = len(kernel)
        return [[sum(image[i + a][j + c] * kernel[a][c] for a in range(k) for c in range(k))
                 + bias for j in range(len(image[0]) - k + 2)] for i in range(len(image) - k + 2)]

    result = str(check("conv2d", too_many))
    assert "IndexError" in result and "len(image) - k + 1" in result


def test_the_recall_figures_come_from_the_layers():
    assert COMPUTED["conv_map_side"]() == Conv2D(1, 3).compute_output_shape((28, 28, 1))[0]
    assert COMPUTED["conv_weight_count"]() == 8 * (3 * 3 * 1 + 1)
