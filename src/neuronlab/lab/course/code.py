"""The lesson pages' code: running cells in a kernel, and checking exercises.

Routes (all need the lab's token, as every route does, and a same-origin request:
a browser's ``Origin`` that is the lab's own, or a script's ``Authorization`` header;
see :func:`same_origin`):

* ``GET /api/kernels``: how many kernels run, the most allowed, the limits, and each
  running kernel's page with how to close it (``DELETE /api/kernels/{page}``);
* ``POST /api/kernels/{page}/run {"code"}``: run a cell in the page's kernel
  (:mod:`neuronlab.lab.kernels.pool`), started on first use; its outputs;
* ``GET /api/kernels/{page}/outputs``: what the page's running cell has shown so far
  (the page asks while it waits, so a long cell's prints and progress bar appear live);
  with ``?generation=G&item=I&chars=C`` (the ``cursor`` of the last answer) only what is
  new since then. An open page also asks every :data:`~.kernels.HEARTBEAT_SECONDS`: a
  page not heard from gives its kernel up when another page needs the slot;
* ``POST /api/kernels/{page}/interrupt``: stop the page's running cell;
* ``DELETE /api/kernels/{page}``: the page closed, its kernel stops;
* ``GET /api/exercises/{name}``: the exercise's file in the workspace, solved or not;
* ``POST /api/exercises/{name}/check {"code"}``: save the code as the exercise's file in
  the workspace and check it as ``neuronlab learn check NAME`` does (same cases, same
  verdict, same progress file);
* ``POST /api/exercises/{name}/hint``: the next hint, counted as ``neuronlab learn hint``
  counts it.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from ...learn.catalog import EXERCISES
from ...learn.exercises import Exercise
from ...learn.workspace import PROGRESS_FILE, Workspace
from ..kernels.pool import CODE_CHARS, Kernels
from ..server.api import endpoint, read_json
from ..server.guard import code_request_problem
from ..server.schema import BadRequest
from .recall import default_workspace

PAGE_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
CHECKS_AT_ONCE = 2
_checks = threading.BoundedSemaphore(CHECKS_AT_ONCE)  # each check is a process


def same_origin(request: Request) -> None:
    """Refuse a request that a browser did not send from the lab's own page
    (:func:`neuronlab.lab.server.guard.code_request_problem`: another site is refused; the lab's
    page key, its own Origin or Referer, ``Sec-Fetch-Site: same-origin`` or a script's
    ``Authorization`` header is needed)."""
    problem = code_request_problem(request.scope, request.app.state.token)
    if problem is not None:
        raise BadRequest(problem, 403)


def kernels_of(request: Request) -> Kernels:
    found = getattr(request.app.state, "kernels", None)
    if found is None:
        found = Kernels.from_environment()
        request.app.state.kernels = found
    return found


def _page(request: Request) -> str:
    page = request.path_params["page"]
    if not PAGE_ID.fullmatch(page):
        raise BadRequest(f"{page[:70]!r} is not a page id: 8 to 64 letters, digits, - or _.")
    return page


async def _code(request: Request) -> str:
    data = await read_json(request)
    code = data.get("code")
    if not isinstance(code, str):
        raise BadRequest(f"'code' must be the cell's text, got {type(code).__name__}.")
    if len(code) > CODE_CHARS:
        raise BadRequest(f"The code is {len(code):,} characters long; at most {CODE_CHARS:,}.",
                         413)
    try:
        code.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate, which JSON.stringify lets through
        line = code.count("\n", 0, exc.start) + 1
        raise BadRequest(f"The code holds a character that is not valid text (a lone "
                         f"surrogate, {code[exc.start]!a}) on line {line}; delete it and try "
                         "again. Nothing was run or saved.", 400) from None
    return code


# --------------------------------------------------------------------------- kernels
@endpoint
async def kernel_status(request: Request) -> dict[str, Any]:
    same_origin(request)
    return kernels_of(request).status()


@endpoint
async def run_cell(request: Request) -> dict[str, Any]:
    same_origin(request)
    page = _page(request)
    code = await _code(request)
    kernels_of(request).heard(page)
    return await kernels_of(request).run(page, code)


def _cursor(request: Request) -> tuple[int, int, int] | None:
    names = ("generation", "item", "chars")
    given = [request.query_params.get(name) for name in names]
    if all(value is None for value in given):
        return None
    try:
        values = tuple(int(str(value)) for value in given)
    except ValueError:
        raise BadRequest("The cursor is three whole numbers: ?generation=G&item=I&chars=C "
                         f"(the last answer's 'cursor'), got {given!r:.80}.") from None
    return values[0], values[1], values[2]


@endpoint
async def outputs_so_far(request: Request) -> dict[str, Any]:
    same_origin(request)
    return kernels_of(request).so_far(_page(request), _cursor(request))


@endpoint
async def interrupt(request: Request) -> dict[str, Any]:
    same_origin(request)
    page = _page(request)
    kernels_of(request).heard(page)
    return {"interrupted": await kernels_of(request).interrupt(page)}


@endpoint
async def close_kernel(request: Request) -> dict[str, Any]:
    same_origin(request)
    return {"closed": await kernels_of(request).close(_page(request))}


# --------------------------------------------------------------------------- exercises
def workspace_root(request: Request) -> Path:
    found = getattr(request.app.state, "workspace", None)
    return Path(found) if found is not None else default_workspace()


def _exercise(request: Request) -> Exercise:
    name = request.path_params["name"]
    found = EXERCISES.get(name)
    if found is None:
        raise BadRequest(f"No exercise {name[:40]!r}; the exercises are "
                         f"{', '.join(EXERCISES)}.", 404)
    return found


def _workspace(request: Request) -> Workspace:
    """The lab's workspace, made a ``neuronlab learn`` workspace if it is not one yet."""
    root = workspace_root(request)
    try:
        if not (root / PROGRESS_FILE).is_file():
            return Workspace.create(root)[0]
        return Workspace(root)
    except OSError as exc:
        raise BadRequest(f"The workspace {root} cannot be used: {exc.strerror or exc}. Start "
                         "the lab with `--workspace DIR` on a folder you can write to.",
                         507) from None


