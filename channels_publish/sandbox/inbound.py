"""What citizens write on our channels, and what we answer: the sandbox's inbound side.

Citizens' comments, mentions and direct messages are created by hand or in bulk
through the control API (``POST /_sandbox/api/inbound``, see :func:`control_routes`)
or the form under each published item on the browsable pages. The network
endpoints that read them and answer them live in ``x_inbound_api``,
``graph_inbound_api`` and ``youtube_inbound_api``.

Every inbound object is a :class:`~.store.Record` in the shared store (so
``GET /_sandbox/api/records?kind=reply`` lists our replies) with these kinds:

- ``comment``: a citizen's comment on one of our items, or a citizen's answer to a
  comment (on X: a reply post in the conversation of our post);
- ``mention``: a post mentioning our X account outside our conversations;
- ``message``: a citizen's direct message to us;
- ``reply``: our answer to a comment (a comment reply, or on X a reply post);
- ``direct_message``: our direct message to a citizen;
- ``moderation``: our hide / delete / moderation status decision on a comment.

``record.owner`` is always *our* network id (X user id, page id, IG user id,
YouTube channel id); ``record.extra`` holds ``author`` (``id``, ``name``,
``handle``), ``from_us``, ``parent`` (the direct parent's id, "" for top-level
items), ``post_id`` (our published item, "" for DMs and free mentions),
``thread`` (top-level comment id, DM conversation id or X conversation id),
``hidden`` and, on YouTube, ``moderation_status``. Inbound records stay out of
the publishing timelines, so 10,000 comments do not slow down publishing.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from .store import Record, SandboxStore, now_utc, stable_number, stable_token

if TYPE_CHECKING:
    from .app import SandboxApp

CITIZEN_KINDS = ("comment", "mention", "message")
OUR_KINDS = ("reply", "direct_message")
INBOUND_KINDS = frozenset(CITIZEN_KINDS + OUR_KINDS)
MODERATION = "moderation"
# Which citizen kinds each network has.
NETWORK_KINDS = {
    "x": {"comment", "mention", "message"},
    "facebook": {"comment", "message"},
    "instagram": {"comment", "message"},
    "youtube": {"comment"},
}
# Records of the publishing side a comment may be made on.
PUBLISHED_KINDS = {"tweet", "post", "photo", "video", "ig_media"}
MAX_BULK = 50_000

FIRST_NAMES = ("Anna", "Jonas", "Leonie", "Mehmet", "Sophie", "Lukas", "Aylin", "Felix",
               "Marie", "Paul", "Emilia", "Ben", "Hannah", "Noah", "Lea", "Elias", "Mia",
               "Finn", "Zeynep", "Karl")
LAST_NAMES = ("Müller", "Schmidt", "Yılmaz", "Weber", "Becker", "Hoffmann", "Schäfer",
              "Koch", "Richter", "Wagner", "Nowak", "Klein", "Wolf", "Neumann", "Braun")
OPENINGS = ("Hallo liebe Stadtverwaltung,", "Moin!", "Guten Tag,", "Kurze Frage:",
            "Danke für die Info!", "Hm,", "Liebes Rathaus-Team,", "Servus,", "")
TOPICS = ("wann wird die Baustelle an der Hauptstraße endlich fertig?",
          "die Straßenlaterne vor Hausnummer 12 ist seit Tagen kaputt.",
          "gibt es noch Termine im Bürgerbüro diese Woche?",
          "warum ist das Freibad am Wochenende geschlossen?",
          "der Spielplatz im Stadtpark braucht dringend neuen Sand.",
          "wird die Buslinie 7 wieder öfter fahren?",
          "wo kann ich Sperrmüll anmelden?",
          "der Radweg an der Uferstraße ist voller Scherben.",
          "finde ich super, weiter so!",
          "das Straßenfest war toll organisiert.",
          "wie lange dauert ein neuer Personalausweis gerade?",
          "an der Kreuzung Bahnhofstraße fehlt ein Zebrastreifen.")
CLOSINGS = ("Viele Grüße", "Danke im Voraus!", "😊", "🙏", "Bitte um Rückmeldung.", "",
            "LG", "#Stadtleben", "Schönen Tag noch!")


class InboundError(ValueError):
    """The control API cannot create an inbound item as asked."""


@dataclass
class Conversation:
    """A direct message conversation between one of our accounts and one citizen."""

    id: str
    network: str
    owner: str
    participant: dict[str, str]
    messages: list[Record] = field(default_factory=list)

    @property
    def updated_at(self) -> datetime:
        """The time of the newest live message."""
        live = [m.created_at for m in self.messages if not m.deleted]
        return max(live) if live else datetime.min.replace(tzinfo=UTC)


def citizen_text(number: int) -> str:
    """A varied German citizen text for bulk creation."""
    opening = OPENINGS[number % len(OPENINGS)]
    topic = TOPICS[(number // 3) % len(TOPICS)]
    closing = CLOSINGS[(number // 7) % len(CLOSINGS)]
    text = " ".join(part for part in (opening, topic[0].upper() + topic[1:] if not opening
                                      or opening.endswith(("!", ":")) else topic, closing)
                    if part)
    return f"{text} ({number})" if number % 5 == 0 else text


def citizen_author(network: str, number: int) -> dict[str, str]:
    """A generated citizen for bulk creation."""
    first = FIRST_NAMES[number % len(FIRST_NAMES)]
    last = LAST_NAMES[(number // len(FIRST_NAMES)) % len(LAST_NAMES)]
    handle = f"{first}{last}{number % 97}".lower()
    for plain, ascii_ in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("ı", "i")):
        handle = handle.replace(plain, ascii_)
    return {"name": f"{first} {last}", "handle": handle}


def author_id(network: str, author: dict[str, Any]) -> str:
    """The author's network id: given, else derived stably from handle or name."""
    if author.get("id"):
        return str(author["id"])
    seed = f"{network}-citizen:{author.get('handle') or author.get('name') or 'anonym'}"
    if network == "youtube":
        return "UC" + stable_token(seed, 22)
    digits = {"x": 18, "facebook": 16, "instagram": 17}.get(network, 16)
    return stable_number(seed, digits)


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 time (``Z`` allowed) or UNIX seconds as an aware UTC datetime."""
    if value in (None, ""):
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
        return datetime.fromtimestamp(float(value), UTC)
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise InboundError(f"created_at is not an ISO 8601 time: {value!r}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class InboundStore:
    """Indexes of the inbound records kept in a :class:`SandboxStore`; thread safe."""

    def __init__(self, store: SandboxStore) -> None:
        self.store = store
        self._lock = store.lock
        self._messages = itertools.count(1)
        self.reset()

    def reset(self) -> None:
        """Forget the indexes (the records themselves live in the store)."""
        with self._lock:
            self._generation = self.store.records
            self._generated = itertools.count()
            self._items: dict[tuple[str, str], list[Record]] = defaultdict(list)
            self._on_post: dict[str, list[Record]] = defaultdict(list)
            self._children: dict[str, list[Record]] = defaultdict(list)
            self._conversations: dict[str, Conversation] = {}
            self._by_owner: dict[tuple[str, str], dict[str, Conversation]] = defaultdict(dict)
            self._authors: dict[tuple[str, str], dict[str, str]] = {}

    def _fresh(self) -> None:
        # The store was reset behind our back (``SandboxStore.reset`` replaces its dicts).
        if self._generation is not self.store.records:
            self.reset()

    # reading ---------------------------------------------------------------

    def items(self, network: str, owner: str) -> list[Record]:
        """All inbound records of one of our accounts, in creation order."""
        with self._lock:
            self._fresh()
            return list(self._items.get((network, owner), ()))

    def on_post(self, post_id: str) -> list[Record]:
        """Every comment and reply on one of our items, in creation order."""
        with self._lock:
            self._fresh()
            return list(self._on_post.get(post_id, ()))

    def children(self, parent_id: str) -> list[Record]:
        """Direct answers to a comment (or top-level comments of an item)."""
        with self._lock:
            self._fresh()
            return list(self._children.get(parent_id, ()))

    def conversation(self, conversation_id: str) -> Conversation | None:
        """A DM conversation by id."""
        with self._lock:
            self._fresh()
            return self._conversations.get(conversation_id)

    def conversations(self, network: str, owner: str) -> list[Conversation]:
        """An account's DM conversations, most recently updated first."""
        with self._lock:
            self._fresh()
            found = list(self._by_owner.get((network, owner), {}).values())
        return sorted(found, key=lambda c: c.updated_at, reverse=True)

    def author(self, network: str, user_id: str) -> dict[str, str] | None:
        """What we know about a citizen (``id``, ``name``, ``handle``)."""
        with self._lock:
            return self._authors.get((network, user_id))

    def is_owner(self, network: str, owner: str) -> bool:
        """Whether inbound items exist for this account."""
        with self._lock:
            self._fresh()
            return (network, owner) in self._items

    # writing ---------------------------------------------------------------

    def new_id(self, network: str, kind: str, parent: Record | None, post_id: str) -> str:
        """A network-shaped id for a new comment, message or reply."""
        store = self.store
        if network == "x":
            return store.new_x_id()
        if kind in ("message", "direct_message"):
            prefix = "m_" if network == "facebook" else "aWdfZAG1faXRlbTox"
            return prefix + store.new_opaque_id(22) + str(next(self._messages))
        if network == "youtube":
            if parent is not None and parent.kind in INBOUND_KINDS:
                return f"{parent.extra['thread']}.{store.new_opaque_id(22)}"
            return "Ugz" + store.new_opaque_id(22)
        if network == "facebook":
            return f"{post_id.rsplit('_', 1)[-1]}_{store.new_graph_id()}"
        return store.new_graph_id()

    def add(self, record: Record) -> Record:
        """Keep an inbound record in the store and in the indexes."""
        extra = record.extra
        with self._lock:
            self._fresh()
            # Our X replies are posts of ours: they show in our timeline, as on X.
            ours_on_x = record.network == "x" and record.kind == "reply"
            self.store.add(record, timeline=ours_on_x)
            self._items[(record.network, record.owner)].append(record)
            if extra.get("post_id") and record.kind not in ("message", "direct_message"):
                self._on_post[extra["post_id"]].append(record)
                self._children[extra.get("parent") or extra["post_id"]].append(record)
            author = extra.get("author") or {}
            if author.get("id") and not extra.get("from_us"):
                self._authors[(record.network, author["id"])] = author
        return record

    def conversation_with(self, network: str, owner: str, participant: dict[str, str],
                          our_id: str = "") -> Conversation:
        """The conversation of an account with a citizen, created on first use."""
        with self._lock:
            self._fresh()
            for found in self._by_owner[(network, owner)].values():
                if found.participant["id"] == participant["id"]:
                    return found
            if network == "x":
                low, high = sorted((int(owner), int(participant["id"])))
                conversation_id = f"{low}-{high}"
            else:
                conversation_id = "t_" + stable_number(f"{network}:{owner}:{participant['id']}",
                                                       15)
            found = Conversation(conversation_id, network, owner, dict(participant))
            self._conversations[conversation_id] = found
            self._by_owner[(network, owner)][conversation_id] = found
            self._authors[(network, participant["id"])] = dict(participant)
            return found

    def add_message(self, conversation: Conversation, text: str, *, from_us: bool,
                    account: str, created_at: datetime | None = None,
                    request: dict[str, Any] | None = None) -> Record:
        """A direct message in a conversation, from the citizen or from us."""
        network = conversation.network
        kind = "direct_message" if from_us else "message"
        author = ({"id": conversation.owner, "name": "", "handle": ""} if from_us
                  else conversation.participant)
        record = Record(
            network=network, kind=kind, id=self.new_id(network, kind, None, ""),
            account=account, owner=conversation.owner, text=text,
            created_at=created_at or now_utc(), request=request or {},
            extra={"author": dict(author), "from_us": from_us, "parent": "", "post_id": "",
                   "thread": conversation.id, "hidden": False,
                   "recipient": conversation.owner if not from_us
                   else conversation.participant["id"]},
        )
        with self._lock:
            self.add(record)
            conversation.messages.append(record)
        return record

    def add_comment(self, network: str, owner: str, target: Record | None, text: str, *,
                    kind: str, author: dict[str, str], from_us: bool, account: str,
                    created_at: datetime | None = None,
                    request: dict[str, Any] | None = None) -> Record:
        """A comment, mention or reply; ``target`` is our item or the comment answered."""
        parent_id = post_id = thread = ""
        parent = None
        if target is not None and target.kind in INBOUND_KINDS:
            parent = target
            if network != "x" and target.extra.get("parent") and target.extra.get("thread"):
                # Facebook, Instagram and YouTube nest one level: an answer to an answer
                # joins the top-level comment.
                found = self.store.get(target.extra["thread"])
                parent = found if found is not None else target
            parent_id = parent.id
            post_id = target.extra.get("post_id", "")
            thread = target.extra.get("thread", "")
        elif target is not None:
            post_id = target.extra.get("post_id") or target.id
            if network == "x":
                parent_id = target.id
                thread = target.extra.get("in_reply_to_tweet_id") or target.id
        record_id = self.new_id(network, kind, parent, post_id)
        if not thread:
            thread = record_id
        record = Record(
            network=network, kind=kind, id=record_id, account=account, owner=owner, text=text,
            created_at=created_at or now_utc(), request=request or {},
            extra={"author": dict(author), "from_us": from_us, "parent": parent_id,
                   "post_id": post_id, "thread": thread, "hidden": False,
                   "moderation_status": "published",
                   "answers": target.id if target is not None else ""},
        )
        return self.add(record)

    def moderate(self, target: Record, action: str, account: str, **details: Any) -> Record:
        """Apply and record a moderation decision (``hide``, ``unhide``, ``delete``, or a
        YouTube status such as ``heldForReview``)."""
        with self._lock:
            if action == "hide":
                target.extra["hidden"] = True
            elif action == "unhide":
                target.extra["hidden"] = False
            elif action == "delete":
                self.store.delete(target)
            else:
                target.extra["moderation_status"] = action
            record = Record(
                network=target.network, kind=MODERATION,
                id=f"mod{self.store.next_number()}", account=account, owner=target.owner,
                extra={"action": action, "target": target.id, "target_kind": target.kind,
                       "thread": target.extra.get("thread", ""), **details},
            )
            self.store.add(record, timeline=False)
        return record

    # the control API's creation ----------------------------------------------

    def owner_of(self, network: str, account: str) -> str:
        """Our network id for an account key or id given to the control API."""
        if not account:
            raise InboundError("account (or on) is required")
        if network == "x":
            if account in self.store.x_users or account.isdigit():
                return account
            return self.store.x_user_id(account)
        if network == "youtube":
            if account.startswith("UC") and len(account) == 24:
                return account
            from .youtube_api import channel_id

            return channel_id(account)
        return account

    def create(self, spec: dict[str, Any], index: int = 0) -> Record:
        """Create one citizen item from the control API's JSON (``index``: its place in a
        bulk request, which picks from a list of ``on`` ids in turn)."""
        network = str(spec.get("network") or "")
        kind = str(spec.get("kind") or "comment")
        if network not in NETWORK_KINDS:
            raise InboundError(f"network must be one of {', '.join(NETWORK_KINDS)}")
        if kind not in NETWORK_KINDS[network]:
            raise InboundError(f"{network} has no inbound kind {kind!r}; use one of "
                               f"{', '.join(sorted(NETWORK_KINDS[network]))}")
        # Generated texts and citizens vary over the store's life, not just within one call.
        number = next(self._generated)
        text = spec.get("text")
        if text is None:
            text = citizen_text(number)
        if not isinstance(text, str) or not text.strip():
            raise InboundError("text must be a non-empty string")
        raw_author = spec.get("author") or citizen_author(network, number)
        if not isinstance(raw_author, dict):
            raise InboundError("author must be an object with id, name, handle")
        author = {"id": "", "name": str(raw_author.get("name") or ""),
                  "handle": str(raw_author.get("handle") or "").lstrip("@")}
        author["id"] = author_id(network, {**raw_author, **author,
                                           "id": raw_author.get("id")})
        if not author["name"]:
            author["name"] = author["handle"] or "Bürgerin"
        if not author["handle"]:
            author["handle"] = author["name"].lower().replace(" ", "")
        created_at = parse_time(spec.get("created_at"))
        on = spec.get("on") or ""
        if isinstance(on, list):
            on = on[index % len(on)] if on else ""
        target = None
        if on:
            target = self.store.get(str(on))
            if target is None or target.deleted or target.network != network or (
                target.kind not in PUBLISHED_KINDS and target.kind not in INBOUND_KINDS
            ):
                raise InboundError(f"on: no published item or comment {on!r} on {network}")
        owner = target.owner if target is not None else self.owner_of(
            network, str(spec.get("account") or ""))
        account = str(spec.get("account") or (target.account if target is not None else owner))
        if kind == "message":
            conversation = self.conversation_with(network, owner, author)
            return self.add_message(conversation, text, from_us=False, account=account,
                                    created_at=created_at)
        if kind == "comment" and target is None:
            raise InboundError("a comment needs on: the id of our published item or a comment")
        if kind == "mention" and target is not None and target.kind not in INBOUND_KINDS:
            raise InboundError("a mention answers no post of ours; use kind comment")
        record = self.add_comment(network, owner, target, text, kind=kind, author=author,
                                  from_us=False, account=account, created_at=created_at)
        if spec.get("thread") and kind == "mention" and target is None:
            record.extra["thread"] = str(spec["thread"])
        return record

    def create_bulk(self, body: dict[str, Any]) -> list[Record]:
        """``{"items": [...]}`` and/or ``{"count": N, ...template}``; generated texts,
        authors and times (one second apart, ending now) where the template has none."""
        items = body.get("items") or []
        if not isinstance(items, list):
            raise InboundError("items must be a list")
        count = body.get("count") or 0
        if not isinstance(count, int) or count < 0 or count + len(items) > MAX_BULK:
            raise InboundError(f"count must be an integer between 0 and {MAX_BULK}")
        template = {k: v for k, v in body.items() if k not in ("items", "count")}
        created = [self.create(item, number) for number, item in enumerate(items)]
        start = now_utc() - timedelta(seconds=count)
        for number in range(count):
            spec = dict(template)
            if "created_at" not in template:
                spec["created_at"] = (start + timedelta(seconds=number + 1)).isoformat()
            created.append(self.create(spec, number))
        return created


