"""The API token endpoint asks for the same second factor as the web login."""

import uuid

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import ApiToken
from newsroom.api.auth import TokenThrottle
from newsroom.models import AuditLogEntry
from tests.factories import PASSWORD

from .conftest import current_code, enrol

pytestmark = pytest.mark.django_db

TOKEN = reverse("api:token")
POSTS = reverse("api:post-list")


@pytest.fixture(autouse=True)
def _own_throttle_cache(monkeypatch):
    monkeypatch.setattr(TokenThrottle, "cache", LocMemCache(f"api-2fa-{uuid.uuid4()}", {}))


def _ask(user, **extra):
    body = {"username": user.username, "password": PASSWORD, **extra}
    return APIClient().post(TOKEN, body, format="json")


def test_it_refuses_the_password_alone_when_an_authenticator_is_set_up(head, require_2fa):
    enrol(head)
    response = _ask(head)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "code_required"
    assert body["errors"]["code"] == [
        "Bitte geben Sie den Code aus Ihrer Authenticator-App oder einen Notfallcode an."
    ]
    assert not ApiToken.objects.exists()


def test_it_refuses_the_password_alone_for_an_editor_who_chose_a_second_factor(editor):
    enrol(editor)
    assert _ask(editor).status_code == 400
    assert not ApiToken.objects.exists()


def test_it_refuses_and_audits_a_wrong_code(head, require_2fa):
    enrol(head)
    response = _ask(head, code="000000")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_code"
    assert body["errors"]["code"] == ["Der Code stimmt nicht oder wurde schon benutzt."]
    assert not ApiToken.objects.exists()
    failed = AuditLogEntry.objects.get(action="accounts.otp.failed")
    assert failed.object_id == str(head.pk)


def test_it_issues_a_token_with_the_current_code(head, require_2fa):
    device, _codes = enrol(head)
    response = _ask(head, code=current_code(device))
    assert response.status_code == 201
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get(POSTS).status_code == 200


def test_a_backup_code_works_once(head, require_2fa):
    _device, codes = enrol(head)
    assert _ask(head, code=codes[0]).status_code == 201
    assert _ask(head, code=codes[0]).status_code == 400
    assert ApiToken.objects.filter(user=head).count() == 1
    assert AuditLogEntry.objects.filter(action="accounts.otp.backup_code_used").count() == 1


@pytest.mark.parametrize("person", ["head", "duty_editor", "administrator"])
def test_leading_roles_without_an_authenticator_get_no_token(person, request, require_2fa):
    user = request.getfixturevalue(person)
    response = _ask(user)
    assert response.status_code == 403
    assert response.json()["code"] == "second_factor_required"
    assert not ApiToken.objects.exists()


def test_a_superuser_without_an_authenticator_gets_no_token(require_2fa):
    from tests.factories import UserFactory

    boss = UserFactory(is_superuser=True, is_staff=True)
    assert _ask(boss).status_code == 403


def test_an_editor_without_an_authenticator_still_gets_a_token(editor, require_2fa):
    assert _ask(editor).status_code == 201


def test_the_password_alone_still_works_when_2fa_is_off_and_nobody_enrolled(head, settings):
    settings.NEWSROOM_REQUIRE_2FA = False
    assert _ask(head).status_code == 201


def test_an_old_token_stops_working_when_the_role_requires_a_second_factor(head, settings):
    settings.NEWSROOM_REQUIRE_2FA = False
    _token, key = ApiToken.issue(head, name="Alt")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(POSTS).status_code == 200

    settings.NEWSROOM_REQUIRE_2FA = True
    response = client.get(POSTS)
    assert response.status_code in (401, 403)
    assert "Zwei-Faktor-Anmeldung vorgeschrieben" in response.json()["detail"]

    enrol(head)
    assert client.get(POSTS).status_code == 200


def test_an_editors_token_keeps_working_when_2fa_is_required(editor, require_2fa):
    _token, key = ApiToken.issue(editor, name="Plan")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(POSTS).status_code == 200
