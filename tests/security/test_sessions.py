"""The security page: sessions with a shortened address, ending one, logging out elsewhere."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken, UserSession
from accounts.sessions import shorten_ip
from newsroom.models import AuditLogEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _browser(user, address="203.0.113.57", agent="Firefox auf Linux") -> Client:
    client = Client(REMOTE_ADDR=address, HTTP_USER_AGENT=agent)
    response = client.post(reverse("accounts:login"),
                           {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_it_lists_sessions_with_only_the_network_kept(editor):
    office = _browser(editor)
    _browser(editor, address="2001:db8:abcd:12::7", agent="Safari auf dem iPhone")
    page = office.get(reverse("accounts:security")).content.decode()
    assert "203.0.113.0/24" in page
    assert "2001:db8:abcd::/48" in page
    assert "Safari auf dem iPhone" in page and "diese Sitzung" in page
    stored = set(UserSession.objects.values_list("ip_prefix", flat=True))
    assert stored == {"203.0.113.0/24", "2001:db8:abcd::/48"}
    assert "203.0.113.57" not in page


@pytest.mark.parametrize(
    ("address", "expected"),
    [("192.0.2.200", "192.0.2.0/24"), ("2001:db8::1", "2001:db8::/48"), ("", ""),
     ("kaputt", "")],
)
def test_it_shortens_addresses(address, expected):
    assert shorten_ip(address) == expected


def test_it_ends_one_session_at_once(editor):
    office = _browser(editor)
    phone = _browser(editor, agent="Telefon")
    assert phone.get("/").status_code == 200
    row = UserSession.objects.get(user_agent="Telefon")

    response = office.post(reverse("accounts:session_end", kwargs={"pk": row.pk}))

    assert response.status_code == 302
    assert phone.get("/")["Location"].startswith(reverse("accounts:login"))
    assert office.get("/").status_code == 200
    assert AuditLogEntry.objects.filter(action="accounts.session.ended").exists()


def test_nobody_ends_someone_elses_session(editor, head):
    _browser(head)
    office = _browser(editor)
    foreign = UserSession.objects.get(user=head)
    response = office.post(reverse("accounts:session_end", kwargs={"pk": foreign.pk}))
    assert response.status_code == 404
    assert UserSession.objects.filter(pk=foreign.pk).exists()


def test_it_logs_out_everywhere_else(editor):
    office = _browser(editor)
    others = [_browser(editor, agent=f"Gerät {number}") for number in range(2)]

    response = office.post(reverse("accounts:sessions_end_others"), follow=True)

    assert "2 Sitzungen" in response.content.decode()
    for other in others:
        assert other.get("/").status_code == 302
    assert office.get("/").status_code == 200
    assert UserSession.objects.filter(user=editor).count() == 1


def test_a_logout_forgets_the_session(editor):
    office = _browser(editor)
    office.post(reverse("accounts:logout"))
    assert not UserSession.objects.filter(user=editor).exists()


def test_the_page_costs_the_same_for_few_and_many_sessions_and_tokens(
    editor, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    office = _browser(editor)
    ApiToken.issue(editor, name="Eins")
    url = reverse("accounts:security")
    office.get(url)
    with CaptureQueriesContext(connection) as few:
        office.get(url)
    # Counted now: later requests clear the connection's query log.
    few_count = len(few.captured_queries)
    for number in range(8):
        _browser(editor, agent=f"Gerät {number}")
        ApiToken.issue(editor, name=f"Token {number}")
    with django_assert_max_num_queries(few_count):
        response = office.get(url)
    assert "Gerät 7" in response.content.decode()
    assert "Token 7" in response.content.decode()


def test_ending_sessions_tells_apps_that_hold_per_session_access(editor):
    from accounts.signals import session_ended

    heard = []

    def receiver(sender, user, session_key, **kwargs):
        heard.append((user.pk, session_key))

    office = _browser(editor)
    phone = _browser(editor, agent="Telefon")
    phone_key = phone.cookies["sessionid"].value
    session_ended.connect(receiver)
    try:
        office.post(reverse("accounts:sessions_end_others"))
    finally:
        session_ended.disconnect(receiver)
    assert heard == [(editor.pk, phone_key)]


def test_the_current_session_stays_listed_after_a_password_change(editor):
    office = _browser(editor)
    new_password = "ein-neues-passwort-42"
    response = office.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password,
    })
    assert response.status_code == 302
    # The password change gave the session a new key; it is recorded again when next seen.
    page = office.get(reverse("accounts:security")).content.decode()
    assert "diese Sitzung" in page


def test_retention_removes_old_attempts_sessions_and_revoked_tokens(editor):
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.utils import timezone

    from newsroom.retention import enforce_retention

    now = timezone.now()
    AccessAttempt.objects.create(username="alt", ip_address="192.0.2.1", failures_since_start=1,
                                 get_data="", post_data="", http_accept="", path_info="/")
    AccessAttempt.objects.update(attempt_time=now - timedelta(days=2))
    UserSession.objects.create(user=editor, session_key="abgelaufen",
                               expires_at=now - timedelta(days=8))
    token, _key = ApiToken.issue(editor, name="Alt")
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=now - timedelta(days=91))
    kept, _key = ApiToken.issue(editor, name="Aktiv")

    counts = enforce_retention(now=now)

    assert counts["accounts.login_attempts"] == 1
    assert counts["accounts.sessions"] == 1
    assert counts["accounts.revoked_api_tokens"] == 1
    assert list(ApiToken.objects.all()) == [kept]


def test_last_seen_moves_forward_without_sliding_the_session(editor):
    from datetime import timedelta

    from django.core.cache import cache
    from django.utils import timezone

    office = _browser(editor)
    row = UserSession.objects.get(user=editor)
    UserSession.objects.filter(pk=row.pk).update(last_seen_at=timezone.now() - timedelta(hours=1))
    cookie_before = office.cookies["sessionid"].value
    office.get("/")
    assert UserSession.objects.get(pk=row.pk).last_seen_at < timezone.now() - timedelta(minutes=59)
    cache.clear()  # five minutes later
    response = office.get("/")
    assert UserSession.objects.get(pk=row.pk).last_seen_at > timezone.now() - timedelta(minutes=1)
    # Only the cache was written, not the session: no new cookie, no longer lifetime.
    assert "sessionid" not in response.cookies
    assert office.cookies["sessionid"].value == cookie_before
