"""Python client of the sandbox's control API, and how to point real clients at it.

Control::

    control = SandboxControl("http://127.0.0.1:8765")
    control.reset()
    control.inject_fault("page-token", "rate_limit", network="facebook", operation="create")
    control.records(network="x", account="x-token")

Citizens writing to us (see :mod:`channels_publish.sandbox.inbound`)::

    comment = control.add_inbound("facebook", "comment", "Wann?", on=post_remote_id)
    control.add_inbound("x", "message", "Hallo", account="x-token")
    control.add_inbound_bulk(count=10_000, network="facebook", on=[post_id, other_id])
    control.replies(network="facebook")       # what we answered
    control.moderations(network="facebook")   # what we hid or deleted
    control.inbound_item(comment["id"])       # hidden / deleted / answers

Pointing the real client libraries at the sandbox (``base_url`` as yielded by
``running_sandbox()`` or printed by ``manage.py runsandbox``):

**tweepy** hard-codes ``https://api.twitter.com``; mount an adapter on the
client's ``requests`` session that rewrites the host (the OAuth 1.0a signature is
computed for the real URL, the sandbox does not check it)::

    client = tweepy.Client(consumer_key="ck", consumer_secret="cs",
                           access_token="x-token", access_token_secret="ts")
    point_session_at_sandbox(client.session, base_url)
    client.create_tweet(text="Hallo", user_auth=True)

The same works for any ``requests.Session`` used for the v2 media upload (sign it
with ``requests_oauthlib.OAuth1``; the account key is the access token).

**google-api-python-client**: build from the bundled discovery document with
``rootUrl`` set to the sandbox; the account key is the OAuth 2 access token::

    from google.oauth2.credentials import Credentials
    from googleapiclient.discovery import build_from_document
    youtube = build_from_document(youtube_discovery(base_url),
                                  credentials=Credentials("yt-token"))

Resuming a persisted upload session: build the same ``videos().insert(...)``
request, set ``request.resumable_uri = saved_uri`` and
``request._in_error_state = True``; the next ``next_chunk()`` asks the session
for its state (``Content-Range: bytes */TOTAL``) and continues from there.

**httpx (Graph)**: use the sandbox as the Graph host, any version::

    graph = httpx.Client(base_url=f"{base_url}/v21.0")
    graph.post(f"/{page_id}/feed", data={"message": "Hallo", "access_token": token})
"""

from __future__ import annotations

import json
from typing import Any

import requests
from requests.adapters import HTTPAdapter

X_HOSTS = ("https://api.twitter.com", "https://api.x.com", "https://upload.twitter.com")
DEFAULT_TIMEOUT_S = 10


class SandboxRedirectAdapter(HTTPAdapter):
    """A ``requests`` transport adapter that sends requests for real hosts to the sandbox."""

    def __init__(self, base_url: str, hosts: tuple[str, ...] = X_HOSTS) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.hosts = hosts

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        """Rewrite the scheme and host of the request to the sandbox, then send it."""
        for host in self.hosts:
            if request.url and request.url.startswith(host):
                request.url = self.base_url + request.url[len(host):]
                break
        return super().send(request, **kwargs)


def point_session_at_sandbox(
    session: requests.Session, base_url: str, hosts: tuple[str, ...] = X_HOSTS
) -> requests.Session:
    """Route a session's requests for ``hosts`` (default: X's API hosts) to the sandbox."""
    adapter = SandboxRedirectAdapter(base_url, hosts)
    for host in hosts:
        session.mount(host, adapter)
    return session


def youtube_discovery(base_url: str) -> dict[str, Any]:
    """The bundled YouTube v3 discovery document with its root URL at the sandbox."""
    from googleapiclient.discovery_cache import get_static_doc

    document = json.loads(get_static_doc("youtube", "v3"))
    root = base_url.rstrip("/") + "/"
    document["rootUrl"] = root
    document["baseUrl"] = root + document.get("servicePath", "")
    return document


class SandboxControlError(RuntimeError):
    """The control API refused a request."""


