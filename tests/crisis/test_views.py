"""The crisis pages: the banner everywhere, starting and ending by form, the held list."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from channels_publish.models import Delivery, DeliveryStatus
from crisis import services
from crisis.models import Crisis, CrisisStatus
from newsroom.models import PostStatus
from tests.factories import channel

from . import bulk_due_posts

pytestmark = pytest.mark.django_db


def test_the_banner_shows_on_every_page_for_everyone_while_a_crisis_runs(
    client, duty_editor, editor
):
    assert 'id="crisis-banner"' not in client.get(reverse("accounts:login")).content.decode()
    crisis = services.start_crisis(actor=duty_editor, reason="Großbrand im Hafen",
                                   crisis_type="fire")
    detail = reverse("crisis:detail", kwargs={"pk": crisis.pk})
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'role="alert"' in page and "Großbrand im Hafen" in page and detail in page
    client.force_login(editor)
    page = client.get(reverse("home")).content.decode()
    assert 'id="crisis-banner"' in page and detail in page
    services.end_crisis(actor=duty_editor, crisis=crisis)
    assert 'id="crisis-banner"' not in client.get(reverse("home")).content.decode()


def test_a_duty_editor_starts_and_ends_a_crisis_by_form(client, duty_editor, department):
    client.force_login(duty_editor)
    response = client.post(reverse("crisis:start"), {
        "reason": "Bombenentschärfung", "type": "bomb_disposal", "departments": [department.pk],
    })
    crisis = Crisis.objects.get()
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("crisis:detail", kwargs={"pk": crisis.pk})
    assert not crisis.all_channels and list(crisis.departments.all()) == [department]
    response = client.post(reverse("crisis:end", kwargs={"pk": crisis.pk}))
    assert response.headers["Location"] == reverse("crisis:held", kwargs={"pk": crisis.pk})
    crisis.refresh_from_db()
    assert crisis.status == CrisisStatus.ENDED and crisis.ended_by == duty_editor


def test_the_held_list_costs_the_same_for_few_and_many_posts(
    client, duty_editor, department, django_assert_max_num_queries
):
    account = channel("facebook", department)
    bulk_due_posts(department, account, 3, prefix="Wenige")
    crisis = services.start_crisis(actor=duty_editor, reason="Sturm", crisis_type="storm")
    services.end_crisis(actor=duty_editor, crisis=crisis)
    client.force_login(duty_editor)
    url = reverse("crisis:held", kwargs={"pk": crisis.pk})
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    Delivery.objects.update(status=DeliveryStatus.HELD)
    bulk_due_posts(department, account, 20, prefix="Viele")
    Delivery.objects.update(status=DeliveryStatus.HELD, hold_reason="crisis")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count('class="held-post"') == 23


def test_a_head_who_moves_a_held_post_sends_it_back_to_review(
    duty_editor, editor, head, department
):
    from approvals import services as review
    from newsroom.services import posts

    account = channel("facebook", department)
    post = posts.create_post(actor=editor, department=department, data=posts.PostData(
        title="Stadtfest", body="Das Stadtfest beginnt.", channel_account_ids=[account.pk],
        scheduled_at=timezone.now() + timedelta(hours=1),
    ))
    review.submit_for_review(actor=editor, post=post)
    review.approve(actor=head, post=post)
    crisis = services.start_crisis(actor=duty_editor, reason="Sturm", crisis_type="storm")
    services.end_crisis(actor=duty_editor, crisis=crisis)
    services.reschedule_held_post(actor=head, post=post,
                                  scheduled_at=timezone.now() + timedelta(days=1))
    post.refresh_from_db()
    assert post.status == PostStatus.IN_REVIEW
    assert Delivery.objects.get(post=post).status == DeliveryStatus.CANCELLED


def _crisis_with_channel(duty_editor, comms_department):
    account = channel("facebook", comms_department, name="Stadt auf Facebook")
    crisis = services.start_crisis(actor=duty_editor, reason="Hochwasser am Rhein",
                                   crisis_type="storm")
    return crisis, account


def test_the_composer_offers_only_the_crisis_departments_media(
    client, duty_editor, comms_department, department
):
    from tests.factories import image_asset

    crisis, _account = _crisis_with_channel(duty_editor, comms_department)
    ours = image_asset(comms_department, name="Pegelstand", alt_text="Pegel zeigt 8 Meter")
    theirs = image_asset(department, name="Radweg fremd")
    client.force_login(duty_editor)
    page = client.get(reverse("crisis:compose", kwargs={"pk": crisis.pk})).content.decode()
    assert f'name="media" value="{ours.pk}"' in page
    assert "Pegel zeigt 8 Meter" in page
    assert f'value="{theirs.pk}"' not in page and "Radweg fremd" not in page
    assert "crisis/crisis.css" in page and "style=" not in page


def test_a_picked_image_goes_with_the_crisis_message(client, duty_editor, comms_department):
    from tests.factories import image_asset

    crisis, account = _crisis_with_channel(duty_editor, comms_department)
    image_asset(comms_department, name="Andere")
    picked = image_asset(comms_department, name="Sandsäcke", alt_text="Sandsäcke am Ufer")
    client.force_login(duty_editor)
    response = client.post(reverse("crisis:compose", kwargs={"pk": crisis.pk}), {
        "text": "Bitte meiden Sie das Rheinufer.", "channel_accounts": [account.pk],
        "media": [picked.pk],
    })
    from crisis.models import CrisisMessage

    post = CrisisMessage.objects.get(crisis=crisis).post
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("crisis:approve", kwargs={"pk": post.pk})
    assert [m.asset for m in post.post_media.all()] == [picked]


def test_another_departments_media_cannot_be_smuggled_in(
    client, duty_editor, comms_department, department
):
    from crisis.models import CrisisMessage
    from tests.factories import image_asset

    crisis, account = _crisis_with_channel(duty_editor, comms_department)
    foreign = image_asset(department, name="Fremd")
    client.force_login(duty_editor)
    response = client.post(reverse("crisis:compose", kwargs={"pk": crisis.pk}), {
        "text": "Bitte meiden Sie das Rheinufer.", "channel_accounts": [account.pk],
        "media": [foreign.pk],
    })
    assert response.status_code == 200
    assert 'id="id_media_error"' in response.content.decode()
    assert not CrisisMessage.objects.filter(crisis=crisis).exists()


def test_an_image_without_alt_text_is_refused_with_a_message(
    client, duty_editor, comms_department
):
    from crisis.models import CrisisMessage
    from newsroom.models import MediaAsset
    from tests.factories import image_asset

    crisis, account = _crisis_with_channel(duty_editor, comms_department)
    bare = image_asset(comms_department, name="Ohne")
    MediaAsset.objects.filter(pk=bare.pk).update(alt_text="")
    client.force_login(duty_editor)
    page = client.get(reverse("crisis:compose", kwargs={"pk": crisis.pk})).content.decode()
    assert "so kann die Meldung nicht eingereicht werden" in page
    response = client.post(reverse("crisis:compose", kwargs={"pk": crisis.pk}), {
        "text": "Bitte meiden Sie das Rheinufer.", "channel_accounts": [account.pk],
        "media": [bare.pk],
    })
    assert response.status_code == 200
    assert "„Ohne“ hat keinen Alternativtext" in response.content.decode()
    assert not CrisisMessage.objects.filter(crisis=crisis).exists()


def test_the_composer_costs_the_same_for_a_small_and_a_large_library(
    client, duty_editor, comms_department, django_assert_max_num_queries
):
    from tests.factories import image_asset

    crisis, _account = _crisis_with_channel(duty_editor, comms_department)
    image_asset(comms_department, name="Eins")
    client.force_login(duty_editor)
    url = reverse("crisis:compose", kwargs={"pk": crisis.pk})
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    for number in range(5):
        image_asset(comms_department, name=f"Bild {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count('name="media"') == 6
