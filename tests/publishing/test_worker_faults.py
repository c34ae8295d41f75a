"""Nothing lost, nothing doubled: real Celery workers killed, flushed and raced.

The scheduler (``claim_due``/``sweep``) runs in the test process; real ``celery -A newsroom
worker`` processes send. The sandbox's record of what reached the networks is the judge.
"""

import base64
import json
import threading

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from channels_publish import dispatch, tasks
from channels_publish.models import Delivery, DeliveryStatus
from newsroom.celery import app as celery_app
from newsroom.models import Post, PostStatus

from .conftest import X_TOKEN
from .workers import WorkerPool, filesystem_broker_options, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

ON_POSTGRES = django_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
# Lowered so that a test sees recovery within seconds (production: minutes).
STALE_AFTER_S = 1
# How long the sandbox holds a request we kill the worker in; far below the network timeout.
HOLD_S = 15
PUBLISH_TIMEOUT_S = 30


@pytest.fixture(scope="session")
def worker_var_dir(tmp_path_factory):
    """The workers' NEWSROOM_VAR_DIR; without Redis also their filesystem broker."""
    return tmp_path_factory.mktemp("worker-var")


@pytest.fixture
def broker(worker_var_dir):
    """Point this process's Celery at the workers' broker, empty; tasks really go out."""
    transport_options = celery_app.conf.broker_transport_options
    if django_settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(django_settings.REDIS_URL)
        # The default queue and kombu's unacked bookkeeping (what killed workers left behind).
        client.delete("celery", "unacked", "unacked_index", "unacked_mutex")
    else:
        options = filesystem_broker_options(worker_var_dir)
        for message in (worker_var_dir / "celery" / "queue").iterdir():
            message.unlink()
        celery_app.conf.broker_transport_options = options
        _forget_broker_connections()
    celery_app.conf.task_always_eager = False
    yield celery_app
    celery_app.conf.task_always_eager = True
    celery_app.conf.broker_transport_options = transport_options
    _forget_broker_connections()


def _forget_broker_connections() -> None:
    # Pooled connections and producers keep the folders they were opened with.
    celery_app.close()
    celery_app.amqp._producer_pool = None


@pytest.fixture
def workers(transactional_db, broker, worker_var_dir, tmp_path, settings):
    """A pool of real workers for this test; every one is killed at the end."""
    settings.NEWSROOM_SENDING_STALE_AFTER_S = STALE_AFTER_S
    settings.NEWSROOM_QUEUED_STALE_AFTER_S = STALE_AFTER_S
    pool = WorkerPool(worker_var_dir, tmp_path)
    try:
        yield pool
    finally:
        pool.kill_all()


def make_due(post: Post) -> None:
    """The post's deliveries are due now (the approved post was scheduled in ten minutes)."""
    now = timezone.now()
    Delivery.objects.filter(post=post).update(due_at=now, next_attempt_at=now)


def tweets(sandbox) -> list[dict]:
    return sandbox.records(network="x", kind="tweet")


def status_of(delivery_id: int) -> str:
    return Delivery.objects.values_list("status", flat=True).get(pk=delivery_id)


def wait_published(ids, pool: WorkerPool) -> None:
    def all_published():
        return set(
            Delivery.objects.filter(pk__in=ids).values_list("status", flat=True)
        ) == {DeliveryStatus.PUBLISHED}

    try:
        wait_for(all_published, timeout=PUBLISH_TIMEOUT_S, message="all deliveries published")
    except AssertionError:
        states = dict(Delivery.objects.filter(pk__in=ids).values_list("pk", "status"))
        raise AssertionError(f"Not all published: {states}\n{pool.logs()}") from None


def queued_sends(client) -> list[int]:
    """Delivery ids of the ``send_delivery`` messages waiting in Redis's default queue."""
    messages = [json.loads(raw) for raw in client.lrange("celery", 0, -1)]
    return [json.loads(base64.b64decode(m["body"]))[0][0]
            for m in messages if m["headers"]["task"] == tasks.send_delivery.name]


def recover_stuck(delivery_id: int) -> list[int]:
    """What the periodic sweep does once the delivery is stale: look up, then claim again."""
    wait_for(lambda: dispatch.sweep()["stuck"], timeout=10, message="sweep to find it stuck")
    delivery = Delivery.objects.get(pk=delivery_id)
    assert delivery.status == DeliveryStatus.OUTCOME_UNKNOWN and delivery.lookup_before_retry
    return dispatch.claim_due()


def test_it_publishes_once_when_the_worker_dies_after_the_network_call(
    approve_post, sandbox, workers
):
    post = approve_post(networks=("x",))
    make_due(post)
    # X creates the tweet, then holds the answer back; the worker is killed while it waits.
    sandbox.inject_fault(X_TOKEN, "timeout_after_create", operation="create", delay_s=HOLD_S)
    first = workers.start()
    [delivery_id] = dispatch.claim_due()
    wait_for(lambda: tweets(sandbox), timeout=PUBLISH_TIMEOUT_S, message="the tweet")
    # The standby starts while the first still waits for X; it finds the queue empty.
    second = workers.start(wait=False)
    assert status_of(delivery_id) == DeliveryStatus.SENDING
    first.kill()
    assert status_of(delivery_id) == DeliveryStatus.SENDING, "killed before the commit"

    second.wait_ready()
    assert recover_stuck(delivery_id) == [delivery_id]
    wait_published([delivery_id], workers)

    [tweet] = tweets(sandbox)
    delivery = Delivery.objects.get(pk=delivery_id)
    assert delivery.remote_id == tweet["id"]
    assert delivery.attempts == 2
    assert second.results() == ["published"]