def item_json(record: Record) -> dict[str, Any]:
    """An inbound record as the control API shows it."""
    extra = record.extra
    return {
        "network": record.network,
        "kind": record.kind,
        "id": record.id,
        "account": record.account,
        "owner": record.owner,
        "text": record.text,
        "created_at": record.created_at.isoformat(),
        "author": extra.get("author", {}),
        "from_us": extra.get("from_us", False),
        "parent": extra.get("parent", ""),
        "post_id": extra.get("post_id", ""),
        "thread": extra.get("thread", ""),
        "hidden": extra.get("hidden", False),
        "moderation_status": extra.get("moderation_status", "published"),
        "deleted": record.deleted,
    }


# control API and pages --------------------------------------------------------

def control_routes(app: SandboxApp) -> list[tuple[str, str, list[str], Callable[..., Response]]]:
    """Control endpoints: ``/_sandbox/api/inbound`` (create, list), ``…/inbound/<id>``
    (one item with its state) and the pages' comment form."""
    from .app import json_response

    inbound: InboundStore = app.inbound

    def api_inbound(request: Request) -> Response:
        if request.method == "GET":
            network = request.args.get("network") or None
            account = request.args.get("account") or None
            kind = request.args.get("kind") or None
            records = [
                r for r in app.store.select(network=network, account=account, kind=kind)
                if r.kind in INBOUND_KINDS
            ]
            return json_response({"data": [item_json(r) for r in records]})
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return json_response({"error": "JSON object expected"}, 400)
        try:
            if "items" in body or "count" in body:
                created = inbound.create_bulk(body)
                return json_response({"data": {"count": len(created),
                                               "ids": [r.id for r in created]}}, 201)
            record = inbound.create(body)
        except InboundError as exc:
            return json_response({"error": str(exc)}, 400)
        return json_response({"data": item_json(record)}, 201)

    def api_inbound_item(request: Request, item_id: str) -> Response:
        record = app.store.get(item_id)
        if record is None or record.kind not in INBOUND_KINDS:
            return json_response({"error": "no such inbound item"}, 404)
        data = item_json(record)
        data["answers"] = [item_json(r) for r in inbound.children(record.id)]
        return json_response({"data": data})

    def comment_form(request: Request) -> Response:
        network = request.form.get("network", "")
        on = request.form.get("on", "")
        spec = {"network": network, "kind": "comment", "on": on,
                "text": request.form.get("text", ""),
                "author": {"name": request.form.get("author", "").strip() or "Bürgerin"}}
        try:
            record = inbound.create(spec)
        except InboundError as exc:
            return json_response({"error": str(exc)}, 400)
        anchor = record.extra.get("post_id") or on
        target = app.store.get(anchor)
        if target is not None and target.extra.get("post_id"):
            anchor = target.extra["post_id"]
        return Response("", status=303,
                        headers={"Location": f"/_sandbox/{network}#{anchor}"})

    return [
        ("/_sandbox/api/inbound", "inbound", ["GET", "POST"], api_inbound),
        ("/_sandbox/api/inbound/<item_id>", "inbound_item", ["GET"], api_inbound_item),
        ("/_sandbox/inbound/comment", "inbound_form", ["POST"], comment_form),
    ]


