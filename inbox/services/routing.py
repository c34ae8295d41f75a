"""Routing: which department answers a conversation.

Rules are tried in order (priority, then id); the first that matches decides. A rule either
suggests a department (the community management confirms) or routes at once. Without a
matching rule a comment on one of our posts goes to the post's department: whoever published
it can answer for it. Everything else waits for the community management.
"""

from __future__ import annotations

from ..models import Conversation, RoutingMode, RoutingRule


def matching_rule(conversation: Conversation, text: str) -> RoutingRule | None:
    post_department_id = conversation.post.department_id if conversation.post_id else None
    for rule in RoutingRule.objects.filter(is_active=True).order_by("priority", "pk"):
        if rule.matches(text=text, network=conversation.channel_account.network,
                        post_department_id=post_department_id):
            return rule
    return None


def route_new_conversation(conversation: Conversation) -> None:
    """Set or suggest the department of a conversation just created (saved by the caller)."""
    rule = matching_rule(conversation, conversation.preview)
    if rule is not None:
        if rule.mode == RoutingMode.ASSIGN:
            conversation.department_id = rule.department_id
        else:
            conversation.suggested_department_id = rule.department_id
        return
    if conversation.post_id is not None:
        conversation.department_id = conversation.post.department_id