def test_it_publishes_once_when_the_worker_dies_before_the_network_call(
    approve_post, sandbox, workers
):
    post = approve_post(networks=("x",))
    make_due(post)
    # The media upload (before the tweet) hangs; the worker is killed inside it.
    sandbox.inject_fault(X_TOKEN, "slow", operation="upload", delay_s=HOLD_S)
    first = workers.start()
    [delivery_id] = dispatch.claim_due()
    # A fault that fired its one time is gone from the list: the worker is inside the upload.
    wait_for(lambda: not sandbox.faults(), timeout=PUBLISH_TIMEOUT_S, message="the upload")
    second = workers.start(wait=False)
    first.kill()
    assert status_of(delivery_id) == DeliveryStatus.SENDING
    assert tweets(sandbox) == []

    second.wait_ready()
    assert recover_stuck(delivery_id) == [delivery_id]
    wait_published([delivery_id], workers)

    [tweet] = tweets(sandbox)
    assert Delivery.objects.get(pk=delivery_id).remote_id == tweet["id"]


@pytest.mark.skipif(not django_settings.REDIS_URL,
                    reason="needs REDIS_URL: the filesystem broker cannot be flushed like Redis")
def test_it_publishes_everything_once_after_the_broker_lost_its_queue(
    approve_post, sandbox, workers
):
    import redis

    posts = [approve_post(title=f"Aktion {n}", body=f"Aktion Nummer {n} im Stadtpark.")
             for n in (1, 2)]
    for post in posts:
        make_due(post)
    claimed = dispatch.claim_due()
    assert len(claimed) == 6
    client = redis.Redis.from_url(django_settings.REDIS_URL)
    assert sorted(queued_sends(client)) == sorted(claimed)
    client.flushdb()
    assert queued_sends(client) == []

    worker = workers.start(wait=False)  # starts while the deliveries grow stale
    requeued = wait_for(lambda: dispatch.sweep()["requeued"], timeout=10,
                        message="sweep to requeue")
    assert requeued == 6
    assert sorted(dispatch.claim_due()) == sorted(claimed)
    worker.wait_ready()
    wait_published(claimed, workers)

    assert len(tweets(sandbox)) == 2
    assert len(sandbox.records(network="facebook", kind="photo")) == 2
    assert len(sandbox.records(network="instagram", kind="ig_media")) == 2
    for post in posts:
        post.refresh_from_db()
        assert post.status == PostStatus.PUBLISHED


def test_it_publishes_once_when_two_workers_get_the_same_task(approve_post, sandbox, workers):
    post = approve_post(networks=("x",))
    make_due(post)
    # The first copy's upload takes a moment, so the second copy goes to the other worker.
    sandbox.inject_fault(X_TOKEN, "slow", operation="upload", delay_s=1)
    pair = [workers.start(wait=False), workers.start(wait=False)]
    for worker in pair:
        worker.wait_ready()
    [delivery_id] = dispatch.claim_due()
    tasks.send_delivery.delay(delivery_id)  # as a broker would redeliver it
    wait_published([delivery_id], workers)
    wait_for(lambda: sum(len(w.results()) for w in pair) == 2, timeout=PUBLISH_TIMEOUT_S,
             message="both copies to finish")

    assert sorted(r for w in pair for r in w.results()) == ["not-claimed", "published"]
    assert all(w.results() for w in pair), workers.logs()
    assert len(tweets(sandbox)) == 1
    assert Delivery.objects.get(pk=delivery_id).attempts == 1


@pytest.mark.skipif(not ON_POSTGRES,
                    reason="SQLite has no SELECT … FOR UPDATE SKIP LOCKED; its one writer at a "
                           "time serialises schedulers anyway")
def test_it_claims_each_delivery_once_when_two_schedulers_tick_at_once(
    transactional_db, department, accounts, monkeypatch
):
    now = timezone.now()
    posts = Post.objects.bulk_create(
        Post(department=department, title=f"Aktion {n}", body=f"Aktion Nummer {n}.",
             status=PostStatus.SCHEDULED, scheduled_at=now)
        for n in range(40)
    )
    Delivery.objects.bulk_create(
        Delivery(post=post, channel_account=account, post_version=post.version, due_at=now,
                 next_attempt_at=now)
        for post in posts for account in accounts.values()
    )
    expected = set(Delivery.objects.values_list("pk", flat=True))
    assert len(expected) == 120
    enqueued: list[int] = []
    lock = threading.Lock()

    def record(delivery_id):
        with lock:
            enqueued.append(delivery_id)

    monkeypatch.setattr(tasks.send_delivery, "delay", record)
    start = threading.Barrier(2)
    claimed: list[list[int]] = [[], []]
    errors: list[BaseException] = []

    def scheduler(index: int) -> None:
        try:
            start.wait(timeout=10)
            while ids := dispatch.claim_due(limit=5):
                claimed[index].extend(ids)
        except BaseException as exc:  # reported in the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert not set(claimed[0]) & set(claimed[1])
    assert set(claimed[0]) | set(claimed[1]) == expected
    assert sorted(enqueued) == sorted(expected)
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.QUEUED}
