"""Permission rows for trying a failed moderation again (inbox, docs/decisions/0004)."""

from tests.url_table import UrlCase

INBOX = frozenset({"head", "duty_editor", "community"})
CENTRAL = frozenset({"duty_editor", "community"})


def setup_world(world):
    from django.utils import timezone

    from accounts.roles import Role
    from channels_publish.adapters.inbound import InboundItem
    from inbox.models import Conversation, ModerationRequest, ModerationStatus
    from inbox.services import moderation
    from inbox.services.ingest import store_page
    from tests.factories import channel, member

    account = channel("facebook", world.own, world.other, name="Postfach Moderation")
    for key, department in (("own", world.own), ("other", world.other)):
        thread = f"moderation-retry-{key}"
        store_page(account, [InboundItem(
            kind="comment", remote_id=f"{thread}-1", thread_key=thread, text="Spam",
            created_at=timezone.now(), author_id=f"spammer-{key}", author_name="Spam",
        )], None, {})
        Conversation.objects.filter(thread_key=thread).update(department=department)
        writer = member(Role.COMMUNITY, department, username=f"moderation-retry-{key}")
        item = moderation.request(actor=writer, message=Conversation.objects.get(
            thread_key=thread).messages.get(), action="hide", reason="spam")
        ModerationRequest.objects.filter(pk=item.pk).update(
            status=ModerationStatus.FAILED, last_error="Netzwerk nicht erreichbar")
        world.objects[f"inbox_failed_moderation_{key}"] = item


CASES = [
    UrlCase("inbox:retry_moderation", INBOX, method="post", ok_status=302,
            kwargs=lambda world: {"pk": world.objects["inbox_failed_moderation_own"].pk},
            other_kwargs=lambda world: {
                "pk": world.objects["inbox_failed_moderation_other"].pk},
            city_wide=CENTRAL),
]
