"""The lab: a local web page where you move sliders and watch networks learn.

``neuronlab lab`` serves it; :func:`create_app` builds the Starlette app (see
:mod:`neuronlab.lab.server.app`). The page is plain JavaScript under ``static/`` that only
draws: every number comes from the library through the JSON API and the stream.
"""

from __future__ import annotations

from .server.app import create_app

__all__ = ["create_app"]
