"""Keep guardian's department permissions in step with memberships; record sign-ins."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from newsroom import audit

from .models import Membership
from .services import sync_department_permissions


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def membership_changed(sender, instance: Membership, **kwargs) -> None:
    sync_department_permissions(instance.user)


@receiver(user_logged_in)
def record_login(sender, request, user, **kwargs) -> None:
    audit.log("accounts.user.logged_in", actor=user, obj=user)


@receiver(user_logged_out)
def record_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit.log("accounts.user.logged_out", actor=user, obj=user)


@receiver(user_login_failed)
def record_failed_login(sender, credentials, request=None, **kwargs) -> None:
    audit.log("accounts.user.login_failed", data={"username": credentials.get("username", "")})


# Sent by accounts.services when a person is deactivated (by an administrator, the admin or a
# leaving-staff procedure), after their sessions and API tokens have been ended. Apps that hold
# per-person access (push subscriptions, devices) connect to it and remove it.
user_deactivated = Signal()