PAGE_CSS = """
.comments { margin: -.5rem 0 1rem 1.5rem; }
.comments h3 { font-size: .9rem; color: var(--muted); margin: .25rem 0; }
.comment { background: #fff; border-left: 3px solid var(--line); padding: .4rem .75rem;
           margin: .25rem 0; }
.comment.ours { border-left-color: var(--accent); }
.comment.hidden { opacity: .55; }
.comment .reply-list { margin-left: 1.25rem; }
.comment-form { display: grid; gap: .35rem; margin-top: .5rem; }
.comment-form input, .comment-form textarea { font: inherit; padding: .3rem; }
"""


def _comment_html(inbound: InboundStore, record: Record, depth: int = 0) -> str:
    if record.deleted:
        return ""
    extra = record.extra
    author = extra.get("author") or {}
    classes = ["comment"]
    badges = []
    if extra.get("from_us"):
        classes.append("ours")
        badges.append('<span class="badge">our reply</span>')
    if extra.get("hidden") or extra.get("moderation_status", "published") != "published":
        classes.append("hidden")
        badges.append(f'<span class="badge">'
                      f'{escape("hidden" if extra.get("hidden") else extra["moderation_status"])}'
                      "</span>")
    who = escape(author.get("name") or author.get("handle") or author.get("id", ""))
    answers = ""
    if depth < 4:
        answers = "".join(_comment_html(inbound, child, depth + 1)
                          for child in inbound.children(record.id))
        if answers:
            answers = f'<div class="reply-list">{answers}</div>'
    return (f'<div class="{" ".join(classes)}" id="{escape(record.id, quote=True)}">'
            f"<strong>{who}</strong>{''.join(badges)}"
            f'<p class="text">{escape(record.text)}</p>{answers}</div>')


