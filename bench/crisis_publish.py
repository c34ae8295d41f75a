#!/usr/bin/env python
"""How fast a crisis message is out: from the second approval to "published" on Facebook,
Instagram, X and YouTube (the networks sandbox).

Creates a throw-away SQLite database and var/ folder, runs the sandbox and a media server in
this process, starts ONE real Celery worker process (``celery -A newsroom worker``, thread pool,
4 threads, the filesystem broker unless ``REDIS_URL`` is set) and runs the scheduler's tick
(``dispatch_due``, every 2 s as in the beat schedule) in a thread of this process. A running
crisis holds everything else; the message (one square video, which all four networks take) is
composed by a duty editor and approved by an administrator, and the clock runs from that
approval until all four deliveries are ``published``. Prints ONE JSON line.

    .venv/bin/python bench/crisis_publish.py
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICK_S = 2.0
TIMEOUT_S = 120.0


class _QuietFiles(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def _media_server(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_QuietFiles, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"


def main() -> int:
    workdir = tempfile.TemporaryDirectory(prefix="newsroom-crisis-bench-")
    var_dir = Path(workdir.name)
    media_root = var_dir / "media"
    media_root.mkdir()
    media, media_url = _media_server(media_root)
    os.environ.update({
        "NEWSROOM_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir}/bench.sqlite3",
        "MEDIA_ROOT": str(media_root),
        "NEWSROOM_PUBLIC_MEDIA_BASE_URL": media_url,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    })
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)

    from accounts.roles import Role
    from channels_publish import dispatch
    from channels_publish.models import Delivery, DeliveryStatus
    from channels_publish.sandbox import running_sandbox
    from crisis import services
    from tests.crisis import four_network_accounts, video_asset
    from tests.factories import DepartmentFactory, member
    from tests.publishing.workers import WorkerPool

    stop = threading.Event()

    def scheduler() -> None:
        # The beat's "dispatch-due-deliveries" entry, in a thread of this process.
        while not stop.is_set():
            with contextlib.suppress(Exception):
                dispatch.claim_due()
            stop.wait(TICK_S)

    pool = WorkerPool(var_dir, var_dir)
    try:
        with running_sandbox() as sandbox_url:
            comms = DepartmentFactory(number="13", name="Amt für Kommunikation")
            duty_editor = member(Role.DUTY_EDITOR, comms, username="bench-cvd")
            second = member(Role.ADMIN, comms, username="bench-admin")

            class _Sandbox:
                base_url = sandbox_url

            accounts = four_network_accounts(comms, _Sandbox)
            video = video_asset(comms)
            crisis = services.start_crisis(actor=duty_editor, reason="Unwetter über der Stadt",
                                           crisis_type="storm")
            post = services.compose_crisis_message(
                duty_editor, crisis, "Unwetterwarnung: Bitte bleiben Sie zu Hause.",
                [account.pk for account in accounts.values()], media_ids=[video.pk],
            )
            pool.start(pool="threads", concurrency=4)
            threading.Thread(target=scheduler, daemon=True).start()

            started = time.monotonic()
            services.approve_crisis_message(second, post, post.version)
            while True:
                statuses = list(Delivery.objects.filter(post=post).values_list("status",
                                                                               flat=True))
                if len(statuses) == 4 and set(statuses) == {DeliveryStatus.PUBLISHED}:
                    break
                if time.monotonic() - started > TIMEOUT_S:
                    raise SystemExit(f"Not all published after {TIMEOUT_S}s: {statuses}\n"
                                     f"{pool.logs()}")
                time.sleep(0.05)
            seconds = time.monotonic() - started
            networks = set(Delivery.objects.filter(post=post).values_list(
                "channel_account__network", flat=True))
            approved_at = post.__class__.objects.get(pk=post.pk).approved_at
            for network, queued, published in Delivery.objects.filter(post=post).values_list(
                "channel_account__network", "queued_at", "published_at"
            ):
                print(f"{network}: queued +{(queued - approved_at).total_seconds():.2f}s, "
                      f"published +{(published - approved_at).total_seconds():.2f}s",
                      file=sys.stderr)
    finally:
        stop.set()
        pool.kill_all()
        media.shutdown()
        workdir.cleanup()
    print(json.dumps({
        "seconds_to_all_published": round(seconds, 2),
        "networks": len(networks),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
