"""neuronlab for a class: a real JupyterHub on loopback, two students, one teacher.

The hub (:mod:`hubfixture`) runs configurable-http-proxy, the dummy authenticator and a
local spawner; each student's Jupyter server has jupyter-server-proxy, which starts the
lab from neuronlab's entry point on the first visit to ``/user/<name>/neuronlab/``.
Both students log in in chromium, read lesson 1, run a code cell, solve exercise
``neuron`` and answer a recall question; each sees only their own progress, a request
from one student's browser to the other's lab is refused, and the teacher's
``neuronlab learn grade --homes`` table shows both. The hub is stopped at the end and
no process it started may be left. Screenshots of the lesson under the hub's prefix at
1280 and 390 px land in test-artifacts/hub/.

The test needs jupyterhub and jupyter-server-proxy (``pip install -e ".[test]"``)
and configurable-http-proxy from npm; .ci/run installs them. Without them it is
skipped, and says which one is missing.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from hubfixture import PASSWORD, ROOT, SRC, Hub, missing, stray_processes

from neuronlab.learn import quiz
from neuronlab.learn.catalog import EXERCISES
from neuronlab.learn.lessons import LESSONS

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts" / "hub"
RUN_MS = 120_000  # a cold kernel, or a lab's first start, on a busy machine
STUDENTS = ("alice", "bob")

why = missing()
if why is not None:
    pytest.skip(why, allow_module_level=True)
if not os.path.exists(CHROMIUM):
    pytest.skip(f"Debian chromium is not installed at {CHROMIUM}", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="the playwright Python package is not installed")

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(900)]


@pytest.fixture(scope="module")
def hub(tmp_path_factory) -> Iterator[Hub]:
    running = Hub(tmp_path_factory.mktemp("hub"))
    try:
        running.start()
        yield running
    finally:
        killed = running.stop()
        left = stray_processes(running.folder)
        assert not left, f"processes still alive after the cleanup: {left}"
        assert not killed, ("the hub left these running when it stopped (killed now): "
                            f"{killed}\n{running.tail()}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class Student:
    """One student's browser (own cookies) logged in to the hub."""

    def __init__(self, browser: Any, hub: Hub, name: str) -> None:
        self.name, self.hub = name, hub
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("console", lambda message: self.errors.append(message.text)
                     if "Content Security Policy" in message.text else None)
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("response", lambda response: self.errors.append(
            f"{response.status} {response.url}") if response.status >= 400
            and f"/user/{name}/neuronlab/" in response.url else None)  # its own lab only
        self.page.set_default_timeout(RUN_MS)

    @property
    def lab(self) -> str:
        return f"{self.hub.url}/user/{self.name}/neuronlab/"

    def log_in(self) -> None:
        page = self.page
        page.goto(f"{self.hub.url}/hub/login")
        page.fill("input[name=username]", self.name)
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit], button[type=submit]")
        # the hub spawns this student's server, which sends the browser to the lab
        page.wait_for_url(f"**/user/{self.name}/**", timeout=RUN_MS)

    def open(self, path: str = "") -> Any:
        self.page.goto(self.lab + path)
        self.page.wait_for_selector("body[data-ready=true]", timeout=RUN_MS)
        return self.page


@pytest.fixture(scope="module")
def students(browser, hub) -> Iterator[dict[str, Student]]:
    found = {name: Student(browser, hub, name) for name in STUDENTS}
    try:
        yield found
    finally:
        for student in found.values():
            student.context.close()


def _replace(page: Any, figure: Any, code: str) -> None:
    figure.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)


def _choice_question() -> tuple[str, quiz.Choice]:
    from neuronlab.lab.course import recall

    return next((key, q) for key, q in recall.lesson_questions(1) if isinstance(q, quiz.Choice))


SOLUTION = ("def neuron(inputs, weights, bias):\n"
            "    z = sum(x * w for x, w in zip(inputs, weights)) + bias\n"
            "    return max(0.0, z)\n")


