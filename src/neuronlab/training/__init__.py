"""Training a :class:`~neuronlab.model.Sequential`, split by what each part does.

- :mod:`.trainer`: ``Trainer``, whose ``fit`` is the loop (shuffle, batches, the
  model's ``train_step``, callbacks); ``Sequential`` is a ``Trainer``
- :mod:`.data`: checks of inputs and targets, one-hot labels, the validation split,
  the batch-size rule and the batches themselves
- :mod:`.callbacks`: ``Callback``, ``LambdaCallback``, ``EarlyStopping``, ``History``,
  and ``DivergenceGuard``, built into every ``fit``
- :mod:`.progress`: the progress bar or lines ``fit`` prints (the only part needing rich)
- :mod:`.flat`: every weight of a model in one flat array (views in the layers), so
  plain SGD updates them all with one call
"""
