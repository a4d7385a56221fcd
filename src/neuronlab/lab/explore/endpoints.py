"""The explorer endpoints: the page, ``/api/meta`` and the Neuron, Layer and Batch views.

Each view endpoint reads a bounded JSON body and hands it to :mod:`neuronlab.lab.explore.views`,
which checks every field and computes the numbers with the library.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from ... import __version__
from ..playground.config import PlaygroundConfig, choices
from ..server.api import STATIC, endpoint, read_json
from ..server.schema import (
    DATASETS,
    HIDDEN_ACTIVATIONS,
    LIMITS,
    NEURON_ACTIVATIONS,
    OPTIMIZERS,
    descriptions,
)
from . import views


async def index(request: Request) -> Response:
    """The page (plain JavaScript modules under /static draw everything)."""
    return FileResponse(STATIC / "explore.html", headers={"Cache-Control": "no-store"})


@endpoint
async def meta(request: Request) -> dict[str, Any]:
    """Version, limits, the choices of every menu and the views' first values."""
    return {
        "version": __version__,
        "limits": asdict(LIMITS),
        "neuron_activations": list(NEURON_ACTIVATIONS),
        "hidden_activations": list(HIDDEN_ACTIVATIONS),
        "datasets": list(DATASETS),
        "optimizers": list(OPTIMIZERS),
        "descriptions": descriptions(),
        "playground": choices(),
        "defaults": {
            "neuron": views.DEFAULT_NEURON,
            "layer": views.DEFAULT_LAYER,
            "batch": {"X": views.DEFAULT_BATCH},
            "playground": PlaygroundConfig().as_dict(),
        },
    }


@endpoint
async def neuron(request: Request) -> dict[str, Any]:
    return views.neuron_view(await read_json(request))


@endpoint
async def layer(request: Request) -> dict[str, Any]:
    return views.layer_view(await read_json(request))


@endpoint
async def batch(request: Request) -> dict[str, Any]:
    return views.batch_view(await read_json(request))
