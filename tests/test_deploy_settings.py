"""Production mode: `check --deploy` is silent, and unsafe set-ups refuse to start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "NEWSROOM_PRODUCTION": "true",
    "SECRET_KEY": "x" * 20 + "-production-secret-for-the-deploy-check-0123456789",
    "ALLOWED_HOSTS": "newsroom.stadt.example",
    "NEWSROOM_FERNET_KEYS": "Z2VoZWltZXItc2NobHVlc3NlbC0zMi1ieXRlcy1sYW5nIQ==",
    "NEWSROOM_VAPID_PUBLIC_KEY": "BBaAxUkV9qv9MVyN5oAlc-uBzV-E-JzlhIHEveo1U6BunYnHzEhpg2y68eM8C"
                                 "nm71nRYL47zY6UiQfCOvOi5ke0",
    "NEWSROOM_VAPID_PRIVATE_KEY": "MRRawQuZm290nJ9KTlp8EU1QJh8HkDiP-GbMbJhkem4",
    "DATABASE_URL": "sqlite:////tmp/newsroom-deploy-check.sqlite3",
}


def manage(args, extra_env=None, tmp_path=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSROOM_", "DJANGO_"))}
    env.pop("DEBUG", None)
    env.pop("REDIS_URL", None)
    env.update(PRODUCTION_ENV)
    env["NEWSROOM_VAR_DIR"] = str(tmp_path)
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env, capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
    )


def test_it_passes_the_deploy_check_silently(tmp_path):
    result = manage(["check", "--deploy", "--fail-level", "WARNING"], tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "WARNING" not in result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("override", "complaint"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"DEBUG": "true"}, "DEBUG"),
        ({"NEWSROOM_FERNET_KEYS": ""}, "NEWSROOM_FERNET_KEYS"),
        ({"NEWSROOM_VAPID_PRIVATE_KEY": ""}, "NEWSROOM_VAPID_PRIVATE_KEY"),
        ({"NEWSROOM_VAPID_PUBLIC_KEY": "BAAA"}, "NEWSROOM_VAPID_PUBLIC_KEY"),
        ({"NEWSROOM_VAPID_PRIVATE_KEY": "kurz"}, "NEWSROOM_VAPID_PRIVATE_KEY"),
        ({"NEWSROOM_DEMO": "true"}, "NEWSROOM_DEMO"),
        ({"DEBUG": "vielleicht"}, "DEBUG"),
    ],
)
def test_it_refuses_unsafe_production_settings(tmp_path, override, complaint):
    result = manage(["check"], extra_env=override, tmp_path=tmp_path)
    assert result.returncode != 0
    assert complaint in result.stderr


def test_seed_demo_refuses_to_run_in_production(tmp_path):
    result = manage(["seed_demo"], tmp_path=tmp_path)
    assert result.returncode != 0
    assert "production" in result.stderr
