#!/usr/bin/env python
"""Fan-out: many approved posts on four channels due at once, sent by real Celery workers.

What it does:

1. A throwaway environment: a temporary ``NEWSROOM_VAR_DIR`` (SQLite, filesystem broker) or,
   with ``DATABASE_URL``/``REDIS_URL`` set, a throwaway PostgreSQL database (created and
   dropped here) and a queue of its own on that Redis.
2. ``--posts`` approved posts with one image each, every one for Facebook, Instagram and two X
   accounts (YouTube would need a video per post and measure uploads instead), written in
   bulk: scheduled posts and one pending delivery per channel, all due at the same moment.
3. The networks sandbox in this process, ``--workers`` real ``celery -A newsroom worker``
   processes, and the scheduler's tick here (``claim_due`` every second, ``sweep`` every 30 s,
   as beat would run them).
4. Lateness per delivery (``published_at - due_at``), deliveries per second, and whether the
   sandbox holds exactly one post per delivery.
5. The bare loop: the same HTTP requests a delivery makes (same kinds, same image, same
   processes × threads) straight against the same sandbox, no database, no Celery.

It prints one JSON line at the end. ``--quick`` runs 50 posts.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import http.server
import io
import json
import multiprocessing
import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
FB_PAGE = "104000000000077"
IG_USER = "17841400000000077"
GRAPH = "v21.0"
# The four channels: (network, name, external id, credentials).
CHANNELS = [
    ("facebook", "Stadt Facebook", FB_PAGE, {"access_token": "fb-bench"}),
    ("instagram", "Stadt Instagram", IG_USER, {"access_token": "ig-bench"}),
    ("x", "Stadt X", "", {"consumer_key": "ck", "consumer_secret": "cs",
                          "access_token": "x-stadt", "access_token_secret": "ts"}),
    ("x", "Feuerwehr X", "", {"consumer_key": "ck", "consumer_secret": "cs",
                              "access_token": "x-feuerwehr", "access_token_secret": "ts"}),
]
ALT_TEXT = "Junge Bäume im Stadtpark"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="50 posts")
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--concurrency", type=int, default=4, help="per worker process")
    parser.add_argument("--pool", default="threads", choices=("prefork", "threads", "solo"))
    parser.add_argument("--tick", type=float, default=1.0, help="seconds between claim_due")
    parser.add_argument("--timeout", type=float, default=900, help="give up after (seconds)")
    parser.add_argument("--skip-bare", action="store_true", help="skip the bare HTTP loop")
    args = parser.parse_args()
    if args.quick:
        args.posts = 50
    return args


# --- Environment ----------------------------------------------------------------------------
class _QuietFiles(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def serve_media(stack: contextlib.ExitStack, root: Path) -> str:
    """Serve the media folder over HTTP: Facebook and Instagram fetch images by URL."""
    handler = functools.partial(_QuietFiles, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stack.callback(server.server_close)
    stack.callback(server.shutdown)
    return f"http://127.0.0.1:{server.server_port}/"


def throwaway_postgres(stack: contextlib.ExitStack, url: str) -> str:
    """Create a database for this run next to the one ``url`` names; drop it at the end."""
    import psycopg

    name = f"newsroom_bench_{os.getpid()}"
    with psycopg.connect(url, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(url, dbname="postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    stack.callback(drop)
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def redis_queue_cleanup(stack: contextlib.ExitStack, redis_url: str, queue: str) -> None:
    import redis

    def delete() -> None:
        client = redis.Redis.from_url(redis_url)
        keys = [*client.scan_iter(match=f"{queue}*"), f"_kombu.binding.{queue}",
                f"_kombu.binding_permanent.{queue}"]
        client.delete(*keys)
        client.zrem("_kombu.binding_deadlines", queue)

    stack.callback(delete)


# --- Data -----------------------------------------------------------------------------------
def seed(posts: int, sandbox_url: str) -> None:
    """Posts, media and deliveries in bulk; every delivery pending and due in a year."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone
    from PIL import Image

    from accounts.models import Department
    from channels_publish.models import ChannelAccount, Delivery
    from newsroom.models import MediaAsset, Post, PostMedia, PostStatus

    department = Department.objects.create(number="57", name="Umweltamt")
    buffer = io.BytesIO()
    Image.new("RGB", (1080, 1080), (40, 120, 60)).save(buffer, "JPEG")
    image = Path(settings.MEDIA_ROOT) / "bench" / "baum.jpg"
    image.parent.mkdir(parents=True, exist_ok=True)
    image.write_bytes(buffer.getvalue())
    asset = MediaAsset.objects.create(
        department=department, kind="image", name="Baum", file="bench/baum.jpg",
        mime_type="image/jpeg", size_bytes=image.stat().st_size,
        sha256=hashlib.sha256(image.read_bytes()).hexdigest(), width=1080, height=1080,
        alt_text=ALT_TEXT, rendition_status="ready",
    )
    accounts = []
    for network, name, external_id, credentials in CHANNELS:
        account = ChannelAccount(network=network, name=name, external_id=external_id,
                                 api_base_url=sandbox_url)
        account.set_credentials(credentials)
        account.save()
        accounts.append(account)
    later = timezone.now() + timedelta(days=365)
    created = Post.objects.bulk_create(
        (Post(department=department, title=f"Meldung {n}",
              body=f"Meldung {n} der Stadt: Am Samstag pflanzen wir Bäume im Stadtpark.",
              status=PostStatus.SCHEDULED, scheduled_at=later)
         for n in range(posts)),
        batch_size=500,
    )
    PostMedia.objects.bulk_create((PostMedia(post=post, asset=asset) for post in created),
                                  batch_size=500)
    Delivery.objects.bulk_create(
        (Delivery(post=post, channel_account=account, post_version=post.version,
                  due_at=later, next_attempt_at=later)
         for post in created for account in accounts),
        batch_size=500,
    )


