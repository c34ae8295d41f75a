"""What every page bench needs first: Django on a throwaway SQLite database, or on the
configured one (``--configured-db``: each bench then rolls back what it wrote), with Celery
tasks run eagerly."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(configured_db: bool) -> tempfile.TemporaryDirectory | None:
    """Set Django up and migrate; returns the temporary folder to clean up, if one was made."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    workdir = None
    if not configured_db:
        workdir = tempfile.TemporaryDirectory(prefix="newsroom-bench-")
        os.environ["NEWSROOM_VAR_DIR"] = workdir.name
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir.name}/bench.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0, interactive=False)
    from newsroom.celery import app as celery_app

    celery_app.conf.task_always_eager = True
    return workdir
