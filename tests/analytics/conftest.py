"""A networks sandbox of our own (its store in reach, so items can be backdated) and channel
accounts of the Umweltamt on all four networks pointing at it."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from channels_publish.models import Delivery, DeliveryStatus
from channels_publish.sandbox import SandboxControl
from channels_publish.sandbox.app import create_app
from channels_publish.sandbox.server import make_sandbox_server
from channels_publish.sandbox.store import Record
from channels_publish.sandbox.youtube_api import channel_id
from newsroom.models import Post, PostStatus
from tests.factories import channel

FB_PAGE = "104000000000088"
IG_USER = "17841400000000088"
TOKENS = {"x": "x-analytics", "facebook": "fb-analytics", "instagram": "ig-analytics",
          "youtube": "yt-analytics"}


class OwnSandbox:
    def __init__(self, app, base_url: str) -> None:
        self.app = app
        self.base_url = base_url
        self.control = SandboxControl(base_url)

    @property
    def store(self):
        return self.app.store

    def x_user(self) -> str:
        return self.store.x_user_id(TOKENS["x"])

    def add_item(self, network: str, created_at: datetime) -> Record:
        """An item our account published on the network at ``created_at``."""
        store = self.store
        owner = {"x": self.x_user(), "facebook": FB_PAGE, "instagram": IG_USER,
                 "youtube": channel_id(TOKENS["youtube"])}[network]
        kind = {"x": "tweet", "facebook": "post", "instagram": "ig_media",
                "youtube": "video"}[network]
        if network == "x":
            record_id = store.new_x_id()
        elif network == "youtube":
            record_id = store.new_opaque_id()
        else:
            record_id = store.new_graph_id()
        record = Record(network=network, kind=kind, id=record_id, account=TOKENS[network],
                        owner=owner, text=f"Beitrag {record_id}", created_at=created_at)
        store.add(record)
        return record


@pytest.fixture(scope="session")
def own_sandbox_server():
    app = create_app()
    server = make_sandbox_server(app=app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield OwnSandbox(app, f"http://127.0.0.1:{server.server_port}")
    app.stop()
    server.shutdown()
    server.server_close()


@pytest.fixture
def own_sandbox(own_sandbox_server):
    own_sandbox_server.store.reset()
    own_sandbox_server.app.faults.clear()
    return own_sandbox_server


def account_on(network: str, department, sandbox: OwnSandbox, **fields):
    external_id = {"facebook": FB_PAGE, "instagram": IG_USER, "x": "", "youtube": ""}[network]
    account = channel(network, department, name=fields.pop("name", f"Umweltamt {network}"),
                      external_id=external_id, api_base_url=sandbox.base_url, **fields)
    credentials = {"access_token": TOKENS[network]}
    if network == "x":
        credentials.update(consumer_key="ck", consumer_secret="cs", access_token_secret="ts")
    account.set_credentials(credentials)
    account.save()
    return account


@pytest.fixture
def network_accounts(department, own_sandbox):
    return {network: account_on(network, department, own_sandbox)
            for network in ("x", "facebook", "instagram", "youtube")}


def published(account, remote_id: str, published_at: datetime, department=None,
              title: str = "Baumpflanzaktion") -> Delivery:
    """A published post with one delivery to ``account``."""
    post = Post.objects.create(
        department=department or account_department(account), title=title,
        body="Am Samstag pflanzen wir Bäume.", status=PostStatus.PUBLISHED,
        scheduled_at=published_at, approved_at=published_at - timedelta(hours=1),
    )
    post.channel_accounts.add(account)
    return Delivery.objects.create(
        post=post, channel_account=account, post_version=1, due_at=published_at,
        next_attempt_at=published_at, status=DeliveryStatus.PUBLISHED,
        published_at=published_at, remote_id=remote_id,
    )


def account_department(account):
    from accounts.models import Department

    return Department.objects.filter(
        group__channelaccountgroupobjectpermission__content_object=account
    ).first()


def days_ago(days: float) -> datetime:
    return timezone.now() - timedelta(days=days)
