"""Real Celery worker processes for tests: started against the test database, always killed.

A test asks the ``workers`` fixture (see ``test_worker_faults.py``) for a
:class:`WorkerPool`; ``pool.start()`` runs ``celery -A newsroom worker`` in its own process
group with the environment of the test run (test database, broker, media, keys), waits until
the worker logs that it is ready (bounded), and the pool kills every worker it started when the
test ends, whatever happened.

Broker isolation: on Redis the workers use the ``REDIS_URL`` of the test run (its default queue
is emptied first); without Redis every test session gets its own kombu filesystem folder, so a
development worker polling ``var/celery`` never sees a test's tasks.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
READY_TIMEOUT_S = 45
# "Task channels_publish.tasks.send_delivery[<id>] succeeded in 0.1s: 'published'"
_RESULT = re.compile(r"Task channels_publish\.tasks\.send_delivery\[[^\]]+\] succeeded in "
                     r"[\d.e-]+s: '([\w-]+)'")


def database_url() -> str:
    """The URL of the database the test run uses right now (the test database)."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


def filesystem_broker_options(var_dir: Path) -> dict:
    """kombu filesystem transport options under ``var_dir``, as settings.py derives them."""
    folders = {name: var_dir / "celery" / name for name in ("queue", "processed", "control")}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folders["queue"]),
        "data_folder_out": str(folders["queue"]),
        "processed_folder": str(folders["processed"]),
        "control_folder": str(folders["control"]),
        "store_processed": False,
    }


def worker_environment(var_dir: Path, **overrides: object) -> dict[str, str]:
    """What a worker needs to work on the test run's data (keys, database, broker, media)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DATABASE_URL": database_url(),
        "NEWSROOM_VAR_DIR": str(var_dir),
        # The test process derived its keys from its own var/; the worker must decrypt the same.
        "SECRET_KEY": settings.SECRET_KEY,
        "NEWSROOM_FERNET_KEYS": ",".join(settings.NEWSROOM_FERNET_KEYS),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "NEWSROOM_PUBLIC_MEDIA_BASE_URL": settings.NEWSROOM_PUBLIC_MEDIA_BASE_URL,
        "NEWSROOM_NETWORK_TIMEOUT_S": str(settings.NEWSROOM_NETWORK_TIMEOUT_S),
        "NEWSROOM_SENDING_STALE_AFTER_S": str(settings.NEWSROOM_SENDING_STALE_AFTER_S),
        "NEWSROOM_QUEUED_STALE_AFTER_S": str(settings.NEWSROOM_QUEUED_STALE_AFTER_S),
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    })
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
    else:
        env.pop("REDIS_URL", None)
    env.update({key: str(value) for key, value in overrides.items()})
    return env


class Worker:
    """One ``celery worker`` process (its own process group) and its log file."""

    def __init__(self, name: str, process: subprocess.Popen, log_path: Path) -> None:
        self.name = name
        self.process = process
        self.log_path = log_path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_ready(self, timeout: float = READY_TIMEOUT_S) -> Worker:
        """Block until the worker logs "<name>@<host> ready."; fail with its log otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(rf"{re.escape(self.name)}@\S+ ready\.", self.log()):
                return self
            if not self.alive():
                raise RuntimeError(f"Worker {self.name} exited early:\n{self.log()[-3000:]}")
            time.sleep(0.1)
        raise TimeoutError(f"Worker {self.name} not ready after {timeout}s:\n{self.log()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL the worker and anything it forked; no shutdown handlers run."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def results(self) -> list[str]:
        """Return values of the ``send_delivery`` tasks this worker finished."""
        return _RESULT.findall(self.log())


class WorkerPool:
    """Starts workers for one test and kills them all at the end."""

    def __init__(self, var_dir: Path, log_dir: Path) -> None:
        self.var_dir = var_dir
        self.log_dir = log_dir
        self.workers: list[Worker] = []

    def start(self, *, pool: str = "solo", concurrency: int = 1, queues: str = "",
              wait: bool = True, **env: object) -> Worker:
        """Start a worker; ``env`` overrides settings read from the environment."""
        name = f"w{len(self.workers) + 1}-{uuid.uuid4().hex[:6]}"
        log_path = self.log_dir / f"{name}.log"
        command = [
            sys.executable, "-m", "celery", "-A", "newsroom", "worker", "--loglevel", "INFO",
            "--hostname", f"{name}@%h", "--pool", pool, "--concurrency", str(concurrency),
            # Nothing to learn from other workers; starts faster and keeps the log short.
            "--without-mingle", "--without-gossip", "--without-heartbeat",
        ]
        if queues:
            command += ["--queues", queues]
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                command, cwd=BASE_DIR, env=worker_environment(self.var_dir, **env),
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        worker = Worker(name, process, log_path)
        self.workers.append(worker)
        return worker.wait_ready() if wait else worker

    def kill_all(self) -> None:
        for worker in self.workers:
            worker.kill()

    def logs(self) -> str:
        """Every worker's log tail, for assertion messages."""
        return "\n".join(f"--- {w.name} ---\n{w.log()[-2500:]}" for w in self.workers)


def wait_for(condition, *, timeout: float, interval: float = 0.1, message: str = ""):
    """Poll ``condition()`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout}s waiting for {message or condition}")
        time.sleep(interval)
