"""Helpers of the crisis tests: sandbox accounts, many due deliveries at once, the scheduler."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from channels_publish import dispatch
from channels_publish.models import Delivery
from newsroom.models import MediaAsset, Post, PostStatus
from tests.factories import channel

# A tiny valid-looking MP4: the sandbox does not decode media.
MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40


def sandbox_account(network: str, department, sandbox, external_id: str = "", name: str = "",
                    **credentials):
    account = channel(network, department, name=name or f"{department.name} {network}",
                      external_id=external_id, api_base_url=sandbox.base_url)
    account.set_credentials(credentials)
    account.save()
    return account


def x_account(department, sandbox, token: str):
    return sandbox_account("x", department, sandbox, "", consumer_key="ck",
                           consumer_secret="cs", access_token=token, access_token_secret="ts")


def four_network_accounts(department, sandbox) -> dict:
    """Facebook, Instagram, X and YouTube of the city, all pointing at the sandbox."""
    return {
        "facebook": sandbox_account("facebook", department, sandbox, "104000000000013",
                                    name="Stadt auf Facebook", access_token="fb-stadt"),
        "instagram": sandbox_account("instagram", department, sandbox, "17841400000000013",
                                     name="stadt.instagram", access_token="ig-stadt"),
        "x": sandbox_account("x", department, sandbox, "", name="Stadt auf X",
                             consumer_key="ck", consumer_secret="cs", access_token="x-stadt",
                             access_token_secret="ts"),
        "youtube": sandbox_account("youtube", department, sandbox, "", name="Stadt auf YouTube",
                                   access_token="yt-stadt"),
    }


def video_asset(department, *, name: str = "Lagebild") -> MediaAsset:
    """A short square video in the department's library (what all four networks accept)."""
    asset = MediaAsset(
        department=department, kind="video", name=name, mime_type="video/mp4",
        size_bytes=len(MP4), sha256=f"{name}-video", width=1080, height=1080, duration_s=10.0,
        alt_text="Lagebild der Feuerwehr",
    )
    asset.file.save(f"{name}.mp4", ContentFile(MP4), save=False)
    asset.save()
    return asset


def bulk_due_posts(department, account, count: int, *, prefix: str, due=None) -> list[Post]:
    """``count`` approved posts of ``department`` with one due delivery each, created in bulk."""
    due = due or timezone.now() - timedelta(minutes=1)
    posts = Post.objects.bulk_create(
        Post(department=department, title=f"{prefix} {n}", body=f"{prefix} Meldung Nr. {n}",
             status=PostStatus.SCHEDULED, scheduled_at=due, approved_at=timezone.now())
        for n in range(count)
    )
    Post.channel_accounts.through.objects.bulk_create(
        Post.channel_accounts.through(post_id=post.pk, channelaccount_id=account.pk)
        for post in posts
    )
    Delivery.objects.bulk_create(
        Delivery(post=post, channel_account=account, post_version=1, due_at=due,
                 next_attempt_at=due)
        for post in posts
    )
    return posts


def run_scheduler(at=None, rounds: int = 1) -> list[str]:
    """Scheduler ticks at ``at``, each followed by the worker sending what it was given."""
    outcomes = []
    for _ in range(rounds):
        for delivery_id in dispatch.claim_due(now=at or timezone.now() + timedelta(seconds=1)):
            outcomes.append(dispatch.send(delivery_id))
    return outcomes


def run_until_idle(at=None, max_rounds: int = 20) -> list[str]:
    outcomes: list[str] = []
    for _ in range(max_rounds):
        round_outcomes = run_scheduler(at=at)
        if not round_outcomes:
            break
        outcomes.extend(round_outcomes)
    return outcomes


def tweets(sandbox) -> list[dict]:
    return [r for r in sandbox.records(network="x") if r["kind"] == "tweet"]
