"""The playground's features in a real browser, each checked against the library.

Every test opens the explorer page through the lab's token URL (the ``open_page``
fixture), drives it as a learner does (clicks, boxes, Step and Play) and compares what
the page shows and what its session holds (read over the session API, ``GET
/api/sessions/{id}``) with a :class:`~neuronlab.lab.playground.session.Session` built here from
the same settings: training is deterministic, so the weights must be bit-identical.
Screenshots land in test-artifacts/playground/.
"""

from __future__ import annotations

import base64
import re
from typing import Any
from urllib.parse import quote

import numpy as np
import pytest

from conftest import needs_browser, screenshot
from neuronlab.lab.playground.config import PlaygroundConfig
from neuronlab.lab.playground.session import Session

sync_api = needs_browser()
expect = sync_api.expect

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

WAIT = 30_000  # ms: a generous bound for a loaded two-core machine
CELLS = 40  # the boundary grid the server sends is CELLS x CELLS


def fmt(value: float | None, digits: int = 3) -> str:
    """A number as the page writes it (dom.js fmt)."""
    if value is None or not np.isfinite(value):
        return "—"
    if abs(value) >= 1e4:
        mantissa, exponent = f"{value:.2e}".split("e")
        return f"{mantissa}e{int(exponent):+d}"
    text = f"{value:.{digits}f}"
    return text[1:] if text == "-0." + "0" * digits else text


def library(**config: Any) -> Session:
    """The library's own session for these settings (what the page must match)."""
    return Session(PlaygroundConfig.parse(config))


def boundary_labels(frame: dict[str, Any]) -> np.ndarray:
    """The class of each boundary cell in a frame, CELLS x CELLS, top row first."""
    raw = base64.b64decode(frame["boundary"]["cells"])  # the class is each byte's top 2 bits
    return (np.frombuffer(raw, dtype=np.uint8) >> 6).reshape(CELLS, CELLS)


def boundary_values(frame: dict[str, Any]) -> np.ndarray:
    raw = base64.b64decode(frame["boundary"]["value"])
    return np.frombuffer(raw, dtype=np.uint8).reshape(CELLS, CELLS)


class Playground:
    """The playground page and its session on the server."""

    def __init__(self, page: Any, server: Any) -> None:
        self.page = page
        self.server = server
        self.created: list[Any] = []  # the answers that created a session, newest last
        page.on("response", self._record)

    def _record(self, response: Any) -> None:
        if response.request.method == "POST" and response.url.endswith("/api/sessions") \
                and response.status == 201:
            self.created.append(response)

    @property
    def id(self) -> str:
        assert self.created, "the page has not created a session"
        return str(self.created[-1].json()["id"])

    def api(self, path: str = "", body: dict[str, Any] | None = None) -> Any:
        url = f"{self.server.url}/api/sessions/{self.id}{path}"
        answer = (self.page.request.get(url) if body is None
                  else self.page.request.post(url, data=body, timeout=WAIT))
        assert answer.ok, answer.text()
        return answer.json()

    def state(self) -> dict[str, Any]:
        """``{"data": ..., "frame": ...}`` of the session as it is now."""
        return self.api()

    def train(self, epochs: int) -> None:
        """Train over the session API (the page sees it at its next frame)."""
        self.api("/step", {"epochs": epochs})

    def epoch_is(self, epoch: int) -> None:
        expect(self.page.locator("#pg-epoch")).to_have_text(str(epoch), timeout=WAIT)

    def step(self) -> None:
        """Press "step" once and wait for its frame."""
        before = self.state()["frame"]["epoch"]  # training over the API is not drawn yet
        self.page.click("#pg-step")
        self.epoch_is(before + 1)

    def canvas_cells(self) -> np.ndarray:
        """The boundary canvas's colour at the centre of each of the CELLS x CELLS cells."""
        pixels = self.page.evaluate("""(cells) => {
            const canvas = document.getElementById('pg-boundary');
            const data = canvas.getContext('2d').getImageData(
              0, 0, canvas.width, canvas.height).data;
            const out = [];
            for (let r = 0; r < cells; r++) {
              for (let c = 0; c < cells; c++) {
                const x = Math.floor((c + 0.5) * canvas.width / cells);
                const y = Math.floor((r + 0.5) * canvas.height / cells);
                const k = (y * canvas.width + x) * 4;
                out.push([data[k], data[k + 1], data[k + 2]]);
              }
            }
            return out;
        }""", CELLS)
        return np.array(pixels, dtype=np.int64).reshape(CELLS, CELLS, 3)

    def canvas_classes(self) -> np.ndarray:
        """Each cell's class as drawn: blue (class 1) where blue outweighs red."""
        rgb = self.canvas_cells()
        return (rgb[..., 2] > rgb[..., 0]).astype(np.uint8)


