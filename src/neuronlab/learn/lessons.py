"""The twelve lessons of the learning path: a short text, a live worked example, exercises.

Each lesson's text explains one idea in a few paragraphs of Markdown. It states no
computed figure itself: every number a learner sees comes from the worked example,
a few lines of Python that call the library and are run when the lesson is shown
(in the terminal by :func:`run_example`, in a notebook by the kernel).

>>> LESSONS[0].title
'The neuron'
>>> print(run_example(LESSONS[0]).splitlines()[0])
z = (0.50 × 0.50) + (-0.30 × -0.30) + (0.70 × 0.80) + 0.10 = 1.000
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass

from ..errors import UnknownNameError
from .catalog import EXERCISES
from .exercises import Exercise


@dataclass(frozen=True)
class Lesson:
    """One lesson: ``number``, ``slug`` (for file names), ``title``, ``text`` (Markdown),
    ``example`` (Python source run live) and the names of its exercises."""

    number: int
    slug: str
    title: str
    text: str
    example: str

    @property
    def exercises(self) -> list[Exercise]:
        return [ex for ex in EXERCISES.values() if ex.lesson == self.number]

    @property
    def notebook_name(self) -> str:
        return f"{self.number:02d}-{self.slug}.ipynb"


def run_example(lesson: Lesson) -> str:
    """Run the lesson's worked example now and return what it printed."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(lesson.example, f"<lesson {lesson.number} example>", "exec"), {})
    return printed.getvalue()


