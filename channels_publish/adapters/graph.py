"""A small Graph API client on httpx, shared by the Facebook and Instagram adapters.

Why not facebook-sdk: see ``docs/decisions/0001-graph-client-on-httpx.md``. The
base URL and the Graph version come from the account (and so from settings).

Every Graph error has the body ``{"error": {"message", "type", "code",
"error_subcode", "is_transient", "fbtrace_id"}}``. :func:`parse_graph_error` is
the one parser of it and :func:`classify_graph_error` branches on ``code`` (and
``error_subcode``), never on the HTTP status, which Graph uses inconsistently.
"""

from __future__ import annotations

import functools
import json
import ssl
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.utils.translation import gettext as _

from . import clients
from .base import (
    AccountConfig,
    AdapterError,
    AuthorizationFailed,
    OutcomeUnknown,
    PermanentFailure,
    RetryLater,
)

# Throttling: application (4), user (17), page (32), API-specific (613), business use case.
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, *range(80001, 80015)})
# Token problems: 190 invalid/expired/revoked, 102 session, 104 missing token.
TOKEN_CODES = frozenset({102, 104, 190})
# Missing permissions (10, 200-299): the account must be reconnected with the right scopes.
PERMISSION_CODES = frozenset({10, *range(200, 300)})
TRANSIENT_CODES = frozenset({1, 2})
DUPLICATE_CODE = 506
POLICY_CODE = 368
IG_PUBLISH_LIMIT_CODE = 9
IG_NOT_READY_CODE = 9007
IG_CONTAINER_GONE_CODE = 24
NOT_READY_RETRY_S = 30.0
PUBLISH_LIMIT_RETRY_S = 3600.0


@dataclass(frozen=True)
class GraphError:
    """A parsed Graph API error."""

    message: str
    code: int | None
    subcode: int | None = None
    type: str = ""
    is_transient: bool = False
    fbtrace_id: str = ""
    user_title: str = ""
    user_msg: str = ""
    http_status: int | None = None
    retry_after_s: float | None = None
    raw: Any = field(default=None, compare=False)

    @property
    def label(self) -> str:
        """``code`` or ``code/subcode``, as people quote Graph errors."""
        if self.subcode:
            return f"{self.code}/{self.subcode}"
        return str(self.code)


def _retry_after(headers: httpx.Headers) -> float | None:
    """``Retry-After``, else the longest ``estimated_time_to_regain_access`` (minutes)."""
    value = headers.get("Retry-After", "").strip()
    if value.isdigit():
        return float(value)
    usage = headers.get("X-Business-Use-Case-Usage")
    if usage:
        try:
            parsed = json.loads(usage)
            minutes = [
                float(entry.get("estimated_time_to_regain_access") or 0)
                for entries in parsed.values()
                for entry in entries
            ]
        except (ValueError, AttributeError, TypeError):
            return None
        if minutes and max(minutes) > 0:
            return max(minutes) * 60
    return None


def parse_graph_error(
    status: int, body: Any, headers: httpx.Headers | None = None
) -> GraphError:
    """Parse an error response of the Graph API (whatever its HTTP status)."""
    headers = headers or httpx.Headers()
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return GraphError(
            message=str(body)[:500] if body else f"HTTP {status}",
            code=None,
            is_transient=status >= 500,
            http_status=status,
            retry_after_s=_retry_after(headers),
            raw=body,
        )

    def as_int(value: Any) -> int | None:
        try:
            return int(value)
        except (TypeError, ValueError):
            return None

    return GraphError(
        message=str(error.get("message") or ""),
        code=as_int(error.get("code")),
        subcode=as_int(error.get("error_subcode")),
        type=str(error.get("type") or ""),
        is_transient=bool(error.get("is_transient")),
        fbtrace_id=str(error.get("fbtrace_id") or ""),
        user_title=str(error.get("error_user_title") or ""),
        user_msg=str(error.get("error_user_msg") or ""),
        http_status=status,
        retry_after_s=_retry_after(headers),
        raw=body,
    )


