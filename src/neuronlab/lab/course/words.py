"""How the questions box reads words: a learner's words and the lessons' words brought
to the same form before they are compared.

A question and a lesson rarely use the same words for the same thing. :func:`canonical`
lowers the case (keeping the capitals that mean something: the gates, ``W``), joins the
phrases written in several ways into one word (:data:`PHRASES`) and maps each word to
the course's word for it (:data:`SYNONYMS`), so that a learner's "derivative", "slope"
and "gradient", "w" and "weight", "ŷ" and "prediction" meet the lesson's word.
:func:`stems` then drops the words that ask rather than say (:data:`QUESTION_WORDS`) and
English stop words, and stems the rest (``PyStemmer``).

>>> canonical("What's the derivative of ReLU?")
['what', 's', 'the', 'slope', 'of', 'relu']
>>> stems("Why can't one neuron learn XOR?")
['singl', 'neuron', 'train', 'xor']
>>> highlight("The bias shifts z.", {"bias"})
'The <mark>bias</mark> shifts z.'
"""

from __future__ import annotations

import functools
import html
import re
from typing import Any

import Stemmer
from bm25s.stopwords import STOPWORDS_EN

#: Words that ask rather than say: "why can't one neuron learn XOR" is about neurons and XOR.
QUESTION_WORDS = (
    "what", "whats", "why", "how", "does", "do", "did", "doing", "can", "cannot", "can't",
    "t", "s", "which", "who", "when", "where", "should", "would", "could", "will", "we",
    "i", "you", "my", "me", "our", "its", "it's", "mean", "means", "meant", "happens",
    "happen", "there", "about", "one's", "way", "explain", "tell", "use", "used", "using",
    "get", "gets", "got", "please", "actually", "exactly", "really", "thing",
    "things", "pls", "plz", "anyway", "even", "point", "purpose", "idea", "like", "work",
    "works", "working", "difference", "different", "between", "vs", "versus", "compared",
    "mine", "u", "ur", "im", "dont", "doesnt", "isnt", "cant", "wont", "whys", "hows",
    "simple", "simply", "words", "basically", "example", "role", "job", "meaning",
    "so", "come", "comes", "good", "keep", "keeps", "some", "have", "has", "see", "each",
    "instead", "better", "anything", "something", "stand", "stands", "kind", "sort",
    "from", "during", "made", "function", "functions", "formula", "formulas", "equation",
    "equations", "know", "also", "just", "any", "differ", "differs", "differently",
    "equivalent", "equivalents", "counterpart", "turn", "turns", "into",
    "k", "j", "n", "m", "e", "o", "r", "d", "c", "f", "h", "q", "v",
)
STOPWORDS = frozenset(STOPWORDS_EN) | frozenset(QUESTION_WORDS)
WORD = re.compile(r"\w+", re.U)

#: Words whose capitals mean something: the gates, and ``W``, a layer's weight matrix.
GATES = [(r"\bAND\b", "andgate"), (r"\bOR\b", "orgate"), (r"\bNOT\b", "notgate"),
         (r"\bW\.T\b", "weightmatrix transpose"), (r"\bWx\b", "weightmatrix x"),
         (r"\bW\b", "weightmatrix")]
