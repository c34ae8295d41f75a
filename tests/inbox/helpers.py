"""Building blocks of the inbox tests: a conversation with a citizen's comment, a reply."""

from __future__ import annotations

from inbox.models import Conversation
from inbox.services import replies
from inbox.services.ingest import store_page

from .conftest import item


def conversation_of(account, department=None, *, thread: str = "t1", text: str = "Wann?",
                    hours_ago: float = 1, number: int = 1) -> Conversation:
    store_page(account, [item(number, thread=thread, text=text, hours_ago=hours_ago)], None, {})
    conversation = Conversation.objects.get(channel_account=account, thread_key=thread)
    if department is not None:
        Conversation.objects.filter(pk=conversation.pk).update(department=department)
        conversation.refresh_from_db()
    return conversation


def reply_in_review(author, conversation, text: str = "Im Frühjahr."):
    reply = replies.draft(actor=author, conversation=conversation, text=text)
    return replies.submit(actor=author, reply=reply)