def classify_graph_error(error: GraphError, *, network: str, creates: bool) -> AdapterError:
    """The adapter error for a Graph error, by its code.

    ``network`` is the name people read ("Facebook" or "Instagram"); ``creates``
    says whether the failed request could have published something, which turns a
    transient server error into :class:`OutcomeUnknown` instead of :class:`RetryLater`.
    """
    code = error.code
    args = {
        "network": network,
        "code": error.label,
        "message": error.user_msg or error.message,
    }
    raw, status = error.raw, error.http_status
    if code in TOKEN_CODES:
        if error.subcode == 463:
            text = _("%(network)s: Die Anmeldung des Kontos ist abgelaufen (Code %(code)s). "
                     "Bitte das Konto neu verbinden.")
        elif error.subcode in (458, 460):
            text = _("%(network)s: Die Berechtigung für Newsroom wurde widerrufen oder das "
                     "Passwort geändert (Code %(code)s). Bitte das Konto neu verbinden.")
        else:
            text = _("%(network)s hat den Zugriffsschlüssel nicht angenommen (Code %(code)s): "
                     "%(message)s. Bitte das Konto neu verbinden.")
        return AuthorizationFailed(text % args, raw=raw, http_status=status)
    if code in PERMISSION_CODES:
        return AuthorizationFailed(
            _("%(network)s verweigert die Berechtigung (Code %(code)s): %(message)s. Bitte das "
              "Konto mit den nötigen Rechten neu verbinden.") % args,
            raw=raw, http_status=status,
        )
    if code in RATE_LIMIT_CODES:
        return RetryLater(
            _("%(network)s begrenzt gerade die Zahl der Anfragen (Code %(code)s). Neuer Versuch "
              "später.") % args,
            raw=raw, http_status=status, retry_after_s=error.retry_after_s,
        )
    if code == IG_PUBLISH_LIMIT_CODE:
        return RetryLater(
            _("%(network)s: Das Konto hat die Höchstzahl an Veröffentlichungen in 24 Stunden "
              "erreicht (Code %(code)s). Neuer Versuch später.") % args,
            raw=raw, http_status=status,
            retry_after_s=error.retry_after_s or PUBLISH_LIMIT_RETRY_S,
        )
    if code == IG_NOT_READY_CODE:
        return RetryLater(
            _("%(network)s hat das Medium noch nicht fertig verarbeitet (Code %(code)s).") % args,
            raw=raw, http_status=status, retry_after_s=NOT_READY_RETRY_S,
        )
    if code == DUPLICATE_CODE:
        return PermanentFailure(
            _("%(network)s lehnt doppelte Inhalte ab (Code %(code)s): Derselbe Text wurde auf "
              "dieser Seite kürzlich schon veröffentlicht.") % args,
            raw=raw, http_status=status,
        )
    if code == 324:
        return PermanentFailure(
            _("%(network)s hat das Bild nicht abrufen können (Code %(code)s): %(message)s")
            % args, raw=raw, http_status=status,
        )
    if code == 389:
        return PermanentFailure(
            _("%(network)s hat das Video nicht abrufen können (Code %(code)s): %(message)s")
            % args, raw=raw, http_status=status,
        )
    if code == 9004:
        return PermanentFailure(
            _("%(network)s hat das Bild nicht abrufen können (Code %(code)s): %(message)s")
            % args, raw=raw, http_status=status,
        )
    if code == IG_CONTAINER_GONE_CODE:
        return PermanentFailure(
            _("%(network)s kennt den Medien-Container nicht (mehr) (Code %(code)s): "
              "%(message)s") % args,
            raw=raw, http_status=status,
        )
    if code == POLICY_CODE:
        return PermanentFailure(
            _("%(network)s hat die Veröffentlichung wegen seiner Richtlinien blockiert "
              "(Code %(code)s): %(message)s") % args,
            raw=raw, http_status=status,
        )
    if code in TRANSIENT_CODES or error.is_transient or (code is None and error.is_transient):
        if creates:
            return OutcomeUnknown(
                _("%(network)s hatte einen vorübergehenden Fehler (Code %(code)s); ob der "
                  "Beitrag angelegt wurde, ist unklar.") % args,
                raw=raw, http_status=status,
            )
        return RetryLater(
            _("%(network)s hatte einen vorübergehenden Fehler (Code %(code)s).") % args,
            raw=raw, http_status=status, retry_after_s=error.retry_after_s,
        )
    return PermanentFailure(
        _("%(network)s hat die Anfrage abgelehnt (Code %(code)s): %(message)s") % args,
        raw=raw, http_status=status,
    )


