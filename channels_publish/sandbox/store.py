"""The sandbox's in-memory record of everything the networks were asked to do.

One :class:`SandboxStore` holds the published objects, the uploaded media bytes,
upload sessions, Instagram containers and the duplicate indexes. Every public
method takes the store's lock, so handlers running in the server's threads can
call them freely. Lookups are dictionary based: the publishing benchmark sends
thousands of posts a minute through the sandbox, so nothing in the request path
scans all records.
"""

from __future__ import annotations

import hashlib
import itertools
import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

NETWORKS = ("x", "facebook", "instagram", "youtube")

# What the networks show to a citizen; other kinds (containers, upload sessions,
# unpublished photos, media blobs) are bookkeeping.
VISIBLE_KINDS = {
    "x": {"tweet"},
    "facebook": {"post", "photo", "video"},
    "instagram": {"ig_media"},
    "youtube": {"video"},
}

DUPLICATE_WINDOW_S = 24 * 3600


def now_utc() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def stable_number(text: str, digits: int) -> str:
    """Derive a stable numeric id of ``digits`` digits from ``text``.

    Used for ids the sandbox must answer consistently across restarts (an X
    user id for a token, say), so an adapter may cache them.
    """
    number = int(hashlib.sha256(text.encode()).hexdigest(), 16)
    low = 10 ** (digits - 1)
    return str(low + number % (9 * low))