#: Phrases learners and lessons write in several ways, joined into one word first.
PHRASES = [
    (r"\bwith[\s-]+respect[\s-]+to\b|\bw\.?r\.?t\.?\b", " "),
    (r"\be\.\s?g\b\.?", " "),  # "e.g.", so that "g" is left to name the matrix G
    (r"\bhow[\s-]+many\b|\bnumber[\s-]+of\b|\bcount[\s-]+of\b", "number"),
    (r"\bwx\b", "weight x"),
    (r"\bw\.t\b|\bw\s*transposed?\b", "weight transpose"),
    (r"\bcomes?\s+out\b", "output"),
    (r"\band[\s-]+gates?\b", "andgate"),
    (r"\bor[\s-]+gates?\b", "orgate"),
    (r"\bnot[\s-]+gates?\b", "notgate"),
    (r"\blearning[\s-]+rates?\b|\bstep[\s-]+sizes?\b|\blr\b|\beta\b|η", "learningrate"),
    (r"\bneural[\s-]+(?:net|network)s?\b", "network"),  # one word, not two
    (r"\bat[\s-]+all\b", " "),  # "why do we need X at all" asks why we need X
    # the step activation, not a step of training (both keep the word "step")
    (r"\bstep[\s-]+(?:functions?|activations?|neurons?)\b", "step stepfunction"),
    (r"\bgradient[\s-]+descent\b|\bsgd\b|\bstochastic gradient\b", "gradientdescent"),
    (r"\bmean[\s-]+squared?[\s-]+errors?\b|\bmse\b|\bsquared[\s-]+errors?\b", "mse"),
    (r"\bcross[\s-]*entropy\b|\blog[\s-]+loss\b|\bnll\b", "crossentropy"),
    (r"\by[\s-]*hat\b|ŷ", "output"),
    (r"\bdata[\s-]+sets?\b", "dataset"),
    (r"\bexclusive[\s-]+or\b", "xor"),
    (r"\bchain[\s-]+rule\b", "chainrule"),
    (r"\bdecision[\s-]+boundar(?:y|ies)\b", "boundary"),
    (r"\bfinite[\s-]+differences?\b|\bnumerical(?:ly)?\b", "finitedifference"),
    (r"\bback[\s-]*prop(?:agation|agate|agating)?\b|\bbackward[\s-]+pass(?:es)?\b", "backprop"),
    (r"\bforward[\s-]+pass(?:es)?\b|\bforward[\s-]+propagation\b", "forwardpass"),
    (r"\bnon[\s-]*linear(?:ity|ities)?\b", "activation"),
    (r"\bleaky[\s-]+relu\b|\bleaky_relu\b", "leakyrelu"),
    (r"\bweight[\s-]+matrix\b|\bweight[\s-]+table\b", "weightmatrix"),
    (r"\bmatrix[\s-]+multiplication\b|\bmatrix[\s-]+products?\b|\bdot[\s-]+products?\b|\bmatmul\b",
     "matmul"),
    (r"\bone[\s-]+hot(?:[\s-]+encod(?:ing|ed|e))?\b", "onehot"),
    (r"\bover[\s-]*fit(?:ting|s|ted)?\b", "memorise"),
    (r"\bweight[\s-]+decay\b", "l2"),
]
#: Words that mean the same thing in the course, each mapped to the course's word.
SYNONYMS = {
    **dict.fromkeys(["slope", "slopes", "derivative", "derivatives", "gradient", "gradients",
                     "grad", "grads", "differentiate", "differentiating", "partial",
                     "partials", "derivitive", "derivate"], "slope"),
    **dict.fromkeys(["big", "bigger", "biggest", "large", "larger", "largest", "huge",
                     "high", "higher"], "large"),
    **dict.fromkeys(["small", "smaller", "smallest", "tiny", "low", "lower"], "small"),
    **dict.fromkeys(["w", "weight", "weights", "wi", "w1", "w2", "w3", "coefficient",
                     "coefficients"], "weight"),
    **dict.fromkeys(["b", "bias", "biases", "intercept", "offset"], "bias"),
    **dict.fromkeys(["output", "outputs", "prediction", "predictions", "predicted",
                     "predicts"], "output"),
    **dict.fromkeys(["target", "targets", "label", "labels", "labelled", "labeled", "y",
                     "truth", "groundtruth"], "target"),
    **dict.fromkeys(["neuron", "neurons", "unit", "units", "node", "nodes", "perceptron",
                     "perceptrons"], "neuron"),
    **dict.fromkeys(["activation", "activations", "squashing", "squash"], "activation"),
    **dict.fromkeys(["relu", "relus", "rectifier", "rectified"], "relu"),
    **dict.fromkeys(["sigmoid", "sigmoids", "logistic", "σ"], "sigmoid"),
    **dict.fromkeys(["loss", "losses", "cost", "objective"], "loss"),
    **dict.fromkeys(["keras", "tensorflow", "tf"], "keras"),
    **dict.fromkeys(["pytorch", "torch"], "pytorch"),
    **dict.fromkeys(["memorise", "memorize", "memorising", "memorizing", "memorises",
                     "memorizes", "overfitting", "overfit"], "memorise"),
    **dict.fromkeys(["regularisation", "regularization", "regularise", "regularize"],
                    "regularisation"),
    **dict.fromkeys(["convolution", "convolutions", "convolutional", "conv", "cnn",
                     "cnns", "convnet", "conv2d"], "convolution"),
    **dict.fromkeys(["twice", "double", "doubled", "doubles"], "double"),
    **dict.fromkeys(["sample", "samples", "row", "rows"], "sample"),
    **dict.fromkeys(["learn", "learns", "learning", "learned", "learnt", "train", "trains",
                     "training", "trained"], "train"),
    **dict.fromkeys(["build", "builds", "built", "make", "makes", "construct",
                     "wire", "wired", "create", "implement", "write", "code"], "build"),
    **dict.fromkeys(["times", "multiply", "multiplies", "multiplied", "multiplication",
                     "product", "products"], "multiply"),
    **dict.fromkeys(["plus"], "sum"),
    **dict.fromkeys(["move", "moves", "moving", "moved", "go", "goes", "going", "change",
                     "changes", "changed", "changing", "shift", "shifts", "slide",
                     "slides", "push", "pushes"], "move"),
    **dict.fromkeys(["avoid", "prevent", "stop", "stops", "reduce", "fight"], "prevent"),
    **dict.fromkeys(["one", "single", "lone"], "single"),
    **dict.fromkeys(["zero", "nought"], "0"), "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10",
    **dict.fromkeys(["slow", "slower", "slowly", "slowest"], "slow"),
    **dict.fromkeys(["compute", "computes", "computed", "computing", "calculate",
                     "calculates", "calculated", "calculating", "calculation"], "compute"),
    **dict.fromkeys(["model", "models"], "network"),
    **dict.fromkeys(["fast", "faster", "quickly", "quick", "quicker", "fastest"], "fast"),
    **dict.fromkeys(["net", "nets", "network", "networks", "nn", "neural"], "network"),
    **dict.fromkeys(["gpu", "gpus", "graphics"], "gpu"),
    **dict.fromkeys(["xor", "xors"], "xor"),
    **dict.fromkeys(["fire", "fires", "firing", "fired", "activate", "activates",
                     "silent", "quiet"], "fire"),
    **dict.fromkeys(["epoch", "epochs", "iteration", "iterations"], "epoch"),
    **dict.fromkeys(["validation", "holdout", "held"], "validation"),
    **dict.fromkeys(["matrix", "matrices", "matrixes"], "matrix"),
    **dict.fromkeys(["transpose", "transposed", "transposing"], "transpose"),
    **dict.fromkeys(["sum", "sums", "summed", "add", "adds", "added", "adding", "total"],
                    "sum"),
    **dict.fromkeys(["probability", "probabilities", "probs", "likelihood", "chance",
                     "chances"], "probability"),
}


