"""The personal data ``pwa`` holds and how long (see ``newsroom.retention``)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from newsroom.retention import EMPLOYMENT, STAFF, RetentionRule, register_retention


def purge_push_subscriptions(cutoff: datetime) -> int:
    """Subscriptions nothing was delivered to since ``cutoff`` (or never, and made before it),
    and push receipts handled before it. A device still in use is delivered to and stays."""
    from .models import PushReceipt, PushSubscription

    stale = Q(last_success_at__lt=cutoff) | Q(last_success_at__isnull=True, created_at__lt=cutoff)
    count = PushSubscription.objects.filter(stale).delete()[0]
    count += PushReceipt.objects.filter(handled_at__lt=cutoff).delete()[0]
    return count


def erase_staff_data(user) -> int:
    """What ``pwa`` deletes when a person leaves: their devices' subscriptions, notification
    preferences and quiet hours."""
    from .models import NotificationPreference, PushSubscription, QuietHours

    count = PushSubscription.objects.filter(user=user).delete()[0]
    count += NotificationPreference.objects.filter(user=user).delete()[0]
    count += QuietHours.objects.filter(user=user).delete()[0]
    return count


def register_rules() -> None:
    """Called from ``PwaConfig.ready``."""
    from newsroom.services.privacy import register_staff_erasure

    register_staff_erasure("pwa.devices_and_preferences", erase_staff_data)
    register_retention(RetentionRule(
        key="pwa.push_subscriptions",
        label=_("Push-Abonnements der Geräte"),
        purpose=_("Benachrichtigungen der Beschäftigten auf ihre Geräte schicken."),
        personal_data=_("Person, Adresse des Push-Dienstes und Schlüssel des Geräts, Browser, "
                        "eingerichtet und zuletzt zugestellt am, Zustellvermerke"),
        default_days=180,
        purge=purge_push_subscriptions,
        legal_basis=EMPLOYMENT,
        data_subjects=STAFF,
    ))
