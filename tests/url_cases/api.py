"""The REST API: the same rules as the pages; logged out answers 401/403, not a redirect."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.roles import Role
from approvals import services as approvals
from newsroom.services import posts
from tests.factories import channel, image_asset, member
from tests.url_table import APPROVERS, DEPARTMENT_MEMBERS, DRAFTERS, UrlCase

CITY_WIDE_DRAFTER = frozenset({"duty_editor"})


def _draft(department, author, account, title: str):
    return posts.create_post(
        actor=author, department=department,
        data=posts.PostData(title=title, body="Text", channel_account_ids=[account.pk]),
    )


def setup_world(world):
    for key, department in (("own", world.own), ("other", world.other)):
        author = member(Role.EDITOR, department, username=f"p-api-author-{key}")
        account = channel("facebook", department)
        world.objects[f"api_draft_{key}"] = _draft(department, author, account, "Entwurf")
        in_review = _draft(department, author, account, "In Prüfung")
        approvals.submit_for_review(actor=author, post=in_review)
        world.objects[f"api_in_review_{key}"] = in_review
        world.objects[f"api_asset_{key}"] = image_asset(department)


def _pk(name: str):
    return lambda w: {"pk": w.objects[name].pk}


def _jpeg(w) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 20, 30)).save(buffer, "JPEG")
    return {
        "file": SimpleUploadedFile("bild.jpg", buffer.getvalue(), "image/jpeg"),
        "department": w.own.pk,
        "alt_text": "Ein Testbild",
    }


CASES = [
    UrlCase("api:post-list", DRAFTERS),
    UrlCase("api:post-list", DRAFTERS, method="post", ok_status=201,
            data=lambda w: {"department": w.own.pk, "title": "Neu"}),
    UrlCase("api:post-detail", DEPARTMENT_MEMBERS, kwargs=_pk("api_draft_own"),
            other_kwargs=_pk("api_draft_other")),
    UrlCase("api:post-detail", DRAFTERS, method="delete", ok_status=204,
            kwargs=_pk("api_draft_own"), other_kwargs=_pk("api_draft_other"),
            city_wide=CITY_WIDE_DRAFTER),
    UrlCase("api:post-submit", DRAFTERS, method="post", kwargs=_pk("api_draft_own"),
            other_kwargs=_pk("api_draft_other"), city_wide=CITY_WIDE_DRAFTER),
    UrlCase("api:post-approve", APPROVERS, method="post", kwargs=_pk("api_in_review_own"),
            other_kwargs=_pk("api_in_review_other"), city_wide=CITY_WIDE_DRAFTER),
    UrlCase("api:post-request-changes", APPROVERS, method="post",
            kwargs=_pk("api_in_review_own"), other_kwargs=_pk("api_in_review_other"),
            data=lambda w: {"comment": "Bitte kürzen."}, city_wide=CITY_WIDE_DRAFTER),
    UrlCase("api:post-withdraw", DRAFTERS, method="post", kwargs=_pk("api_draft_own"),
            other_kwargs=_pk("api_draft_other"), city_wide=CITY_WIDE_DRAFTER),
    UrlCase("api:post-comments", DEPARTMENT_MEMBERS, kwargs=_pk("api_draft_own"),
            other_kwargs=_pk("api_draft_other")),
    UrlCase("api:post-comments", DEPARTMENT_MEMBERS, method="post", ok_status=201,
            kwargs=_pk("api_draft_own"), other_kwargs=_pk("api_draft_other"),
            data=lambda w: {"text": "Sieht gut aus."}),
    UrlCase("api:review-queue", APPROVERS),
    UrlCase("api:media-list", DEPARTMENT_MEMBERS),
    UrlCase("api:media-list", DRAFTERS, method="post", ok_status=201, data=_jpeg),
    UrlCase("api:media-detail", DEPARTMENT_MEMBERS, kwargs=_pk("api_asset_own"),
            other_kwargs=_pk("api_asset_other")),
    UrlCase("api:audit-log", frozenset({"head", "duty_editor", "admin"})),
]