LESSONS: list[Lesson] = [
    Lesson(1, "the-neuron", "The neuron", """
A neuron is a very small calculator. It receives a list of numbers, its **inputs**,
and keeps one **weight** for each of them plus one extra number, its **bias**.
It always does three things, in this order:

1. **multiply** each input by its weight - the weight says how much that input
   matters, and its sign says whether it pushes the result up or down;
2. **sum** the products and add the bias: `z = w1·x1 + ... + wn·xn + b`;
3. **activate**: pass `z` through an activation function, `y = f(z)`.

With ReLU as `f`, a negative `z` gives `0`: the neuron *does not fire*. The weights
and the bias are what a network learns; the arithmetic itself never changes.
""", '''\
from neuronlab import Neuron

neuron = Neuron([0.5, -0.3, 0.8], bias=0.1, activation="relu")
print(neuron.explain([0.5, -0.3, 0.7]))

quiet = Neuron([0.5, -1.0], bias=1.0, activation="relu")
print(quiet.explain([2.0, 3.0]))   # z is negative: this neuron does not fire

go_running = Neuron([0.5, 0.7, 0.3], bias=0.1, activation="sigmoid")
print(go_running.explain([0.8, 0.6, 0.9]))   # weather, energy, time -> "go running?"
'''),
    Lesson(2, "activations", "Activations", """
Without an activation a neuron can only scale and shift: stack such neurons and you
still get one straight line. The activation **bends** it, and that is what lets
networks learn curved boundaries.

* **ReLU** `max(0, z)` keeps positive sums and silences the rest. Cheap, and the
  usual choice inside a network.
* **sigmoid** `1 / (1 + e^-z)` squashes any `z` into `(0, 1)`, so its output reads
  like a probability.
* **tanh** squashes into `(-1, 1)` and is centred on zero.
* **step** gives `1` when `z > 0` and `0` otherwise: the all-or-nothing unit of the
  first perceptrons. Its slope is zero wherever it has one, so it cannot learn by
  gradients.

Learning needs each activation's **slope** (its derivative), so neuronlab keeps
every activation and its derivative side by side. One more rule for computers:
never compute `e^z` for a huge `z` - it overflows. A careful sigmoid only ever
takes `e` to a negative power.
""", '''\
import numpy as np
from neuronlab import activations

z = np.array([-1000.0, -2.0, 0.0, 2.0, 1000.0])
print("z        ", z)
for name in ["relu", "sigmoid", "tanh", "step"]:
    f = activations.get(name)
    print(f"{name:9}", np.round(f(z.copy()), 4), "  slope:", np.round(f.derivative(z.copy()), 4))
'''),
    Lesson(3, "a-layer", "A layer", """
Put several neurons side by side, all reading **the same inputs**, and you have a
**layer**. Each neuron keeps its own weights and bias, so the layer's weights form a
table with **one row per neuron**: row `W[j]` and bias `b[j]` belong to neuron `j`.

The layer's output is a list with one number per neuron. A layer of `k` neurons
reading `n` inputs holds `k·n` weights and `k` biases. Because every neuron has its
own weights, each can learn to respond to a different pattern in the same input.
""", '''\
from neuronlab import Neuron, PyLayer

W = [[0.20, 0.80, -0.50, 1.00],    # neuron N1
     [0.50, -0.91, 0.26, -0.50],   # neuron N2
     [-0.26, -0.27, 0.17, 0.87]]   # neuron N3
b = [2.00, 3.00, 0.50]
x = [1.00, 2.00, 3.00, 2.50]

for j, (row, bias) in enumerate(zip(W, b), start=1):
    print(f"N{j}:", Neuron(row, bias, "relu").explain(x).z_line())
print("layer output:", [round(y, 3) for y in PyLayer(W, b, "relu")(x)])
'''),
    Lesson(4, "a-batch", "A batch as a matrix product", """
Feeding samples through a layer one by one works, but a loop is slow. Instead stack
the samples as the rows of a matrix `X`: one row per sample, one column per input.
Then "neuron `j` looks at sample `i`" is entry `(i, j)` of the matrix product
`X @ W.T`, and one product computes all of them at once.

Add the biases (NumPy adds `b` to every row) and apply the activation to every
entry: `Y = f(X @ W.T + b)`. The shapes tell the story:
`(N, n_inputs) @ (n_inputs, units) -> (N, units)` - one output row per sample, one
column per neuron. Same numbers as the loop, computed by fast linear algebra.
""", '''\
import numpy as np
from neuronlab import Dense, PyLayer

W = [[0.20, 0.80, -0.50, 1.00], [0.50, -0.91, 0.26, -0.50], [-0.26, -0.27, 0.17, 0.87]]
b = [2.00, 3.00, 0.50]
X = [[1.00, 2.00, 3.00, 2.50], [-0.80, 0.40, 0.10, 1.20], [0.20, 0.90, -0.50, 0.30]]

layer = Dense(3, activation="relu")
layer.set_weights([W, b])
Y = layer.forward(np.array(X))          # Y = relu(X @ W.T + b), all samples at once
print(Y.round(3))
loop = PyLayer(W, b, "relu").batch(X)   # one neuron, one sample at a time
print("same as the loop:", np.allclose(Y, loop))
'''),
    Lesson(5, "gates-and-the-boundary", "Gates and the boundary", """
With the step activation a neuron answers *yes* or *no*. Give it two inputs that are
each `0` or `1`, choose the weights and the bias well, and it becomes a **logic
gate**: AND fires only when both inputs are on, OR when at least one is.

The neuron fires when `w1·x1 + w2·x2 + b > 0`. The points where that sum is exactly
zero form a straight line, the **decision boundary**: on one side the neuron says
yes, on the other no. Choosing weights means placing that line between the
yes-points and the no-points; the bias slides it, the weights turn it.
""", '''\
from neuronlab import stories

for name in ["and", "or"]:
    gate = stories.gate_neuron(name)
    table = {(a, b): gate([a, b]) for a, b in [(0, 0), (0, 1), (1, 0), (1, 1)]}
    print(f"{name.upper():3} weights {gate.weights}, bias {gate.bias}: {table}")
    print(f"    boundary: {gate.boundary()}")
not_gate = stories.gate_neuron("not")
print("NOT:", {x: not_gate([x]) for x in (0, 1)})
'''),
    Lesson(6, "xor", "XOR and why one neuron fails", """
XOR says yes when **exactly one** input is on. Draw its four points: the two
yes-points sit on one diagonal, the two no-points on the other. No straight line has
both yes-points on one side and both no-points on the other, so no single neuron -
whatever its weights - computes XOR: XOR is not **linearly separable**. Train one
neuron on it and it never gets all four right.

Two layers solve it. A hidden neuron A computes OR, a hidden neuron B computes AND,
and the output neuron computes "A and not B". The hidden layer moves the four points
to a new place, the pairs `(A, B)`, where one line *does* separate them. This is
what hidden layers are for.
""", '''\
from neuronlab import stories

attempt = stories.single_neuron_on_xor()
print(f"one trained neuron, best ever: {attempt.best_correct} of 4 XOR cases right")

xor = stories.hand_wired_xor_py()       # hidden A = OR, B = AND; out = A and not B
for a, b in stories.XOR_INPUTS:
    print(f"XOR({a:g}, {b:g}) = {xor([a, b])[0]:g}")
'''),
    Lesson(7, "loss", "Loss", """
To learn, a network needs one number that says how wrong it is: the **loss**. For
numeric targets the usual one is the **mean squared error**: take each error
(prediction minus target), square it, and average: `MSE = mean((y_hat - y)²)`.
Squaring makes every error count as positive and makes big misses count much more
than small ones. A loss of zero means every prediction is exact.

The loss also tells each prediction which way to move. Its gradient
`dL/dy_hat = 2 (y_hat - y) / N` is positive when a prediction is too high and
negative when it is too low. Training is the craft of pushing the loss down.
""", '''\
import numpy as np
from neuronlab import losses

mse = losses.get("mse")
y_hat = np.array([[0.9], [0.2], [0.4]])   # predictions
y = np.array([[1.0], [0.0], [1.0]])       # targets
print("errors:  ", (y_hat - y).ravel().round(3))
print("MSE:     ", round(mse(y_hat, y), 4))
print("gradient:", mse.gradient(y_hat, y).ravel().round(4))
'''),
    Lesson(8, "the-chain-rule", "The chain rule by hand", """
How should one weight change to lower the loss? Follow the computation backwards,
one link at a time. For one sigmoid neuron with `z = w·x + b`, `y = sigmoid(z)` and
the loss `L = (y - t)²`, each link has a simple slope:
`dL/dy = 2 (y - t)`, `dy/dz = y (1 - y)`, `dz/dw_i = x_i` and `dz/db = 1`.

The **chain rule** says the slope of the whole chain is the product of the slopes of
its links: `dL/dw_i = 2 (y - t) · y (1 - y) · x_i`.

You can check any such formula without calculus: nudge the weight up and down by a
tiny `h` and watch the loss - a **finite difference**. When the two agree, the
gradient is right.
""", '''\
import numpy as np
from neuronlab import Dense, losses
from neuronlab.neuron import sigmoid

x, w, b, t = [1.0, 2.0], [0.5, -0.5], 0.0, 1.0
y = sigmoid(sum(xi * wi for xi, wi in zip(x, w)) + b)
by_hand = [2 * (y - t) * y * (1 - y) * xi for xi in x]      # the chain rule

layer = Dense(1, activation="sigmoid")                       # the library
layer.set_weights([[w], [b]])
y_lib = layer.forward(np.array([x]))
layer.backward(losses.get("mse").gradient(y_lib, np.array([[t]])))

def loss(w1):                                                # a finite difference
    return (sigmoid(x[0] * w1 + x[1] * w[1] + b) - t) ** 2
h = 1e-6
print("dL/dw by hand:  ", np.round(by_hand, 6))
print("dL/dw library:  ", np.round(layer.grad_W[0], 6))
print("dL/dw1 numeric: ", round((loss(w[0] + h) - loss(w[0] - h)) / (2 * h), 6))
'''),
    Lesson(9, "backprop-through-a-layer", "Backpropagation through a layer", """
A layer does the same for many neurons and many samples at once. With
`Z = X @ W.T + b` and the gradient `G = dL/dZ` arriving from above (one row per
sample, one column per neuron):

* `dL/dW = G.T @ X` - every weight collects input times gradient over the batch;
* `dL/db = G.sum(axis=0)` - every bias collects its neuron's gradients;
* `dL/dX = G @ W` - the gradient handed back to the layer before.

Before that, the activation multiplies by its slope: `G = dL/dY * f'(Z)`. Do this
layer by layer, **last layer first**, and you have backpropagation. Let the shapes
guide you: every gradient has exactly the shape of the thing it belongs to.
""", '''\
import numpy as np
from neuronlab import Dense, gradcheck

layer = Dense(3, activation="tanh", input_shape=(4,))
layer.build(4, np.random.default_rng(0), np.float64)
X = np.random.default_rng(1).normal(size=(5, 4))
grad_x = layer.backward(np.ones_like(layer.forward(X)))
print("W", layer.W.shape, " grad_W", layer.grad_W.shape, " grad_b", layer.grad_b.shape,
      " X", X.shape, " grad_x", grad_x.shape)
print(gradcheck.check_layer(layer))
'''),
    Lesson(10, "the-training-loop", "The training loop", """
Learning is a loop. Start from random weights, then repeat:

1. **forward** - compute the predictions;
2. **loss** - measure how wrong they are;
3. **backward** - compute every parameter's gradient;
4. **update** - move each parameter a small step against its gradient:
   `w = w - learning_rate × dL/dw`.

One pass over the data is an **epoch**. The learning rate sets the step: too small
and learning crawls, too large and the loss jumps about or explodes. The smallest
example is one linear neuron guessing the rule behind a number puzzle: it starts far
off and closes in, step by step.
""", '''\
from neuronlab import stories

run = stories.train_puzzle()        # 11->23, 23->47, 36->73, 49->99; what is 55?
print(f"first step: dW = {run.first_dW:.1f}, dB = {run.first_dB:.1f}")
print(f"  new w = {run.steps[0].weight:.5f}, new b = {run.steps[0].bias:.5f}")
for step in run.steps[::10]:
    print(f"step {step.step:2}: 55 -> {step.prediction:.5f}")
print(f"after {len(run.steps)} steps: 55 -> {run.final.prediction:.3f} "
      f"(the rule 2x + 1 says {2 * stories.PUZZLE_QUESTION + 1:g})")
'''),
    Lesson(11, "the-framework-view", "The framework view", """
Everything so far fits in a few lines of a Keras-style API. `Sequential` stacks
layers; `Dense(units, activation=...)` is a layer of neurons with its weights, its
forward pass and its backward pass; `compile` chooses the optimizer and the loss;
`fit` runs the training loop; `predict` runs the forward pass.

Nothing new happens inside: the framework calls the same forward, backward and
update steps you wrote by hand. That is why a network built either way, with the
same weights, computes the same numbers.
""", '''\
from neuronlab import SGD, Dense, Sequential, datasets
from neuronlab.neuron import sigmoid

X, y = datasets.xor()
model = Sequential([Dense(4, activation="sigmoid", input_shape=(2,)),
                    Dense(1, activation="sigmoid")], seed=0)
model.compile(optimizer=SGD(learning_rate=1.0), loss="mse")
history = model.fit(X, y, epochs=3000, verbose=0)
print(f"loss: {history.history['loss'][0]:.4f} -> {history.history['loss'][-1]:.4f}")

W1, b1, W2, b2 = (w.astype(float) for w in model.get_weights())
for x, p in zip(X.tolist(), model.predict(X)[:, 0]):
    hidden = [sigmoid(sum(xi * wi for xi, wi in zip(x, w)) + bias) for w, bias in zip(W1, b1)]
    by_hand = sigmoid(sum(h * w for h, w in zip(hidden, W2[0])) + b2[0])
    print(f"{x}: framework {p:.5f}, by hand {by_hand:.5f}")
'''),
    Lesson(12, "softmax", "Softmax and many classes", """
To choose among several classes, give the last layer one neuron per class and turn
their scores `z` into probabilities with **softmax**: `p_i = e^z_i / sum_j e^z_j`.
Every `p_i` is positive, together they add up to `1`, and the largest score gets the
largest share. Subtracting the largest score from every `z` first changes nothing in
the result but keeps `e^z` from overflowing.

The matching loss is **categorical cross-entropy**, `-log p` of the true class:
small when the network is confidently right, large when it is confidently wrong.
Together, softmax and cross-entropy have a famously simple gradient with respect to
the scores: `p - y`, for the one-hot target `y`.
""", '''\
import numpy as np
from neuronlab import Adam, Dense, Sequential, activations, datasets, losses

softmax = activations.get("softmax")
p = softmax(np.array([[2.0, 1.0, 0.1]]))
print("softmax([2, 1, 0.1])         =", p.round(4), " sum", p.sum().round(6))
print("softmax([1000, 1001, 1002])  =", softmax(np.array([[1000.0, 1001.0, 1002.0]])).round(4))
cce = losses.get("categorical_crossentropy")
print("cross-entropy, class 0 true:", round(cce(p, np.array([[1.0, 0.0, 0.0]])), 4))

X, y = datasets.make_blobs(150, centers=3, seed=0)
model = Sequential([Dense(8, activation="relu", input_shape=(2,)),
                    Dense(3, activation="softmax")], seed=0)
model.compile(optimizer=Adam(learning_rate=0.01), loss="categorical_crossentropy",
              metrics=["accuracy"])
model.fit(X, y, epochs=100, verbose=0)
print("accuracy on three blobs:", round(model.evaluate(X, y, return_dict=True)["accuracy"], 3))
'''),
]


def find_lesson(key: int | str) -> Lesson:
    """The lesson numbered ``key`` (1-12) or with slug ``key``."""
    text = str(key).strip().lower()
    for lesson in LESSONS:
        if text in (str(lesson.number), f"{lesson.number:02d}", lesson.slug):
            return lesson
    raise UnknownNameError(
        f"Unknown lesson {key!r}. Lessons are numbered 1-{len(LESSONS)}; "
        "`neuronlab learn` lists them."
    )
