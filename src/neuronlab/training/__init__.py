"""Training a :class:`~neuronlab.model.Sequential`, split by what each part does.

- :mod:`.trainer`: the fit loop (shuffle, batches, forward, loss, backward, step,
  callbacks), ``train_step`` and ``compute_loss``
- :mod:`.data`: checks of inputs and targets, one-hot labels, the validation split,
  the batch-size rule and the batches themselves
- :mod:`.callbacks`: ``Callback``, ``LambdaCallback``, ``EarlyStopping``, ``History``
- :mod:`.progress`: the progress bar or lines ``fit`` prints (the only part needing rich)
- :mod:`.fast`: the same step with the speed work in it, used when ``model.fast`` is true
"""