def error_code(exc: AdapterError) -> int | None:
    """The Graph ``code`` behind an adapter error raised by :class:`GraphClient`, if any."""
    return parse_graph_error(exc.http_status or 0, exc.raw).code


@functools.cache
def _tls_context() -> ssl.SSLContext:
    # One verifying context per process: building one loads the CA bundle, which took ~27 ms of
    # CPU per delivery when every GraphClient built its own.
    return httpx.create_ssl_context()


class GraphClient:
    """Calls to one Graph API version with one access token."""

    def __init__(
        self,
        base_url: str,
        version: str,
        access_token: str,
        *,
        network: str,
        timeout_s: float = 20,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.network = network
        self.shared = False
        self.http = self._http(base_url, version, access_token, timeout_s, transport)

    @staticmethod
    def _http(base_url: str, version: str, access_token: str, timeout_s: float,
              transport: httpx.BaseTransport | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {access_token}"} if access_token else {}
        return httpx.Client(
            base_url=f"{base_url.rstrip('/')}/{version}",
            headers=headers,
            timeout=timeout_s,
            transport=transport,
            verify=_tls_context(),
        )

    @classmethod
    def for_account(cls, account: AccountConfig, network: str) -> GraphClient:
        """A client for a page or Instagram account, on this thread's shared connection pool
        for the account (see :mod:`.clients`); closing it leaves the pool open."""
        token = account.credentials.get("access_token", "")
        parts = (account.base_url.rstrip("/"), account.graph_version, token, account.timeout_s)
        graph = cls.__new__(cls)
        graph.network = network
        graph.shared = True
        graph.http = clients.reuse(
            "graph", parts,
            create=lambda: cls._http(*parts),
            close=httpx.Client.close,
            usable=lambda http: not http.is_closed,
        )
        return graph

    def __enter__(self) -> GraphClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool, unless it is the thread's shared one."""
        if not self.shared:
            self.http.close()

    def get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """GET a node or edge; reads never publish anything."""
        return self._call("GET", path, params=params, creates=False)

    def post(
        self, path: str, data: dict[str, Any] | None = None, *, creates: bool = False
    ) -> dict[str, Any]:
        """POST to an edge; ``creates`` when the request may publish something."""
        return self._call("POST", path, data=data, creates=creates)

    def _call(self, method: str, path: str, *, creates: bool, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self.http.request(method, "/" + path.lstrip("/"), **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise RetryLater(
                _("%(network)s ist nicht erreichbar: %(error)s")
                % {"network": self.network, "error": exc},
                raw=repr(exc),
            ) from exc
        except httpx.TransportError as exc:
            if creates:
                raise OutcomeUnknown(
                    _("%(network)s hat nicht rechtzeitig geantwortet; ob der Beitrag angelegt "
                      "wurde, ist unklar: %(error)s") % {"network": self.network, "error": exc},
                    raw=repr(exc),
                ) from exc
            raise RetryLater(
                _("%(network)s hat nicht rechtzeitig geantwortet: %(error)s")
                % {"network": self.network, "error": exc},
                raw=repr(exc),
            ) from exc
        try:
            body = response.json()
        except ValueError:
            body = response.text
        if response.is_success and isinstance(body, dict) and "error" not in body:
            return body
        error = parse_graph_error(response.status_code, body, response.headers)
        raise classify_graph_error(error, network=self.network, creates=creates)
