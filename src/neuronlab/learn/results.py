"""What a check found: one verdict per case, and one verdict for the exercise.

A :class:`CheckResult` is what ``neuronlab learn check`` prints and what
``neuronlab.learn.check(...)`` returns in a notebook: ``result.passed``, a readable
``str(result)``, and ``_repr_html_`` for Jupyter.

>>> r = CheckResult("neuron", "failed", "1 of 2 cases passed.",
...                 [CaseResult("example 1", "neuron([1.0], [2.0], 0.5)", True),
...                  CaseResult("example 2", "neuron([1.0], [1.0], 0.5)", False,
...                             "expected 1.5, got 1.0")])
>>> r.passed
False
>>> print(r)
✗ neuron: 1 of 2 cases passed.
  case "example 2": neuron([1.0], [1.0], 0.5)
    expected 1.5, got 1.0
"""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass, field
from typing import Any

#: Every status a check can end in, and what it means.
STATUSES = {
    "passed": "every case gives the expected answer",
    "failed": "some case gives a wrong answer",
    "todo": "the exercise still has its TODO (NotImplementedError)",
    "error": "the code raised an exception in a case",
    "load-error": "the file cannot be loaded (syntax error, or an error at the top level)",
    "no-function": "the file does not define the function the exercise asks for",
    "timeout": "the code ran too long (an endless loop?)",
    "crashed": "the Python process running the code ended without an answer",
    "missing": "the exercise file does not exist",
}


@dataclass
class CaseResult:
    """One case: its label, the call made, whether it passed, and why not."""

    label: str
    call: str
    passed: bool
    message: str = ""
    mistake: str = ""  # a known mistake that gives exactly this wrong answer

    def __str__(self) -> str:
        head = f'  case "{self.label}": {self.call}'
        lines = [head, f"    {self.message}"] if self.message else [head]
        if self.mistake:
            lines.append(f"    (that is the answer you get if you {self.mistake})")
        return "\n".join(lines)


@dataclass
class CheckResult:
    """The verdict on one exercise.

    ``status`` is one of :data:`STATUSES`; ``headline`` says it in one sentence;
    ``cases`` lists the cases run; ``details`` holds the learner's own traceback
    lines (never the checker's); ``output`` what the learner's code printed.
    """

    exercise: str
    status: str
    headline: str
    cases: list[CaseResult] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    output: str = ""
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def __bool__(self) -> bool:
        return self.passed

    @property
    def failing(self) -> list[CaseResult]:
        return [case for case in self.cases if not case.passed]

    def lines(self) -> list[str]:
        """The verdict as plain text lines (what ``str()`` joins)."""
        mark = "✓" if self.passed else "✗"
        lines = [f"{mark} {self.exercise}: {self.headline}"]
        failing = self.failing
        if failing:
            lines.append(str(failing[0]))
            if len(failing) > 1:
                others = ", ".join(f'"{case.label}"' for case in failing[1:6])
                more = f" and {len(failing) - 6} more" if len(failing) > 6 else ""
                lines.append(f"  also failing: {others}{more}")
        lines.extend(f"  {line}" for line in self.details)
        if self.output.strip():
            shown = self.output.strip().splitlines()
            lines.append(f"  your code printed {len(shown)} line(s) (shown as printed, "
                         "not part of the answer):")
            lines.extend(f"  | {line}" for line in shown[:8])
            if len(shown) > 8:
                lines.append(f"  | ... {len(shown) - 8} more")
        return lines

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __repr__(self) -> str:
        return f"CheckResult({self.exercise!r}, {self.status!r}: {self.headline!r})"

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.passed else "#cf222e"
        mark = "✓" if self.passed else "✗"
        head = (f'<div style="color:{colour};font-weight:bold">{mark} '
                f"{html.escape(self.exercise)}: {html.escape(self.headline)}</div>")
        body = html.escape("\n".join(self.lines()[1:]))
        pre = f'<pre style="margin:0.3em 0 0 0">{body}</pre>' if body else ""
        return f"<div>{head}{pre}</div>"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckResult:
        cases = [CaseResult(**case) for case in data.get("cases", [])]
        return cls(**{**data, "cases": cases})
