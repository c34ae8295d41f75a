"""Permission rows for the post pages: "Meine Beiträge", composer, post page and its actions."""

from datetime import timedelta

from django.utils import timezone

from tests.url_table import DEPARTMENT_MEMBERS, DRAFTERS, UrlCase


def setup_world(world):
    from newsroom.services.posts import PostData, create_post
    from tests.factories import channel, member

    for key, department in (("own", world.own), ("other", world.other)):
        facebook = channel("facebook", department, name=f"Facebook {department.name}")
        author = member("editor", department, username=f"posts-author-{key}")
        world.objects[f"post_{key}"] = create_post(
            actor=author, department=department,
            data=PostData(
                title=f"Beitrag {key}", body="Die Radwoche beginnt.",
                channel_account_ids=[facebook.pk],
                scheduled_at=timezone.now() + timedelta(days=3),
            ),
        )


def _own(world):
    return {"pk": world.objects["post_own"].pk}


def _other(world):
    return {"pk": world.objects["post_other"].pk}


def _preview_data(world):
    return {"department": world.own.pk, "title": "Test", "body": "Hallo"}


CASES = [
    UrlCase("newsroom:post_list", DRAFTERS),
    UrlCase("newsroom:post_create", DRAFTERS),
    UrlCase("newsroom:composer_preview", DRAFTERS, method="post", data=_preview_data),
    UrlCase("newsroom:post_detail", DEPARTMENT_MEMBERS, kwargs=_own, other_kwargs=_other),
    UrlCase("newsroom:post_edit", DRAFTERS, kwargs=_own, other_kwargs=_other),
    UrlCase("newsroom:post_submit", DRAFTERS, kwargs=_own, other_kwargs=_other,
            method="post", ok_status=302),
    UrlCase("newsroom:post_withdraw", DRAFTERS, kwargs=_own, other_kwargs=_other,
            method="post", ok_status=302),
    UrlCase("newsroom:post_delete", DRAFTERS, kwargs=_own, other_kwargs=_other,
            method="post", ok_status=302),
    UrlCase("newsroom:post_comment", DEPARTMENT_MEMBERS, kwargs=_own, other_kwargs=_other,
            method="post", ok_status=302, data=lambda world: {"text": "Passt so."}),
]
