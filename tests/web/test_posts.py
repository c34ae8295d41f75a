"""The post pages through the web door: list, composer with live checks, post page, actions."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from approvals.models import Review, ReviewStatus
from newsroom.models import MediaAsset, Post, PostStatus
from newsroom.services import posts as post_services

from ..factories import channel, image_asset, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def facebook(department):
    return channel("facebook", department, name="Stadt auf Facebook")


@pytest.fixture
def instagram(department):
    return channel("instagram", department, name="stadt.instagram")


@pytest.fixture
def x_account(department):
    return channel("x", department, name="Stadt auf X")


@pytest.fixture
def image(department):
    return image_asset(department, width=120, height=120, name="Radweg")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def _tomorrow_local() -> str:
    return (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")


def _composer_data(department, **overrides) -> dict:
    data = {
        "department": department.pk,
        "title": "Radwoche 2027",
        "body": "Die Radwoche beginnt am Montag! #Radwoche",
        "link": "",
        "campaign": "Radwoche",
        "tags": "rad, umwelt",
        "scheduled_at": _tomorrow_local(),
        "action": "save",
    }
    data.update(overrides)
    return data


def _post_variants_data(post) -> dict:
    return {f"v_{variant.network}_follow": "on" for variant in post.variants.all()}


# --- Composer ---------------------------------------------------------------------------------
def test_it_composes_saves_and_submits(editor_client, editor, department, facebook, image):
    response = editor_client.get(reverse("newsroom:post_create"))
    assert response.status_code == 200
    assert "Stadt auf Facebook" in response.content.decode()
    assert "Ein Radweg im Grünen" in response.content.decode()  # alt text of the library image

    response = editor_client.post(
        reverse("newsroom:post_create"),
        _composer_data(department, channel_accounts=[facebook.pk], media=[image.pk],
                       v_facebook_follow="on"),
    )
    post = Post.objects.get()
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("newsroom:post_edit", kwargs={"pk": post.pk})
    assert post.status == PostStatus.DRAFT
    assert post.author == editor
    assert sorted(t.name for t in post.tags.all()) == ["rad", "umwelt"]
    assert [m.asset_id for m in post.post_media.all()] == [image.pk]
    assert timezone.localtime(post.scheduled_at).strftime("%Y-%m-%dT%H:%M") == _tomorrow_local()

    edit_url = reverse("newsroom:post_edit", kwargs={"pk": post.pk})
    page = editor_client.get(edit_url).content.decode()
    assert 'name="expected_version" value="1"' in page
    response = editor_client.post(edit_url, _composer_data(
        department, channel_accounts=[facebook.pk], media=[image.pk], v_facebook_follow="on",
        expected_version=1, action="submit",
    ))
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("newsroom:post_detail", kwargs={"pk": post.pk})
    post.refresh_from_db()
    assert post.status == PostStatus.IN_REVIEW
    assert Review.objects.get(post=post).status == ReviewStatus.OPEN


def test_it_keeps_a_networks_own_text(editor_client, department, facebook, x_account):
    editor_client.post(reverse("newsroom:post_create"), _composer_data(
        department, channel_accounts=[facebook.pk, x_account.pk],
        v_facebook_follow="on", v_x_text="Kurz für X: Radwoche ab Montag!",
    ))
    variants = {v.network: v for v in Post.objects.get().variants.all()}
    assert not variants["facebook"].text_customised
    assert variants["x"].text_customised
    assert variants["x"].text == "Kurz für X: Radwoche ab Montag!"


def test_it_refuses_a_time_in_the_spring_gap_with_the_german_reason(
    editor_client, department, facebook
):
    response = editor_client.post(reverse("newsroom:post_create"), _composer_data(
        department, channel_accounts=[facebook.pk], scheduled_at="2027-03-28T02:30",
        body="Nichts geht verloren",
    ))
    assert response.status_code == 200
    page = response.content.decode()
    assert "02:30 Uhr gibt es am 28.03.2027 nicht" in page
    assert 'id="id_scheduled_at_error"' in page
    assert "Nichts geht verloren" in page  # what the editor typed is still there
    assert not Post.objects.exists()


def test_it_refuses_a_time_in_the_autumn_overlap(editor_client, department, facebook):
    response = editor_client.post(reverse("newsroom:post_create"), _composer_data(
        department, channel_accounts=[facebook.pk], scheduled_at="2027-10-31T02:30",
    ))
    assert "gibt es am 31.10.2027 zweimal" in response.content.decode()
    assert not Post.objects.exists()


def test_instagram_without_image_stays_a_saved_draft_with_field_errors(
    editor_client, department, instagram
):
    response = editor_client.post(reverse("newsroom:post_create"), _composer_data(
        department, channel_accounts=[instagram.pk], v_instagram_follow="on", action="submit",
    ))
    assert response.status_code == 200
    page = response.content.decode()
    post = Post.objects.get()
    assert post.status == PostStatus.DRAFT  # saved, not submitted
    assert "Instagram braucht mindestens ein Bild oder Video." in page
    assert 'id="id_media_error"' in page
    assert 'href="#id_media"' in page  # the list of problems leads to the field
    # The form now edits the saved draft at its current version: saving again works.
    assert reverse("newsroom:post_edit", kwargs={"pk": post.pk}) in page
    assert f'name="expected_version" value="{post.version}"' in page


def test_an_image_without_alt_text_cannot_be_submitted(
    editor_client, department, facebook, image
):
    MediaAsset.objects.filter(pk=image.pk).update(alt_text="")
    response = editor_client.post(reverse("newsroom:post_create"), _composer_data(
        department, channel_accounts=[facebook.pk], media=[image.pk], v_facebook_follow="on",
        action="submit",
    ))
    page = response.content.decode()
    assert "Bild „Radweg“ hat keinen Alternativtext" in page
    assert 'id="id_media_error"' in page
    assert Post.objects.get().status == PostStatus.DRAFT


def test_a_stale_version_is_refused_and_the_form_kept(
    editor_client, editor, department, facebook
):
    post = post_services.create_post(
        actor=editor, department=department,
        data=post_services.PostData(title="Radwoche", body="Erste Fassung",
                                    channel_account_ids=[facebook.pk]),
    )
    colleague = member(Role.EDITOR, department)
    data = post_services.data_from_post(post)
    data.body = "Fassung der Kollegin"
    post_services.update_post(actor=colleague, post=post, data=data, expected_version=1)

    response = editor_client.post(
        reverse("newsroom:post_edit", kwargs={"pk": post.pk}),
        _composer_data(department, channel_accounts=[facebook.pk], v_facebook_follow="on",
                       body="Meine Änderung", expected_version=1),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "inzwischen von jemand anderem geändert" in page
    assert "Meine Änderung" in page
    post.refresh_from_db()
    assert post.body == "Fassung der Kollegin"


def test_the_department_select_offers_only_departments_where_one_may_draft(
    client, department, other_department
):
    person = member(Role.EDITOR, department)
    from accounts.services import grant_membership

    grant_membership(actor=None, user=person, department=other_department, role=Role.COMMUNITY)
    client.force_login(person)
    page = client.get(reverse("newsroom:post_create")).content.decode()
    assert department.name in page
    assert other_department.name not in page
    response = client.get(reverse("newsroom:post_create"), {"department": other_department.pk})
    assert response.status_code == 200
    assert f'name="department" value="{department.pk}"' in response.content.decode()


# --- Live preview -----------------------------------------------------------------------------
def test_the_preview_counts_x_weighted(editor_client, department, x_account):
    response = editor_client.post(reverse("newsroom:composer_preview"), {
        "department": department.pk, "title": "Link", "body": "https://example.org/radwoche",
        "channel_accounts": [x_account.pk], "v_x_follow": "on",
    })
    assert response.status_code == 200
    page = response.content.decode()
    assert "23 / 280" in page
    assert 'id="report-x"' in page and 'hx-swap-oob="true"' in page
    assert 'id="preview-x"' in page


def test_the_preview_counts_the_appended_link_and_a_networks_own_text(
    editor_client, department, x_account
):
    response = editor_client.post(reverse("newsroom:composer_preview"), {
        "department": department.pk, "title": "Link", "body": "egal",
        "link": "https://example.org", "channel_accounts": [x_account.pk],
        "v_x_text": "Hallo",  # follows no more: own text
    })
    # "Hallo" (5) + space (1) + URL (23)
    assert "29 / 280" in response.content.decode()


def test_the_preview_warns_about_instagram_without_image(editor_client, department, instagram):
    response = editor_client.post(reverse("newsroom:composer_preview"), {
        "department": department.pk, "title": "T", "body": "Text",
        "channel_accounts": [instagram.pk], "v_instagram_follow": "on",
    })
    assert "Instagram braucht mindestens ein Bild oder Video." in response.content.decode()


def test_the_preview_refuses_another_departments_library(
    client, other_editor, department
):
    client.force_login(other_editor)
    response = client.post(reverse("newsroom:composer_preview"), {"department": department.pk})
    assert response.status_code == 404


# --- "Meine Beiträge" -------------------------------------------------------------------------
def _make_posts(editor, department, accounts, count):
    for number in range(count):
        post_services.create_post(
            actor=editor, department=department,
            data=post_services.PostData(
                title=f"Beitrag {number}", body="Text",
                channel_account_ids=[a.pk for a in accounts],
                scheduled_at=timezone.now() + timedelta(days=1, hours=number),
            ),
        )


def test_the_list_shows_own_posts_with_networks_time_and_status(
    editor_client, editor, department, facebook, instagram
):
    _make_posts(editor, department, [facebook, instagram], 2)
    page = editor_client.get(reverse("newsroom:post_list")).content.decode()
    assert "Beitrag 0" in page and "Beitrag 1" in page
    assert "net-facebook" in page and "net-instagram" in page
    assert "badge-draft" in page
    assert "Umweltamt" in page


def test_the_list_filters_by_status_and_shows_the_departments_tab(
    editor_client, editor, department, facebook
):
    _make_posts(editor, department, [facebook], 1)
    colleague = member(Role.EDITOR, department)
    post_services.create_post(
        actor=colleague, department=department,
        data=post_services.PostData(title="Von der Kollegin", body="x"),
    )
    mine = editor_client.get(reverse("newsroom:post_list")).content.decode()
    assert "Von der Kollegin" not in mine
    assert "Von der Kollegin" in editor_client.get(
        reverse("newsroom:post_list"), {"status": "department"}
    ).content.decode()
    in_review = editor_client.get(reverse("newsroom:post_list"), {"status": "in_review"})
    assert "Beitrag 0" not in in_review.content.decode()


def test_the_list_costs_the_same_for_5_and_40_posts(
    editor_client, editor, department, facebook, instagram, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _make_posts(editor, department, [facebook, instagram], 5)
    with CaptureQueriesContext(connection) as few:
        assert editor_client.get(reverse("newsroom:post_list")).status_code == 200
    _make_posts(editor, department, [facebook, instagram], 35)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = editor_client.get(reverse("newsroom:post_list"))
    assert response.content.decode().count("badge-draft") == 40


# --- Post page and actions --------------------------------------------------------------------
@pytest.fixture
def draft(editor, department, facebook, image):
    return post_services.create_post(
        actor=editor, department=department,
        data=post_services.PostData(
            title="Radwoche", body="Die Radwoche beginnt am Montag!",
            channel_account_ids=[facebook.pk], media_ids=[image.pk],
            scheduled_at=timezone.now() + timedelta(days=2),
        ),
    )


def test_the_post_page_shows_previews_actions_and_history(editor_client, draft):
    page = editor_client.get(reverse("newsroom:post_detail", kwargs={"pk": draft.pk}))
    html = page.content.decode()
    assert "pv-facebook" in html
    assert reverse("newsroom:post_submit", kwargs={"pk": draft.pk}) in html
    assert reverse("newsroom:post_delete", kwargs={"pk": draft.pk}) in html
    assert "hat den Beitrag „Radwoche“ angelegt" in html


def test_a_community_manager_sees_the_post_but_no_actions(client, community, draft):
    client.force_login(community)
    html = client.get(reverse("newsroom:post_detail", kwargs={"pk": draft.pk})).content.decode()
    assert reverse("newsroom:post_edit", kwargs={"pk": draft.pk}) not in html
    assert reverse("newsroom:post_submit", kwargs={"pk": draft.pk}) not in html
    assert reverse("newsroom:post_comment", kwargs={"pk": draft.pk}) in html


def test_submit_comment_withdraw_and_the_history(editor_client, draft):
    detail = reverse("newsroom:post_detail", kwargs={"pk": draft.pk})
    response = editor_client.post(reverse("newsroom:post_submit", kwargs={"pk": draft.pk}))
    assert response.headers["Location"] == detail
    draft.refresh_from_db()
    assert draft.status == PostStatus.IN_REVIEW

    editor_client.post(reverse("newsroom:post_comment", kwargs={"pk": draft.pk}),
                       {"text": "Bitte bis Freitag prüfen."})
    html = editor_client.get(detail).content.decode()
    assert "Bitte bis Freitag prüfen." in html
    assert "zur Freigabe eingereicht" in html
    assert reverse("newsroom:post_submit", kwargs={"pk": draft.pk}) not in html

    editor_client.post(reverse("newsroom:post_withdraw", kwargs={"pk": draft.pk}))
    draft.refresh_from_db()
    assert draft.status == PostStatus.WITHDRAWN
    # A second withdrawal is a domain error: a message, not a crash.
    response = editor_client.post(reverse("newsroom:post_withdraw", kwargs={"pk": draft.pk}),
                                  follow=True)
    assert "kann nicht zurückgezogen werden" in response.content.decode()


def test_submitting_an_unready_post_from_its_page_says_why(editor_client, editor, department):
    post = post_services.create_post(
        actor=editor, department=department, data=post_services.PostData(title="Ohne Kanal"),
    )
    response = editor_client.post(reverse("newsroom:post_submit", kwargs={"pk": post.pk}),
                                  follow=True)
    assert "Bitte wählen Sie mindestens einen Kanal." in response.content.decode()
    post.refresh_from_db()
    assert post.status == PostStatus.DRAFT


def test_delete_a_draft(editor_client, draft):
    response = editor_client.post(reverse("newsroom:post_delete", kwargs={"pk": draft.pk}))
    assert response.headers["Location"] == reverse("newsroom:post_list")
    assert not Post.objects.filter(pk=draft.pk).exists()


def test_an_empty_comment_is_refused(editor_client, draft):
    response = editor_client.post(reverse("newsroom:post_comment", kwargs={"pk": draft.pk}),
                                  {"text": "  "}, follow=True)
    assert "Der Kommentar ist leer." in response.content.decode()
    assert not draft.comments.exists()


def test_editing_a_published_post_leads_to_its_page(editor_client, draft):
    Post.objects.filter(pk=draft.pk).update(status=PostStatus.PUBLISHED)
    response = editor_client.get(reverse("newsroom:post_edit", kwargs={"pk": draft.pk}))
    assert response.headers["Location"] == reverse("newsroom:post_detail", kwargs={"pk": draft.pk})