# --- The run with workers -------------------------------------------------------------------
def run_scheduler(deadline_s: float, tick_s: float) -> dict:
    """Make everything due now, then tick like beat until nothing is open any more."""
    from django.utils import timezone

    from channels_publish import dispatch
    from channels_publish.models import Delivery, DeliveryStatus

    open_states = (DeliveryStatus.PENDING, DeliveryStatus.QUEUED, DeliveryStatus.SENDING,
                   DeliveryStatus.OUTCOME_UNKNOWN)
    due = timezone.now()
    Delivery.objects.update(due_at=due, next_attempt_at=due)
    started = time.monotonic()
    last_sweep = started
    ticks = 0
    while True:
        tick_started = time.monotonic()
        dispatch.claim_due()
        ticks += 1
        if tick_started - last_sweep >= 30:
            dispatch.sweep()
            last_sweep = tick_started
        if not Delivery.objects.filter(status__in=open_states).exists():
            break
        if tick_started - started > deadline_s:
            print(f"fanout: gave up after {deadline_s:.0f}s", file=sys.stderr)
            break
        time.sleep(max(0.0, tick_s - (time.monotonic() - tick_started)))
    return {"due": due, "ticks": ticks, "wall_s": time.monotonic() - started}


def group_cpu_s(groups: set[int]) -> float:
    """CPU seconds (user + system) used so far by the processes of these process groups."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) in groups:  # pgrp; utime and stime follow at 11 and 12
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def measure(due, control) -> dict:
    from django.db.models import Count

    from channels_publish.models import Delivery, DeliveryStatus

    rows = list(Delivery.objects.filter(status=DeliveryStatus.PUBLISHED)
                .values_list("published_at", flat=True))
    lateness = [(published_at - due).total_seconds() for published_at in rows]
    statuses = dict(Delivery.objects.values_list("status").annotate(n=Count("id"))
                    .values_list("status", "n"))
    total = sum(statuses.values())
    span = max(lateness) if lateness else float("nan")
    records = control.records()
    sandbox_published = {
        "facebook": sum(1 for r in records if r["network"] == "facebook" and r["kind"] == "photo"),
        "instagram": sum(1 for r in records if r["kind"] == "ig_media"),
        "x": sum(1 for r in records if r["network"] == "x" and r["kind"] == "tweet"),
    }
    return {
        "p50_lateness_s": round(percentile(lateness, 0.50), 3) if lateness else None,
        "p99_lateness_s": round(percentile(lateness, 0.99), 3) if lateness else None,
        "max_lateness_s": round(span, 3) if lateness else None,
        "deliveries_per_s": round(len(lateness) / span, 2) if lateness else 0.0,
        "deliveries": total,
        "statuses": statuses,
        "sandbox_published": sandbox_published,
        "exactly_once": sum(sandbox_published.values()) == len(rows) == total,
    }


# --- The bare loop --------------------------------------------------------------------------
def _bare_requests(session, auth, base: str, kind: int, n: int, image: bytes, image_url: str):
    """One delivery's requests, as the adapters send them (see each adapter)."""
    if kind == 0:  # Facebook: the photo post, then its permalink
        created = session.post(f"{base}/{GRAPH}/{FB_PAGE}/photos", headers=auth["facebook"],
                               data={"url": image_url, "caption": f"Bare {n} Facebook",
                                     "alt_text_custom": ALT_TEXT}).json()
        session.get(f"{base}/{GRAPH}/{created.get('post_id') or created['id']}",
                    params={"fields": "permalink_url"}, headers=auth["facebook"]).json()
    elif kind == 1:  # Instagram: quota, container, its status, publish, permalink
        headers = auth["instagram"]
        session.get(f"{base}/{GRAPH}/{IG_USER}/content_publishing_limit",
                    params={"fields": "quota_usage,config"}, headers=headers).json()
        container = session.post(f"{base}/{GRAPH}/{IG_USER}/media", headers=headers,
                                 data={"image_url": image_url, "alt_text": ALT_TEXT,
                                       "caption": f"Bare {n} Instagram"}).json()["id"]
        session.get(f"{base}/{GRAPH}/{container}", params={"fields": "status_code,status"},
                    headers=headers).json()
        media = session.post(f"{base}/{GRAPH}/{IG_USER}/media_publish", headers=headers,
                             data={"creation_id": container}).json()["id"]
        session.get(f"{base}/{GRAPH}/{media}", params={"fields": "permalink"},
                    headers=headers).json()
    else:  # X: chunked upload (initialize, append, finalize), alt text, then the post
        oauth = auth["x"][kind - 2]
        upload = f"{base}/2/media/upload"
        media_id = session.post(f"{upload}/initialize", auth=oauth, json={
            "media_type": "image/jpeg", "total_bytes": len(image),
            "media_category": "tweet_image"}).json()["data"]["id"]
        session.post(f"{upload}/{media_id}/append", auth=oauth, data={"segment_index": "0"},
                     files={"media": ("blob", image, "application/octet-stream")})
        session.post(f"{upload}/{media_id}/finalize", auth=oauth).json()
        session.post(f"{base}/2/media/metadata", auth=oauth, json={
            "id": str(media_id), "metadata": {"alt_text": {"text": ALT_TEXT}}}).raise_for_status()
        response = session.post(f"{base}/2/tweets", auth=oauth, json={
            "text": f"Bare {n} X", "media": {"media_ids": [str(media_id)]}})
        response.raise_for_status()