@functools.cache
def stemmer() -> Any:
    return Stemmer.Stemmer("english")


def canonical(text: str) -> list[str]:
    """``text``'s words, lower case, with the course's phrases and synonyms applied."""
    low = text.replace("’", "'")
    for pattern, word in GATES:  # upper-case AND, OR, NOT name the gates
        low = re.sub(pattern, f" {word} ", low)
    low = low.lower()
    for pattern, word in PHRASES:
        low = re.sub(pattern, f" {word} ", low)
    return [SYNONYMS.get(w, w) for w in WORD.findall(low)]


def stems(text: str) -> list[str]:
    """The stems of ``text``'s words after :func:`canonical`, stop and question words
    left out."""
    kept = [w for w in canonical(text) if w not in STOPWORDS]
    return list(stemmer().stemWords(kept))


def kind_of(question: str) -> str:
    """How a question asks: its first question word (why, how, what...), or ''.

    >>> kind_of("So why can't one neuron learn XOR?"), kind_of("whats an epoch")
    ('why', 'what')
    """
    for word in WORD.findall(question.lower()):
        if word in ("why", "how", "what", "whats", "which", "who", "when", "where"):
            return "what" if word == "whats" else word
    return ""


def highlight(text: str, wanted: set[str]) -> str:
    """``text``, HTML-escaped, with every word whose stem is in ``wanted`` in ``<mark>``."""
    out, at = [], 0
    for match in WORD.finditer(text):
        word = match.group(0)
        low = SYNONYMS.get(word.lower(), word.lower())
        if low not in STOPWORDS and stemmer().stemWord(low) in wanted:
            out.append(html.escape(text[at:match.start()]))
            out.append(f"<mark>{html.escape(word)}</mark>")
            at = match.end()
    out.append(html.escape(text[at:]))
    return "".join(out)
