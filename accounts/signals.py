"""Keep guardian's department permissions in step with memberships; record sign-ins."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_init, post_migrate, post_save
from django.dispatch import Signal, receiver

from newsroom import audit

from . import sessions, twofactor
from .models import Membership, User
from .services import audit_login_event, sync_department_permissions


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def membership_changed(sender, instance: Membership, **kwargs) -> None:
    sync_department_permissions(instance.user)


@receiver(post_save, sender=Membership)
def require_second_factor_for_new_role(sender, instance: Membership, created, **kwargs) -> None:
    # A session decided "no second factor needed" at login; a role that needs one ends it, so
    # the person signs in again and is sent to enrolment first.
    if created and instance.role in twofactor.REQUIRED_ROLES and twofactor.is_required_for(
        instance.user
    ) and twofactor.authenticator(instance.user) is None:
        sessions.end_all_sessions(instance.user)


@receiver(user_logged_in)
def record_login(sender, request, user, **kwargs) -> None:
    audit.log("accounts.user.logged_in", actor=user, obj=user)
    if getattr(request, "session", None) is not None:
        # Decided once here, so the middleware needs no query on later requests.
        request.session[twofactor.SESSION_STATE_KEY] = twofactor.session_state(user)
        sessions.record_login(request, user)


@receiver(user_logged_out)
def record_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit.log("accounts.user.logged_out", actor=user, obj=user)
    session = getattr(request, "session", None)
    if session is not None:
        sessions.forget(session.session_key)


@receiver(user_locked_out)
def record_lockout(sender, request, username, ip_address, **kwargs) -> None:
    # Never the typed name itself: people type passwords into the username field.
    audit_login_event("accounts.user.locked_out", username=username or "")


@receiver(user_login_failed)
def record_failed_login(sender, credentials, request=None, **kwargs) -> None:
    audit_login_event("accounts.user.login_failed", username=credentials.get("username") or "")


@receiver(post_init, sender=User)
def remember_superuser_flag(sender, instance, **kwargs) -> None:
    instance._newsroom_was_superuser = instance.is_superuser


@receiver(post_save, sender=User)
def end_sessions_of_new_superuser(sender, instance, created, **kwargs) -> None:
    # Sessions decided "no second factor needed" before the person became superuser end, so
    # the next sign-in asks for the code or enrolment (the middleware re-checks too).
    was = getattr(instance, "_newsroom_was_superuser", False)
    instance._newsroom_was_superuser = instance.is_superuser
    if not created and instance.is_superuser and not was:
        sessions.end_all_sessions(instance)


# Sent by accounts.services when a person is deactivated (by an administrator, the admin or a
# leaving-staff procedure), after their sessions and API tokens have been ended. Apps that hold
# per-person access (push subscriptions, devices) connect to it and remove it.
user_deactivated = Signal()

# Sent by accounts.sessions for each session ended from elsewhere (the security page's "end",
# "logout everywhere", deactivation), with ``user`` and ``session_key``: the session's own
# ``user_logged_out`` never fires for these. Sent while the session still exists.
session_ended = Signal()


@receiver(post_migrate)
def refresh_admin_group(sender, app_config=None, using="default", **kwargs) -> None:
    # Once per migrate run, after the last app; its permission rows may not exist yet (this
    # receiver can run before auth's), so they are created first. A group not yet created
    # gets its rights when it is.
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group

    from .services import ADMIN_GROUP_NAME, sync_admin_group_permissions

    if app_config is None or app_config is not list(apps.get_app_configs())[-1]:
        return
    group = Group.objects.using(using).filter(name=ADMIN_GROUP_NAME).first()
    if group is None:
        return
    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    sync_admin_group_permissions(group)
