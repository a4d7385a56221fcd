"""The course in the lab: lesson pages, their code cells, recall, search and widgets.

- :mod:`~neuronlab.lab.course.pages`: the index and one page per lesson.
- :mod:`~neuronlab.lab.course.render`: a lesson file as HTML; ``figures``: its diagrams.
- :mod:`~neuronlab.lab.course.code`: running code cells in a kernel, checking exercises.
- :mod:`~neuronlab.lab.course.recall`: recall answers and when a question comes back.
- :mod:`~neuronlab.lab.course.search`: "Ask about the lessons".
- :mod:`~neuronlab.lab.course.widgets`: the numbers behind the lessons' live widgets;
  ``training``: the training widget.
"""
