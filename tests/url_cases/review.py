"""The review queue, the review page and the two decisions."""

from datetime import timedelta

from django.utils import timezone

from accounts.roles import Role
from tests.url_table import APPROVERS, DEPARTMENT_MEMBERS, UrlCase


def _post_in_review(author, department, account, title):
    from approvals import services as review
    from newsroom.services import posts

    post = posts.create_post(
        actor=author, department=department,
        data=posts.PostData(title=title, body="Zur Prüfung", channel_account_ids=[account.pk],
                            scheduled_at=timezone.now() + timedelta(days=2)),
    )
    review.submit_for_review(actor=author, post=post)
    post.refresh_from_db()
    return post


def setup_world(world) -> None:
    from tests.factories import channel, member

    own_channel = channel("facebook", world.own, name="Umweltamt auf Facebook")
    other_channel = channel("facebook", world.other, name="Verkehr auf Facebook")
    other_author = member(Role.EDITOR, world.other, username="p-other-editor")
    world.objects["review_own"] = _post_in_review(
        world.people["editor"], world.own, own_channel, "Prüfung im eigenen Amt"
    )
    world.objects["review_other"] = _post_in_review(
        other_author, world.other, other_channel, "Prüfung im anderen Amt"
    )


def _own(world):
    return {"pk": world.objects["review_own"].pk}


def _other(world):
    return {"pk": world.objects["review_other"].pk}


def _version(key):
    return lambda world: {"expected_version": world.objects[key].version}


CASES = [
    UrlCase("approvals:queue", APPROVERS),
    # Everyone who sees the department's work reads the page; only approvers get the buttons.
    UrlCase("approvals:review", DEPARTMENT_MEMBERS, kwargs=_own, other_kwargs=_other),
    UrlCase("approvals:approve", APPROVERS, kwargs=_own, other_kwargs=_other, method="post",
            ok_status=302, data=_version("review_own")),
    UrlCase("approvals:request_changes", APPROVERS, kwargs=_own, other_kwargs=_other,
            method="post", ok_status=302,
            data=lambda world: {"expected_version": world.objects["review_own"].version,
                                "comment": "Bitte die Uhrzeit ergänzen."}),
]
