"""Run the whole newsroom in one terminal: web server, Celery worker, scheduler and sandbox.

Ctrl-C (or SIGTERM) stops all of them; if one of them dies, the others are stopped too, so a
broken demo never looks half-alive.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

STOP_GRACE_S = 10


class Command(BaseCommand):
    help = "Start web server, Celery worker, Celery beat and the networks sandbox together."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("NEWSROOM_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--sandbox-port", type=int, default=int(os.environ.get("SANDBOX_PORT", "8765"))
        )
        parser.add_argument("--concurrency", type=int, default=2)

    def handle(self, *args, **options):
        python = sys.executable
        manage = str(settings.BASE_DIR / "manage.py")
        commands = {
            "web": [python, manage, "runserver", f"{options['host']}:{options['port']}"],
            "worker": [
                python, "-m", "celery", "-A", "newsroom", "worker", "--loglevel", "INFO",
                "--concurrency", str(options["concurrency"]),
            ],
            "beat": [
                python, "-m", "celery", "-A", "newsroom", "beat", "--loglevel", "INFO",
                "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME,
            ],
            "sandbox": [
                python, manage, "runsandbox", "--host", "127.0.0.1",
                "--port", str(options["sandbox_port"]),
            ],
        }
        processes: dict[str, subprocess.Popen] = {}
        stopping = False

        def request_stop(signum, _frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        for name, command in commands.items():
            # Own process group: the terminal's Ctrl-C reaches us, and we stop the children
            # in order instead of every process racing on its own.
            processes[name] = subprocess.Popen(command, process_group=0)  # noqa: S603 - our argv
            self.stdout.write(f"[rundev] {name} gestartet (PID {processes[name].pid})")
        self.stdout.write(
            self.style.SUCCESS(
                f"[rundev] Newsroom läuft: http://{options['host']}:{options['port']}/ "
                f"· Sandbox: http://127.0.0.1:{options['sandbox_port']}/_sandbox/ "
                "· Beenden mit Strg+C"
            )
        )
        exit_code = 0
        try:
            while not stopping:
                for name, process in processes.items():
                    if process.poll() is not None:
                        self.stderr.write(
                            f"[rundev] {name} ist beendet (Code {process.returncode}); "
                            "alle anderen werden gestoppt."
                        )
                        exit_code = process.returncode or 1
                        stopping = True
                        break
                time.sleep(0.5)
        finally:
            self._stop_all(processes)
        if exit_code:
            sys.exit(exit_code)

    def _stop_all(self, processes: dict[str, subprocess.Popen]) -> None:
        # Ask each leader to stop (Celery finishes running tasks: warm shutdown), then clear
        # whatever is left in its process group, e.g. runserver's auto-reloaded child.
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + STOP_GRACE_S
        for name, process in processes.items():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            self.stdout.write(f"[rundev] {name} gestoppt.")
