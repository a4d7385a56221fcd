"""Python kernels for the lesson pages: one per open page, with limits.

- :mod:`~neuronlab.lab.kernels.pool`: the kernels of the lab, started, run and ended.
- :mod:`~neuronlab.lab.kernels.launch`: one kernel's process (``python -m ...launch``).
"""
