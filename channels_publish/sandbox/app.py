"""The sandbox's WSGI application: routing, faults, control API and shared helpers.

``create_app()`` returns a :class:`SandboxApp`. Each network module contributes
an API object (``XApi``, ``GraphApi``, ``YouTubeApi``) with its URL rules, how it
reads credentials, and how it phrases auth, rate-limit and server errors. The app
applies the injected faults uniformly around every network endpoint.

Control endpoints (JSON, under ``/_sandbox/api/``):

- ``GET records?network=&account=&kind=``: created objects, oldest first.
- ``POST reset``: forget records, media, sessions, accounts and faults.
- ``GET|POST|DELETE faults``: list, add (``{"account", "kind", "times", "network",
  "operation", ...params}``), clear (``?account=`` for one account).
- ``GET|POST accounts``: list, register (``{"network", "account", "name",
  "username", ...attrs}``; Instagram ``publishing_limit`` overrides the 100/24 h).
- ``POST metrics``: ``{"id", "metrics": {...}}`` sets engagement numbers returned
  by X ``public_metrics``, Graph insights and YouTube ``statistics`` (otherwise they
  grow by themselves, see ``insights``).
- ``GET health``.
- ``GET|POST inbound``, ``GET inbound/<id>``: citizens' comments, mentions and
  direct messages, created by hand or in bulk (see :mod:`.inbound`).

Media the sandbox received is served at ``/_sandbox/media/<id>`` (with ranges,
so ``<video>`` can seek).
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import BaseConverter, Map, Rule
from werkzeug.wrappers import Request, Response

from .faults import REQUEST_KINDS, Fault, FaultError, FaultRegistry
from .store import SandboxStore

MAX_FETCH_BYTES = 512 * 1024 * 1024
FETCH_TIMEOUT_S = 15
MASKED = "***"


class GraphVersionConverter(BaseConverter):
    """Matches a Graph API version path segment such as ``v21.0``."""

    regex = r"v\d+\.\d+"


def json_response(
    data: Any,
    status: int = 200,
    headers: dict[str, str] | None = None,
    content_type: str = "application/json",
) -> Response:
    """A JSON response with the given status, headers and content type."""
    body = "" if data is None else json.dumps(data, ensure_ascii=False)
    return Response(body, status=status, headers=headers, content_type=content_type)


def describe_request(request: Request, include_body: bool = True) -> dict[str, Any]:
    """The request as recorded with a created object; credentials are masked."""
    query = {key: request.args.getlist(key) for key in request.args}
    if "access_token" in query:
        query["access_token"] = [MASKED]
    headers = {}
    for name in ("Content-Type", "Content-Range", "User-Agent", "X-Upload-Content-Type",
                 "X-Upload-Content-Length"):
        if name in request.headers:
            headers[name] = request.headers[name]
    if "Authorization" in request.headers:
        headers["Authorization"] = request.headers["Authorization"].split(" ", 1)[0] + " " + MASKED
    described: dict[str, Any] = {
        "method": request.method,
        "path": request.path,
        "query": query,
        "headers": headers,
    }
    if include_body:
        if request.is_json:
            described["json"] = request.get_json(silent=True)
        elif request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
            form = {key: request.form.getlist(key) for key in request.form}
            if "access_token" in form:
                form["access_token"] = [MASKED]
            described["form"] = form
            described["files"] = {
                key: {"filename": f.filename, "content_type": f.mimetype}
                for key, f in request.files.items()
            }
    return described


def request_params(request: Request) -> dict[str, str]:
    """Query, form and JSON parameters merged (body wins), as Graph accepts them."""
    params = {key: request.args.get(key, "") for key in request.args}
    if request.is_json:
        body = request.get_json(silent=True)
        if isinstance(body, dict):
            for key, value in body.items():
                params[key] = value if isinstance(value, str) else json.dumps(value)
    else:
        params.update({key: request.form.get(key, "") for key in request.form})
    return params


class FetchError(Exception):
    """A media URL could not be fetched."""


def fetch_url(url: str) -> tuple[bytes, str]:
    """Fetch a media URL over HTTP like the networks do; return bytes and content type."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise FetchError(f"not an http(s) URL: {url!r}")
    try:
        with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_S) as response:  # noqa: S310
            data = response.read(MAX_FETCH_BYTES + 1)
            content_type = response.headers.get_content_type()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise FetchError(str(exc)) from exc
    if len(data) > MAX_FETCH_BYTES:
        raise FetchError("media too large")
    return data, content_type


