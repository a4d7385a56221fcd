"""``neuronlab learn quiz``: recall in the terminal, the same way as on the lesson pages.

A free-text question is asked, the learner answers (or only thinks), may type ``h`` for
the hint first, then sees the model answer beside their own and rates themselves: got it
/ partly / not yet. Choices are lettered and shuffled for this learner (the order the
lab shows); numbers (to the decimals a question asks) and formulas are checked, with as
many tries as wanted. Every rating is saved in the workspace's recall file and decides
when the question comes back (:mod:`neuronlab.lab.course.recall`); ``neuronlab learn
quiz N`` then asks the questions of earlier lessons that are due again on lesson N,
after lesson N's own. ``q`` stops; so does the end of the input.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..lab.course.recall import RecallStore, when_back
from ..learn.lessons import LESSONS
from ..learn.quiz import RATINGS, Choice, Formula, Question, rating_of

STOP = ("q", "quit", "exit")
NO_INPUT = ("No answers to read: the input is empty or closed. The quiz asks one question "
            "at a time and waits for your answer - run it in a terminal, e.g. `neuronlab "
            "learn quiz 1`, or pipe the answers in, one per line.")
_RATING_WORDS = {"g": "got it", "1": "got it", "got it": "got it", "got": "got it",
                 "p": "partly", "2": "partly", "partly": "partly",
                 "n": "not yet", "3": "not yet", "not yet": "not yet", "not": "not yet"}


class Stop(Exception):
    """The learner typed q, or the input ended."""

    def __init__(self, ended: bool) -> None:
        super().__init__("stopped")
        self.ended = ended


@dataclass
class QuizScore:
    right: int = 0  # graded exactly and right at the first try
    graded: int = 0
    ratings: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RATINGS, 0))
    asked: int = 0
    stopped: bool = False
    no_input: bool = False


class Session:
    """One run of the quiz: ``ask(prompt)`` reads a line (EOFError at the end), ``say``
    prints a paragraph; ratings go to ``store`` as given on lesson ``page``."""

    def __init__(self, store: RecallStore, ask: Callable[[str], str],
                 say: Callable[[str], None], page: int | None = None) -> None:
        self.store, self.ask_line, self.say, self.page = store, ask, say, page
        self.learner = store.learner()
        self.score = QuizScore()
        self.lines = 0  # lines read

    def read(self, prompt: str) -> str:
        try:
            line = self.ask_line(prompt)
        except EOFError:
            raise Stop(ended=True) from None
        self.lines += 1
        if line.strip().lower() in STOP:
            raise Stop(ended=False)
        return line.strip()

    def save(self, question: Question, rating: str) -> None:
        self.score.asked += 1
        self.score.ratings[rating] += 1
        page = max(self.page or question.lesson, question.lesson)
        try:
            entry = self.store.rate(question.key, rating, page)
        except OSError as exc:
            self.say(f"  (Not saved: {exc.strerror or exc} in {self.store.path}.)")
            return
        self.say(f"  Saved as '{rating}'. {when_back(entry, len(LESSONS))}")

    def run(self, questions: list[Question], review: list[Question] | None = None) -> QuizScore:
        """Ask ``questions``, then ``review`` (earlier lessons' questions due again)."""
        review = review or []
        asked = questions + review
        for number, question in enumerate(asked, 1):
            if review and number == len(questions) + 1:
                self.say(f"\nReview: {len(review)} question(s) from earlier lessons, back now "
                         "because of how you rated them.")
            origin = f" (lesson {question.lesson})" if number > len(questions) else ""
            self.say(f"\n[{number}/{len(asked)}]{origin} {question.prompt}")
            try:
                if isinstance(question, Choice):
                    self.choice(question)
                elif question.graded:
                    self.exact(question)
                else:
                    self.words(question)
            except Stop as stop:
                self.score.stopped = True
                self.score.no_input = stop.ended and self.lines == 0
                break
        return self.score

    def _hint(self, question: Question) -> None:
        self.say(f"  Hint: {question.hint}" if question.hint else "  (No hint for this one.)")

    def words(self, question: Question) -> None:
        mine = ""
        while True:
            line = self.read("Your answer - or just think it (h hint, Enter reveals, q stops) > ")
            if line.lower() in ("h", "hint"):
                self._hint(question)
                continue
            mine = line
            break
        if mine:
            self.say(f"  Your answer:  {mine}")
        self.say(f"  Model answer: {question.expected()}")
        self.say(f"  Why: {question.explanation}")
        while True:
            line = self.read("Rate yourself: g got it, p partly, n not yet > ").lower()
            if line in _RATING_WORDS:
                self.save(question, _RATING_WORDS[line])
                return
            self.say("  Type g, p or n (or q to stop).")

    def choice(self, question: Choice) -> None:
        for label, text in question.shown(self.learner):
            self.say(f"  {label}. {text}")
        last = "ABCDEFGH"[len(question.choices()) - 1]
        while True:
            line = self.read(f"Your answer (A-{last}; h hint, Enter reveals, q stops) > ")
            if line.lower() in ("h", "hint"):
                self._hint(question)
                continue
            if not line:
                self.say(f"  The answer is {question.expected(self.learner)}.")
                self.say(f"  Why: {question.explanation}")
                self.save(question, "not yet")
                return
            verdict = question.check(line, self.learner)
            if verdict.right is None:
                self.say(f"  {verdict.feedback[:1].upper()}{verdict.feedback[1:]}.")
                continue
            self.score.graded += 1
            self.score.right += int(verdict.right)
            mark = "✓ Right." if verdict.right else "✗ Not that one."
            self.say(f"  {mark} {question.feedback(line, self.learner)}")
            self.say(f"  Why: {question.explanation}")
            self.save(question, rating_of(bool(verdict.right)))
            return

    def exact(self, question: Question) -> None:
        what = (f"a formula in {', '.join(question.variables)}"
                if isinstance(question, Formula) else "a number")
        misses = 0
        while True:
            line = self.read(f"Your answer ({what}; h hint, Enter reveals, q stops) > ")
            if line.lower() in ("h", "hint"):
                self._hint(question)
                continue
            if not line:
                self.say(f"  The answer: {question.expected()}")
                self.say(f"  Why: {question.explanation}")
                self.save(question, "not yet")
                return
            verdict = question.check(line)
            if verdict.right is None:
                self.say(f"  {verdict.feedback[:1].upper()}{verdict.feedback[1:]}.")
                continue
            if misses == 0:
                self.score.graded += 1
                self.score.right += int(verdict.right)
            if verdict.right:
                self.say(f"  ✓ Right. The answer: {question.expected()}")
                self.say(f"  Why: {question.explanation}")
                self.save(question, rating_of(True, misses))
                return
            misses += 1
            self.say("  ✗ Not right. Try again, h for the hint, or Enter to reveal the answer.")
