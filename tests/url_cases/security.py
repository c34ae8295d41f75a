"""Permission rows for the security page (sessions, API tokens, two-factor authentication).

Everything here belongs to the signed-in person: everyone may use the pages, and another
person's session or token answers 404 for everybody, administrators included.
"""

from datetime import timedelta

from django.utils import timezone

from tests.url_table import EVERYONE, UrlCase


def setup_world(world):
    from accounts.models import ApiToken, UserSession
    from tests.factories import UserFactory

    owner = UserFactory(username="security-owner")
    token, _key = ApiToken.issue(owner, name="Fremdes Token")
    world.objects["foreign_token"] = token
    world.objects["foreign_session"] = UserSession.objects.create(
        user=owner, session_key="foreign-session-key-0000000000000000",
        expires_at=timezone.now() + timedelta(hours=1),
    )


def _foreign_token(world):
    return {"pk": world.objects["foreign_token"].pk}


def _foreign_session(world):
    return {"pk": world.objects["foreign_session"].pk}


CASES = [
    UrlCase("accounts:security", EVERYONE),
    UrlCase("accounts:otp_enrol", EVERYONE),
    # Without an authenticator there is nothing to verify: back to where the person was going.
    UrlCase("accounts:otp_verify", EVERYONE, ok_status=302),
    UrlCase("accounts:sessions_end_others", EVERYONE, method="post", ok_status=302),
    UrlCase("accounts:token_create", EVERYONE, method="post",
            data=lambda world: {"name": "Tabelle"}),
    UrlCase("accounts:token_revoke", EVERYONE, method="post", ok_status=404,
            kwargs=_foreign_token, id="post:accounts:token_revoke:foreign"),
    UrlCase("accounts:session_end", EVERYONE, method="post", ok_status=404,
            kwargs=_foreign_session, id="post:accounts:session_end:foreign"),
    # Without an authenticator there are no backup codes to renew: back to the page.
    UrlCase("accounts:backup_codes", EVERYONE, method="post", ok_status=302),
    UrlCase("accounts:otp_remove", EVERYONE, method="post", ok_status=302),
]
