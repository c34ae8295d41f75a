"""Helpers for the security tests: a second factor set up, current codes, 2FA required."""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor


def current_code(device: TOTPDevice) -> str:
    """The code the person's authenticator app shows right now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    """A confirmed authenticator and fresh backup codes for ``user``."""
    device = TOTPDevice.objects.create(user=user, name="App", confirmed=True)
    return device, twofactor._new_backup_codes(user)


@pytest.fixture
def require_2fa(settings):
    """Production's rule: Amtsleitung, CvD and Administration must use a second factor."""
    settings.NEWSROOM_REQUIRE_2FA = True
    return settings


@pytest.fixture(autouse=True)
def _no_code_throttle(settings):
    # A wrong code slows the next attempt down by seconds; tests try again at once (one test
    # switches the slowdown back on).
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits and lockouts must not leak from one test into the next.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
