"""The explorers: the Neuron, Layer and Batch views at ``/explore``, and ``/api/meta``.

- :mod:`~neuronlab.lab.explore.endpoints`: the page, ``/api/meta`` and the views' endpoints.
- :mod:`~neuronlab.lab.explore.views`: the numbers behind the views, from the library.
"""