def _bare_process(base: str, image_url: str, image_path: str, jobs: list[int],
                  threads: int, start_at: float, results) -> None:
    """One process of the bare loop: ``threads`` threads, each with a keep-alive session."""
    import requests
    from requests_oauthlib import OAuth1

    image = Path(image_path).read_bytes()
    auth = {
        "facebook": {"Authorization": "Bearer fb-bench"},
        "instagram": {"Authorization": "Bearer ig-bench"},
        "x": [OAuth1("ck", "cs", token, "ts") for token in ("x-stadt", "x-feuerwehr")],
    }
    pending = list(jobs)
    lock = threading.Lock()
    errors: list[str] = []

    def work() -> None:
        session = requests.Session()
        while True:
            with lock:
                if not pending:
                    return
                n = pending.pop()
            try:
                _bare_requests(session, auth, base, n % 4, n, image, image_url)
            except Exception as exc:
                errors.append(repr(exc))

    time.sleep(max(0.0, start_at - time.time()))
    pool = [threading.Thread(target=work) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    results.put((time.time(), len(jobs), errors[:3]))


def bare_loop(base: str, image_url: str, image_path: str, deliveries: int, processes: int,
              threads: int) -> dict:
    """The same requests, same processes × threads, nothing else; deliveries per second."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    start_at = time.time() + 3  # lets every process import before the clock starts
    jobs = [list(range(i, deliveries, processes)) for i in range(processes)]
    children = [context.Process(target=_bare_process, args=(
        base, image_url, image_path, part, threads, start_at, results)) for part in jobs]
    for child in children:
        child.start()
    finished = [results.get(timeout=900) for _ in children]
    for child in children:
        child.join()
    errors = [error for _end, _n, errs in finished for error in errs]
    elapsed = max(end for end, _n, _errs in finished) - start_at
    return {"bare_loop_per_s": round(deliveries / elapsed, 2), "bare_errors": errors}


# --- Main -----------------------------------------------------------------------------------
def main() -> int:
    args = parse_args()
    with contextlib.ExitStack() as stack:
        var_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="newsroom-bench-")))
        os.environ["NEWSROOM_VAR_DIR"] = str(var_dir)
        os.environ.pop("MEDIA_ROOT", None)
        (var_dir / "media").mkdir()
        media_url = serve_media(stack, var_dir / "media")
        os.environ["NEWSROOM_PUBLIC_MEDIA_BASE_URL"] = media_url
        database_url = os.environ.get("DATABASE_URL", "")
        if database_url.startswith(("postgres://", "postgresql://")):
            os.environ["DATABASE_URL"] = throwaway_postgres(stack, database_url)
        elif database_url:
            raise SystemExit("fanout: DATABASE_URL must be PostgreSQL (or unset for SQLite)")
        sys.path.insert(0, str(BASE_DIR))
        os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connections

        from channels_publish.sandbox import SandboxControl, running_sandbox
        from newsroom.celery import app as celery_app
        from tests.publishing.workers import WorkerPool

        stack.callback(connections.close_all)
        queue = f"bench-{uuid.uuid4().hex[:8]}"
        # Before the first message is sent: Celery caches its queues on first use.
        celery_app.conf.task_default_queue = queue
        if settings.REDIS_URL:
            redis_queue_cleanup(stack, settings.REDIS_URL, queue)

        call_command("migrate", verbosity=0, interactive=False)
        sandbox_url = stack.enter_context(running_sandbox())
        control = SandboxControl(sandbox_url)
        control.register_account("instagram", IG_USER, publishing_limit=10 * args.posts + 1000)
        seed(args.posts, sandbox_url)

        log_dir = var_dir / "logs"
        log_dir.mkdir()
        workers = WorkerPool(var_dir, log_dir)
        stack.callback(workers.kill_all)
        started = [workers.start(pool=args.pool, concurrency=args.concurrency, queues=queue,
                                 wait=False) for _ in range(args.workers)]
        for worker in started:
            worker.wait_ready()
        groups = {worker.pid for worker in started}
        cpu_before = (group_cpu_s(groups), time.process_time())
        run = run_scheduler(args.timeout, args.tick)
        cpu = (group_cpu_s(groups) - cpu_before[0], time.process_time() - cpu_before[1])
        result = measure(run["due"], control)
        workers.kill_all()

        bare = {"bare_loop_per_s": None}
        if not args.skip_bare:
            control.reset()
            control.register_account("instagram", IG_USER, publishing_limit=10 * args.posts + 1000)
            image = Path(settings.MEDIA_ROOT) / "bench" / "baum.jpg"
            bare = bare_loop(sandbox_url, media_url + "bench/baum.jpg", str(image),
                             result["deliveries"], args.workers, args.concurrency)
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        summary = {
            **{key: result[key] for key in ("p50_lateness_s", "p99_lateness_s",
                                             "max_lateness_s", "deliveries_per_s")},
            **bare,
            "ratio_to_bare_loop": (round(result["deliveries_per_s"] / bare["bare_loop_per_s"], 3)
                                   if bare["bare_loop_per_s"] else None),
            # The p99 lateness even a dispatcher as fast as the bare loop would have: the last
            # of a burst waits for everything before it.
            "p99_floor_at_bare_rate_s": (round(0.99 * result["deliveries"]
                                               / bare["bare_loop_per_s"], 2)
                                         if bare["bare_loop_per_s"] else None),
            "posts": args.posts,
            "deliveries": result["deliveries"],
            "channels": [f"{network}:{name}" for network, name, _id, _c in CHANNELS],
            "database": "postgresql" if engine == "postgresql" else "sqlite",
            "broker": "redis" if settings.REDIS_URL else "filesystem",
            "workers": args.workers,
            "concurrency": args.concurrency,
            "pool": args.pool,
            "ticks": run["ticks"],
            # Where the CPU went, per delivery: the workers, and this process (the sandbox, the
            # media server and the scheduler's ticks).
            "worker_cpu_ms_per_delivery": round(1000 * cpu[0] / result["deliveries"], 1),
            "bench_process_cpu_ms_per_delivery": round(1000 * cpu[1] / result["deliveries"], 1),
            "statuses": result["statuses"],
            "sandbox_published": result["sandbox_published"],
            "exactly_once": result["exactly_once"],
        }
    print(json.dumps(summary, ensure_ascii=False))
    return 0 if summary["exactly_once"] else 1


if __name__ == "__main__":
    sys.exit(main())
