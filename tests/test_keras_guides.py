"""Code in the style of the Keras guides and the TensorFlow beginners' quickstart, run
unchanged except for the import (``import neuronlab as keras``): each call gives Keras's
result, or a clear error saying why. Where real Keras 3 is installed (a test dependency)
the numbers are compared with it.

The first six tests are the six places where neuronlab once gave a different number
without an error.
"""

from __future__ import annotations

import numpy as np
import pytest

import neuronlab as keras
from keras_reference import KERAS_WARNINGS, keras_module
from neuronlab import layers
from neuronlab.errors import ArgumentError, ConfigError

pytestmark = KERAS_WARNINGS


def data(n: int = 64, features: int = 16, classes: int = 3, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, features)).astype("float32")
    y = (X[:, :classes].argmax(axis=1)).astype("int64")
    return X, y


# --------------------------------------------------------------------------- six silent ones
def test_1_loss_objects_take_y_true_first():
    y_true = np.array([[0.0], [1.0], [1.0], [0.0]])
    y_pred = np.array([[0.1], [0.8], [0.6], [0.3]])
    bce = keras.losses.BinaryCrossentropy()
    expected = -np.mean(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred))
    assert bce(y_true, y_pred) == pytest.approx(expected, rel=1e-6)
    real = keras_module()
    assert bce(y_true, y_pred) == pytest.approx(
        float(real.losses.BinaryCrossentropy()(y_true, y_pred)), rel=1e-5)
    cce = keras.losses.CategoricalCrossentropy()
    with pytest.raises(keras.ShapeError, match=r"targets y_true have shape \(2, 3\)"):
        cce(np.eye(3)[:2], np.full((2, 2), 0.5))


def test_2_a_frozen_layer_does_not_train():
    X, y = data()
    model = keras.Sequential([keras.Input(shape=(16,)), layers.Dense(8, activation="relu"),
                              layers.Dense(3, activation="softmax")], seed=0)
    model.layers[0].trainable = False
    frozen = [w.copy() for w in model.layers[0].get_weights()]
    trained = [w.copy() for w in model.layers[1].get_weights()]
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(X, y, epochs=3, verbose=0)
    for before, after in zip(frozen, model.layers[0].get_weights()):
        np.testing.assert_array_equal(before, after)
    assert not np.array_equal(trained[0], model.layers[1].get_weights()[0])
    assert len(model.trainable_weights) == 2 and len(model.non_trainable_weights) == 2


def test_3_keras_batch_hooks_fire():
    X, y = data(n=50)

    class Counter(keras.callbacks.Callback):
        def __init__(self):
            self.seen = []

        def on_train_batch_begin(self, batch, logs=None):
            self.seen.append(("begin", batch))

        def on_train_batch_end(self, batch, logs=None):
            self.seen.append(("end", batch, round(logs["loss"], 12)))

    class Old(keras.callbacks.Callback):
        def __init__(self):
            self.begun = 0

        def on_batch_begin(self, batch, logs=None):
            self.begun += 1

    model = keras.Sequential([layers.Dense(3, activation="softmax", input_shape=(16,))], seed=0)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    counter, old = Counter(), Old()
    model.fit(X, y, epochs=2, batch_size=16, verbose=0, callbacks=[counter, old])
    batches = 4  # 50 samples in batches of 16
    assert [s[:2] for s in counter.seen] == [(kind, b) for _ in range(2) for b in range(batches)
                                             for kind in ("begin", "end")]
    assert old.begun == 2 * batches


