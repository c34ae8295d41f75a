"""Crisis messages: four eyes made fast, out on every channel in scope at once, never held."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from channels_publish.models import Delivery, DeliveryStatus
from channels_publish.networks import Network
from crisis import services
from newsroom.errors import Conflict
from newsroom.models import PostStatus
from tests.factories import channel, member

from . import bulk_due_posts, four_network_accounts, run_until_idle, video_asset

pytestmark = pytest.mark.django_db

TEXT = "Unwetterwarnung: Bitte bleiben Sie zu Hause. Infos unter 0800 123 456."


@pytest.fixture
def city(comms_department, sandbox, public_media, settings):
    settings.NEWSROOM_INSTAGRAM_POLL_INTERVAL_S = 0
    return four_network_accounts(comms_department, sandbox)


@pytest.fixture
def crisis(duty_editor):
    return services.start_crisis(actor=duty_editor, reason="Unwetter über der Stadt",
                                 crisis_type="storm")


def _compose(actor, crisis, city, comms_department):
    video = video_asset(comms_department)
    return services.compose_crisis_message(
        actor, crisis, TEXT, [account.pk for account in city.values()], media_ids=[video.pk]
    )


def test_it_goes_to_every_channel_in_scope_at_once_after_a_second_approval(
    crisis, city, comms_department, duty_editor, administrator, department, sandbox
):
    # Something planned of another department is held meanwhile.
    normal = channel("x", department, name="Umweltamt auf X", api_base_url=sandbox.base_url)
    normal.set_credentials({"consumer_key": "ck", "consumer_secret": "cs",
                            "access_token": "x-umwelt", "access_token_secret": "ts"})
    normal.save()
    [held] = bulk_due_posts(department, normal, 1, prefix="Umwelt")
    Delivery.objects.filter(post=held).update(status=DeliveryStatus.HELD, hold_reason="crisis")

    post = _compose(duty_editor, crisis, city, comms_department)
    assert post.status == PostStatus.IN_REVIEW and post.is_crisis
    assert post.scheduled_at is None

    before = timezone.now()
    services.approve_crisis_message(administrator, post, post.version)
    deliveries = list(Delivery.objects.filter(post=post))
    assert len(deliveries) == 4
    assert {d.status for d in deliveries} == {DeliveryStatus.PENDING}
    assert all(d.next_attempt_at >= before - timedelta(seconds=1) for d in deliveries)
    assert all(d.next_attempt_at <= timezone.now() for d in deliveries)

    outcomes = run_until_idle(at=timezone.now() + timedelta(seconds=1))
    assert sorted(outcomes) == ["published"] * 4
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED and post.approved_by == administrator
    networks = {r["network"] for r in sandbox.records() if TEXT[:20] in str(r)}
    assert {"facebook", "instagram", "x", "youtube"} <= networks
    assert Delivery.objects.get(post=held).status == DeliveryStatus.HELD


def test_the_author_can_never_approve_their_own_message(crisis, city, comms_department,
                                                       duty_editor):
    post = _compose(duty_editor, crisis, city, comms_department)
    with pytest.raises(PermissionDenied):
        services.approve_crisis_message(duty_editor, post, post.version)
    post.refresh_from_db()
    assert post.status == PostStatus.IN_REVIEW


def test_a_head_of_the_communications_office_approves(crisis, city, comms_department,
                                                      duty_editor):
    comms_head = member(Role.HEAD, comms_department, username="leitung-13")
    post = _compose(duty_editor, crisis, city, comms_department)
    services.approve_crisis_message(comms_head, post, post.version)
    post.refresh_from_db()
    assert post.status == PostStatus.SCHEDULED


@pytest.mark.parametrize("who", ["other_editor", "head", "editor"])
def test_people_outside_the_crisis_team_cannot_approve(crisis, city, comms_department,
                                                       duty_editor, request, who):
    person = request.getfixturevalue(who)
    post = _compose(duty_editor, crisis, city, comms_department)
    with pytest.raises(PermissionDenied):
        services.approve_crisis_message(person, post, post.version)


def test_an_approval_of_a_version_not_read_is_refused(crisis, city, comms_department,
                                                      duty_editor, administrator):
    post = _compose(duty_editor, crisis, city, comms_department)
    with pytest.raises(Conflict):
        services.approve_crisis_message(administrator, post, post.version + 1)


def test_the_normal_review_rule_is_not_widened(department, editor, administrator):
    from accounts import permissions
    from newsroom.services import posts

    facebook = channel("facebook", department)
    post = posts.create_post(actor=editor, department=department, data=posts.PostData(
        title="Radwoche", body="Die Radwoche beginnt.", channel_account_ids=[facebook.pk],
    ))
    assert not permissions.can(administrator, "post.review", post)


def test_channels_outside_the_scope_are_refused(duty_editor, comms_department, department):
    from newsroom.errors import DomainError

    inside = channel("facebook", department, name="Umweltamt auf Facebook")
    outside = channel("x", comms_department, name="Stadt auf X")
    crisis = services.start_crisis(actor=duty_editor, reason="Großbrand Hafen",
                                   crisis_type="fire", all_channels=False,
                                   department_ids=[department.pk])
    assert list(services.scope_channel_accounts(crisis)) == [inside]
    with pytest.raises(DomainError):
        services.compose_crisis_message(duty_editor, crisis, TEXT, [outside.pk])


def test_the_approval_page_shows_the_full_text_and_one_big_button(
    client, crisis, comms_department, duty_editor, administrator
):
    facebook = channel("facebook", comms_department, name="Stadt auf Facebook")
    post = services.compose_crisis_message(duty_editor, crisis, TEXT, [facebook.pk])
    client.force_login(administrator)
    url = reverse("crisis:approve", kwargs={"pk": post.pk})
    page = client.get(url).content.decode()
    assert TEXT in page and "approve-button" in page
    assert f'name="expected_version" value="{post.version}"' in page
    response = client.post(url, {"expected_version": post.version})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == PostStatus.SCHEDULED

    client.force_login(duty_editor)
    other = services.compose_crisis_message(duty_editor, crisis, TEXT, [facebook.pk])
    page = client.get(reverse("crisis:approve", kwargs={"pk": other.pk})).content.decode()
    assert "approve-button" not in page and "Eigene Meldung" in page


def test_the_website_feed_pins_crisis_messages(client, comms_department, duty_editor,
                                               administrator, crisis):
    website = channel(Network.WEBSITE, comms_department, name="stadt.de")
    older = services.compose_crisis_message(duty_editor, crisis, TEXT, [website.pk])
    services.approve_crisis_message(administrator, older, older.version)
    [newer] = bulk_due_posts(comms_department, website, 1, prefix="Stadtfest")
    now = timezone.now()
    Delivery.objects.filter(post=older).update(status=DeliveryStatus.PUBLISHED,
                                               published_at=now - timedelta(hours=2))
    Delivery.objects.filter(post=newer).update(status=DeliveryStatus.PUBLISHED, published_at=now)

    feed = client.get(reverse("feeds:website_json", kwargs={"account_id": website.pk})).json()
    first, second = feed["items"]
    assert first["content_text"] == TEXT and first["_newsroom"]["pinned"] is True
    assert second["_newsroom"]["pinned"] is False
    atom = client.get(reverse("feeds:website_atom", kwargs={"account_id": website.pk}))
    body = atom.content.decode()
    assert body.index("Krise") < body.index("Stadtfest")


def test_the_crisis_team_is_asked_on_the_one_tap_approval_page(
    crisis, duty_editor, administrator, comms_department
):
    from newsroom.models import Notification, NotificationKind

    account = channel("facebook", comms_department, name="Stadt auf Facebook")
    post = services.compose_crisis_message(duty_editor, crisis, TEXT, [account.pk])
    asked = Notification.objects.filter(kind=NotificationKind.REVIEW_REQUESTED, post=post)
    assert asked.exists()
    assert {n.target_url for n in asked} == {reverse("crisis:approve", kwargs={"pk": post.pk})}