def test_two_students_each_work_in_their_own_lab(hub, students) -> None:
    lesson = LESSONS[0]
    key, choice = _choice_question()
    right_text = choice.choices()[choice.answer - 1]
    for student in students.values():
        student.log_in()
    for student in students.values():
        page = student.open(f"lessons/{lesson.slug}")
        assert page.url.startswith(student.lab)
        assert lesson.title in page.locator("h1").inner_text()
        # a code cell runs in this student's kernel
        cell = page.locator("figure[data-cell]").first
        cell.locator(".cm-editor").wait_for()
        _replace(page, cell, f"print('hello from', {student.name!r}, 6 * 7)")
        cell.evaluate("f => { delete f.dataset.status; }")
        cell.locator("button.cell-run").click()
        page.wait_for_function("f => f.dataset.status && f.dataset.running === 'false'",
                               arg=cell.element_handle(), timeout=RUN_MS)
        assert f"hello from {student.name} 42" in cell.locator(".cell-output").inner_text()

    # alice solves the neuron exercise first: bob's page still shows it unsolved
    alice, bob = students["alice"], students["bob"]
    figure = alice.page.locator("figure[data-exercise=neuron]")
    _replace(alice.page, figure, SOLUTION)
    figure.locator("button.cell-check").click()
    figure.locator(".cell-verdict.right").wait_for(timeout=RUN_MS)
    assert figure.get_attribute("data-solved") == "true"
    bob.open(f"lessons/{lesson.slug}")
    bobs = bob.page.locator("figure[data-exercise=neuron]")
    bob.page.locator("figure[data-exercise=neuron] .cell-where").filter(
        has_text="Check runs your code").wait_for()
    assert bobs.get_attribute("data-solved") != "true"
    assert "z = sum" not in bobs.locator(".cm-content").inner_text()  # not alice's code
    _replace(bob.page, bobs, SOLUTION)
    bobs.locator("button.cell-check").click()
    bobs.locator(".cell-verdict.right").wait_for(timeout=RUN_MS)

    # a recall question: alice picks the right answer, bob a wrong one
    for student, right in ((alice, True), (bob, False)):
        page = student.page
        form = page.locator(f"#q-{key}-form")
        options = form.locator("label.option")
        letters = {options.nth(i).locator(".letter").inner_text():
                   options.nth(i).locator("span").nth(1).inner_text().strip()
                   for i in range(options.count())}
        answer = next(letter for letter, text in letters.items() if text == right_text)
        pick = answer if right else next(letter for letter in letters if letter != answer)
        form.locator(f"input[value='{pick}']").check()
        form.locator("button[type=submit]").click()
        sync_api.expect(form.locator(".verdict")).to_contain_text(f"The answer is {answer}")

    # each student's files are in their own home, and hold only their own work
    for name in STUDENTS:
        workspace = hub.homes / name / ".neuronlab" / "course"
        progress = json.loads((workspace / "neuronlab-progress.json").read_text())
        assert progress["exercises"]["neuron"]["solved"] is True
        answered = json.loads((workspace / "neuronlab-recall.json").read_text())["questions"]
        assert set(answered) == {key}, answered
    assert not (hub.folder / "home" / "alice" / ".neuronlab" / "course" / "bob").exists()

    # one student's browser cannot reach the other's lab: the hub refuses it
    for asker, other in ((alice, "bob"), (bob, "alice")):
        for method, path in (("GET", "api/meta"), ("POST", "api/neuron")):
            url = f"{hub.url}/user/{other}/neuronlab/{path}"
            answer = (asker.page.request.get(url, max_redirects=5) if method == "GET" else
                      asker.page.request.post(url, data={"inputs": [1.0]}, max_redirects=0))
            assert answer.status in (302, 403), (method, url, answer.status)
            assert "activations" not in answer.text() and '"y"' not in answer.text()
        seen = asker.page.evaluate(
            "async (url) => { const r = await fetch(url, {method: 'POST', headers: "
            "{'Content-Type': 'application/json'}, body: '{}'}); return [r.ok, r.status, "
            "await r.text()]; }", f"/user/{other}/neuronlab/api/neuron")
        assert seen[0] is False and '"y"' not in seen[2], seen

    for student in students.values():
        assert not student.errors, student.errors
        outside = [u for u in student.requests if not u.startswith((hub.url, "data:", "blob:"))]
        assert outside == [], outside


def test_the_teachers_grade_table_shows_both_students(hub, students, tmp_path) -> None:
    out = tmp_path / "grades.csv"
    done = subprocess.run(
        [sys.executable, "-m", "neuronlab", "learn", "grade", "--homes", str(hub.homes),
         "--out", str(out)],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "120", "NO_COLOR": "1"})
    assert done.returncode == 0, done.stdout + done.stderr
    rows = {row["learner"]: row for row in csv.DictReader(out.read_text().splitlines())}
    assert set(rows) == set(STUDENTS)
    for name in STUDENTS:
        assert rows[name]["neuron"] == "passed" and rows[name]["solved"] == "1"
        assert rows[name]["recall_answered"] == "1"
    assert rows["alice"]["recall_got_it"] == "1" and rows["bob"]["recall_got_it"] == "0"
    assert "alice" in done.stdout and "bob" in done.stdout
    assert f"1/{len(EXERCISES)}" in done.stdout


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_of_a_lesson_under_the_hub(hub, students, width) -> None:
    student = students["alice"]
    page = student.page
    page.set_viewport_size({"width": width, "height": 900})
    student.open(f"lessons/{LESSONS[1].slug}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"lesson-{width}.png"), full_page=False)
    # playing streams frames over the WebSocket, through the hub's proxies
    streams: list[str] = []
    frames: list[dict[str, Any]] = []

    def watch(socket: Any) -> None:
        streams.append(socket.url)
        socket.on("framereceived", lambda payload: frames.append(json.loads(payload)))

    page.on("websocket", watch)
    try:
        student.open("explore#view=playground")
        play = page.locator("#pg-play")
        # live once the session's stream is open and has sent its first frame
        sync_api.expect(play).to_be_enabled(timeout=RUN_MS)
        play.click()
        page.wait_for_function(
            "() => Number(document.querySelector('#pg-epoch').textContent) >= 5",
            timeout=RUN_MS)
        play.click()  # pause
        sync_api.expect(play).to_have_text("▶ play", timeout=RUN_MS)
    finally:
        page.remove_listener("websocket", watch)
    stream = student.lab.replace("http://", "ws://", 1) + "api/sessions/"
    assert len(streams) == 1 and streams[0].startswith(stream), streams
    epochs = [frame["epoch"] for frame in frames if frame["type"] == "frame"]
    assert epochs and max(epochs) >= 5, frames[-3:]  # they came over the hub's proxies
    page.screenshot(path=str(ARTIFACTS / f"playground-{width}.png"), full_page=False)
    assert not student.errors, student.errors