def open_playground(open_page: Any, live_server: Any, hash_: str, width: int = 1280,
                    height: int = 900) -> Playground:
    """The playground for ``hash_`` with its session recorded from its first request."""
    page = open_page("#view=neuron", width, height)  # no playground session yet
    playground = Playground(page, live_server)
    page.goto("about:blank")  # a full load of the new link, not a hash change in place
    with page.expect_response(lambda r: r.request.method == "POST"
                              and r.url.endswith("/api/sessions"), timeout=WAIT):
        page.goto(f"{live_server.url}/explore{hash_}")
    page.wait_for_selector("body[data-ready=true]")
    return playground


def shown(page: Any, selector: str) -> str:
    return str(page.locator(selector).inner_text())


# --------------------------------------------------------------------------- features
def test_input_features_change_the_boundary_the_library_computes(open_page, live_server):
    pg = open_playground(open_page, live_server, "#view=playground&pd=circles&pf=x1,x2")
    pg.epoch_is(0)
    expect(pg.page.locator("#pg-network image.feature-map")).to_have_count(2)
    pg.train(29)
    pg.step()  # epoch 30, drawn
    plain = pg.state()["frame"]
    expected = library(dataset="circles", features=["x1", "x2"])
    expected.train(30)
    assert plain["params"] == expected.weights_text()
    np.testing.assert_array_equal(boundary_labels(plain), boundary_labels(expected.frame()))
    drawn = pg.canvas_classes()
    assert (drawn == boundary_labels(plain)).mean() > 0.85  # the canvas shows that boundary

    pg.page.click("#pg-feature-x1sq")  # a new network on x1, x2, x1²
    expect(pg.page.locator("#pg-network image.feature-map")).to_have_count(3, timeout=WAIT)
    pg.page.click("#pg-feature-x2sq")
    expect(pg.page.locator("#pg-network image.feature-map")).to_have_count(4, timeout=WAIT)
    pg.epoch_is(0)
    expect(pg.page.locator("#pg-feature-x2sq")).to_be_checked()
    pg.page.wait_for_function("() => location.hash.includes('pf=x1,x2,x1sq,x2sq')")
    state = pg.state()
    assert state["data"]["features"] == ["x1", "x2", "x1²", "x2²"]
    assert state["data"]["layers"] == [4, 4, 4, 1]
    pg.train(29)
    pg.step()
    squares = pg.state()["frame"]
    expected = library(dataset="circles", features=["x1", "x2", "x1sq", "x2sq"])
    expected.train(30)
    assert squares["params"] == expected.weights_text()
    assert squares["inputs"] == expected.frame()["inputs"]  # each feature's small heatmap
    x1sq = squares["inputs"][2]
    assert x1sq["low"] >= 0 and x1sq["high"] > 0  # x1² is never negative
    np.testing.assert_array_equal(boundary_labels(squares), boundary_labels(expected.frame()))
    changed = (boundary_labels(squares) != boundary_labels(plain)).mean()
    assert changed > 0.03, f"only {changed:.1%} of the boundary changed"
    assert (pg.canvas_classes() == boundary_labels(squares)).mean() > 0.85
    assert (pg.canvas_classes() != drawn).mean() > 0.02  # and the picture changed with it

    pg.page.click("#pg-export")  # the export follows the features
    code = shown(pg.page, "#pg-code")
    assert "X[:, 0] ** 2, X[:, 1] ** 2" in code and "input_shape=(4,)" in code


# --------------------------------------------------------------------------- regression
def ramp(t: np.ndarray) -> np.ndarray:
    """playground.js ramp(): orange (low) through white to blue (high)."""
    v = 2 * np.clip(t, 0, 1) - 1
    orange, blue = np.array([232, 113, 10]), np.array([8, 119, 189])
    color = np.where(v[..., None] >= 0, blue, orange)
    amount = np.abs(v)[..., None]
    return np.round(255 + (color - 255) * amount)


