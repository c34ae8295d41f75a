"""Browser sessions a person can see and end: recorded at login, touched now and then.

The session itself stays in Django's session store; ending one deletes it there, so the next
request with its cookie is anonymous at once.
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from newsroom import audit
from newsroom.errors import NotAllowed
from newsroom.middleware import client_ip

from .models import UserSession

# Touching last_seen_at on every request would turn every read into a write. When a session
# was last touched is kept in the cache, not in the session: writing the session would slide its
# expiry forward on every touch.
TOUCH_INTERVAL = timedelta(minutes=5)
_SEEN_CACHE_KEY = "accounts:session-seen:{}"

audit.register_actions(
    {
        "accounts.session.ended": gettext_lazy("%(actor)s hat eine Sitzung beendet."),
        "accounts.session.ended_others": gettext_lazy(
            "%(actor)s hat sich auf allen anderen Geräten abgemeldet (%(count)s Sitzungen)."
        ),
    }
)


def shorten_ip(address: str | None) -> str:
    """The network, not the device: IPv4 to /24, IPv6 to /48 (DSGVO data minimisation)."""
    if not address:
        return ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def _store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def record_login(request, user) -> None:
    """Remember the session that just signed in (called on ``user_logged_in``)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    if session.session_key is None:
        session.save()
    _record(request, user, timezone.now())


def _record(request, user, now) -> None:
    session = request.session
    UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "created_at": now,
            "last_seen_at": now,
            "expires_at": session.get_expiry_date(),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
            "ip_prefix": shorten_ip(client_ip(request)),
        },
    )
    cache.set(_SEEN_CACHE_KEY.format(session.session_key), True, TOUCH_INTERVAL.total_seconds())


def touch(request) -> None:
    """Move ``last_seen_at`` forward, at most once per ``TOUCH_INTERVAL`` per session."""
    session = request.session
    if not session.session_key or cache.get(_SEEN_CACHE_KEY.format(session.session_key)):
        return
    now = timezone.now()
    cache.set(_SEEN_CACHE_KEY.format(session.session_key), True, TOUCH_INTERVAL.total_seconds())
    updated = UserSession.objects.filter(session_key=session.session_key).update(
        last_seen_at=now, expires_at=session.get_expiry_date()
    )
    if not updated:
        # A session from before this was recorded, or one whose key changed (a password change
        # cycles it): record it now.
        _record(request, request.user, now)


def forget(session_key: str | None) -> None:
    """The session ended by logging out: drop its row."""
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def active_sessions(user):
    """The person's sessions that are still alive in the session store, newest first."""
    now = timezone.now()
    # The session store decides what is alive; expires_at is only an estimate (for retention).
    rows = list(UserSession.objects.filter(user=user))
    alive = _alive_keys([row.session_key for row in rows], now)
    gone = [row.pk for row in rows if row.session_key not in alive]
    if gone:
        UserSession.objects.filter(pk__in=gone).delete()
    return [row for row in rows if row.pk not in gone]


def _alive_keys(keys: list[str], now) -> set[str]:
    """Which of ``keys`` the session store still holds (one query for the database stores)."""
    if settings.SESSION_ENGINE in (
        "django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"
    ):
        from django.contrib.sessions.models import Session

        return set(
            Session.objects.filter(session_key__in=keys, expire_date__gt=now)
            .values_list("session_key", flat=True)
        )
    store = _store()
    return {key for key in keys if store().exists(key)}


def _end(keys: list[str]) -> None:
    from .signals import session_ended

    store = _store()
    rows = list(UserSession.objects.filter(session_key__in=keys).select_related("user"))
    for row in rows:
        # Like a logout, but from elsewhere: apps holding per-session access (push) let go.
        # Sent before the session data is gone, since it names what belongs to the session.
        session_ended.send(sender=UserSession, user=row.user, session_key=row.session_key)
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(session_key__in=keys).delete()


def end_session(*, actor, session: UserSession) -> None:
    """End one of the actor's own sessions (a lost laptop, a forgotten browser)."""
    if session.user_id != actor.pk:
        raise NotAllowed(_("Sie dürfen nur Ihre eigenen Sitzungen beenden."))
    with transaction.atomic():
        _end([session.session_key])
        audit.log("accounts.session.ended", actor=actor, obj=actor,
                  data={"since": session.created_at.isoformat()})


def end_other_sessions(*, actor, current_key: str | None) -> int:
    """Log the actor out everywhere except in the session making the request."""
    keys = list(
        UserSession.objects.filter(user=actor)
        .exclude(session_key=current_key or "")
        .values_list("session_key", flat=True)
    )
    with transaction.atomic():
        _end(keys)
        audit.log("accounts.session.ended_others", actor=actor, obj=actor,
                  data={"count": len(keys)})
    return len(keys)


def end_all_sessions(user) -> int:
    """Every session of ``user`` ends (deactivation); part of the caller's transaction."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    _end(keys)
    return len(keys)
