"""Side-by-side benchmarks of neuronlab against PyTorch, scikit-learn and micrograd.

Run ``python -m benchmarks`` (``--smoke`` for a seconds-long check); see ``run.py``.
"""
