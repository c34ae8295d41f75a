"""Push subscriptions, notification preferences and sending push messages.

Every change goes through one function here; the views, the JSON API, the admin and the task
call the same functions.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import time
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from accounts import permissions
from newsroom import audit
from newsroom.errors import DomainError
from newsroom.models import Notification, NotificationKind

from .models import NotificationPreference, PushReceipt, PushSubscription, QuietHours

logger = logging.getLogger(__name__)

audit.register_actions({
    "pwa.subscription.created": gettext_lazy(
        "%(actor)s hat Push-Benachrichtigungen auf einem Gerät eingeschaltet (%(browser)s)."
    ),
    "pwa.subscription.removed": gettext_lazy(
        "Push-Benachrichtigungen auf einem Gerät von %(object)s wurden entfernt (%(reason)s)."
    ),
    "pwa.preferences.changed": gettext_lazy(
        "%(actor)s hat die Benachrichtigungseinstellungen geändert."
    ),
})

# Kinds that reach people even in their quiet hours.
IGNORES_QUIET_HOURS = frozenset({NotificationKind.CRISIS})
# Kinds offered on the settings page, in this order.
CONFIGURABLE_KINDS = list(NotificationKind)
PUSH_TTL_S = 60 * 60 * 12


# A random token in the login session's data names the subscriptions made in it. Unlike the
# session key it survives the key changes of a login (password change, second factor).
SESSION_TOKEN = "pwa_push_device"


def session_token(session) -> str:
    """This login session's token (made on first use)."""
    token = session.get(SESSION_TOKEN)
    if not token:
        token = secrets.token_urlsafe(24)
        session[SESSION_TOKEN] = token
    return token


def session_hash(token: str | None) -> str:
    """A digest of the session's token: enough to find its subscriptions, not to reuse it."""
    if not token:
        return ""
    return hashlib.sha256(f"newsroom-push:{token}".encode()).hexdigest()


# --- Subscriptions --------------------------------------------------------------------------
def _check_endpoint(endpoint: str) -> str:
    endpoint = (endpoint or "").strip()
    parts = urlsplit(endpoint)
    secure = parts.scheme == "https" or (
        parts.scheme == "http" and (settings.DEBUG or settings.TESTING)
    )
    if not secure or not parts.netloc or len(endpoint) > 1000:
        raise DomainError(_("Die Adresse des Push-Dienstes ist ungültig."), field="endpoint")
    return endpoint


def subscribe(*, actor, endpoint: str, p256dh: str, auth: str, user_agent: str = "",
              session_token: str | None = None) -> PushSubscription:
    """Let this device receive the person's push messages (again).

    A browser has one subscription per site: if another person subscribed it before, it now
    belongs to ``actor``.
    """
    permissions.require(actor, "pwa.subscribe")
    endpoint = _check_endpoint(endpoint)
    if not p256dh or not auth or len(p256dh) > 200 or len(auth) > 100:
        raise DomainError(_("Dem Abonnement fehlen die Schlüssel des Browsers."), field="keys")
    with transaction.atomic():
        previous_owner = (
            PushSubscription.objects.select_for_update().filter(endpoint=endpoint)
            .values_list("user_id", flat=True).first()
        )
        subscription, _created = PushSubscription.objects.update_or_create(
            endpoint=endpoint,
            defaults={
                "user": actor, "p256dh": p256dh, "auth": auth, "user_agent": user_agent[:300],
                "session_hash": session_hash(session_token),
            },
        )
        if previous_owner != actor.pk:
            audit.log("pwa.subscription.created", actor=actor, obj=actor,
                      data={"browser": user_agent[:120]})
    return subscription


def unsubscribe(*, actor, endpoint: str) -> bool:
    """Stop push messages to this device; answers whether there was one of the person's."""
    permissions.require(actor, "pwa.subscribe")
    return _remove(PushSubscription.objects.filter(user=actor, endpoint=endpoint), actor,
                   reason="abbestellt") > 0