@pytest.mark.parametrize("dataset", ["plane", "bump"])
def test_regression_trains_with_a_continuous_colour_map(open_page, live_server, dataset):
    pg = open_playground(open_page, live_server, f"#view=playground&pd={dataset}")
    pg.epoch_is(0)
    page = pg.page
    expected = library(dataset=dataset)
    start = expected.scores["train"]
    expect(page.locator("#pg-train-loss")).to_have_text(fmt(start["loss"], 4))
    expect(page.locator("#pg-train-acc")).to_have_text(fmt(start["mae"], 4))
    # the metric is the mean absolute error, never an accuracy
    assert shown(page, "#pg-train-acc").count("%") == 0
    assert page.locator("#pg-train-acc").evaluate(
        "(o) => o.previousElementSibling.textContent") == "train MAE"
    low, high = expected.target_range
    assert f"targets from {fmt(low)} (orange) to {fmt(high)} (blue)" in shown(page, "#pg-legend")
    ramp_bar = page.locator("#pg-legend .ramp")  # the colour map's bar, orange to blue
    expect(ramp_bar).to_be_visible()
    assert "linear-gradient" in ramp_bar.evaluate("(e) => getComputedStyle(e).backgroundImage")

    page.click("#pg-play")
    page.wait_for_function(
        """(start) => Number(document.querySelector('#pg-epoch').textContent) >= 20
             && Number(document.querySelector('#pg-train-loss').textContent) < start / 4""",
        arg=start["loss"], timeout=45_000)
    page.click("#pg-play")  # pause
    expect(page.locator("#pg-step")).to_be_enabled(timeout=WAIT)  # the pause frame arrived
    state = pg.state()
    frame = state["frame"]
    assert state["data"]["task"] == "regression" and state["data"]["metric"] == "mae"
    expect(page.locator("#pg-epoch")).to_have_text(str(frame["epoch"]))
    expect(page.locator("#pg-train-loss")).to_have_text(fmt(frame["scores"]["train"]["loss"], 4))
    expect(page.locator("#pg-test-acc")).to_have_text(fmt(frame["scores"]["test"]["mae"], 4))
    expected.train(frame["epoch"])  # the same epochs in the library: the same network
    assert frame["params"] == expected.weights_text()
    assert frame["scores"]["train"]["loss"] < start["loss"] / 4

    values = boundary_values(frame)
    assert len(np.unique(values)) >= 30, "the prediction map has only a few colours"
    drawn, wanted = pg.canvas_cells(), ramp(values / 255)
    close = (np.abs(drawn - wanted) <= 12).all(axis=-1).mean()
    assert close > 0.85, f"only {close:.0%} of the cells have the colour map's colour"


