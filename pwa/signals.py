"""A device stops receiving push messages when its login ends or its person leaves."""

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from accounts.signals import session_ended, user_deactivated

from . import services


@receiver(user_logged_out)
def forget_device_at_logout(sender, request, user, **kwargs) -> None:
    services.remove_for_logout(user, getattr(request, "session", None))


@receiver(user_deactivated)
def forget_devices_of_deactivated(sender, user=None, **kwargs) -> None:
    user = user if user is not None else kwargs.get("instance")
    if user is not None:
        services.remove_all_of(user, reason="deaktiviert", actor=kwargs.get("actor"))


@receiver(session_ended)
def forget_device_of_ended_session(sender, user=None, session_key="", **kwargs) -> None:
    services.remove_for_sessions([session_key])
