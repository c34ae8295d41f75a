"""API rate limits: per token, per address for anonymous calls, 429 with a German answer."""

import pytest
from rest_framework.test import APIClient

from accounts.models import ApiToken

pytestmark = pytest.mark.django_db

POSTS = "/api/v1/posts/"


@pytest.fixture
def tight_rates(settings):
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {**rest["DEFAULT_THROTTLE_RATES"],
                                      "user": "3/minute", "anon": "2/minute"}
    settings.REST_FRAMEWORK = rest


def _api(user, name="Skript") -> APIClient:
    _token, key = ApiToken.issue(user, name=name)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_is_throttled_with_a_german_answer(editor, tight_rates):
    api = _api(editor)
    for _ in range(3):
        assert api.get(POSTS).status_code == 200
    response = api.get(POSTS)
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "throttled"
    assert body["detail"].startswith("Zu viele Anfragen.")
    assert int(response["Retry-After"]) >= 1


def test_each_token_has_its_own_budget(editor, tight_rates):
    first, second = _api(editor, "Eins"), _api(editor, "Zwei")
    for _ in range(3):
        first.get(POSTS)
    assert first.get(POSTS).status_code == 429
    assert second.get(POSTS).status_code == 200


def test_anonymous_calls_are_throttled_per_address(tight_rates):
    api = APIClient()
    from django.urls import reverse

    url = reverse("api:schema")
    assert api.get(url).status_code == 200
    assert api.get(url).status_code == 200
    assert api.get(url).status_code == 429


def test_the_default_rates_come_from_the_environment_settings(settings):
    from newsroom import settings as project_settings

    rates = project_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert set(rates) >= {"user", "anon"}