# --------------------------------------------------------------------------- the stream
def _held(page: Any, waiting: list[Any], what: str) -> Any:
    """The first request (or socket) of ``waiting`` the page has made, once it has."""
    for _ in range(WAIT // 50):
        if waiting:
            return waiting[0]
        page.wait_for_timeout(50)
    raise AssertionError(f"the page did not open {what} within {WAIT} ms")


def test_play_and_step_wait_for_the_session_and_its_stream(open_page, live_server):
    """A slow lab (a busy machine, a proxy in front) answers late: until the session
    exists and its stream has sent a frame, play and step are disabled (a click then
    would be lost), and a click once they are live trains the network."""
    page = open_page("#view=neuron")
    requests: list[Any] = []
    sockets: list[Any] = []
    page.route("**/api/sessions", lambda route: requests.append(route))  # held: see below
    page.route_web_socket(re.compile(r"/api/sessions/[^/]+/stream$"),
                          lambda socket: sockets.append(socket))
    page.goto("about:blank")
    page.goto(f"{live_server.url}/explore#view=playground")
    page.wait_for_selector("body[data-ready=true]")
    play, step = page.locator("#pg-play"), page.locator("#pg-step")
    request = _held(page, requests, "a session")
    # no session yet: the buttons are there, but none is live
    for name in ("play", "step", "reset", "export", "slow"):
        expect(page.locator(f"#pg-{name}")).to_be_disabled()
    request.continue_()
    socket = _held(page, sockets, "the training stream")
    expect(page.locator("#pg-epoch")).to_have_text("0")  # the session's first frame
    for name in ("reset", "export", "slow"):  # they need the session only
        expect(page.locator(f"#pg-{name}")).to_be_enabled()
    # the stream has not reached the lab yet, so no frame has come over it
    expect(play).to_be_disabled()
    expect(step).to_be_disabled()
    socket.connect_to_server()
    play.click()  # waits until it is enabled
    page.wait_for_function(
        "() => Number(document.querySelector('#pg-epoch').textContent) >= 5", timeout=WAIT)
    play.click()  # pause
    expect(play).to_have_text("▶ play", timeout=WAIT)
    expect(step).to_be_enabled()


def test_when_the_stream_closes_every_button_that_needs_the_session_goes_off(
        open_page, live_server):
    """The lab ends a session when its stream closes: play, step, reset, export and slow
    motion all go off (a click would only meet "no such session"), and the status line
    says what happened and what to do."""
    page = open_page("#view=neuron")
    sockets: list[Any] = []
    page.route_web_socket(re.compile(r"/api/sessions/[^/]+/stream$"),
                          lambda socket: sockets.append(socket))
    page.goto("about:blank")
    page.goto(f"{live_server.url}/explore#view=playground")
    page.wait_for_selector("body[data-ready=true]")
    socket = _held(page, sockets, "the training stream")
    socket.connect_to_server()
    for name in ("play", "step", "reset", "export", "slow"):
        expect(page.locator(f"#pg-{name}")).to_be_enabled()
    socket.close()  # as when the lab stops, or the connection drops
    expect(page.locator("#pg-status")).to_contain_text("The training stream closed")
    for name in ("play", "step", "reset", "export", "slow"):
        expect(page.locator(f"#pg-{name}")).to_be_disabled()


# --------------------------------------------------------------------------- weights
def test_a_clicked_weight_is_set_in_the_live_network(open_page, live_server):
    pg = open_playground(open_page, live_server, "#view=playground&pd=xor")
    pg.epoch_is(0)
    page = pg.page
    before = pg.state()["frame"]
    page.locator("#pg-link-0-0-0").click()  # input x1 -> hidden layer 1, neuron 1
    expect(page.locator("#pg-weight-form")).to_be_visible()
    page.locator("#pg-weight-value").fill("2.5")
    page.click("#pg-weight-apply")
    expect(page.locator("#pg-weight-form")).to_be_hidden(timeout=WAIT)

    frame = pg.state()["frame"]
    assert frame["weights"][0]["W"][0][0] == 2.5
    flat = np.frombuffer(base64.b64decode(frame["params"]), dtype="<f4")
    assert flat[0] == 2.5  # layer 0, W row 0, column 0
    expected = library(dataset="xor")
    expected.set_weight({"layer": 0, "neuron": 0, "input": 0, "value": 2.5})
    assert frame["params"] == expected.weights_text()
    np.testing.assert_array_equal(boundary_labels(frame), boundary_labels(expected.frame()))
    assert frame["boundary"] != before["boundary"]  # the boundary moved with the weight
    assert "2.500" in (page.locator("#pg-link-0-0-0").get_attribute("aria-label") or "")
    row = page.locator("#pg-weights table").first.locator("tr").first
    assert row.locator("td").first.text_content() == "2.500"
    expect(page.locator("#pg-train-loss")).to_have_text(fmt(expected.scores["train"]["loss"], 4))

    pg.step()  # training goes on from the edited weight
    expected.train(1)
    assert pg.state()["frame"]["params"] == expected.weights_text()


def test_l1_regularization_is_chosen_and_applied(open_page, live_server):
    pg = open_playground(open_page, live_server, "#view=playground&pd=moons")
    pg.epoch_is(0)
    page = pg.page
    page.select_option("#pg-l1", "0.01")
    page.wait_for_function("() => location.hash.includes('pq=0.01')", timeout=WAIT)
    expect(page.locator("#pg-l1")).to_have_value("0.01")
    assert pg.state()["data"]["config"]["l1"] == 0.01
    for _ in range(3):
        pg.step()
    params = pg.state()["frame"]["params"]
    with_l1 = library(dataset="moons", l1=0.01)
    with_l1.train(3)
    without = library(dataset="moons")
    without.train(3)
    assert params == with_l1.weights_text() and params != without.weights_text()
    l1_size = np.abs(np.frombuffer(base64.b64decode(params), dtype="<f4")).sum()
    assert l1_size < np.abs(np.frombuffer(base64.b64decode(without.weights_text()), "<f4")).sum()
    page.click("#pg-export")
    assert "l1=0.01" in shown(page, "#pg-code")


# --------------------------------------------------------------------------- links
def test_a_link_after_3000_epochs_reopens_the_same_network(open_page, live_server):
    pg = open_playground(open_page, live_server, "#view=playground&pd=moons")
    pg.epoch_is(0)
    pg.train(1500)  # one request may train at most 20,000 steps: 1,500 epochs x 10
    pg.train(1499)
    pg.step()  # epoch 3,000, drawn, and the page writes it into its URL
    pg.page.wait_for_function("() => location.hash.includes('pe=3000&pw=')", timeout=WAIT)
    url = pg.page.url
    first = pg.state()["frame"]
    numbers = {key: shown(pg.page, key) for key in
               ("#pg-train-loss", "#pg-test-loss", "#pg-train-acc", "#pg-test-acc")}

    other = open_playground(open_page, live_server, url[url.index("#"):])
    other.epoch_is(3000)
    assert other.id != pg.id
    again = other.state()["frame"]
    assert again["epoch"] == 3000
    assert again["params"] == first["params"] and again["weights"] == first["weights"]
    for key, text in numbers.items():
        expect(other.page.locator(key)).to_have_text(text)
    assert shown(other.page, "#status") == ""  # restored without a complaint

    # The same link with its weights cut short: the page says why it starts afresh.
    weights = re.search(r"pw=([^&]*)", url)
    assert weights is not None
    cut = url.replace(weights.group(0), f"pw={weights.group(1)[:-12]}")
    broken = open_playground(open_page, live_server, cut[cut.index("#"):])
    broken.epoch_is(0)
    status = broken.page.locator("#status")
    expect(status).to_be_visible()
    text = shown(broken.page, "#status")
    assert "could not be restored at epoch 3000" in text
    assert "do not fit this network" in text or "cut short" in text
    assert "Starting from epoch 0" in text


def test_a_link_keeps_a_weight_edited_at_epoch_0(open_page, live_server):
    pg = open_playground(open_page, live_server, "#view=playground&pd=xor")
    pg.epoch_is(0)
    pg.page.locator("#pg-link-0-3-1").click()  # x2 -> hidden layer 1, neuron 4
    pg.page.locator("#pg-weight-value").fill("-3")
    pg.page.click("#pg-weight-apply")
    expect(pg.page.locator("#pg-weight-form")).to_be_hidden(timeout=WAIT)
    edited = pg.state()["frame"]
    assert edited["weights"][0]["W"][3][1] == -3
    pg.page.wait_for_function(  # the URL carries the edited weights
        "(w) => new URLSearchParams(location.hash.slice(1)).get('pw') === w",
        arg=edited["params"], timeout=WAIT)
    url = pg.page.url
    other = open_playground(open_page, live_server, url[url.index("#"):])
    other.epoch_is(0)
    assert other.state()["frame"]["params"] == edited["params"]


def test_a_link_with_a_damaged_epoch_says_why(open_page, live_server):
    source = library(dataset="xor")
    source.train(2)
    hash_ = f"#view=playground&pd=xor&pe=two&pw={quote(source.weights_text(), safe='')}"
    pg = open_playground(open_page, live_server, hash_)
    pg.epoch_is(0)
    text = shown(pg.page, "#status")
    assert "could not be restored" in text and '"two" (pe) is not a whole number' in text, text
    assert "Starting from epoch 0" in text


# --------------------------------------------------------------------------- own points
def test_points_added_by_clicking_are_trained_on_and_cleared(open_page, live_server):
    pg = open_playground(open_page, live_server, "#view=playground&pd=xor")
    pg.epoch_is(0)
    page = pg.page
    data = pg.state()["data"]
    x0, x1, y0, y1 = data["extent"]
    total = len(data["train"]["y"]) + len(data["test"]["y"])
    page.select_option("#pg-own-label", "1")
    canvas = page.locator("#pg-boundary")
    box = canvas.bounding_box()
    assert box is not None
    clicks = [(0.25, 0.75), (0.8, 0.3)]  # fractions of the picture's width and height
    for n, (fx, fy) in enumerate(clicks, start=1):
        canvas.click(position={"x": fx * box["width"], "y": fy * box["height"]})
        expect(page.locator("#pg-clear-points")).to_have_text(f"clear my points ({n})",
                                                               timeout=WAIT)
    state = pg.state()
    points = state["data"]["config"]["points"]
    assert len(points) == 2
    tolerance = 2 * (x1 - x0) / box["width"]  # two pixels
    for (fx, fy), (px, py, label) in zip(clicks, points):
        assert label == 1
        assert px == pytest.approx(x0 + fx * (x1 - x0), abs=tolerance)
        assert py == pytest.approx(y1 - fy * (y1 - y0), abs=tolerance)
    both = state["data"]["train"]["X"] + state["data"]["test"]["X"]
    assert len(both) == total + 2
    assert all(any(np.allclose(p[:2], q, atol=1e-3) for q in both) for p in points)
    legend = shown(page, "#pg-legend")
    assert f"training points ({len(state['data']['train']['y'])})" in legend

    pg.step()  # training uses them: the same network as the library's with these points
    expected = library(dataset="xor", points=points)
    expected.train(1)
    assert pg.state()["frame"]["params"] == expected.weights_text()
    page.click("#pg-export")
    code = shown(page, "#pg-code")
    assert "own = np.array([" in code and repr(points[0]) in code

    page.click("#pg-clear-points")
    expect(page.locator("#pg-clear-points")).to_have_text("clear my points (0)", timeout=WAIT)
    expect(page.locator("#pg-clear-points")).to_be_disabled()
    data = pg.state()["data"]
    assert data["config"]["points"] == []
    assert len(data["train"]["y"]) + len(data["test"]["y"]) == total


def test_a_csv_with_a_bad_row_is_named_and_a_good_one_trains(open_page, live_server,
                                                              tmp_path):
    pg = open_playground(open_page, live_server, "#view=playground&pd=xor")
    pg.epoch_is(0)
    page = pg.page
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,label\n0.1,0.2,0\n0.3,oops,1\n0.5,0.5,1\n")
    page.set_input_files("#pg-csv", str(bad))
    status = page.locator("#status")
    expect(status).to_contain_text("Row 3 of the CSV: 'oops' is not a number", timeout=WAIT)
    short = tmp_path / "short.csv"
    short.write_text("0,0,0\n1,1\n")
    page.set_input_files("#pg-csv", str(short))
    expect(status).to_contain_text("Row 2 of the CSV has 2 value(s), not 3", timeout=WAIT)
    assert pg.state()["data"]["config"]["points"] == []  # nothing was taken

    rows = [(-1.0, -1.0, 0), (-0.8, -1.1, 0), (-1.2, -0.7, 0), (-0.9, -0.9, 0),
            (1.0, 1.0, 1), (0.8, 1.1, 1), (1.2, 0.7, 1), (0.9, 0.9, 1)]
    good = tmp_path / "good.csv"
    good.write_text("x1,x2,label\n" + "".join(f"{a},{b},{c}\n" for a, b, c in rows))
    page.set_input_files("#pg-csv", str(good))
    expect(page.locator("#pg-clear-points")).to_have_text("clear my points (8)", timeout=WAIT)
    page.select_option("#pg-dataset", "custom")  # only these points
    page.wait_for_function("() => location.hash.includes('pd=custom')", timeout=WAIT)
    expect(page.locator("#pg-legend")).to_contain_text("training points (4)", timeout=WAIT)
    data = pg.state()["data"]
    assert sorted(map(tuple, data["train"]["X"] + data["test"]["X"])) == \
        sorted((a, b) for a, b, _ in rows)
    for _ in range(5):
        pg.step()
    expected = library(dataset="custom", points=[list(r) for r in rows])
    expected.train(5)
    assert pg.state()["frame"]["params"] == expected.weights_text()
    expect(page.locator("#pg-train-loss")).to_have_text(fmt(expected.scores["train"]["loss"], 4))


def test_an_empty_custom_link_can_still_take_a_csv(open_page, live_server, tmp_path):
    page = open_page("#view=neuron")
    pg = Playground(page, live_server)
    with page.expect_response(lambda r: r.url.endswith("/api/sessions"), timeout=WAIT) as first:
        page.evaluate("() => { location.hash = '#view=playground&pd=custom'; }")
    assert first.value.status == 400  # no points yet: the page says what to do
    expect(page.locator("#status")).to_contain_text("at least 4 points", timeout=WAIT)
    good = tmp_path / "good.csv"
    good.write_text("0,0,0\n0.2,0.1,0\n1,1,1\n0.9,1.2,1\n0.1,0.3,0\n1.1,0.8,1\n")
    with page.expect_response(lambda r: r.url.endswith("/api/sessions"), timeout=WAIT) as made:
        page.set_input_files("#pg-csv", str(good))
    assert made.value.status == 201
    pg.epoch_is(0)
    data = pg.state()["data"]
    assert data["config"]["dataset"] == "custom"
    assert len(data["train"]["y"]) + len(data["test"]["y"]) == 6
    pg.step()


# --------------------------------------------------------------------------- divergence
@pytest.mark.parametrize(("config", "epochs", "kind", "words"), [
    ({"dataset": "moons", "activation": "relu", "learning_rate": 3}, 1, "dead",
     "ReLU neurons are dead"),
    ({"dataset": "plane", "activation": "relu", "learning_rate": 1}, 6, "exploding",
     "The loss is exploding"),
    ({"dataset": "plane", "activation": "relu", "learning_rate": 0.3}, 21, "oscillating",
     "The loss oscillates"),
    ({"dataset": "xor", "activation": "linear"}, 50, "chance", "The accuracy sits at chance"),
], ids=["dead-relu", "exploding", "oscillating", "chance"])
def test_trouble_is_explained_in_words(open_page, live_server, config, epochs, kind, words):
    keys = {"dataset": "pd", "activation": "pa", "learning_rate": "pl"}
    hash_ = "#view=playground&" + "&".join(f"{keys[k]}={v}" for k, v in config.items())
    pg = open_playground(open_page, live_server, hash_)
    pg.epoch_is(0)
    if epochs > 1:
        pg.train(epochs - 1)
    pg.step()
    expected = library(**config)
    expected.train(epochs)
    status = expected.status()
    assert status is not None and status["kind"] == kind
    line = pg.page.locator("#pg-status")
    expect(line).to_have_text(status["text"])
    assert words in status["text"] and "try " in status["text"].lower()
    assert line.get_attribute("data-kind") == kind
    expect(pg.page.locator("#pg-diverged")).to_be_hidden()


def test_after_a_nan_no_stale_numbers_are_shown(open_page, live_server):
    pg = open_playground(open_page, live_server,
                         "#view=playground&pd=blobs&ph=8,8&pa=linear&pl=10&pz=1&pb=5&ps=0")
    pg.epoch_is(0)
    page = pg.page
    assert shown(page, "#pg-train-loss") != "—"
    page.click("#pg-step")
    expect(page.locator("#pg-diverged")).to_be_visible(timeout=WAIT)
    frame = pg.state()["frame"]
    assert frame["diverged"] and frame["status"]["kind"] == "diverged"
    assert all(v is None for side in frame["scores"].values() for v in side.values())
    for key in ("#pg-train-loss", "#pg-test-loss", "#pg-train-acc", "#pg-test-acc"):
        expect(page.locator(key)).to_have_text("—")
    expect(page.locator("#pg-diverged")).to_contain_text("smaller learning rate (now 10")
    expect(page.locator("#pg-status")).to_have_text("")  # said once, in the alert
    expect(page.locator("#pg-step")).to_be_disabled()


# --------------------------------------------------------------------------- screenshots
@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots(open_page, live_server, width):
    for dataset, epochs in (("spirals", 200), ("bump", 100)):
        pg = open_playground(open_page, live_server,
                             f"#view=playground&pd={dataset}&pf=x1,x2,sinx1,sinx2", width=width)
        pg.epoch_is(0)
        pg.train(epochs - 1)
        pg.step()
        expect(pg.page.locator("#pg-status")).to_have_text("")  # a healthy run: no warning
        ramps = pg.page.locator("#pg-legend .ramp")
        expect(ramps).to_have_count(1 if dataset == "bump" else 0)
        scroll = pg.page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"the page is {scroll} px wide in a {width} px window"
        screenshot(pg.page, "playground", f"{dataset}-{width}")