def test_4_keras_layout_kernels_are_read_as_keras_reads_them():
    kernel = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])  # inputs x units
    layer = layers.Dense(3)
    model = keras.Sequential([keras.Input(shape=(3,)), layer])
    layer.set_weights([kernel, np.zeros(3)])
    np.testing.assert_array_equal(model.predict(np.array([[1.0, 0.0, 0.0]])), [[1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(layer.kernel, kernel)
    np.testing.assert_array_equal(layer.get_weights()[0], kernel)
    np.testing.assert_array_equal(layer.W, kernel.T)  # neuronlab's own name: one row per neuron
    real = keras_module()
    theirs = real.Sequential([real.Input(shape=(3,)), real.layers.Dense(3)])
    theirs.set_weights(model.get_weights())
    np.testing.assert_allclose(np.asarray(theirs.predict(np.eye(3), verbose=0)),
                               model.predict(np.eye(3)), atol=1e-6)


def test_5_layers_given_an_input_shape_have_weights_at_once():
    model = keras.Sequential([layers.Dense(4, input_shape=(3,)), layers.Dense(2)])
    assert [w.shape for w in model.layers[0].get_weights()] == [(3, 4), (4,)]
    assert model.layers[1].count_params() == 10 and model.count_params() == 26
    real = keras_module()
    theirs = real.Sequential([real.Input(shape=(3,)), real.layers.Dense(4),
                              real.layers.Dense(2)])
    assert [w.shape for w in theirs.get_weights()] == [w.shape for w in model.get_weights()]


@pytest.mark.parametrize("patience", [0, 1, 3])
def test_6_early_stopping_stops_when_keras_3_stops(patience):
    real = keras_module()
    sequences = [[1.0, 0.9, 0.95, 0.97, 0.99, 0.98, 1.2, 0.5, 0.6, 0.7, 0.8, 0.9],
                 [5.0] * 12, [3.0, 2.0, 1.0, 1.5, 0.5, 0.6, 0.7, 0.4, 0.41, 0.42, 0.43, 0.44]]

    class Model:
        stop_training = False

        def get_weights(self):
            return []

    for values in sequences:
        stopped = []
        for stopper in (keras.callbacks.EarlyStopping(monitor="loss", patience=patience),
                        real.callbacks.EarlyStopping(monitor="loss", patience=patience)):
            model = Model()
            stopper.set_model(model)
            stopper.on_train_begin({})
            for epoch, value in enumerate(values):
                stopper.on_epoch_end(epoch, {"loss": value})
                if model.stop_training:
                    break
            stopped.append(epoch)
        assert stopped[0] == stopped[1], values


# --------------------------------------------------------------------------- the guides
def test_the_sequential_model_guide():
    model = keras.Sequential(
        [
            layers.Dense(2, activation="relu", name="layer1"),
            layers.Dense(3, activation="relu", name="layer2"),
            layers.Dense(4, name="layer3"),
        ]
    )
    x = np.ones((3, 3))
    y = model(x)
    assert y.shape == (3, 4)
    assert len(model.weights) == 6
    assert model.get_layer("layer2").name == "layer2"
    model.pop()
    assert len(model.layers) == 2

    model = keras.Sequential()
    model.add(keras.Input(shape=(4,)))
    model.add(layers.Dense(2, activation="relu"))
    assert [w.shape for w in model.weights] == [(4, 2), (2,)]
    model.summary(print_fn=lambda text: None)

    model = keras.Sequential()
    model.add(layers.Dense(2, activation="relu"))
    model.build((None, 16))
    assert model.count_params() == 34


def test_the_functional_api_guide_for_a_chain():
    inputs = keras.Input(shape=(16,))
    x = layers.Dense(8, activation="relu")(inputs)
    x = layers.Dense(8, activation="relu")(x)
    outputs = layers.Dense(3)(x)
    model = keras.Model(inputs=inputs, outputs=outputs, name="chain")
    assert model.name == "chain" and model.count_params() == 16 * 8 + 8 + 8 * 8 + 8 + 8 * 3 + 3
    X, y = data()
    model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  optimizer=keras.optimizers.RMSprop(), metrics=["accuracy"])
    history = model.fit(X, y, batch_size=16, epochs=2, validation_split=0.25, verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    scores = model.evaluate(X, y, verbose=0)
    assert len(scores) == 2 and model.metrics_names == ["loss", "accuracy"]
    with pytest.raises(ConfigError, match="several inputs or outputs"):
        keras.Model([inputs, inputs], outputs)


def test_the_beginners_quickstart_on_digits():
    from neuronlab import datasets

    X, y = datasets.load_digits()[:2]
    x_train, y_train = X[:1000].reshape(-1, 8, 8) / 16.0, y[:1000]
    model = keras.models.Sequential([
        keras.layers.Flatten(input_shape=(8, 8)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dropout(0.2),
        keras.layers.Dense(10),
    ])
    predictions = model(x_train[:1])
    assert predictions.shape == (1, 10)
    assert keras.activations.softmax(predictions).sum() == pytest.approx(1.0)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    # the guide's "close to -log(1/10)": from random weights, the cross-entropy of the
    # softmax at the true class, computed here by hand
    logits = np.asarray(predictions)[0]
    by_hand = -(logits[y_train[0]] - np.log(np.exp(logits - logits.max()).sum()) - logits.max())
    assert loss_fn(y_train[:1], predictions) == pytest.approx(by_hand, rel=1e-9)
    model.compile(optimizer="adam", loss=loss_fn, metrics=["sparse_categorical_accuracy"])
    history = model.fit(x_train, y_train, epochs=5, verbose=0)
    assert "sparse_categorical_accuracy" in history.history
    loss, accuracy = model.evaluate(x_train, y_train, verbose=0)
    assert accuracy > 0.5 and loss < np.log(10)
    assert model(x_train[:4], training=True).shape == (4, 10)


def test_training_and_evaluation_guide_calls(tmp_path):
    X, y = data(n=96)
    y_onehot = keras.utils.to_categorical(y, 3)
    assert y_onehot.shape == (96, 3) and y_onehot.dtype == np.float32
    schedule = keras.optimizers.schedules.ExponentialDecay(
        initial_learning_rate=0.01, decay_steps=10, decay_rate=0.9, staircase=True)
    model = keras.Sequential([keras.Input(shape=(16,)), layers.Dense(8, activation="relu"),
                              layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=schedule),
                  loss=keras.losses.CategoricalCrossentropy(),
                  metrics=["categorical_accuracy"])
    callbacks = [
        keras.callbacks.ModelCheckpoint(filepath=str(tmp_path / "model_{epoch}.keras"),
                                        save_best_only=True, monitor="val_loss"),
        keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1),
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=2),
    ]
    model.fit(X, y_onehot, epochs=4, batch_size=32, validation_split=0.2, callbacks=callbacks,
              verbose=0)
    assert sorted(p.name for p in tmp_path.iterdir())[0] == "model_1.keras"
    again = keras.models.load_model(tmp_path / "model_1.keras")
    assert again.predict(X, verbose=0).shape == (96, 3)
    assert model.optimizer.iterations == 4 * 3
    assert model.optimizer.learning_rate == pytest.approx(0.01 * 0.9)  # step 11: one decay
    first = model.train_on_batch(X[:32], y_onehot[:32])
    assert isinstance(first, list) and len(first) == 2
    model.save_weights(tmp_path / "w.weights.h5")
    before = model.predict(X, verbose=0)
    model.fit(X, y_onehot, epochs=1, verbose=0)
    model.load_weights(tmp_path / "w.weights.h5")
    np.testing.assert_array_equal(model.predict(X, verbose=0), before)
    rebuilt = keras.models.model_from_json(model.to_json())
    assert rebuilt.count_params() == model.count_params()
    model.fit(X, y_onehot, epochs=3, initial_epoch=2, verbose=0)
    assert model.history.epoch == [2]


def test_losses_as_functions_and_subclasses_train_like_the_built_in_one():
    X, y = data()
    Y = keras.utils.to_categorical(y, 3)

    def my_mse(y_true, y_pred):
        return np.mean((y_true - y_pred) ** 2, axis=-1)

    class MyMSE(keras.losses.Loss):
        def __init__(self, name="my_mse"):
            super().__init__(name=name)

        def call(self, y_true, y_pred):
            return np.mean((y_true - y_pred) ** 2, axis=-1)

    weights = []
    for loss in ("mse", my_mse, MyMSE()):
        model = keras.Sequential([keras.Input(shape=(16,)), layers.Dense(3)], seed=0,
                                 dtype="float64")
        model.compile(optimizer="sgd", loss=loss)
        model.fit(X, Y, epochs=3, verbose=0)
        weights.append(model.get_weights()[0])
    np.testing.assert_allclose(weights[1], weights[0], atol=1e-7)
    np.testing.assert_allclose(weights[2], weights[0], atol=1e-7)
    assert MyMSE().name == "my_mse"


def test_layers_arguments_and_functions_keras_code_uses():
    model = keras.Sequential([
        layers.Dense(8, input_dim=16, use_bias=False,
                     kernel_regularizer=keras.regularizers.L2(0.01)),
        layers.Activation("relu"),
        layers.Dense(3),
        layers.Softmax(),
    ])
    assert [w.shape for w in model.get_weights()] == [(16, 8), (8, 3), (3,)]
    X, y = data()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(X, y, epochs=2, verbose=0)
    out = model.predict(X, verbose=0)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-5)
    relu = keras.activations.relu(np.array([-1.0, 0.0, 2.0]))
    np.testing.assert_array_equal(relu, [0.0, 0.0, 2.0])
    assert layers.Dense(2, activation=keras.activations.tanh).activation.name == "tanh"
    for name in ("elu", "gelu", "swish", "silu", "selu", "softplus"):
        assert layers.Dense(2, activation=name).activation is not None
    for loss in ("huber", "hinge", "kl_divergence"):
        assert keras.losses.get(loss) is not None
    for optimizer in (keras.optimizers.Adagrad(), keras.optimizers.AdamW(),
                      keras.optimizers.Nadam(), keras.optimizers.Adamax()):
        assert optimizer.learning_rate == 0.001


def test_sample_and_class_weights_weigh_the_loss_as_keras():
    X, y = data(n=40)
    rng = np.random.default_rng(1)
    weights = rng.uniform(0.1, 2.0, size=40)
    real = keras_module()
    ours = keras.Sequential([keras.Input(shape=(16,)), layers.Dense(3, activation="softmax")],
                            seed=0)
    theirs = real.Sequential([real.Input(shape=(16,)), real.layers.Dense(3,
                                                                         activation="softmax")])
    theirs.set_weights(ours.get_weights())
    for model in (ours, theirs):
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    ours.fit(X, y, epochs=2, batch_size=40, shuffle=False, sample_weight=weights, verbose=0)
    theirs.fit(X, y, epochs=2, batch_size=40, shuffle=False, sample_weight=weights, verbose=0)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, np.asarray(b), atol=1e-5)
    class_weight = {0: 1.0, 1: 3.0, 2: 0.5}
    ours.fit(X, y, epochs=1, batch_size=40, shuffle=False, class_weight=class_weight, verbose=0)
    theirs.fit(X, y, epochs=1, batch_size=40, shuffle=False, class_weight=class_weight,
               verbose=0)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, np.asarray(b), atol=1e-5)


