"""``/healthz``: is the database reachable, the broker reachable, the scheduler ticking?"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

_TICK_KEY = "newsroom:scheduler:last_tick"


def record_scheduler_tick(at: datetime | None = None) -> None:
    """Called by every scheduler tick; /healthz reports its age."""
    cache.set(_TICK_KEY, (at or timezone.now()).isoformat(), timeout=None)


def last_scheduler_tick() -> datetime | None:
    value = cache.get(_TICK_KEY)
    return datetime.fromisoformat(value) if value else None


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def check_broker() -> dict:
    from newsroom.celery import app

    try:
        with app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
            transport = broker.transport_cls
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "transport": str(transport)}


def check_scheduler() -> dict:
    try:
        tick = last_scheduler_tick()
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    if tick is None:
        return {"ok": False, "error": "no tick recorded yet", "last_tick": None}
    age = (timezone.now() - tick).total_seconds()
    return {
        "ok": age <= settings.NEWSROOM_SCHEDULER_STALE_AFTER.total_seconds(),
        "last_tick": tick.isoformat(),
        "age_s": round(age, 1),
    }


@never_cache
@require_GET
def healthz(request):
    checks = {
        "database": check_database(),
        "broker": check_broker(),
        "scheduler": check_scheduler(),
    }
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
