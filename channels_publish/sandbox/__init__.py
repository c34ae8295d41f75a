"""A local stand-in for the social networks' APIs (X, Facebook/Instagram Graph, YouTube).

It speaks the subset of each real API that the publishing adapters use, at the
real paths and with the real response and error shapes, records everything
published, detects duplicates like the networks do and injects faults per
account. Importing it needs no Django settings.

- :func:`create_app` (``app``): the WSGI application.
- :func:`running_sandbox`, :func:`serve` (``server``): run it.
- :class:`SandboxControl` (``control``): reset, records, faults from Python, and
  citizens' comments, mentions and messages (``add_inbound``, see ``inbound``).
"""

from .app import create_app
from .control import SandboxControl, point_session_at_sandbox, youtube_discovery
from .server import running_sandbox, serve

__all__ = [
    "SandboxControl",
    "create_app",
    "point_session_at_sandbox",
    "running_sandbox",
    "serve",
    "youtube_discovery",
]
