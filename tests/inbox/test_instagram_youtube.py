"""Instagram and YouTube end to end from the inbox: ingest comments from the sandbox, answer
with four eyes, find the answer under the right comment, hide a comment."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from channels_publish.adapters import MediaItem
from channels_publish.adapters.instagram import InstagramAdapter
from channels_publish.adapters.youtube import YouTubeAdapter
from channels_publish.dispatch import account_config
from channels_publish.models import Delivery, DeliveryStatus
from inbox.models import Conversation, Message, ModerationRequest, ReplyStatus
from inbox.services import moderation, replies
from inbox.services.ingest import ingest_account
from newsroom.models import Post, PostStatus
from tests.adapters.conftest import (  # noqa: F401 - fixtures
    SavedState,
    image,
    media_files,
    media_server,
    publish_request,
)
from tests.factories import channel

pytestmark = pytest.mark.django_db

IG_USER = "17841400000000777"


def _account(sandbox, department, network: str):
    external_id = IG_USER if network == "instagram" else ""
    account = channel(network, department, name=f"Stadt auf {network}",
                      external_id=external_id, api_base_url=sandbox.base_url)
    account.set_credentials({"access_token": f"inbox-{network}-token"})
    account.save()
    return account


@pytest.fixture
def published(sandbox, department, image, media_files):  # noqa: F811 - fixtures
    """Publish an item of ours on Instagram or YouTube (through the publishing adapters) and
    record it as a published delivery of a post."""

    def publish(network: str):
        account = _account(sandbox, department, network)
        if network == "instagram":
            adapter, media = InstagramAdapter(poll_interval_s=0.01, max_polls=10), [image]
        else:
            adapter = YouTubeAdapter()
            media = [MediaItem(kind="video", path=media_files["clip.mp4"], public_url="",
                               mime_type="video/mp4")]
        remote_id = adapter.publish(account_config(account),
                                    publish_request("Stadtfest am Samstag", media=media),
                                    {}, SavedState()).remote_id
        post = Post.objects.create(department=department, title="Stadtfest", body="Samstag",
                                   status=PostStatus.PUBLISHED)
        Delivery.objects.create(post=post, channel_account=account, post_version=1,
                                due_at=timezone.now(), next_attempt_at=timezone.now(),
                                status=DeliveryStatus.PUBLISHED, remote_id=remote_id,
                                published_at=timezone.now())
        return account, post, remote_id

    return publish


@pytest.mark.parametrize("network", ["instagram", "youtube"])
def test_it_answers_a_comment_and_hides_another_on_the_network(
        network, sandbox, published, department, head, second_head,
        django_capture_on_commit_callbacks):
    account, post, remote_id = published(network)
    question = sandbox.add_inbound(network, "comment", "Gibt es Parkplätze am Stadtfest?",
                                   on=remote_id, author={"name": "Jonas Koch"})
    sandbox.add_inbound(network, "comment", "Am Bahnhof!", on=question["id"])
    rude = sandbox.add_inbound(network, "comment", "Billige Uhren hier kaufen!!!",
                               on=remote_id)

    report = ingest_account(account.pk)
    assert (report.created, report.error) == (3, "")
    assert ingest_account(account.pk).created == 0
    thread = Conversation.objects.get(channel_account=account, thread_key=question["id"])
    assert thread.post == post and thread.department == department
    assert thread.messages.count() == 2

    reply = replies.submit(actor=head, reply=replies.draft(
        actor=head, conversation=thread, text="Ja, am Rathaus gibt es 200 Plätze."))
    with pytest.raises(PermissionDenied):
        replies.approve(actor=head, reply=reply, expected_version=reply.version)
    with django_capture_on_commit_callbacks(execute=True):
        replies.approve(actor=second_head, reply=reply, expected_version=reply.version)
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.SENT, reply.last_error
    # We answered the thread's latest message (the neighbour's "Am Bahnhof!"); both networks
    # nest one level, so the answer sits under the citizen's question.
    assert reply.in_reply_to.text == "Am Bahnhof!"
    (record,) = sandbox.replies(network=network)
    assert record["id"] == reply.remote_id
    assert record["extra"]["parent"] == question["id"]
    assert reply.remote_id in {a["id"] for a in sandbox.inbound_item(question["id"])["answers"]}
    # Fetching again brings our answer back once, as ours.
    ingest_account(account.pk)
    assert Message.objects.filter(remote_id=reply.remote_id).count() == 1

    message = Message.objects.get(channel_account=account, remote_id=rude["id"])
    item = moderation.request(actor=head, message=message, action="hide", reason="spam")
    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve(actor=second_head, moderation=item)
    assert ModerationRequest.objects.get(pk=item.pk).status == "done"
    message.refresh_from_db()
    assert message.is_hidden
    (decision,) = sandbox.moderations(network=network)
    assert decision["extra"]["target"] == rude["id"]
    state = sandbox.inbound_item(rude["id"])
    if network == "instagram":
        assert state["hidden"] is True
    else:
        # YouTube has no "hidden": the comment is held for review, out of public view.
        assert state["moderation_status"] == "heldForReview"