def test_a_misspelt_or_unsupported_argument_names_itself():
    X, y = data()
    model = keras.Sequential([layers.Dense(3, input_shape=(16,))])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ArgumentError, match=r"epoch= is not one of them; did you mean epochs="):
        model.fit(X, y, epoch=3)
    with pytest.raises(ArgumentError, match="steps_per_epoch=: neuronlab trains on whole"):
        model.fit(X, y, steps_per_epoch=3)
    with pytest.raises(ArgumentError, match="did you mean batch_size="):
        model.predict(X, batchsize=2)
    with pytest.raises(ArgumentError, match="did you mean optimizer="):
        model.compile(optimiser="adam")
    with pytest.raises(ArgumentError, match="did you mean activation="):
        layers.Dense(3, activaton="relu")


def test_reduce_lr_on_plateau_follows_keras_3():
    real = keras_module()
    values = [1.0, 0.9, 0.95, 0.96, 0.97, 0.8, 0.85, 0.9, 0.91, 0.92, 0.93, 0.94]

    class Optimizer:
        learning_rate = 0.1

    class Model:
        stop_training = False
        optimizer = Optimizer()

    ours = keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=2,
                                             cooldown=1, min_lr=0.01)
    model = Model()
    ours.set_model(model)
    ours.on_train_begin({})
    rates = []
    for epoch, value in enumerate(values):
        ours.on_epoch_end(epoch, {"loss": value})
        rates.append(model.optimizer.learning_rate)
    theirs_model = real.Sequential([real.Input(shape=(1,)), real.layers.Dense(1)])
    theirs_model.compile(optimizer=real.optimizers.SGD(learning_rate=0.1), loss="mse")
    theirs = real.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=2,
                                              cooldown=1, min_lr=0.01)
    theirs.set_model(theirs_model)
    theirs.on_train_begin({})
    expected = []
    for epoch, value in enumerate(values):
        theirs.on_epoch_end(epoch, {"loss": value})
        expected.append(float(np.asarray(theirs_model.optimizer.learning_rate)))
    np.testing.assert_allclose(rates, expected, rtol=1e-6)


