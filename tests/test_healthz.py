import pytest
from django.utils import timezone

from newsroom.health import record_scheduler_tick
from newsroom.tasks import scheduler_heartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()


def test_it_reports_healthy_when_everything_is_up(client):
    scheduler_heartbeat.delay()
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "scheduler"}


def test_it_answers_503_when_the_scheduler_never_ticked(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["scheduler"]["ok"] is False


def test_it_answers_503_when_the_scheduler_is_stale(client):
    record_scheduler_tick(timezone.now() - timezone.timedelta(minutes=10))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["scheduler"]["age_s"] >= 600


def test_it_answers_503_when_the_broker_is_down(client, monkeypatch):
    from kombu import Connection

    from newsroom.celery import app

    record_scheduler_tick()
    # Nothing listens on port 1: the broker is unreachable.
    monkeypatch.setattr(app, "connection_for_write", lambda: Connection("redis://127.0.0.1:1/0"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


def test_it_answers_503_when_the_database_is_down(client, monkeypatch):
    import newsroom.health as health

    record_scheduler_tick()

    def broken_cursor():
        raise RuntimeError("database down")

    monkeypatch.setattr(health.connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False, "error": "RuntimeError"}
