"""Personal API tokens on the security page: shown once, last used, revoked at once."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def _api(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_it_creates_a_token_shows_it_once_and_it_works(client, editor):
    client.force_login(editor)
    response = client.post(reverse("accounts:token_create"), {"name": "Planung"})
    assert response.status_code == 200
    key = response.context["new_token_key"]
    assert key in response.content.decode()
    assert "nie wieder angezeigt" in response.content.decode()

    assert _api(key).get("/api/v1/posts/").status_code == 200
    page = client.get(reverse("accounts:security")).content.decode()
    assert key not in page
    assert "Planung" in page
    token = ApiToken.objects.get(user=editor)
    assert token.last_used_at is not None
    assert "nie" not in page.split("Planung", 1)[1].split("</tr>", 1)[0]


def test_a_token_needs_a_name(client, editor):
    client.force_login(editor)
    response = client.post(reverse("accounts:token_create"), {"name": ""})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_a_revoked_token_stops_at_once(client, editor):
    token, key = ApiToken.issue(editor, name="Alt")
    assert _api(key).get("/api/v1/posts/").status_code == 200
    client.force_login(editor)
    response = client.post(reverse("accounts:token_revoke", kwargs={"pk": token.pk}))
    assert response.status_code == 302
    assert _api(key).get("/api/v1/posts/").status_code == 401
    assert "widerrufen am" in client.get(reverse("accounts:security")).content.decode()


def test_nobody_revokes_someone_elses_token(client, editor, administrator):
    token, key = ApiToken.issue(editor, name="Fremd")
    client.force_login(administrator)
    response = client.post(reverse("accounts:token_revoke", kwargs={"pk": token.pk}))
    assert response.status_code == 404
    assert _api(key).get("/api/v1/posts/").status_code == 200