class SandboxControl:
    """Client of the sandbox's control endpoints (``/_sandbox/api/…``)."""

    def __init__(self, base_url: str, timeout: float = DEFAULT_TIMEOUT_S) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.session.request(
            method, f"{self.base_url}/_sandbox/api/{path}", timeout=self.timeout, **kwargs
        )
        if response.status_code >= 400:
            raise SandboxControlError(f"{method} {path}: {response.status_code} {response.text}")
        return response.json()

    def url(self, path: str = "") -> str:
        """An absolute URL on the sandbox (``url("/2/tweets")``)."""
        return self.base_url + "/" + path.lstrip("/")

    def graph_url(self, version: str = "v21.0") -> str:
        """The Graph API base URL on the sandbox for a version."""
        return f"{self.base_url}/{version}"

    def health(self) -> bool:
        """Whether the sandbox answers."""
        return bool(self._call("GET", "health").get("ok"))

    def reset(self) -> None:
        """Forget all records, media, sessions, accounts and faults."""
        self._call("POST", "reset")

    def records(
        self, network: str | None = None, account: str | None = None, kind: str | None = None
    ) -> list[dict[str, Any]]:
        """Created objects, oldest first; ``account`` matches the token or the owner id."""
        params = {"network": network, "account": account, "kind": kind}
        params = {key: value for key, value in params.items() if value}
        return self._call("GET", "records", params=params)["data"]

    def inject_fault(
        self,
        account: str,
        kind: str,
        times: int = 1,
        network: str | None = None,
        operation: str | None = None,
        **params: Any,
    ) -> dict[str, Any]:
        """Inject a fault for an account; see :mod:`channels_publish.sandbox.faults`.

        ``times=0`` fires until cleared; ``expired_token`` always persists.
        """
        body = {"account": account, "kind": kind, "times": times, **params}
        if network:
            body["network"] = network
        if operation:
            body["operation"] = operation
        return self._call("POST", "faults", json=body)["data"]

    def faults(self) -> list[dict[str, Any]]:
        """The faults still registered (with how often each fired)."""
        return self._call("GET", "faults")["data"]

    def clear_faults(self, account: str | None = None) -> None:
        """Remove all faults, or those of one account."""
        params = {"account": account} if account else None
        self._call("DELETE", "faults", params=params)

    def register_account(self, network: str, account: str, **attrs: Any) -> dict[str, Any]:
        """Register an account with ``name``, ``username`` or e.g. ``publishing_limit``."""
        body = {"network": network, "account": account, **attrs}
        return self._call("POST", "accounts", json=body)["data"]

    def set_metrics(self, object_id: str, **metrics: int) -> dict[str, Any]:
        """Set engagement numbers (``like_count=3``, ``viewCount=10``) of a created object."""
        return self._call("POST", "metrics", json={"id": object_id, "metrics": metrics})["data"]

    # inbound: what citizens write, what we answer --------------------------------

    def add_inbound(
        self,
        network: str,
        kind: str = "comment",
        text: str | None = None,
        *,
        account: str = "",
        on: str = "",
        author: dict[str, str] | None = None,
        thread: str = "",
        created_at: str | None = None,
    ) -> dict[str, Any]:
        """Create one citizen item (``comment`` on ``on``: our post's or a comment's remote
        id; ``mention`` on X; ``message`` to ``account``); returns it with its ``id``,
        ``thread``, ``post_id`` and ``author`` (generated when not given)."""
        body: dict[str, Any] = {"network": network, "kind": kind}
        optional = {"text": text, "account": account, "on": on, "author": author,
                    "thread": thread, "created_at": created_at}
        body.update({key: value for key, value in optional.items() if value})
        return self._call("POST", "inbound", json=body)["data"]

    def add_inbound_bulk(
        self, items: list[dict[str, Any]] | None = None, count: int = 0, **template: Any
    ) -> list[str]:
        """Create many items at once: ``items`` as for :meth:`add_inbound` (with
        ``network``), and/or ``count`` items from ``template`` (e.g. ``network="facebook",
        on=[post ids]`` cycled) with varied German texts, authors and times one second
        apart ending now. Returns the new ids."""
        body: dict[str, Any] = {**template}
        if items:
            body["items"] = items
        if count:
            body["count"] = count
        return self._call("POST", "inbound", json=body)["data"]["ids"]

    def inbound(
        self, network: str | None = None, account: str | None = None, kind: str | None = None
    ) -> list[dict[str, Any]]:
        """Inbound items (citizens' and ours: kinds comment, mention, message, reply,
        direct_message), oldest first; ``account`` matches the key or our owner id."""
        params = {"network": network, "account": account, "kind": kind}
        params = {key: value for key, value in params.items() if value}
        return self._call("GET", "inbound", params=params)["data"]

    def inbound_item(self, item_id: str) -> dict[str, Any]:
        """One inbound item with its state (``hidden``, ``deleted``, ``moderation_status``)
        and its direct ``answers``."""
        return self._call("GET", f"inbound/{item_id}")["data"]

    def replies(self, network: str | None = None, account: str | None = None
                ) -> list[dict[str, Any]]:
        """What we sent: replies and direct messages, oldest first (store records, with
        ``extra.parent``, ``extra.thread`` and ``request``)."""
        return [
            record for record in self.records(network=network, account=account)
            if record["kind"] in ("reply", "direct_message")
        ]

    def moderations(self, network: str | None = None, account: str | None = None
                    ) -> list[dict[str, Any]]:
        """Our moderation decisions, oldest first: ``extra.action`` (``hide``, ``unhide``,
        ``delete``, ``heldForReview``, ``rejected``, ``published``) and ``extra.target``."""
        return self.records(network=network, account=account, kind="moderation")
