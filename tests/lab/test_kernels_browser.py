"""Code cells and exercises in a real browser: chromium through Playwright against uvicorn.

Lesson 1 is opened through the token URL, as a learner opens it. Its cells are
edited and run in a real kernel, a cell that never ends is stopped (by Stop and by
the time limit, made short here through $NEURONLAB_CELL_SECONDS), and exercise
``neuron`` is solved in the page, then listed as solved by ``neuronlab learn list``
run on the same workspace. Screenshots at 1280 and 390 px land in
test-artifacts/kernels/.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ARTIFACTS as ARTIFACTS_ROOT
from conftest import LiveServer, needs_browser
from neuronlab.learn.catalog import EXERCISES
from neuronlab.learn.lessons import LESSONS

ARTIFACTS = ARTIFACTS_ROOT / "kernels"
SRC = Path(__file__).resolve().parents[2] / "src"
CELL_SECONDS = 10.0

sync_api = needs_browser()

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(400)]
RUN_MS = 120_000  # a cold kernel on a busy machine


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[LiveServer]:
    old = os.environ.get("NEURONLAB_CELL_SECONDS")
    os.environ["NEURONLAB_CELL_SECONDS"] = str(CELL_SECONDS)
    live = LiveServer(request_seconds=30.0)
    live.app.state.workspace = tmp_path_factory.mktemp("kernels")
    live.start()
    try:
        yield live
    finally:
        kernels = getattr(live.app.state, "kernels", None)
        pids = kernels.pids() if kernels is not None else []
        live.stop()
        if kernels is not None:
            kernels.kill_now()
        for pid in pids:
            assert not _alive(pid), f"kernel {pid} still runs after the lab stopped"
        if old is None:
            os.environ.pop("NEURONLAB_CELL_SECONDS", None)
        else:
            os.environ["NEURONLAB_CELL_SECONDS"] = old


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def lesson(pages, server) -> Iterator[Any]:
    """``lesson(width)``: lesson 1 in a new tab, its editors ready."""
    errors: list[str] = []

    def open_lesson(width: int = 1280, height: int = 900) -> Any:
        page = pages.new(server, width, height)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda message: errors.append(message.text)
                if "Content Security Policy" in message.text else None)
        page.on("response", lambda response: errors.append(f"{response.status} {response.url}")
                if response.status >= 400 and "/static/widgets/" not in response.url else None)
        page.goto(f"{server.url}/lessons/{LESSONS[0].slug}")
        page.wait_for_selector("body[data-ready=true]")
        page.wait_for_selector("figure[data-cell] .cm-editor")
        return page

    yield open_lesson
    assert not errors, errors


def _replace(page: Any, editor: Any, code: str) -> None:
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)


def _wait(page: Any, figure: Any, condition: str) -> None:
    page.wait_for_function(f"f => {condition}", arg=figure.element_handle(), timeout=RUN_MS)


def _run(page: Any, figure: Any, code: str | None = None, key: bool = True) -> Any:
    """Run the cell in ``figure`` (after typing ``code``), wait for its answer."""
    editor = figure.locator(".cm-content")
    if code is not None:
        _replace(page, editor, code)
    figure.evaluate("f => { delete f.dataset.status; }")
    if key:
        editor.press("Shift+Enter")
    else:
        figure.locator("button.cell-run").click()
    _wait(page, figure, "f.dataset.status && f.dataset.running === 'false'")
    return figure.locator(".cell-output")


def test_cells_run_in_one_kernel_and_show_output(lesson, server) -> None:
    page = lesson()
    first = page.locator("figure[data-cell]").first
    editor = first.get_by_label("Python code")
    assert editor.count() == 1
    output = first.locator(".cell-output")
    assert output.get_attribute("role") == "status"
    assert output.get_attribute("aria-live") == "polite"
    _run(page, first, "shown = 6 * 7\nprint('the answer is', shown)\nshown + 0.5")
    assert first.get_attribute("data-status") == "ok"
    text = output.inner_text()
    assert "the answer is 42" in text and "42.5" in text
    # the second cell sees the first cell's variables: one namespace per page
    second = page.locator("figure[data-cell]").nth(1)
    _run(page, second, "print(shown * 2)", key=False)
    assert "84" in second.locator(".cell-output").inner_text()
    # Reset puts the lesson's code back
    second.locator("button.cell-reset").click()
    assert "animals" in second.locator(".cm-content").inner_text()


def test_error_shows_a_short_traceback(lesson) -> None:
    page = lesson()
    first = page.locator("figure[data-cell]").first
    out = _run(page, first, "def half(x):\n    return x / 0\nhalf(3)")
    assert first.get_attribute("data-status") == "error"
    text = out.locator(".out-error").inner_text()
    assert "ZeroDivisionError: division by zero" in text
    assert "return x / 0" in text and "line 3 of this cell" in text
    for machinery in ("ipykernel", "IPython", "site-packages", "interactiveshell"):
        assert machinery not in text


def test_input_says_cells_have_no_keyboard_and_old_output_goes_while_running(lesson) -> None:
    page = lesson()
    first = page.locator("figure[data-cell]").first
    out = _run(page, first, "print('old output')")
    assert "old output" in out.inner_text()
    # while the next run runs, the last run's output is gone: only "Running…" shows
    _replace(page, first.locator(".cm-content"), "import time\ntime.sleep(2)\nprint('new')")
    first.evaluate("f => { delete f.dataset.status; }")
    first.locator("button.cell-run").click()
    _wait(page, first, "f.dataset.running === 'true'")
    assert "old output" not in out.inner_text()
    assert "Running…" in out.inner_text()
    _wait(page, first, "f.dataset.status && f.dataset.running === 'false'")
    assert out.inner_text().strip() == "new"
    # input() tells the learner what to do instead of a raw StdinNotImplementedError
    out = _run(page, first, "name = input('Your name? ')")
    assert first.get_attribute("data-status") == "error"
    text = out.inner_text()
    assert "cannot read keyboard input" in text and 'name = "Ada"' in text
    assert "StdinNotImplementedError" not in text


def test_live_output_grows_without_repeats_while_the_cell_runs(lesson) -> None:
    """The page asks for what is new since its last answer and adds it to what it shows."""
    page = lesson()
    first = page.locator("figure[data-cell]").first
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/outputs" in r.url else None)
    _replace(page, first.locator(".cm-content"),
             "import time\nfor i in range(8):\n    print('line', i, flush=True)\n"
             "    time.sleep(0.4)")
    first.evaluate("f => { delete f.dataset.status; }")
    first.locator("button.cell-run").click()
    out = first.locator(".cell-output")
    page.wait_for_function("o => o.innerText.includes('line 3')", arg=out.element_handle(),
                           timeout=RUN_MS)
    if first.get_attribute("data-running") == "true":  # still live: shown once, in order
        shown = out.inner_text().split()
        lines = [w for w in shown if w.isdigit()]
        assert lines == [str(n) for n in range(len(lines))], shown
    _wait(page, first, "f.dataset.status && f.dataset.running === 'false'")
    assert out.inner_text().split() == [w for i in range(8) for w in ("line", str(i))]
    assert any("generation=" in url for url in asked), asked


def test_a_figure_cell_shows_an_image(lesson) -> None:
    page = lesson()
    first = page.locator("figure[data-cell]").first
    out = _run(page, first, "import matplotlib.pyplot as plt\nplt.plot([0, 1, 4, 9])\n"
                            "plt.title('squares')\nplt.show()")
    image = out.locator("img.out-image")
    assert image.count() == 1
    assert image.get_attribute("src").startswith("data:image/png;base64,iVBOR")
    size = image.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert size[0] > 100 and size[1] > 100


def test_stop_and_the_time_limit_end_an_endless_loop(lesson, server) -> None:
    page = lesson()
    first = page.locator("figure[data-cell]").first
    second = page.locator("figure[data-cell]").nth(1)
    _run(page, first, "kept = 'still here'")
    # Stop
    _replace(page, second.locator(".cm-content"),
             "print('counting', flush=True)\nn = 0\nwhile True:\n    n += 1")
    second.evaluate("f => { delete f.dataset.status; }")
    second.locator("button.cell-run").click()
    _wait(page, second, "f.dataset.running === 'true'")
    # what the cell printed shows while it still runs
    _wait(page, second, "f.dataset.running === 'true' && "
                        "f.querySelector('.cell-output').textContent.includes('counting')")
    stop = second.locator("button.cell-stop")
    assert stop.is_enabled()
    began = time.monotonic()
    stop.click()
    _wait(page, second, "f.dataset.status && f.dataset.running === 'false'")
    assert time.monotonic() - began < CELL_SECONDS + 10
    text = second.locator(".cell-output").inner_text()
    assert "KeyboardInterrupt" in text and "you pressed Stop" in text
    # the time limit
    began = time.monotonic()
    out = _run(page, second, "while True:\n    pass")
    assert time.monotonic() - began >= CELL_SECONDS - 0.5
    assert f"{CELL_SECONDS:g} s a cell may run" in out.inner_text()
    # and the next cell still runs, with the page's variables
    out = _run(page, second, "print(kept)")
    assert "still here" in out.inner_text()


def test_solve_the_neuron_exercise_in_the_page(lesson, server) -> None:
    page = lesson()
    figure = page.locator("figure[data-exercise=neuron]")
    figure.locator(".cell-where").filter(has_text="Check runs your code").wait_for()
    assert str(server.app.state.workspace) in figure.locator(".cell-where").inner_text()
    # the file and the workspace are shown as code, not between literal backticks
    assert figure.locator(".cell-where code").count() == 2
    assert "`" not in figure.locator("figcaption").inner_text()
    editor = figure.get_by_label("Python code")
    assert "raise NotImplementedError" in editor.inner_text()
    # a hint, then the next one
    figure.locator("button.cell-hint").click()
    figure.locator(".cell-hints li").first.wait_for()
    assert figure.locator(".cell-hints li").first.inner_text() == EXERCISES["neuron"].hints[0]
    figure.locator("button.cell-hint").click()
    page.wait_for_function(
        "() => document.querySelectorAll('figure[data-exercise=neuron] .cell-hints li')"
        ".length === 2")
    second_hint = figure.locator(".cell-hints li").nth(1)  # it quotes code in backticks
    assert second_hint.inner_text() == EXERCISES["neuron"].hints[1].replace("`", "")
    assert second_hint.locator("code").inner_text() == "for x, w in zip(inputs, weights)"
    # a wrong answer (forgot the bias) names the failing case and the mistake
    _replace(page, figure.locator(".cm-content"),
             "def neuron(inputs, weights, bias):\n"
             "    return max(0.0, sum(x * w for x, w in zip(inputs, weights)))\n")
    figure.locator("button.cell-check").click()
    verdict = figure.locator(".cell-verdict.wrong")
    verdict.wait_for(timeout=RUN_MS)
    text = verdict.inner_text()
    assert "✗ neuron" in text and 'case "' in text and "expected" in text
    assert "bias" in text
    # a right answer is solved in the workspace's progress file
    _replace(page, figure.locator(".cm-content"),
             "def neuron(inputs, weights, bias):\n"
             "    z = sum(x * w for x, w in zip(inputs, weights)) + bias\n"
             "    return max(0.0, z)\n")
    figure.locator("button.cell-check").click()
    figure.locator(".cell-verdict.right").wait_for(timeout=RUN_MS)
    assert figure.get_attribute("data-solved") == "true"
    workspace = server.app.state.workspace
    assert "z = sum(x * w" in (Path(workspace) / EXERCISES["neuron"].filename).read_text()
    listed = subprocess.run(
        [sys.executable, "-m", "neuronlab.cli", "learn", "list", "--dir", str(workspace)],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "200", "NO_COLOR": "1"})
    assert listed.returncode == 0, listed.stderr
    line = next(line for line in listed.stdout.splitlines() if "01_neuron.py" in line)
    assert "✓" in line and "passed" in line, listed.stdout


def test_closing_the_page_stops_its_kernel(lesson, server) -> None:
    page = lesson()
    first = page.locator("figure[data-cell]").first
    _run(page, first, "print('hello')")
    kernels = server.app.state.kernels
    deadline = time.monotonic() + 5
    while not kernels.pids() and time.monotonic() < deadline:
        time.sleep(0.05)
    pids = kernels.pids()
    before = len(kernels)
    assert pids and before >= 1
    page.close()  # pagehide -> DELETE /api/kernels/<page>
    deadline = time.monotonic() + 30
    while len(kernels) >= before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(kernels) == before - 1


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_and_keyboard(lesson, server, width) -> None:
    page = lesson(width=width, height=900)
    first = page.locator("figure[data-cell]").first
    _run(page, first)  # the lesson's own code, from the keyboard (Shift+Enter)
    assert "z =" in first.locator(".cell-output").inner_text()
    # keyboard only: Tab leaves the editor to the Run button
    first.locator(".cm-content").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "cell-run"
    figure = page.locator("figure[data-exercise=neuron]")
    figure.locator("button.cell-hint").click()
    figure.locator(".cell-hints li").first.wait_for()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px at {width}px"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"lesson-1-cell-{width}.png"))
    figure.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"lesson-1-exercise-{width}.png"))