@dataclass
class Call:
    """One authenticated network request as the handlers see it."""

    sandbox: SandboxApp
    request: Request
    account: str
    keys: tuple[str, ...]
    network: str

    @property
    def store(self) -> SandboxStore:
        """The sandbox's store."""
        return self.sandbox.store

    @property
    def faults(self) -> FaultRegistry:
        """The sandbox's fault registry."""
        return self.sandbox.faults

    @property
    def base_url(self) -> str:
        """The sandbox's own base URL as the client addressed it, without trailing slash."""
        return self.request.host_url.rstrip("/")

    def take_fault(self, kind: str, operation: str | None = None) -> Fault | None:
        """Fire a handler-level fault (such as ``ig_container_error``) of this call."""
        return self.faults.take(self.keys, self.network, operation, kinds=(kind,))


@dataclass
class Endpoint:
    """A routed endpoint: its API object (None for control pages), handler and operation."""

    api: Any
    handler: Callable[..., Response]
    operation: str | Callable[[Request, dict[str, Any]], str] | None = None


class SandboxApp:
    """The WSGI application of the networks sandbox."""

    def __init__(self, store: SandboxStore | None = None) -> None:
        # Imported here: the network modules import helpers from this module.
        from . import pages
        from .graph_api import GraphApi
        from .x_api import XApi
        from .youtube_api import YouTubeApi

        self.store = store or SandboxStore()
        self.faults = FaultRegistry()
        self._stopping = threading.Event()
        self.endpoints: dict[str, Endpoint] = {}
        rules: list[Rule] = []
        control = [
            ("/_sandbox/api/health", "health", ["GET"], self.api_health),
            ("/_sandbox/api/records", "records", ["GET"], self.api_records),
            ("/_sandbox/api/reset", "reset", ["POST"], self.api_reset),
            ("/_sandbox/api/faults", "faults", ["GET", "POST", "DELETE"], self.api_faults),
            ("/_sandbox/api/accounts", "accounts", ["GET", "POST"], self.api_accounts),
            ("/_sandbox/api/metrics", "metrics", ["POST"], self.api_metrics),
            ("/_sandbox/media/<media_id>", "media", ["GET", "HEAD"], self.media),
        ]
        from .inbound import InboundStore, control_routes

        self.inbound = InboundStore(self.store)
        control += control_routes(self)
        for path, name, methods, handler in control:
            rules.append(Rule(path, endpoint=f"control.{name}", methods=methods))
            self.endpoints[f"control.{name}"] = Endpoint(None, handler)
        for path, name, handler in pages.routes(self):
            rules.append(Rule(path, endpoint=f"pages.{name}", methods=["GET"]))
            self.endpoints[f"pages.{name}"] = Endpoint(None, handler)
        from . import inbound, insights

        for api in (XApi(), GraphApi(), YouTubeApi(), *insights.apis(), *inbound.apis()):
            for index, (path, methods, handler, operation) in enumerate(api.routes()):
                name = f"{api.name}.{index}.{handler.__name__}"
                rules.append(Rule(path, endpoint=name, methods=methods))
                self.endpoints[name] = Endpoint(api, handler, operation)
        self.url_map = Map(rules, converters={"graph_version": GraphVersionConverter})

    # WSGI ------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Any:
        request = Request(environ)
        response = self.dispatch(request)
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        """Route a request, apply faults around network endpoints, return the response."""
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            endpoint_name, values = adapter.match()
        except NotFound:
            return json_response({"error": "not found", "path": request.path}, 404)
        except MethodNotAllowed as exc:
            return json_response({"error": "method not allowed"}, 405,
                                 headers={"Allow": ", ".join(exc.valid_methods or [])})
        except HTTPException as exc:  # e.g. RequestRedirect for a missing slash
            return exc.get_response(request.environ)
        endpoint = self.endpoints[endpoint_name]
        if endpoint.api is None:
            return endpoint.handler(request, **values)
        return self._network_call(endpoint, request, values)

    def _network_call(self, endpoint: Endpoint, request: Request, values: dict) -> Response:
        api = endpoint.api
        network = api.network_of(self, request, values)
        keys = tuple(k for k in api.credentials(request, values) if k)
        if not keys:
            return api.missing_credentials(request, network)
        auth_fault = self.faults.auth_fault(keys, network)
        if auth_fault is not None:
            return api.auth_error(auth_fault, network)
        operation = endpoint.operation
        if callable(operation):
            operation = operation(self, request, values)
        kinds = REQUEST_KINDS | {"youtube_quota"} if network == "youtube" else REQUEST_KINDS
        fault = self.faults.take(keys, network, operation, kinds=kinds)
        if fault is not None and fault.kind in ("rate_limit", "server_error", "youtube_quota"):
            return api.fault_response(fault, network)
        if fault is not None and fault.kind == "slow":
            self.wait(float(fault.params.get("delay_s", 2)))
        call = Call(self, request, keys[0], keys, network)
        response = endpoint.handler(call, **values)
        if fault is not None and fault.kind == "timeout_after_create":
            if fault.params.get("drop"):
                self._drop_connection(request)
            else:
                self.wait(float(fault.params.get("delay_s", 30)))
        return response

    def _drop_connection(self, request: Request) -> None:
        """Close the client connection so the response never arrives."""
        sock = request.environ.get("werkzeug.socket")
        if sock is None:
            return
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

    def wait(self, seconds: float) -> None:
        """Sleep, but wake at once when the server shuts down."""
        self._stopping.wait(max(0.0, seconds))

    def stop(self) -> None:
        """Release requests that are being held back by a delay fault."""
        self._stopping.set()

    # control API -------------------------------------------------------------

    def api_health(self, request: Request) -> Response:
        """Liveness check."""
        return json_response({"ok": True})

    def api_records(self, request: Request) -> Response:
        """Created objects, oldest first, filtered by network, account and kind."""
        records = self.store.select(
            network=request.args.get("network") or None,
            account=request.args.get("account") or None,
            kind=request.args.get("kind") or None,
        )
        base_url = request.host_url
        return json_response({"data": [record.as_json(base_url) for record in records]})

    def api_reset(self, request: Request) -> Response:
        """Forget everything."""
        self.store.reset()
        self.faults.clear()
        return json_response({"ok": True})

    def api_faults(self, request: Request) -> Response:
        """List, add or clear faults."""
        if request.method == "GET":
            return json_response({"data": [f.as_json() for f in self.faults.all()]})
        if request.method == "DELETE":
            self.faults.clear(request.args.get("account") or None)
            return json_response({"ok": True})
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return json_response({"error": "JSON object expected"}, 400)
        try:
            fault = Fault.from_json(body)
        except FaultError as exc:
            return json_response({"error": str(exc)}, 400)
        self.faults.add(fault)
        return json_response({"data": fault.as_json()}, 201)

    def api_accounts(self, request: Request) -> Response:
        """List or register accounts."""
        if request.method == "POST":
            body = request.get_json(silent=True)
            if not isinstance(body, dict) or not body.get("network") or not body.get("account"):
                return json_response({"error": "network and account are required"}, 400)
            body = dict(body)
            account = self.store.register_account(body.pop("network"), body.pop("account"), **body)
            return json_response({"data": _account_json(account)}, 201)
        with self.store.lock:
            accounts = list(self.store.accounts.values())
        return json_response({"data": [_account_json(a) for a in accounts]})

    def api_metrics(self, request: Request) -> Response:
        """Set engagement numbers of a created object."""
        body = request.get_json(silent=True) or {}
        record = self.store.get(str(body.get("id", "")))
        if record is None or not isinstance(body.get("metrics"), dict):
            return json_response({"error": "unknown id or metrics missing"}, 400)
        with self.store.lock:
            record.extra.setdefault("metrics", {}).update(body["metrics"])
        return json_response({"data": record.extra["metrics"]})

    def media(self, request: Request, media_id: str) -> Response:
        """Serve media bytes the sandbox holds, with range support."""
        blob = self.store.media.get(media_id)
        if blob is None:
            return json_response({"error": "no such media"}, 404)
        response = Response(blob.data, content_type=blob.content_type)
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response.make_conditional(request, accept_ranges=True,
                                         complete_length=len(blob.data))


def _account_json(account: Any) -> dict[str, Any]:
    return {
        "network": account.network,
        "account": account.key,
        "name": account.name,
        "username": account.username,
        "attrs": account.attrs,
    }


def create_app(store: SandboxStore | None = None) -> SandboxApp:
    """Build the sandbox WSGI application (with a fresh store unless one is given)."""
    return SandboxApp(store)