def test_schedules_match_keras():
    real = keras_module()
    pairs = [
        (keras.optimizers.schedules.ExponentialDecay(0.1, 7, 0.5),
         real.optimizers.schedules.ExponentialDecay(0.1, 7, 0.5)),
        (keras.optimizers.schedules.ExponentialDecay(0.1, 7, 0.5, staircase=True),
         real.optimizers.schedules.ExponentialDecay(0.1, 7, 0.5, staircase=True)),
        (keras.schedules.InverseTimeDecay(0.1, 5, 0.3),
         real.optimizers.schedules.InverseTimeDecay(0.1, 5, 0.3)),
        (keras.schedules.PiecewiseConstantDecay([3, 8], [0.1, 0.05, 0.01]),
         real.optimizers.schedules.PiecewiseConstantDecay([3, 8], [0.1, 0.05, 0.01])),
        (keras.schedules.CosineDecay(0.1, 10, alpha=0.1),
         real.optimizers.schedules.CosineDecay(0.1, 10, alpha=0.1)),
    ]
    for ours, theirs in pairs:
        for step in range(14):
            assert ours(step) == pytest.approx(float(np.asarray(theirs(step))), rel=1e-5)


def test_train_step_takes_plain_lists():
    model = keras.Sequential([layers.Dense(1, input_shape=(2,))], seed=0)
    model.compile(optimizer="sgd", loss="mse")
    loss = model.train_step([[0.0, 1.0], [1.0, 0.0]], [[1.0], [0.0]])
    assert np.isfinite(loss)
    with pytest.raises(keras.ShapeError, match="2 input features"):
        model.train_step([[0.0, 1.0, 2.0]], [[1.0]])