def comments_html(app: SandboxApp, network: str, record: Record) -> str:
    """The comments under a published item and a form to add one by hand."""
    inbound: InboundStore = app.inbound
    post_id = record.extra.get("post_id") or record.id
    comments = "".join(_comment_html(inbound, c) for c in inbound.children(post_id))
    if not comments and post_id != record.id:
        comments = "".join(_comment_html(inbound, c) for c in inbound.children(record.id))
    label_id = escape(f"c-{post_id}", quote=True)
    form = (
        '<form class="comment-form" method="post" action="/_sandbox/inbound/comment">'
        f'<input type="hidden" name="network" value="{escape(network, quote=True)}">'
        f'<input type="hidden" name="on" value="{escape(post_id, quote=True)}">'
        f'<label for="{label_id}-a">Name</label>'
        f'<input id="{label_id}-a" name="author" autocomplete="name">'
        f'<label for="{label_id}-t">Comment as a citizen</label>'
        f'<textarea id="{label_id}-t" name="text" rows="2" required></textarea>'
        "<button type=\"submit\">Post comment</button></form>"
    )
    return (f'<section class="comments" aria-label="Comments on {escape(post_id, quote=True)}">'
            f"<h3>Comments</h3>{comments}{form}</section>")


def apis() -> list[Any]:
    """The network API objects of the inbound endpoints (registered by the app)."""
    from .graph_inbound_api import GraphInboundApi
    from .x_inbound_api import XInboundApi
    from .youtube_inbound_api import YouTubeInboundApi

    return [XInboundApi(), GraphInboundApi(), YouTubeInboundApi()]
