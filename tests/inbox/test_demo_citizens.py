"""The demo's living inbox: citizens write on the sandbox, ingest files it, replies reach it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from channels_publish import demo as channels_demo
from channels_publish import demo_citizens, dispatch
from channels_publish.models import ChannelAccount, Delivery, DeliveryStatus
from inbox import tasks
from inbox.demo import play_citizens
from inbox.models import Conversation, InboxCursor, ReplyStatus, SavedAnswer
from inbox.services import replies
from inbox.services.ingest import ingest_all

pytestmark = pytest.mark.django_db

ALL = len(demo_citizens.SCENES)


@pytest.fixture
def demo_world(sandbox, monkeypatch, settings, live_server, django_capture_on_commit_callbacks):
    """The demo seed with its channels on the test sandbox, the first post published there
    (Facebook and Instagram fetch its picture from the live server)."""
    monkeypatch.setattr(channels_demo, "SANDBOX_URL", sandbox.base_url)
    settings.NEWSROOM_PUBLIC_MEDIA_BASE_URL = f"{live_server.url}{settings.MEDIA_URL}"
    call_command("seed_demo", verbosity=0)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch.claim_due(now=timezone.now() + timedelta(minutes=3))
    published = Delivery.objects.filter(post__title=demo_citizens.TREES,
                                        channel_account__api_base_url=sandbox.base_url)
    assert {d.status for d in published} == {DeliveryStatus.PUBLISHED}, [
        (d.channel_account.name, d.last_error) for d in published]
    return sandbox


def test_it_seeds_rules_and_answers_but_no_made_up_conversations(db):
    call_command("seed_demo", verbosity=0)
    assert Conversation.objects.count() == 0
    assert SavedAnswer.objects.filter(title="Sperrung Rheinuferstraße").exists()


def test_it_plays_the_citizens_on_the_sandbox_and_a_reply_reaches_the_comment(
        demo_world, django_capture_on_commit_callbacks):
    sandbox = demo_world
    report = play_citizens(limit=ALL)
    # Comments on the published post, its answer thread, mentions and DMs; the museum post
    # is not published yet, so nobody comments on it.
    assert "fb-trees-1" in report.played and "fb-trees-2" in report.played
    assert "x-road-1" in report.played and "ig-fest-dm" in report.played
    assert not {"fb-museum-1", "ig-museum-1"} & set(report.played)
    # Played once: the sandbox is the record.
    assert play_citizens(limit=ALL).played == []

    ingest_all()
    trees_comment = next(r for r in sandbox.inbound(network="facebook")
                         if r["text"].startswith("Super Aktion"))
    conversation = Conversation.objects.get(thread_key=trees_comment["id"])
    assert conversation.post.title == demo_citizens.TREES
    assert conversation.department.number == "57"
    assert conversation.messages.count() == 2  # the neighbour's answer joins the thread
    road = Conversation.objects.get(preview__contains="Stau ohne Ende")
    assert road.suggested_department.number == "66"
    assert Conversation.objects.filter(kind="message").count() >= 3
    assert sum(report.created for report in ingest_all()) == 0

    community = get_user_model().objects.get(username="community")
    head = get_user_model().objects.get(username="leitung.umwelt")
    answer = SavedAnswer.objects.get(title="Baumpflanzaktion")
    reply = replies.submit(actor=community, reply=replies.draft(
        actor=community, conversation=conversation, text=answer.text))
    with django_capture_on_commit_callbacks(execute=True):
        replies.approve(actor=head, reply=reply, expected_version=reply.version)
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.SENT, reply.last_error
    (record,) = sandbox.replies(network="facebook")
    assert record["id"] == reply.remote_id and record["text"].startswith(answer.text)
    answers = sandbox.inbound_item(trees_comment["id"])["answers"]
    assert reply.remote_id in {a["id"] for a in answers}


def test_it_trickles_a_few_scenes_per_run_from_the_task(demo_world, settings):
    settings.DEMO_MODE = True
    first = tasks.demo_citizens()
    assert len(first) == demo_citizens.SCENES_PER_RUN
    second = tasks.demo_citizens()
    assert len(second) == demo_citizens.SCENES_PER_RUN and not set(first) & set(second)
    # The task fetched the accounts written to at once (eager Celery in the tests).
    assert Conversation.objects.count() == len(first) + len(second)


def test_it_does_nothing_outside_demo_mode(demo_world, settings):
    settings.DEMO_MODE = False
    assert tasks.demo_citizens() == []
    assert demo_world.inbound() == []


def test_a_restarted_sandbox_gets_the_scenes_again_and_fresh_cursors(demo_world):
    sandbox = demo_world
    play_citizens(limit=ALL)
    ingest_all()
    x_account = ChannelAccount.objects.get(name="@Stadt auf X")
    assert InboxCursor.objects.get(channel_account=x_account).cursor != {}
    sandbox.reset()  # what a restart of the in-memory sandbox looks like
    report = play_citizens(limit=ALL)
    assert x_account.pk in report.fresh_account_ids
    assert "x-road-1" in report.played
    # Comments wait: the post is gone with the old sandbox session.
    assert "fb-trees-1" not in report.played
    assert InboxCursor.objects.get(channel_account=x_account).cursor == {}


def test_it_is_quiet_when_the_sandbox_is_not_running(db, monkeypatch):
    monkeypatch.setattr(channels_demo, "SANDBOX_URL", "http://127.0.0.1:9")
    call_command("seed_demo", verbosity=0)
    assert play_citizens().played == []