def remove_for_logout(user, session) -> int:
    """Logging out removes the subscriptions made in that login session."""
    digest = session_hash(session.get(SESSION_TOKEN) if session is not None else None)
    if user is None or not digest:
        return 0
    return _remove(PushSubscription.objects.filter(user=user, session_hash=digest), user,
                   reason="abgemeldet")


def remove_for_sessions(session_keys, *, actor=None) -> int:
    """Sessions ended from elsewhere (e.g. "log out everywhere else") take their devices' push
    subscriptions with them, as a logout on the device itself would.

    Call it before the sessions are deleted: their data names the subscriptions.
    """
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore
    digests = [
        session_hash(store(session_key=key).get(SESSION_TOKEN)) for key in session_keys if key
    ]
    digests = [digest for digest in digests if digest]
    if not digests:
        return 0
    return _remove(PushSubscription.objects.filter(session_hash__in=digests), actor,
                   reason="Sitzung beendet")


def remove_all_of(user, *, reason: str, actor=None) -> int:
    """A deactivated person keeps no device that receives the newsroom's messages."""
    return _remove(PushSubscription.objects.filter(user=user), actor, reason=reason, owner=user)


def remove_by_admin(*, actor, subscriptions: list[int]) -> int:
    """An administrator removes devices (e.g. a lost phone) in the Django admin."""
    permissions.require(actor, "admin.access")
    return _remove(PushSubscription.objects.filter(pk__in=subscriptions), actor,
                   reason="von der Verwaltung entfernt")


def _remove(queryset, actor, *, reason: str, owner=None) -> int:
    with transaction.atomic():
        removed = 0
        for subscription in queryset.select_related("user"):
            deleted, _per_model = PushSubscription.objects.filter(pk=subscription.pk).delete()
            if deleted:
                removed += 1
                audit.log("pwa.subscription.removed", actor=actor, obj=owner or subscription.user,
                          data={"reason": reason})
    return removed


# --- Preferences ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Channels:
    push: bool = True
    email: bool = True


def channels_for(user, kind: str) -> Channels:
    row = NotificationPreference.objects.filter(user=user, kind=kind).only("push", "email").first()
    return Channels() if row is None else Channels(push=row.push, email=row.email)


def preferences_of(user) -> dict[str, Channels]:
    """Every configurable kind with the person's choice (both on unless switched off)."""
    rows = {
        row.kind: Channels(push=row.push, email=row.email)
        for row in NotificationPreference.objects.filter(user=user)
    }
    return {kind.value: rows.get(kind.value, Channels()) for kind in CONFIGURABLE_KINDS}


def save_preferences(*, actor, choices: dict[str, Channels], quiet_from: time | None,
                     quiet_until: time | None) -> None:
    """Store which kinds arrive by push and by email, and the quiet hours (or none)."""
    permissions.require(actor, "pwa.subscribe")
    if (quiet_from is None) != (quiet_until is None):
        raise DomainError(_("Bitte geben Sie Beginn und Ende der Ruhezeit an – oder keines "
                            "von beiden."), field="quiet_from")
    if quiet_from is not None and quiet_from == quiet_until:
        raise DomainError(_("Beginn und Ende der Ruhezeit dürfen nicht gleich sein."),
                          field="quiet_until")
    unknown = set(choices) - set(NotificationKind.values)
    if unknown:
        raise DomainError(_("Unbekannte Art von Benachrichtigung."))
    with transaction.atomic():
        for kind, wanted in choices.items():
            NotificationPreference.objects.update_or_create(
                user=actor, kind=kind, defaults={"push": wanted.push, "email": wanted.email}
            )
        if quiet_from is None:
            QuietHours.objects.filter(user=actor).delete()
        else:
            QuietHours.objects.update_or_create(
                user=actor, defaults={"starts": quiet_from, "ends": quiet_until}
            )
        audit.log("pwa.preferences.changed", actor=actor, obj=actor, data={
            "push_off": sorted(kind for kind, wanted in choices.items() if not wanted.push),
            "email_off": sorted(kind for kind, wanted in choices.items() if not wanted.email),
            "quiet_hours": f"{quiet_from:%H:%M}–{quiet_until:%H:%M}" if quiet_from else "",
        })