def stable_token(text: str, length: int) -> str:
    """Derive a stable URL-safe identifier of ``length`` characters from ``text``."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    number = int(hashlib.sha256(text.encode()).hexdigest(), 16)
    chars = []
    for _ in range(length):
        number, rest = divmod(number, len(alphabet))
        chars.append(alphabet[rest])
    return "".join(chars)


@dataclass
class MediaBlob:
    """Bytes the sandbox received or fetched, served back under ``/_sandbox/media/``."""

    id: str
    content_type: str
    data: bytes
    source_url: str = ""

    @property
    def path(self) -> str:
        """The sandbox-relative URL path of this blob."""
        return f"/_sandbox/media/{self.id}"

    def describe(self) -> dict[str, Any]:
        """The JSON description used in records (absolute URL added by the caller)."""
        return {
            "id": self.id,
            "path": self.path,
            "content_type": self.content_type,
            "size": len(self.data),
            "source_url": self.source_url,
        }


@dataclass
class Record:
    """One object a network created: a tweet, a page post, an IG container, a video."""

    network: str
    kind: str
    id: str
    account: str  # the credential the object was created with (the account key)
    owner: str  # the network-side owner: X user id, page id, IG user id, channel id
    text: str = ""
    media: list[MediaBlob] = field(default_factory=list)
    created_at: datetime = field(default_factory=now_utc)
    request: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    deleted: bool = False

    def as_json(self, base_url: str = "") -> dict[str, Any]:
        """Serialise for the records endpoint; media URLs are made absolute."""
        media = []
        for blob in self.media:
            described = blob.describe()
            described["url"] = base_url.rstrip("/") + blob.path
            media.append(described)
        return {
            "network": self.network,
            "kind": self.kind,
            "id": self.id,
            "account": self.account,
            "owner": self.owner,
            "text": self.text,
            "media": media,
            "created_at": self.created_at.isoformat(),
            "deleted": self.deleted,
            "extra": {
                key: value.describe() if isinstance(value, MediaBlob) else value
                for key, value in self.extra.items()
            },
            "request": self.request,
        }


@dataclass
class Account:
    """What the sandbox knows about a credential; created on first use."""

    network: str
    key: str
    name: str = ""
    username: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)


class SandboxStore:
    """Thread-safe in-memory state of the sandbox."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        """Forget everything: records, media, sessions, accounts, metrics."""
        with self.lock:
            # Numbered from the clock (microseconds), so ids stay unique and increasing across
            # restarts and resets: a newsroom that fetched before must not see old ids again.
            self._counter = itertools.count(int(time.time() * 1_000_000))
            self.records: dict[str, Record] = {}
            self._order: list[Record] = []
            # (network, owner) -> records in creation order, for timelines.
            self._timelines: dict[tuple[str, str], list[Record]] = defaultdict(list)
            # (network, owner, text) -> (record id, monotonic-ish wall time).
            self._duplicates: dict[tuple[str, str, str], tuple[str, float]] = {}
            self.media: dict[str, MediaBlob] = {}
            self.sessions: dict[str, dict[str, Any]] = {}
            self.accounts: dict[tuple[str, str], Account] = {}
            self.x_users: dict[str, str] = {}  # X user id -> token
            self._publishes: dict[str, deque[float]] = defaultdict(deque)

    # ids -----------------------------------------------------------------

    def next_number(self) -> int:
        """A process-unique increasing number (thread safe through the GIL'd counter)."""
        with self.lock:
            return next(self._counter)

    def new_x_id(self) -> str:
        """A 19-digit snowflake-looking id, as X uses for posts and media."""
        return str(1_900_000_000_000_000_000 + self.next_number())

    def new_graph_id(self) -> str:
        """A 17-digit numeric id, as Graph uses for posts, media and containers."""
        return str(17_900_000_000_000_000 + self.next_number())

    @staticmethod
    def new_opaque_id(length: int = 11) -> str:
        """A random URL-safe id (YouTube video ids, upload session ids)."""
        return secrets.token_urlsafe(length)[:length]

    # accounts ------------------------------------------------------------

    def account(self, network: str, key: str) -> Account:
        """Return the account for a credential, creating it on first sight."""
        with self.lock:
            found = self.accounts.get((network, key))
            if found is None:
                found = Account(network=network, key=key)
                self.accounts[(network, key)] = found
            return found

    def register_account(self, network: str, key: str, **attrs: Any) -> Account:
        """Create or update an account with a display name, username or limits."""
        with self.lock:
            account = self.account(network, key)
            account.name = attrs.pop("name", account.name)
            account.username = attrs.pop("username", account.username)
            account.attrs.update(attrs)
            return account

    def x_user_id(self, token: str) -> str:
        """The stable X user id of a token; remembered for ``/2/users/{id}/tweets``."""
        user_id = stable_number("x-user:" + token, 16)
        with self.lock:
            self.x_users[user_id] = token
        return user_id

    # media ---------------------------------------------------------------

    def add_media(self, data: bytes, content_type: str, source_url: str = "") -> MediaBlob:
        """Keep uploaded or fetched bytes and return their blob."""
        blob = MediaBlob(
            id=f"m{self.next_number()}",
            content_type=content_type or "application/octet-stream",
            data=data,
            source_url=source_url,
        )
        with self.lock:
            self.media[blob.id] = blob
        return blob

    # records -------------------------------------------------------------

    def add(
        self, record: Record, *, unique_text: bool = False, timeline: bool = True
    ) -> Record | None:
        """Record a created object and index it for timelines.

        With ``unique_text`` the record's text takes part in duplicate detection:
        if the same owner published the same text within 24 hours, nothing is
        added and the earlier record is returned instead (check and insert are
        atomic, so two concurrent identical posts cannot both pass). Without
        ``timeline`` the record stays out of the owner's timeline (inbound items).
        """
        with self.lock:
            if unique_text and record.text:
                earlier = self.find_duplicate(record.network, record.owner, record.text)
                if earlier is not None:
                    return earlier
                key = (record.network, record.owner, record.text)
                self._duplicates[key] = (record.id, time.time())
            self.records[record.id] = record
            self._order.append(record)
            if timeline:
                self._timelines[(record.network, record.owner)].append(record)
        return None

    def add_alias(self, alias_id: str, record: Record) -> None:
        """Make a record reachable under a second id (a photo's post id, say)."""
        with self.lock:
            self.records[alias_id] = record

    def get(self, record_id: str, kind: str | None = None) -> Record | None:
        """Return a record by id (optionally only of one kind)."""
        with self.lock:
            record = self.records.get(record_id)
        if record is not None and kind is not None and record.kind != kind:
            return None
        return record

    def find_duplicate(self, network: str, owner: str, text: str) -> Record | None:
        """Return a live record of the same owner with the same text within 24 hours."""
        with self.lock:
            found = self._duplicates.get((network, owner, text))
            if found is None:
                return None
            record_id, created = found
            record = self.records.get(record_id)
            if record is None or record.deleted or time.time() - created > DUPLICATE_WINDOW_S:
                del self._duplicates[(network, owner, text)]
                return None
            return record

    def delete(self, record: Record) -> None:
        """Mark a record deleted and drop it from the duplicate index."""
        with self.lock:
            record.deleted = True
            key = (record.network, record.owner, record.text)
            if self._duplicates.get(key, ("",))[0] == record.id:
                del self._duplicates[key]

    def timeline(
        self, network: str, owner: str, kinds: set[str] | None = None, limit: int = 100
    ) -> list[Record]:
        """Newest-first live records of one owner; walks back only as far as needed."""
        result: list[Record] = []
        with self.lock:
            records = self._timelines.get((network, owner), [])
            for record in reversed(records):
                if record.deleted or (kinds is not None and record.kind not in kinds):
                    continue
                result.append(record)
                if len(result) >= limit:
                    break
        return result

    def owners(self, network: str) -> list[str]:
        """All owners that have records on a network, in order of first record."""
        with self.lock:
            return [owner for (net, owner) in self._timelines if net == network]

    def select(
        self, network: str | None = None, account: str | None = None, kind: str | None = None
    ) -> list[Record]:
        """Records in creation order, filtered; ``account`` matches the key or the owner."""
        with self.lock:
            records = list(self._order)
        return [
            record
            for record in records
            if (network is None or record.network == network)
            and (account is None or account in (record.account, record.owner))
            and (kind is None or record.kind == kind)
        ]

    # Instagram publishing limit -------------------------------------------

    def publishes_in_window(self, ig_user_id: str, window_s: float = 86400) -> int:
        """How many IG media this user published in the last ``window_s`` seconds."""
        cutoff = time.time() - window_s
        with self.lock:
            stamps = self._publishes[ig_user_id]
            while stamps and stamps[0] < cutoff:
                stamps.popleft()
            return len(stamps)

    def note_publish(self, ig_user_id: str) -> None:
        """Count one IG publish against the 24-hour limit."""
        with self.lock:
            self._publishes[ig_user_id].append(time.time())
