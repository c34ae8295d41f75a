"""The client address behind our proxy, and a lockout that faked addresses do not escape."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.axes import client_ip as axes_client_ip
from newsroom.middleware import client_ip
from newsroom.models import AuditLogEntry

pytestmark = pytest.mark.django_db

LOCKED = "Zu viele fehlgeschlagene Anmeldeversuche"


def _request(forwarded: str | None = None, remote: str = "10.0.0.2"):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_it_ignores_the_header_without_a_proxy(settings):
    settings.NEWSROOM_TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request("203.0.113.9")) == "10.0.0.2"


def test_it_takes_the_entry_our_proxy_added_not_the_one_the_client_sent(settings):
    settings.NEWSROOM_TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request("1.2.3.4, 198.51.100.7")) == "198.51.100.7"
    assert axes_client_ip(_request("1.2.3.4, 198.51.100.7")) == "198.51.100.7"
    assert client_ip(_request("198.51.100.7")) == "198.51.100.7"


def test_it_counts_back_over_several_trusted_proxies(settings):
    settings.NEWSROOM_TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request("1.2.3.4, 198.51.100.7, 10.0.0.1")) == "198.51.100.7"
    # Fewer hops than proxies: the header did not come through our chain.
    assert client_ip(_request("198.51.100.7")) == "10.0.0.2"


def test_it_falls_back_to_the_connection_without_a_header(settings):
    settings.NEWSROOM_TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request()) == "10.0.0.2"


def test_the_audit_log_records_the_proxys_entry(client, editor, settings):
    settings.NEWSROOM_TRUSTED_PROXY_COUNT = 1
    client.post(
        reverse("accounts:login"),
        {"username": editor.username, "password": "falsch"},
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7",
    )
    entry = AuditLogEntry.objects.get(action="accounts.user.login_failed")
    assert entry.ip_address == "198.51.100.7"


@pytest.mark.parametrize("behind_proxy", [False, True])
def test_spreading_guesses_over_addresses_does_not_escape_the_lockout(
    client, editor, settings, behind_proxy
):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    settings.NEWSROOM_TRUSTED_PROXY_COUNT = 1 if behind_proxy else 0
    url = reverse("accounts:login")
    for number in range(3):
        address = f"203.0.113.{number + 1}"
        extra = {"HTTP_X_FORWARDED_FOR": address} if behind_proxy else {"REMOTE_ADDR": address}
        client.post(url, {"username": editor.username, "password": "falsch"}, **extra)
    fresh = {"HTTP_X_FORWARDED_FOR": "203.0.113.99"} if behind_proxy else {
        "REMOTE_ADDR": "203.0.113.99"
    }
    from tests.factories import PASSWORD

    response = client.post(url, {"username": editor.username, "password": PASSWORD}, **fresh)
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("behind_proxy", "expected"), [("", "0"), ("True", "1"), ("False", "0")]
)
def test_the_setting_trusts_no_header_unless_behind_a_proxy(behind_proxy, expected):
    import os
    import subprocess
    import sys

    env = {key: value for key, value in os.environ.items() if not key.startswith("NEWSROOM_")}
    if behind_proxy:
        env["NEWSROOM_BEHIND_PROXY"] = behind_proxy
    result = subprocess.run(
        [sys.executable, "-c",
         "import newsroom.settings as s; print(s.NEWSROOM_TRUSTED_PROXY_COUNT)"],
        env=env, capture_output=True, text=True, check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == expected


def test_faked_headers_do_not_buy_a_fresh_token_budget(editor, settings, monkeypatch):
    import uuid

    from django.core.cache.backends.locmem import LocMemCache
    from rest_framework.test import APIClient

    from newsroom.api.auth import TokenThrottle

    monkeypatch.setattr(TokenThrottle, "cache", LocMemCache(f"ip-{uuid.uuid4()}", {}))
    monkeypatch.setattr(TokenThrottle, "default_rate", "3/minute")
    settings.NEWSROOM_TRUSTED_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 1000  # the throttle, not the lockout, is under test
    api = APIClient()
    statuses = [
        api.post(reverse("api:token"), {"username": editor.username, "password": "falsch"},
                 format="json", HTTP_X_FORWARDED_FOR=f"10.9.9.{number}, 198.51.100.7").status_code
        for number in range(5)
    ]
    assert statuses[:3] == [400, 400, 400]
    assert statuses[3:] == [429, 429]