def _about(workspace: Workspace, exercise: Exercise) -> dict[str, Any]:
    progress = workspace.load()
    record = progress["exercises"].get(exercise.name)
    record = record if isinstance(record, dict) else {}
    return {"exercise": exercise.name, "title": exercise.title,
            "workspace": str(workspace.root), "file": str(workspace.path(exercise)),
            "solved": bool(record.get("solved")), "hints_taken": int(record.get("hints", 0)),
            "hints": len(exercise.hints), "warnings": list(workspace.warnings)}


@endpoint
async def exercise_info(request: Request) -> dict[str, Any]:
    same_origin(request)
    exercise = _exercise(request)
    root = workspace_root(request)
    workspace = Workspace(root)
    about = _about(workspace, exercise)
    about["is_workspace"] = (root / PROGRESS_FILE).is_file()
    return about


def _check(workspace: Workspace, exercise: Exercise, code: str) -> dict[str, Any]:
    with _checks:
        return _check_now(workspace, exercise, code)


def _check_now(workspace: Workspace, exercise: Exercise, code: str) -> dict[str, Any]:
    path = workspace.path(exercise)
    try:
        workspace.save_code(exercise, code)  # atomic: the old file stays if this fails
    except UnicodeEncodeError:
        raise BadRequest("The code holds a character that is not valid text (a lone "
                         "surrogate); nothing was saved.", 400) from None
    except OSError as exc:
        raise BadRequest(f"Your code could not be saved as {path}: {exc.strerror or exc}.",
                         507) from None
    result, newly = workspace.check(exercise)
    return {**_about(workspace, exercise), "status": result.status, "passed": result.passed,
            "headline": result.headline, "text": str(result), "newly_solved": newly,
            "failing": [case.__dict__ for case in result.failing[:1]],
            "warnings": list(workspace.warnings)}


@endpoint
async def check_exercise(request: Request) -> dict[str, Any]:
    same_origin(request)
    exercise = _exercise(request)
    code = await _code(request)
    workspace = _workspace(request)
    return await run_in_threadpool(_check, workspace, exercise, code)


@endpoint
async def hint(request: Request) -> dict[str, Any]:
    same_origin(request)
    exercise = _exercise(request)
    workspace = _workspace(request)
    level = await run_in_threadpool(workspace.take_hint, exercise)
    shown = list(exercise.hints[:level])
    return {**_about(workspace, exercise), "level": min(level, len(exercise.hints)),
            "shown": shown, "last": level >= len(exercise.hints)}


ROUTES: list[BaseRoute] = [
    Route("/api/kernels", kernel_status, methods=["GET"]),
    Route("/api/kernels/{page}/run", run_cell, methods=["POST"]),
    Route("/api/kernels/{page}/outputs", outputs_so_far, methods=["GET"]),
    Route("/api/kernels/{page}/interrupt", interrupt, methods=["POST"]),
    Route("/api/kernels/{page}", close_kernel, methods=["DELETE"]),
    Route("/api/exercises/{name}", exercise_info, methods=["GET"]),
    Route("/api/exercises/{name}/check", check_exercise, methods=["POST"]),
    Route("/api/exercises/{name}/hint", hint, methods=["POST"]),
]
