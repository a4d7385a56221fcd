"""The JSON plumbing every endpoint shares: reading a bounded body, answering errors.

:func:`endpoint` turns a function ``request -> data`` into a Starlette endpoint whose
result is sent as JSON and whose :class:`~neuronlab.lab.server.schema.BadRequest` (or any
library refusal, a :class:`~neuronlab.errors.NeuronlabError`) becomes a 4xx answer
``{"error": "..."}``. :data:`STATIC` is the folder of the pages' files (``/static``).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from ...errors import NeuronlabError
from .schema import LIMITS, BadRequest, obj

STATIC = Path(__file__).parent.parent / "static"  # the pages' HTML, JavaScript and CSS
Handler = Callable[[Request], Awaitable[Any]]


async def read_json(request: Request) -> dict[str, Any]:
    """The request's JSON object body, bounded in size."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise BadRequest(
            f"Send the body as JSON with 'Content-Type: application/json', got "
            f"{content_type[:40] or 'no content type'!r}.", status=415)
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > LIMITS.body_bytes):
        raise BadRequest(f"The request body is larger than {LIMITS.body_bytes} bytes.", 413)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > LIMITS.body_bytes:
            raise BadRequest(f"The request body is larger than {LIMITS.body_bytes} bytes.", 413)
    if not body:
        return {}
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:  # includes integers of over 4300 digits
        raise BadRequest(f"The request body is not valid JSON: {str(exc)[:120]}.") from None
    return obj(data)


def endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Wrap ``handler``: its result becomes JSON; a user's mistake becomes a 4xx answer."""

    @functools.wraps(handler)
    async def wrapped(request: Request) -> Response:
        try:
            result = await handler(request)
        except BadRequest as exc:
            return JSONResponse({"error": str(exc)}, status_code=exc.status)
        except NeuronlabError as exc:  # the library refused a value the user chose
            return JSONResponse({"error": str(exc)}, status_code=400)
        except ClientDisconnect:  # nobody is left to read an answer
            return JSONResponse({"error": "The client left before the request was complete."},
                                status_code=400)
        return result if isinstance(result, Response) else JSONResponse(result)

    return wrapped


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 as the lab's JSON errors."""
    assert isinstance(exc, HTTPException)
    detail = exc.detail
    if exc.status_code == 404:
        detail = (f"Nothing at {request.url.path[:80]}; the lab's API lives under /api "
                  "(see /api/meta).")
    elif exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path[:80]}."
    return JSONResponse({"error": detail}, status_code=exc.status_code, headers=exc.headers)