def wants_email(notification: Notification) -> bool:
    """Whether the recipient wants this notification mailed (used by the email task)."""
    return channels_for(notification.recipient_id, notification.kind).email


def is_quiet(user, kind: str, moment=None) -> bool:
    if kind in IGNORES_QUIET_HOURS:
        return False
    quiet = QuietHours.objects.filter(user=user).first()
    return quiet is not None and quiet.covers(moment or timezone.now())


# --- Sending --------------------------------------------------------------------------------
def payload_of(notification: Notification) -> dict:
    """What the push message says: what kind of thing, a title at most, and where it leads.

    A lock screen is public, so neither the text of a post nor the notification's message
    (which may quote a comment or a citizen) is sent; a post appears by its title only.
    """
    with override(settings.LANGUAGE_CODE):
        title = str(notification.get_kind_display())
    body = ""
    post = notification.post
    if post is not None:
        body = post.title
    return {
        "title": title,
        "body": body,
        "url": notification.target_url,
        "tag": f"newsroom-{notification.pk}",
    }


class PushGone(Exception):
    """The push service no longer knows the subscription (404/410)."""


def _send(subscription: PushSubscription, data: dict, *, urgent: bool = False) -> None:
    from pywebpush import WebPushException, webpush

    try:
        webpush(
            subscription_info=subscription.subscription_info(),
            data=json.dumps(data, ensure_ascii=False),
            vapid_private_key=settings.NEWSROOM_VAPID_PRIVATE_KEY,
            vapid_claims={"sub": settings.NEWSROOM_VAPID_SUBJECT},
            ttl=PUSH_TTL_S,
            timeout=settings.NEWSROOM_PUSH_TIMEOUT_S,
            # RFC 8030: a crisis alert may wake a sleeping phone; the rest may wait a little.
            headers={"Urgency": "high" if urgent else "normal"},
        )
    except WebPushException as exc:
        status = getattr(exc.response, "status_code", None)
        if status in (404, 410):
            raise PushGone from exc
        raise


def push_notification(notification_id: int) -> str:
    """Send one notification to every device of its recipient, at most once.

    Answers what happened: ``sent``, ``no-device``, ``switched-off``, ``quiet``, ``done``
    (handled before) or ``gone`` (the notification no longer exists).
    """
    notification = (
        Notification.objects.select_related("recipient", "post")
        .filter(pk=notification_id).first()
    )
    if notification is None:
        return "gone"
    try:
        with transaction.atomic():
            receipt = PushReceipt.objects.create(notification=notification)
    except IntegrityError:
        return "done"
    user = notification.recipient
    if not user.is_active:
        outcome = "inactive"
    elif not channels_for(user, notification.kind).push:
        outcome = "switched-off"
    elif is_quiet(user, notification.kind):
        outcome = "quiet"
    else:
        subscriptions = list(PushSubscription.objects.filter(user=user))
        outcome = "sent" if subscriptions else "no-device"
        data = payload_of(notification)
        for subscription in subscriptions:
            try:
                _send(subscription, data,
                      urgent=notification.kind in IGNORES_QUIET_HOURS)
            except PushGone:
                _remove(PushSubscription.objects.filter(pk=subscription.pk), None,
                        reason="vom Push-Dienst abgemeldet", owner=user)
                continue
            except Exception:
                # One broken device must not keep the others from hearing about it.
                logger.warning("Push to subscription %s failed", subscription.pk, exc_info=True)
                continue
            receipt.delivered += 1
            PushSubscription.objects.filter(pk=subscription.pk).update(
                last_success_at=timezone.now()
            )
    receipt.outcome = outcome
    receipt.save(update_fields=["outcome", "delivered"])
    return outcome
