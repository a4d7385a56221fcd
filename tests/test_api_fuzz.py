"""Generated arguments for every public entry point: no raw errors, no silent NaN.

Every call either returns, raises a neuronlab error (:class:`NeuronlabError`), or -
for the pure-Python ``neuron.py``, which imports only the standard library - raises
``ValueError``/``TypeError`` from ``neuron.py`` itself. What ``predict``,
``evaluate`` and the pure-Python neuron return is finite.

The number of examples per test is small in CI (the file runs in well under a minute);
``NEURONLAB_FUZZ_EXAMPLES=2000 pytest tests/test_api_fuzz.py`` runs more. With
``NEURONLAB_FUZZ_REPORT=1`` the escapes are collected and printed instead of failing
the first one (to count them).

Generated sizes stay small: integers are either small or so large (>= 2**62) that a
correct check refuses them at once, so nothing can allocate gigabytes.
"""

from __future__ import annotations

import math
import os
import traceback
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import neuronlab
from neuronlab import (
    SGD,
    Adam,
    Dense,
    Dropout,
    EarlyStopping,
    LambdaCallback,
    Neuron,
    NeuronlabError,
    NeuronlabWarning,
    PyLayer,
    PyNetwork,
    RMSprop,
    Sequential,
    activations,
    datasets,
    initializers,
    load_model,
    losses,
    metrics,
    optimizers,
    save_model,
)

EXAMPLES = int(os.environ.get("NEURONLAB_FUZZ_EXAMPLES", "0") or 0)
REPORT = bool(os.environ.get("NEURONLAB_FUZZ_REPORT"))
NEURON_FILE = str(Path(neuronlab.neuron.__file__).resolve())


def fuzz(examples: int) -> Callable[[Any], Any]:
    """Hypothesis settings: ``examples`` in CI, ``NEURONLAB_FUZZ_EXAMPLES`` when set."""
    return settings(max_examples=EXAMPLES or examples, deadline=None, derandomize=not EXAMPLES,
                    database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


# --------------------------------------------------------------------------- the values
HUGE = [10**400, -(10**400), 2**62, 2**200]
ODD_FLOATS = [math.nan, math.inf, -math.inf, -0.0, 0.0, 1e-300, 1e300, 1e39, -1e39, 0.5, 1.5]
NAMES = ["relu", "sigmoid", "softmax", "linear", "tanh", "mse", "binary_crossentropy",
         "categorical_crossentropy", "adam", "sgd", "accuracy", "glorot_uniform", "zeros",
         "moons", "xor", "", " ", "abc", "float32", "float64"]

atoms = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 6),
    st.sampled_from(HUGE),
    st.sampled_from(ODD_FLOATS),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(NAMES),
    st.text(max_size=4),
)
values = st.recursive(
    atoms,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.tuples(inner, inner),
                            st.dictionaries(st.sampled_from(["name", "a", "rate"]), inner,
                                            max_size=2)),
    max_leaves=8,
)
numbers = st.one_of(st.integers(-2, 4), st.sampled_from(HUGE), st.sampled_from(ODD_FLOATS),
                    st.floats(-1e40, 1e40))


