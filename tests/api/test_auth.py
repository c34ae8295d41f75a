"""Personal tokens, logged-out requests, the error format and the OpenAPI schema."""

import uuid

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.services import revoke_api_token
from newsroom.api.auth import TokenThrottle
from newsroom.models import AuditLogEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = reverse("api:token")
POSTS = reverse("api:post-list")


@pytest.fixture(autouse=True)
def _own_throttle_cache(monkeypatch):
    monkeypatch.setattr(TokenThrottle, "cache", LocMemCache(f"api-auth-{uuid.uuid4()}", {}))


def test_it_issues_a_token_that_authenticates(editor):
    response = APIClient().post(TOKEN, {"username": editor.username, "password": PASSWORD,
                                        "name": "Redaktionsplan"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Redaktionsplan"
    token = ApiToken.objects.get(user=editor)
    assert token.prefix == body["token"][:8]
    assert token.key_hash != body["token"]
    assert AuditLogEntry.objects.filter(action="accounts.api_token.issued").exists()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert client.get(POSTS).status_code == 200


def test_a_wrong_password_is_refused_in_german(editor):
    response = APIClient().post(TOKEN, {"username": editor.username, "password": "falsch"},
                                format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "Benutzername oder Passwort ist falsch.",
                               "code": "invalid_credentials"}
    assert not ApiToken.objects.exists()


def test_missing_fields_are_field_errors():
    response = APIClient().post(TOKEN, {}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "required"
    assert set(body["errors"]) == {"username", "password"}


def test_a_revoked_token_no_longer_works(editor):
    token, key = ApiToken.issue(editor, name="Alt")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(POSTS).status_code == 200
    revoke_api_token(actor=editor, token=token)
    response = client.get(POSTS)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert "widerrufen" in response.json()["detail"]


def test_logged_out_requests_answer_401():
    response = APIClient().get(POSTS)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.headers["WWW-Authenticate"] == "Token"


def test_session_authentication_works_too(client, editor):
    client.force_login(editor)
    assert client.get(POSTS).status_code == 200


def test_token_requests_are_throttled(editor):
    client = APIClient()
    statuses = [
        client.post(TOKEN, {"username": editor.username, "password": "falsch"},
                    format="json").status_code
        for _ in range(11)
    ]
    assert statuses[:10] == [400] * 10
    assert statuses[10] == 429
    assert client.post(TOKEN, {"username": "x", "password": "y"}).json()["code"] == "throttled"


def test_the_schema_is_public():
    response = APIClient().get(reverse("api:schema"))
    assert response.status_code == 200
    assert b"/api/v1/posts/{id}/approve/" in response.content
