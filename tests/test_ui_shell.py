import pytest
from django.core.management import call_command

from newsroom import demo

pytestmark = pytest.mark.django_db


def test_login_page_is_german(client):
    response = client.get("/accounts/login/")
    content = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="de"' in content
    assert "Anmelden" in content and "Benutzername" in content and "Passwort" in content


def test_wrong_password_gets_a_clear_german_message(client, editor):
    response = client.post("/accounts/login/", {"username": "redakteurin", "password": "falsch"})
    assert "Benutzername oder Passwort ist falsch" in response.content.decode()


def test_english_is_switchable(client, editor):
    client.force_login(editor)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    content = response.content.decode()
    assert '<html lang="en"' in content
    assert "Log out" in content and "Abmelden" not in content


def test_every_demo_user_can_log_in_and_sees_a_german_start_page(client):
    call_command("seed_demo", verbosity=0)
    for person in demo.PEOPLE:
        client.logout()
        response = client.post(
            "/accounts/login/",
            {"username": person.username, "password": demo.DEMO_PASSWORD},
            follow=True,
        )
        content = response.content.decode()
        assert response.status_code == 200, person.username
        assert response.request["PATH_INFO"] == "/", person.username
        assert "Guten Tag" in content and "Ihre Rollen" in content, person.username


def test_seed_demo_is_idempotent(db):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    from accounts.models import Department, Membership

    assert Department.objects.count() == len(demo.DEPARTMENTS)
    assert Membership.objects.filter(user__username="cvd").count() == 1


def test_start_page_shows_what_each_role_needs(client, editor, head, duty_editor, community):
    expectations = {
        editor: ("my-posts", "review"),
        head: ("review", "today"),
        duty_editor: ("today", "inbox"),
        community: ("inbox", "my-posts"),
    }
    for person, (shown, hidden) in expectations.items():
        client.force_login(person)
        content = client.get("/").content.decode()
        assert f'id="{shown}"' in content, person
        assert f'id="{hidden}"' not in content, person


def test_pages_are_sent_with_security_headers(client, editor):
    client.force_login(editor)
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "default-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_logout_is_a_post(client, editor):
    client.force_login(editor)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_password_change(client, editor):
    client.force_login(editor)
    response = client.post(
        "/accounts/password/",
        {"old_password": "geheim-genug-123", "new_password1": "ein-neues-langes-passwort",
         "new_password2": "ein-neues-langes-passwort"},
        follow=True,
    )
    assert "Passwort geändert" in response.content.decode()
    editor.refresh_from_db()
    assert editor.check_password("ein-neues-langes-passwort")


def test_german_first_even_for_an_english_browser(client, editor):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="de"' in response.content.decode()
    assert response.headers["Content-Language"] == "de"
