"""The audit log, its export and the notifications."""

from tests.url_table import EVERYONE, UrlCase

AUDIT_READERS = frozenset({"head", "duty_editor", "admin"})


def setup_world(world) -> None:
    from newsroom.models import Notification, NotificationKind

    world.objects["notification_head"] = Notification.objects.create(
        recipient=world.people["head"], kind=NotificationKind.REVIEW_REQUESTED,
        message="Ein Beitrag wartet auf Ihre Freigabe.",
    )


CASES = [
    UrlCase("newsroom:audit_log", AUDIT_READERS),
    UrlCase("newsroom:audit_export", AUDIT_READERS),
    UrlCase("newsroom:notifications", EVERYONE),
    # Only its recipient finds a notification; for everyone else it does not exist.
    UrlCase("newsroom:notification_read", frozenset({"head"}), method="post", ok_status=302,
            kwargs=lambda world: {"pk": world.objects["notification_head"].pk},
            forbidden_status=404),
    UrlCase("newsroom:notifications_read_all", EVERYONE, method="post", ok_status=302),
]
