"""Shared test set-up: eager Celery by default, real services checked when CI asks for them."""

import functools
import http.server
import os
import threading

import pytest
from django.conf import settings

from accounts.models import Department
from accounts.roles import Role
from channels_publish.sandbox import SandboxControl, running_sandbox
from newsroom.celery import app as celery_app

from .factories import DepartmentFactory, member


def pytest_sessionstart(session):
    # In CI the suite runs against real PostgreSQL and Redis; if they cannot be reached the run
    # must fail loudly instead of silently testing less.
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        import redis

        try:
            redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
        except redis.RedisError as exc:
            pytest.exit(f"REDIS_URL={redis_url} cannot be reached: {exc}", returncode=3)
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith(("postgres://", "postgresql://")):
        import psycopg

        try:
            psycopg.connect(database_url, dbname="postgres", connect_timeout=3).close()
        except psycopg.Error as exc:
            pytest.exit(f"DATABASE_URL cannot be reached: {exc}", returncode=3)
    if os.environ.get("CI") == "true" and redis_url and redis_url != settings.CELERY_BROKER_URL:
        pytest.exit("CI: Celery does not use the configured Redis broker.", returncode=3)


@pytest.fixture(autouse=True)
def _eager_celery():
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield


@pytest.fixture(autouse=True)
def _german(settings):
    settings.LANGUAGE_CODE = "de"
    from django.utils import translation

    translation.activate("de")
    yield
    translation.deactivate()


@pytest.fixture
def department(db) -> Department:
    return DepartmentFactory(number="57", name="Umweltamt")


@pytest.fixture
def other_department(db) -> Department:
    return DepartmentFactory(number="66", name="Amt für Verkehrsmanagement")


@pytest.fixture
def comms_department(db) -> Department:
    return DepartmentFactory(number="13", name="Amt für Kommunikation")


@pytest.fixture
def editor(department):
    return member(Role.EDITOR, department, username="redakteurin")


@pytest.fixture
def head(department):
    return member(Role.HEAD, department, username="amtsleitung")


@pytest.fixture
def other_editor(other_department):
    return member(Role.EDITOR, other_department, username="fremd")


@pytest.fixture
def duty_editor(comms_department):
    return member(Role.DUTY_EDITOR, comms_department, username="cvd")


@pytest.fixture
def community(department):
    return member(Role.COMMUNITY, department, username="community")


@pytest.fixture
def administrator(comms_department):
    return member(Role.ADMIN, comms_department, username="administratorin")


@pytest.fixture(scope="session")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _media_root(settings, media_root):
    # Uploaded files of tests go to a temporary folder, never into var/.
    settings.MEDIA_ROOT = str(media_root)


@pytest.fixture(scope="session")
def public_media_server(media_root):
    """Serves MEDIA_ROOT over HTTP, as the networks fetch our media by URL."""
    handler = functools.partial(_QuietFiles, directory=str(media_root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


class _QuietFiles(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def public_media(settings, public_media_server):
    settings.NEWSROOM_PUBLIC_MEDIA_BASE_URL = public_media_server
    return public_media_server


@pytest.fixture(scope="session")
def sandbox_server():
    """The running networks sandbox's base URL (one server per test session)."""
    with running_sandbox() as base_url:
        yield base_url


@pytest.fixture
def sandbox(sandbox_server):
    """A control client of the running sandbox, reset before the test."""
    control = SandboxControl(sandbox_server)
    control.reset()
    return control