def maybe(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly valid values, sometimes anything."""
    return st.one_of(valid, valid, values)


@st.composite
def tables(draw: st.DrawFn, rows: int | None = None, cols: int | None = None) -> Any:
    """A small table of numbers (sometimes with odd values, a wrong shape or a wrong type)."""
    n = rows if rows is not None else draw(st.integers(1, 5))
    m = cols if cols is not None else draw(st.integers(1, 4))
    if draw(st.integers(0, 9)) == 0:
        return draw(values)
    cell = st.one_of(st.floats(-3, 3), st.floats(-3, 3), numbers) if draw(st.booleans()) \
        else st.floats(-3, 3)
    table = [[draw(cell) for _ in range(m)] for _ in range(n)]
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return table
    if kind == 1:
        return [row[0] for row in table]
    arr = np.array(table, dtype=object)
    try:
        with np.errstate(over="ignore"):
            return arr.astype(draw(st.sampled_from([np.float64, np.float32])))
    except (OverflowError, ValueError):
        return table


# --------------------------------------------------------------------------- the check
escapes: list[tuple[str, str, str]] = []  # (call, exception, last frame)


def last_frame(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "?"
    frame = frames[-1]
    return f"{Path(frame.filename).name}:{frame.lineno}"


def is_neuronlab_error(exc: BaseException) -> bool:
    if isinstance(exc, NeuronlabError):
        return True
    if isinstance(exc, (ValueError, TypeError)):  # only from neuron.py (stdlib-only)
        frames = traceback.extract_tb(exc.__traceback__)
        return bool(frames) and str(Path(frames[-1].filename).resolve()) == NEURON_FILE
    return False


def escape(label: str, problem: str, where: str, detail: str) -> None:
    if REPORT:
        escapes.append((label, problem, where))
        return
    pytest.fail(f"{label}: {problem} at {where}\n{detail}")


def call(label: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)``; a raw error (or a NumPy warning) is an escape."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", NeuronlabWarning)
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            if not is_neuronlab_error(exc):
                detail = "".join(traceback.format_exception(exc))
                escape(label, f"{type(exc).__name__}: {str(exc)[:120]}", last_frame(exc), detail)
            return None


def all_finite(result: Any) -> bool:
    if result is None:
        return True
    if isinstance(result, dict):
        return all(all_finite(v) for v in result.values())
    if isinstance(result, (list, tuple)):
        return all(all_finite(v) for v in result)
    return bool(np.isfinite(np.asarray(result, dtype=float)).all())


def check_finite(label: str, result: Any) -> None:
    if not all_finite(result):
        escape(label, "non-finite result returned", "-", repr(result)[:300])


def report_escapes() -> None:
    if REPORT and escapes:
        points = Counter((problem.split(":")[0], where) for _, problem, where in escapes)
        print(f"\n{len(escapes)} escapes at {len(points)} distinct points")
        for (kind, where), count in points.most_common():
            example = next(e for e in escapes if e[2] == where and e[1].startswith(kind))
            print(f"  {count:4d}  {kind:20s} {where:28s} {example[0]}: {example[1][:90]}")


@pytest.fixture(scope="module", autouse=True)
def _summary() -> Any:
    yield
    report_escapes()


# --------------------------------------------------------------------------- constructors
@fuzz(300)
@given(units=maybe(st.integers(1, 4)), activation=maybe(st.sampled_from(activations.names())),
       input_shape=maybe(st.sampled_from([None, 2, (3,), [1]])),
       kernel=maybe(st.sampled_from(initializers.names())), l2=maybe(st.floats(0, 1)),
       rate=numbers | values)
def test_layers(units: Any, activation: Any, input_shape: Any, kernel: Any, l2: Any,
                rate: Any) -> None:
    layer = call("Dense", Dense, units, activation=activation, input_shape=input_shape,
                 kernel_initializer=kernel, bias_initializer=kernel, l2=l2)
    if layer is not None:
        call("Dense.get_config", layer.get_config)
        call("Dense.count_params", layer.count_params)
    call("Dropout", Dropout, rate)


@fuzz(200)
@given(layers=st.one_of(values, st.just([Dense(2, input_shape=(2,))]),
                        st.lists(st.sampled_from(["dense", "dropout", 5]), max_size=3)),
       seed=maybe(st.integers(0, 10)), dtype=maybe(st.sampled_from(["float32", "float64"])),
       name=maybe(st.just("m")))
def test_sequential(layers: Any, seed: Any, dtype: Any, name: Any) -> None:
    if isinstance(layers, list) and layers and all(isinstance(x, str) or x == 5 for x in layers):
        layers = [Dense(2) if x == "dense" else Dropout(0.1) if x == "dropout" else x
                  for x in layers]
    model = call("Sequential", Sequential, layers, seed=seed, dtype=dtype, name=name)
    if model is not None:
        call("Sequential.summary", model.summary, print_fn=lambda text: None)
        call("Sequential.count_params", model.count_params)
        call("Sequential.get_config", model.get_config)


@fuzz(300)
@given(kind=st.sampled_from([SGD, RMSprop, Adam]),
       kwargs=st.dictionaries(st.sampled_from(["learning_rate", "momentum", "nesterov", "rho",
                                               "epsilon", "beta_1", "beta_2", "lr"]),
                              numbers | values, max_size=3),
       name=maybe(st.sampled_from(optimizers.names())))
def test_optimizers(kind: Any, kwargs: dict[str, Any], name: Any) -> None:
    call(kind.__name__, kind, **kwargs)
    call("optimizers.get", optimizers.get, name, **kwargs)
    call("optimizers.from_config", optimizers.from_config, {"name": name, **kwargs})


@fuzz(200)
@given(kwargs=st.dictionaries(st.sampled_from(["monitor", "patience", "min_delta", "mode",
                                               "restore_best_weights", "verbose"]),
                              numbers | values, max_size=3),
       hooks=st.dictionaries(st.sampled_from(["on_epoch_end", "on_batch_end", "on_train_begin",
                                              "on_epoch_begin", "on_train_end", "other"]),
                             st.one_of(values, st.just(lambda *a: None)), max_size=2))
def test_callbacks(kwargs: dict[str, Any], hooks: dict[str, Any]) -> None:
    call("EarlyStopping", EarlyStopping, **kwargs)
    call("LambdaCallback", LambdaCallback, **hooks)


@fuzz(300)
@given(name=st.one_of(st.sampled_from(
           [*activations.names(), *losses.names(), *metrics.names(), *initializers.names()]),
           values),
       kwargs=st.dictionaries(st.sampled_from(["alpha", "from_logits", "name", "beta"]),
                              numbers | values, max_size=2),
       config=values)
def test_tables(name: Any, kwargs: dict[str, Any], config: Any) -> None:
    call("activations.get", activations.get, name)
    call("activations.get(**kwargs)", activations.get, name, **kwargs)
    call("activations.from_config", activations.from_config, {"name": name, **kwargs})
    call("activations.from_config", activations.from_config, config)
    call("losses.get", losses.get, name)
    call("losses.get(**kwargs)", losses.get, name, **kwargs)
    call("losses.from_config", losses.from_config, {"name": name, **kwargs})
    call("losses.from_config", losses.from_config, config)
    call("metrics.get", metrics.get, name)
    call("initializers.get", initializers.get, name)


@fuzz(300)
@given(weights=st.one_of(st.lists(numbers, min_size=1, max_size=3), values),
       bias=numbers | values, activation=maybe(st.sampled_from(activations.neuron_names())),
       inputs=st.one_of(st.lists(numbers, min_size=1, max_size=3), values))
def test_pure_python_neuron(weights: Any, bias: Any, activation: Any, inputs: Any) -> None:
    neuron = call("Neuron", Neuron, weights, bias=bias, activation=activation)
    if neuron is not None:
        check_finite("Neuron()", call("Neuron()", neuron, inputs))
        explanation = call("Neuron.explain", neuron.explain, inputs)
        if explanation is not None:
            check_finite("Neuron.explain", [explanation.z, explanation.y])
            call("Explanation.str", str, explanation)
    layer = call("PyLayer", PyLayer, [weights, weights] if isinstance(weights, list) else weights,
                 [bias, bias] if not isinstance(bias, list) else bias, activation)
    if layer is not None:
        check_finite("PyLayer()", call("PyLayer()", layer, inputs))
    network = call("PyNetwork", PyNetwork, [layer] if layer is not None else weights)
    if network is not None:
        check_finite("PyNetwork()", call("PyNetwork()", network, inputs))


@fuzz(300)
@given(name=st.one_of(st.sampled_from(datasets.names()), values), data=st.data())
def test_datasets(name: Any, data: st.DataObject) -> None:
    keys = ["n_samples", "noise", "seed", "factor", "classes", "centers", "cluster_std",
            "low", "high", "kind", "directory", "other"]
    kwargs = data.draw(st.dictionaries(st.sampled_from(keys), numbers | values, max_size=3))
    if name == "mnist":  # never the network
        kwargs = {k: v for k, v in kwargs.items() if k in ("kind", "directory", "other")}
        kwargs["download"] = False
    call(f"datasets.load({name!r})", datasets.load, name, **kwargs)


# --------------------------------------------------------------------------- a model's methods
def small_model(seed: int, out: str, compiled: bool) -> Sequential:
    activation, loss = {"mse": ("linear", "mse"), "bce": ("sigmoid", "binary_crossentropy"),
                        "cce": ("softmax", "categorical_crossentropy")}[out]
    units = 3 if out == "cce" else 1
    model = Sequential([Dense(3, activation="tanh", input_shape=(2,)), Dropout(0.1),
                        Dense(units, activation=activation)], seed=seed)
    if compiled:
        model.compile(optimizer="sgd", loss=loss, metrics=["accuracy"])
    return model


models = st.builds(small_model, st.integers(0, 3), st.sampled_from(["mse", "bce", "cce"]),
                   st.booleans())


@fuzz(200)
@given(model=models, optimizer=maybe(st.sampled_from(["sgd", "adam", "rmsprop"])),
       loss=maybe(st.sampled_from(losses.names())),
       metrics_=maybe(st.lists(st.sampled_from(metrics.names()), max_size=2)),
       X=tables(cols=2), y=tables(cols=1))
def test_compile_evaluate(model: Sequential, optimizer: Any, loss: Any, metrics_: Any, X: Any,
                          y: Any) -> None:
    call("compile", model.compile, optimizer=optimizer, loss=loss, metrics=metrics_)
    check_finite("evaluate", call("evaluate", model.evaluate, X, y, verbose=0))


@fuzz(250)
@given(model=models, X=tables(cols=2), y=tables(cols=1),
       epochs=st.one_of(st.integers(-1, 2), values.filter(lambda v: not isinstance(v, int))),
       batch_size=maybe(st.sampled_from([None, 1, 2, 32])), shuffle=maybe(st.booleans()),
       verbose=maybe(st.sampled_from([0, 2])), seed=maybe(st.sampled_from([None, 0, 1])),
       split=maybe(st.sampled_from([0.0, 0.25, 0.5])),
       callbacks=maybe(st.sampled_from([None, [], [EarlyStopping(monitor="loss")]])),
       learning_rate=st.sampled_from([0.1, 1e10, 1e300]))
def test_fit(model: Sequential, X: Any, y: Any, epochs: Any, batch_size: Any, shuffle: Any,
             verbose: Any, seed: Any, split: Any, callbacks: Any, learning_rate: float) -> None:
    if model.loss is not None:
        model.compile(optimizer=SGD(learning_rate=learning_rate), loss=model.loss)
    history = call("fit", model.fit, X, y, epochs=epochs, batch_size=batch_size,
                   shuffle=shuffle, verbose=verbose, seed=seed, validation_split=split,
                   callbacks=callbacks)
    if history is not None:
        check_finite("fit history", history.history)
        check_finite("predict after fit", call("predict", model.predict, X))


@fuzz(250)
@given(model=models, X=tables(cols=2), batch_size=maybe(st.sampled_from([None, 1, 3])),
       weights=st.one_of(values, st.lists(values, min_size=4, max_size=4)),
       scale=st.sampled_from([1.0, 1e20, 1e38, 1e300]), data=st.data())
def test_predict_and_weights(model: Sequential, X: Any, batch_size: Any, weights: Any,
                             scale: float, data: st.DataObject) -> None:
    check_finite("predict", call("predict", model.predict, X, batch_size=batch_size))
    check_finite("model()", call("model()", model, X))
    call("set_neuron_weights", model.set_neuron_weights, weights)
    current = call("get_neuron_weights", model.get_neuron_weights)
    if current:
        scaled: list[Any] = [np.asarray(w, np.float64) * scale for w in current]
        if data.draw(st.booleans()):
            scaled[0] = data.draw(tables())
        call("set_neuron_weights", model.set_neuron_weights, scaled)
        check_finite("predict after set_neuron_weights", call("predict", model.predict, X))
        call("layer.set_neuron_weights", model.layers[0].set_neuron_weights, data.draw(values))


# File names only: io.py checks its own path argument (a path without a file name, or
# not a path at all, is its business).
paths = st.one_of(st.text(min_size=1, max_size=6), st.sampled_from(["/nonexistent/m.npz"])
                  ).filter(lambda p: Path(p).name not in ("", ".", ".."))


@fuzz(100)
@given(model=models, path=paths, tail=st.sampled_from(["m", "m.npz", "no/such/dir/m"]))
def test_save_and_load(tmp_path_factory: pytest.TempPathFactory, model: Sequential, path: Any,
                       tail: str) -> None:
    folder = tmp_path_factory.mktemp("models")
    written = call("save_model", save_model, model, folder / tail)
    if written is not None:
        again = call("load_model", load_model, written)
        if again is not None:
            check_finite("predict after load", call("predict", again.predict, [[0.5, -0.5]]))
    path = folder / path  # a relative name lands in the temporary folder
    call("save_model", save_model, model, path)
    call("load_model", load_model, path)
