"""Permission rows for the citizens' inbox (docs/decisions/0004-inbox-visibility.md).

Per department the world holds two conversations: one with a draft reply and an open
moderation request, one with a reply in review; all written by a third person of the
department, so nobody of the personas is the author. Plus saved answers per department, a
routing rule and a citizen account.
"""

from datetime import timedelta

from django.utils import timezone

from tests.url_table import UrlCase

INBOX = frozenset({"head", "duty_editor", "community"})
CENTRAL = frozenset({"duty_editor", "community"})


def setup_world(world):
    from accounts.roles import Role
    from channels_publish.adapters.inbound import InboundItem
    from inbox.models import CitizenAccount, Conversation, RoutingRule, SavedAnswer
    from inbox.services import moderation, replies
    from inbox.services.ingest import store_page
    from tests.factories import channel, member

    account = channel("facebook", world.own, world.other, name="Postfach Facebook")
    now = timezone.now()
    for key, department in (("own", world.own), ("other", world.other)):
        writer = member(Role.COMMUNITY, department, username=f"inbox-writer-{key}")
        for suffix in ("a", "b"):
            thread = f"inbox-{key}-{suffix}"
            store_page(account, [InboundItem(
                kind="comment", remote_id=f"{thread}-1", thread_key=thread,
                text="Wann kommt der Radweg?", created_at=now - timedelta(hours=2),
                author_id=f"citizen-{key}", author_name="Erika Muster",
            )], None, {})
            Conversation.objects.filter(thread_key=thread).update(department=department)
        first = Conversation.objects.get(thread_key=f"inbox-{key}-a")
        second = Conversation.objects.get(thread_key=f"inbox-{key}-b")
        world.objects[f"inbox_conversation_{key}"] = first
        world.objects[f"inbox_draft_{key}"] = replies.draft(actor=writer, conversation=first,
                                                            text="Entwurf")
        in_review = replies.draft(actor=writer, conversation=second, text="Zur Prüfung")
        world.objects[f"inbox_in_review_{key}"] = replies.submit(actor=writer, reply=in_review)
        world.objects[f"inbox_message_{key}"] = second.messages.get()
        world.objects[f"inbox_moderation_{key}"] = moderation.request(
            actor=writer, message=first.messages.get(), action="hide", reason="spam")
        world.objects[f"inbox_answer_{key}"] = SavedAnswer.objects.create(
            department=department, title="Danke", text="Vielen Dank!")
    world.objects["inbox_rule"] = RoutingRule.objects.create(
        name="Ampeln", keywords="ampel", department=world.other)
    world.objects["inbox_citizen"] = CitizenAccount.objects.get(remote_id="citizen-own")


def _pk(name: str):
    return lambda world: {"pk": world.objects[name].pk}


def _object(name: str, **extra):
    """kwargs for the own department's object and for the other department's."""
    return {"kwargs": _pk(f"{name}_own"), "other_kwargs": _pk(f"{name}_other"), **extra}


POSTED = {"method": "post", "ok_status": 302}

CASES = [
    UrlCase("inbox:list", INBOX),
    UrlCase("inbox:conversation", INBOX, **_object("inbox_conversation"), city_wide=CENTRAL),
    UrlCase("inbox:route", CENTRAL, **_object("inbox_conversation"), **POSTED,
            data=lambda world: {"department": world.own.pk}, city_wide=CENTRAL),
    UrlCase("inbox:assign", INBOX, **_object("inbox_conversation"), **POSTED,
            data=lambda world: {"assignee": ""}, city_wide=CENTRAL),
    UrlCase("inbox:tags", INBOX, **_object("inbox_conversation"), **POSTED,
            data=lambda world: {"tags": "radweg"}, city_wide=CENTRAL),
    UrlCase("inbox:add_note", INBOX, **_object("inbox_conversation"), **POSTED,
            data=lambda world: {"text": "Notiz"}, city_wide=CENTRAL),
    UrlCase("inbox:close", INBOX, **_object("inbox_conversation"), **POSTED,
            city_wide=CENTRAL),
    UrlCase("inbox:reopen", INBOX, **_object("inbox_conversation"), **POSTED,
            city_wide=CENTRAL),
    UrlCase("inbox:save_reply", INBOX, **_object("inbox_conversation"), **POSTED,
            data=lambda world: {"text": "Neue Fassung"}, city_wide=CENTRAL),
    UrlCase("inbox:submit_reply", INBOX, **_object("inbox_draft"), **POSTED,
            city_wide=CENTRAL),
    UrlCase("inbox:discard_reply", INBOX, **_object("inbox_draft"), **POSTED,
            city_wide=CENTRAL),
    UrlCase("inbox:retry_reply", INBOX, **_object("inbox_draft"), **POSTED,
            city_wide=CENTRAL),
    UrlCase("inbox:discard_unknown_reply", INBOX, **_object("inbox_draft"), **POSTED,
            city_wide=CENTRAL),
    UrlCase("inbox:review_queue", INBOX),
    UrlCase("inbox:review_reply", INBOX, **_object("inbox_in_review"), city_wide=CENTRAL),
    UrlCase("inbox:review_reply", INBOX, **_object("inbox_in_review"), **POSTED,
            data=lambda world: {"decision": "approve", "expected_version": 1},
            city_wide=CENTRAL, id="post:inbox:review_reply"),
    UrlCase("inbox:request_moderation", INBOX, **_object("inbox_message"), **POSTED,
            data=lambda world: {"action": "hide", "reason": "insult"}, city_wide=CENTRAL),
    UrlCase("inbox:decide_moderation", INBOX, **_object("inbox_moderation"), **POSTED,
            data=lambda world: {"decision": "reject"}, city_wide=CENTRAL),
    UrlCase("inbox:saved_answers", INBOX),
    UrlCase("inbox:saved_answer_edit", INBOX, **_object("inbox_answer"), city_wide=CENTRAL),
    UrlCase("inbox:saved_answer_delete", INBOX, **_object("inbox_answer"), **POSTED,
            city_wide=CENTRAL),
    UrlCase("inbox:routing_rules", CENTRAL),
    UrlCase("inbox:routing_rule_edit", CENTRAL, kwargs=_pk("inbox_rule")),
    UrlCase("inbox:routing_rule_delete", CENTRAL, kwargs=_pk("inbox_rule"), **POSTED),
    UrlCase("inbox:response_times", INBOX),
    UrlCase("inbox:citizens", CENTRAL),
    UrlCase("inbox:citizen_export", CENTRAL, kwargs=_pk("inbox_citizen")),
    UrlCase("inbox:citizen_erase", CENTRAL, kwargs=_pk("inbox_citizen"), **POSTED),
    UrlCase("api:inbox-reply-review-queue", INBOX),
    UrlCase("api:inbox-reply-approve", INBOX, **_object("inbox_in_review"), method="post",
            data=lambda world: {"expected_version": 1}, city_wide=CENTRAL),
    UrlCase("api:inbox-reply-request-changes", INBOX, **_object("inbox_in_review"),
            method="post", data=lambda world: {"expected_version": 1, "comment": "Kürzer"},
            city_wide=CENTRAL),
]
