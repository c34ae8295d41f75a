"""An approved post of the Umweltamt for Facebook, Instagram and X, all pointing at the sandbox."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from approvals import services as review
from newsroom.services import posts
from tests.factories import channel, image_asset, member

FB_PAGE = "104000000000077"
FB_TOKEN = "fb-umweltamt"
IG_USER = "17841400000000077"
IG_TOKEN = "ig-umweltamt"
X_TOKEN = "x-umweltamt"


def sandbox_account(network, department, sandbox, external_id="", **credentials):
    account = channel(network, department, name=f"Umweltamt {network}",
                      external_id=external_id, api_base_url=sandbox.base_url)
    account.set_credentials(credentials)
    account.save()
    return account


@pytest.fixture
def accounts(department, sandbox, public_media):
    return {
        "facebook": sandbox_account("facebook", department, sandbox, FB_PAGE,
                                    access_token=FB_TOKEN),
        "instagram": sandbox_account("instagram", department, sandbox, IG_USER,
                                     access_token=IG_TOKEN),
        "x": sandbox_account("x", department, sandbox, "", consumer_key="ck",
                             consumer_secret="cs", access_token=X_TOKEN,
                             access_token_secret="ts"),
    }


@pytest.fixture
def approve_post(department, accounts, settings):
    settings.NEWSROOM_INSTAGRAM_POLL_INTERVAL_S = 0
    editor = member(Role.EDITOR, department)
    head = member(Role.HEAD, department)

    def make(title="Baumpflanzaktion", body="Am Samstag pflanzen wir 100 Bäume im Stadtpark.",
             networks=("facebook", "instagram", "x"), when=None):
        asset = image_asset(department, width=1080, height=1080, name=title)
        post = posts.create_post(
            actor=editor, department=department,
            data=posts.PostData(
                title=title, body=body,
                channel_account_ids=[accounts[n].pk for n in networks],
                media_ids=[asset.pk],
                scheduled_at=when or timezone.now() + timedelta(minutes=10),
            ),
        )
        review.submit_for_review(actor=editor, post=post)
        review.approve(actor=head, post=post)
        post.refresh_from_db()
        return post

    make.editor = editor
    make.head = head
    return make
