"""The playground: a data set, a network and training that the page watches.

- :mod:`~neuronlab.lab.playground.config`: what defines a run (parsed from the page).
- :mod:`~neuronlab.lab.playground.session`: a session, and the sessions of the lab.
- :mod:`~neuronlab.lab.playground.wire`: pictures and numbers as the page gets them.
- :mod:`~neuronlab.lab.playground.diagnosis`: what is going wrong, in words.
- :mod:`~neuronlab.lab.playground.export`: the Python code that redoes a run.
- :mod:`~neuronlab.lab.playground.endpoints`, ``stream``, ``stepper``: its HTTP
  endpoints, the training stream and the slow-motion step (``backprop`` traces it).
"""
