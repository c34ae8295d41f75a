"""The contract between the citizens' inbox and the networks: what comes in, what goes out.

The inbox (``inbox/``) asks each network's inbound adapter for what citizens wrote
since the last fetch (comments on our published items, mentions, direct
messages), sends our approved replies, and hides or deletes a citizen's comment
after a moderation decision. Errors are the classified ones of
:mod:`channels_publish.adapters.base` (``RetryLater``, ``OutcomeUnknown``,
``PermanentFailure``, ``AuthorizationFailed``); the inbox decides about retries.

Exactly once for replies works as for posts: each :class:`ReplyRequest` carries a
``marker`` that the adapter puts into the reply (invisibly where the network
allows, see :func:`~channels_publish.adapters.base.with_hidden_marker`), and
:meth:`InboundAdapter.find_reply` looks for it after an ambiguous failure.

Which adapters exist: ``inbound_adapter_for(network)`` (X, Facebook, Instagram,
YouTube; the website and press have no inbound side).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from .base import AccountConfig, Published, SaveState

InboundKind = Literal["comment", "mention", "message"]


@dataclass(frozen=True)
class InboundItem:
    """One thing a citizen (or we) wrote, as the network reports it."""

    kind: InboundKind
    remote_id: str  # the comment / tweet / message id: unique per account and network
    # Groups items into one conversation: the top-level comment's id for a comment thread,
    # the DM conversation id, the X conversation_id of a mention.
    thread_key: str
    text: str
    created_at: datetime  # timezone-aware
    author_id: str  # the network's id of the author (a citizen, or our own account)
    author_name: str = ""
    author_handle: str = ""
    parent_remote_id: str = ""  # the comment/tweet this one answers, "" for a top-level item
    # The remote id of *our* published item this belongs to (comments on our posts),
    # matched by the inbox against Delivery.remote_id; "" for DMs and free mentions.
    post_remote_id: str = ""
    url: str = ""
    from_us: bool = False  # written by our own account (e.g. a reply sent outside Newsroom)
    is_hidden: bool = False
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FetchResult:
    """A page of inbound items and the cursor to continue from next time."""

    items: list[InboundItem]
    cursor: dict[str, Any]  # opaque to the inbox; stored per channel account as JSON
    more: bool = False  # another page is waiting: fetch again right away


@dataclass(frozen=True)
class ReplyRequest:
    """Our approved answer to one inbound item."""

    reply_id: int
    marker: str
    text: str
    kind: InboundKind  # the kind of item we answer
    in_reply_to_remote_id: str  # the comment / tweet / message we answer
    thread_key: str = ""
    recipient_id: str = ""  # the citizen's network id, for direct messages


ModerationAction = Literal["hide", "delete"]


class InboundAdapter(Protocol):
    """What the inbox calls for one network."""

    def fetch_inbound(
        self,
        account: AccountConfig,
        cursor: dict[str, Any],
        published_remote_ids: list[str],
    ) -> FetchResult:
        """Items newer than ``cursor``: comments on ``published_remote_ids`` (our items on
        this account, newest first), mentions of the account, direct messages to it."""
        ...

    def send_reply(
        self,
        account: AccountConfig,
        request: ReplyRequest,
        state: dict[str, Any],
        save_state: SaveState,
    ) -> Published:
        """Send the reply once (a comment reply, a reply tweet or a direct message)."""
        ...

    def find_reply(self, account: AccountConfig, request: ReplyRequest) -> Published | None:
        """Look for a reply carrying ``request.marker`` after an ambiguous failure."""
        ...

    def moderate(self, account: AccountConfig, remote_id: str, action: ModerationAction) -> None:
        """Hide or delete a citizen's comment on our page; raise an AdapterError on failure."""
        ...


def earlier_reply_or_start(
    adapter: InboundAdapter,
    account: AccountConfig,
    request: ReplyRequest,
    state: dict[str, Any],
    save_state: SaveState,
) -> Published | None:
    """Before sending: the reply an earlier, unclear attempt already made, if the network has
    it; otherwise record that sending starts now (so a crash from here on looks first)."""
    if state.get("sending"):
        found = adapter.find_reply(account, request)
        if found is not None:
            return found
    save_state({**state, "sending": True})
    return None


def _x() -> InboundAdapter:
    from .x_inbound import XInboundAdapter

    return XInboundAdapter()


def _facebook() -> InboundAdapter:
    from .facebook_inbound import FacebookInboundAdapter

    return FacebookInboundAdapter()


def _instagram() -> InboundAdapter:
    from .instagram_inbound import InstagramInboundAdapter

    return InstagramInboundAdapter()


def _youtube() -> InboundAdapter:
    from .youtube_inbound import YouTubeInboundAdapter

    return YouTubeInboundAdapter()


INBOUND_ADAPTERS: dict[str, Callable[[], InboundAdapter]] = {
    "x": _x,
    "facebook": _facebook,
    "instagram": _instagram,
    "youtube": _youtube,
}


def inbound_adapter_for(network: str) -> InboundAdapter:
    """The inbound adapter of a network; LookupError for networks without one."""
    try:
        factory = INBOUND_ADAPTERS[str(network)]
    except KeyError:
        raise LookupError(f"No inbound adapter for network {network!r}") from None
    return factory()