@pytest.mark.parametrize("name", ["BatchNormalization", "LSTM", "Embedding", "Rescaling"])
def test_a_keras_layer_neuronlab_does_not_have_says_so_and_names_the_ones_it_has(name):
    with pytest.raises(AttributeError, match=f"neuronlab.layers has no {name}: .*Conv2D, Dense"):
        getattr(keras.layers, name)
    assert not hasattr(layers, name) and hasattr(layers, "Dense")


def test_keras_calls_neuronlab_does_not_have_stop_with_errors_that_say_why():
    X, y = data()
    model = keras.Sequential([keras.Input(shape=(16,)), layers.Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    with pytest.raises(ConfigError, match=r"needs the targets y .*generators, tf\.data"):
        model.fit((batch for batch in [(X, y)]), epochs=1)
    with pytest.raises(AttributeError, match=r"no metric objects.*sparse_categorical_accuracy"):
        keras.metrics.SparseCategoricalAccuracy()


def test_keras_modules_neuronlab_lacks_say_what_to_use():
    for name, advice in (("ops", "write custom losses and metrics with NumPy"),
                         ("applications", "there are no pre-trained models")):
        with pytest.raises(AttributeError, match=rf"neuronlab has no keras.{name}: {advice}"):
            getattr(keras, name)
    with pytest.raises(AttributeError, match=r"load them with keras.models.load_model"):
        keras.saving.load_model("model.keras")
    assert layers.InputLayer(input_shape=(20,)).shape == (20,)  # Keras 2's spelling


def test_a_layer_s_weights_as_the_sequential_guide_reads_them():
    layer = layers.Dense(3)
    assert layer.weights == []  # no weights before it knows its input, as Keras
    layer(np.ones((1, 4)))
    kernel, bias = layer.weights
    assert kernel.shape == (4, 3) and bias.shape == (3,)  # Keras's layout
    np.testing.assert_array_equal(kernel, layer.get_weights()[0])
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2
