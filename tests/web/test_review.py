"""The review queue and review page: the reviewer's door to the four-eyes services."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from approvals import services as review
from approvals.models import Review, ReviewStatus
from approvals.views import due_hint
from newsroom.models import APPROVED_STATES, PostStatus
from newsroom.services import posts
from tests.factories import channel, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def facebook(department):
    return channel("facebook", department, name="Stadt auf Facebook")


def _submitted(author, department, accounts, *, title="Radwoche", body="Die Radwoche beginnt.",
               scheduled_at="default"):
    if scheduled_at == "default":
        scheduled_at = timezone.now() + timedelta(days=2)
    post = posts.create_post(
        actor=author, department=department,
        data=posts.PostData(title=title, body=body,
                            channel_account_ids=[a.pk for a in accounts],
                            scheduled_at=scheduled_at),
    )
    review.submit_for_review(actor=author, post=post)
    post.refresh_from_db()
    return post


@pytest.fixture
def submitted(editor, department, facebook):
    return _submitted(editor, department, [facebook])


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_it_approves_from_the_review_page(client, head, submitted):
    client.force_login(head)
    page = client.get(reverse("approvals:review", args=[submitted.pk]))
    assert page.status_code == 200
    assert "Die Radwoche beginnt." in page.content.decode()
    assert ">Freigeben</button>" in page.content.decode()
    response = client.post(reverse("approvals:approve", args=[submitted.pk]),
                           {"expected_version": submitted.version}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("approvals:queue")
    assert any("freigegeben" in m for m in _messages(response))
    submitted.refresh_from_db()
    assert submitted.status in APPROVED_STATES
    assert submitted.approved_by == head


def test_it_refuses_self_approval_by_the_author_who_is_head(client, department, facebook):
    writing_head = member(Role.HEAD, department, username="schreibende-leitung")
    post = _submitted(writing_head, department, [facebook])
    client.force_login(writing_head)
    page = client.get(reverse("approvals:review", args=[post.pk]))
    assert "Eigener Beitrag – jemand anderes muss freigeben" in page.content.decode()
    assert ">Freigeben</button>" not in page.content.decode()
    response = client.post(reverse("approvals:approve", args=[post.pk]),
                           {"expected_version": post.version}, follow=True)
    assert any("Vier-Augen-Prinzip" in m for m in _messages(response))
    post.refresh_from_db()
    assert post.status == PostStatus.IN_REVIEW


def test_it_refuses_approval_by_an_editor_of_the_version(client, head, submitted):
    data = posts.data_from_post(submitted)
    data.body = "Von der Leitung geändert"
    posts.update_post(actor=head, post=submitted, data=data)
    submitted.refresh_from_db()
    client.force_login(head)
    response = client.post(reverse("approvals:approve", args=[submitted.pk]),
                           {"expected_version": submitted.version}, follow=True)
    assert any("Vier-Augen-Prinzip" in m for m in _messages(response))
    submitted.refresh_from_db()
    assert submitted.status == PostStatus.IN_REVIEW


def test_an_editor_cannot_post_an_approval(client, department, submitted):
    colleague = member(Role.EDITOR, department, username="kollegin")
    client.force_login(colleague)
    page = client.get(reverse("approvals:review", args=[submitted.pk]))
    assert page.status_code == 200
    assert ">Freigeben</button>" not in page.content.decode()
    response = client.post(reverse("approvals:approve", args=[submitted.pk]),
                           {"expected_version": submitted.version})
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == PostStatus.IN_REVIEW


def test_another_departments_head_does_not_find_the_post(client, other_department, submitted):
    other_head = member(Role.HEAD, other_department, username="andere-leitung")
    client.force_login(other_head)
    assert client.get(reverse("approvals:review", args=[submitted.pk])).status_code == 404
    response = client.post(reverse("approvals:approve", args=[submitted.pk]),
                           {"expected_version": submitted.version})
    assert response.status_code == 404
    queue = client.get(reverse("approvals:queue"))
    assert submitted.title not in queue.content.decode()


def test_requesting_changes_needs_a_comment(client, head, editor, submitted):
    client.force_login(head)
    url = reverse("approvals:request_changes", args=[submitted.pk])
    response = client.post(url, {"expected_version": submitted.version, "comment": "   "})
    assert response.status_code == 400
    assert "Bitte schreiben Sie, was geändert werden soll." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == PostStatus.IN_REVIEW
    response = client.post(url, {"expected_version": submitted.version,
                                 "comment": "Bitte die Uhrzeit ergänzen."})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == PostStatus.CHANGES_REQUESTED
    assert submitted.comments.get().text == "Bitte die Uhrzeit ergänzen."


def test_a_stale_version_is_refused_and_nothing_changes(client, head, editor, submitted):
    seen = submitted.version
    data = posts.data_from_post(submitted)
    data.body = "Still und leise geändert"
    posts.update_post(actor=editor, post=submitted, data=data)
    client.force_login(head)
    response = client.post(reverse("approvals:approve", args=[submitted.pk]),
                           {"expected_version": seen}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("approvals:review", args=[submitted.pk])
    assert any("geändert, seit Sie ihn geöffnet haben" in m for m in _messages(response))
    submitted.refresh_from_db()
    assert submitted.status == PostStatus.IN_REVIEW
    assert Review.objects.get(post=submitted, status=ReviewStatus.OPEN).version == seen + 1


def test_a_passed_time_is_reported(client, head, submitted):
    type(submitted).objects.filter(pk=submitted.pk).update(
        scheduled_at=timezone.now() - timedelta(minutes=5)
    )
    client.force_login(head)
    response = client.post(reverse("approvals:approve", args=[submitted.pk]),
                           {"expected_version": submitted.version}, follow=True)
    assert any("Zeitpunkt ist verstrichen" in m for m in _messages(response))


def test_the_queue_is_most_urgent_first_and_marks_own_posts(client, department, editor, head,
                                                             facebook):
    now = timezone.now()
    later = _submitted(editor, department, [facebook], title="Später",
                       scheduled_at=now + timedelta(days=3))
    untimed = _submitted(editor, department, [facebook], title="Ohne Zeit", scheduled_at=None)
    soon = _submitted(editor, department, [facebook], title="Bald",
                      scheduled_at=now + timedelta(minutes=45, seconds=30))
    own = _submitted(head, department, [facebook], title="Von der Leitung",
                     scheduled_at=now + timedelta(days=1))
    client.force_login(head)
    response = client.get(reverse("approvals:queue"))
    titles = [row["post"].title for row in response.context["rows"]]
    assert titles == [soon.title, own.title, later.title, untimed.title]
    rows = {row["post"].title: row for row in response.context["rows"]}
    assert rows["Bald"]["due_hint"] == "in 45 Min."
    assert rows["Von der Leitung"]["own"] and not rows["Bald"]["own"]
    assert "Eigener Beitrag – jemand anderes muss freigeben" in response.content.decode()


def test_the_queue_filters_by_department_network_and_due(client, department, other_department,
                                                        editor, facebook, duty_editor):
    now = timezone.now()
    x = channel("x", department, name="Stadt auf X")
    other_editor = member(Role.EDITOR, other_department, username="verkehr-redaktion")
    other_channel = channel("instagram", other_department)
    soon = _submitted(editor, department, [facebook], title="Bald",
                      scheduled_at=now + timedelta(hours=1))
    on_x = _submitted(editor, department, [x], title="Auf X",
                      scheduled_at=now + timedelta(days=3))
    from tests.factories import image_asset
    asset = image_asset(other_department)
    foreign = posts.create_post(
        actor=other_editor, department=other_department,
        data=posts.PostData(title="Verkehr", body="Baustelle",
                            channel_account_ids=[other_channel.pk], media_ids=[asset.pk],
                            scheduled_at=now + timedelta(days=5)),
    )
    review.submit_for_review(actor=other_editor, post=foreign)
    client.force_login(duty_editor)
    url = reverse("approvals:queue")

    def titles(**params):
        return [row["post"].title for row in client.get(url, params).context["rows"]]

    assert titles() == ["Bald", "Auf X", "Verkehr"]
    assert titles(department=other_department.pk) == ["Verkehr"]
    assert titles(network="x") == [on_x.title]
    assert titles(due="2h") == [soon.title]
    assert titles(due="week") == ["Bald", "Auf X", "Verkehr"]
    assert titles(due="today", network="facebook") == ([soon.title] if (
        timezone.localtime(now + timedelta(hours=1)).date() == timezone.localtime(now).date()
    ) else [])


def test_the_queue_costs_the_same_for_5_and_40_posts(client, department, editor, head, facebook,
                                                     django_assert_max_num_queries):
    x = channel("x", department)
    for number in range(5):
        _submitted(editor, department, [facebook, x], title=f"Beitrag {number}")
    client.force_login(head)
    url = reverse("approvals:queue")
    client.get(url)  # warm the session
    with django_assert_max_num_queries(13) as five:  # 12 + the page count
        assert len(client.get(url).context["rows"]) == 5
    for number in range(35):
        _submitted(editor, department, [facebook, x], title=f"Mehr {number}")
    with django_assert_max_num_queries(len(five.captured_queries)):
        assert len(client.get(url).context["rows"]) == 40


def test_the_diff_shows_the_change_against_the_last_approved_version(client, editor, head,
                                                                     department, submitted):
    review.approve(actor=head, post=submitted)
    submitted.refresh_from_db()
    data = posts.data_from_post(submitted)
    data.body = "Die Radwoche beginnt am Dienstag."
    posts.update_post(actor=editor, post=submitted, data=data)
    second_head = member(Role.HEAD, department, username="zweite-leitung")
    client.force_login(second_head)
    response = client.get(reverse("approvals:review", args=[submitted.pk]))
    html = response.content.decode()
    assert response.context["previous"].version == 1
    labels = [change.label for change in response.context["changes"]]
    assert "Haupttext" in labels
    assert "<del>beginnt.</del>" in html
    assert "<ins>beginnt am Dienstag.</ins>" in html
    # Unchanged things are not listed as changes.
    assert "Kanäle" not in labels


def test_a_person_without_the_approver_role_sees_the_page_read_only(client, community,
                                                                    submitted):
    client.force_login(community)
    response = client.get(reverse("approvals:review", args=[submitted.pk]))
    assert response.status_code == 200
    assert not response.context["may_decide"]
    assert "Änderungen erbitten" not in response.content.decode()
    assert client.get(reverse("approvals:queue")).status_code == 403


def test_the_due_hint_speaks_plainly():
    now = timezone.now()
    assert due_hint(now + timedelta(minutes=45, seconds=10), now) == "in 45 Min."
    assert due_hint(now + timedelta(hours=2, minutes=5), now) == "in 2 Std. 5 Min."
    assert due_hint(now + timedelta(days=3, minutes=1), now) == "in 3 Tagen"
    assert due_hint(now - timedelta(minutes=10), now) == "seit 10 Min. überfällig"
    assert due_hint(None, now) == "sofort nach Freigabe"


def test_a_decided_post_shows_its_last_version_without_buttons(client, head, department,
                                                               submitted):
    review.approve(actor=head, post=submitted)
    colleague = member(Role.HEAD, department, username="zweite-leitung")
    client.force_login(colleague)
    response = client.get(reverse("approvals:review", args=[submitted.pk]))
    assert response.status_code == 200
    assert "nicht (mehr) in Prüfung" in response.content.decode()
    assert not response.context["may_decide"]


def test_a_post_never_submitted_has_no_review_page(client, head, editor, department, facebook):
    draft = posts.create_post(
        actor=editor, department=department,
        data=posts.PostData(title="Entwurf", body="Text", channel_account_ids=[facebook.pk]),
    )
    client.force_login(head)
    assert client.get(reverse("approvals:review", args=[draft.pk])).status_code == 404


def test_a_long_queue_goes_on_over_further_pages(
    client, head, editor, department, facebook, monkeypatch
):
    from approvals import views

    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 2)
    for number in range(5):
        _submitted(editor, department, [facebook], title=f"Eintrag {number}")
    client.force_login(head)
    first = client.get("/review/").content.decode()
    assert "Seite 1 von 3" in first and 'rel="next"' in first
    last = client.get("/review/?page=3").content.decode()
    assert "Seite 3 von 3" in last and 'rel="prev"' in last and 'rel="next"' not in last
