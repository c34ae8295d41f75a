from django.conf import settings


def security(request) -> dict:
    """Whether two-factor authentication is switched off (shown as a notice in demo mode)."""
    return {"two_factor_off": not settings.NEWSROOM_REQUIRE_2FA}
