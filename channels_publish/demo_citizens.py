"""The demo's citizens: they write to the demo channels on the networks sandbox.

In demo mode a periodic task (``inbox.tasks.demo_citizens``) plays the scenes below through
the sandbox's control API, a few per run, so the citizens' inbox fills while one watches:
comments on the demo posts once those are published on the sandbox, mentions of the city on
X, direct messages. Several scenes share a topic (the road works on the Rheinuferstraße, the
Stadtfest, the tree planting) so the inbox's topics have a story to tell.

The sandbox is the only record of what was played: a scene whose text the sandbox already
holds for that account is done. The sandbox keeps its state in memory, so after a restart the
scenes play again; comments wait until a post is published in the running sandbox.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from .models import ChannelAccount, Delivery, DeliveryStatus
from .networks import Network
from .sandbox.control import SandboxControl, SandboxControlError

logger = logging.getLogger(__name__)

CITIZEN_KINDS = ("comment", "mention", "message")
# The demo channels citizens write to (names as seeded by ``channels_publish.demo``).
DEMO_ACCOUNTS = {
    Network.FACEBOOK: "Stadt auf Facebook",
    Network.INSTAGRAM: "@stadt auf Instagram",
    Network.X: "@Stadt auf X",
}
SCENES_PER_RUN = 2


@dataclass(frozen=True)
class Scene:
    """One thing a citizen writes.

    ``on_post``: the title of the demo post commented on; ``on_scene``: the key of the scene
    (a comment) answered. Without either, a mention or a direct message to the account.
    """

    key: str
    network: str
    kind: str
    text: str
    author: dict[str, str] = field(default_factory=dict)
    on_post: str = ""
    on_scene: str = ""


TREES = "Baumpflanzaktion im Stadtpark"
MUSEUMS = "Lange Nacht der Museen"

SCENES = [
    # Road works on the Rheinuferstraße: X, Facebook, Instagram.
    Scene("x-road-1", Network.X, "mention",
          "@Stadt Seit heute Morgen Stau ohne Ende an der Rheinuferstraße. Wie lange dauert "
          "die Baustelle noch?", {"name": "Pendler Kai", "handle": "kai_pendelt"}),
    Scene("fb-road-dm", Network.FACEBOOK, "message",
          "Guten Tag, ich wohne an der Rheinuferstraße. Komme ich während der Sperrung mit "
          "dem Auto zu meiner Garage?", {"name": "Renate Albers"}),
    Scene("x-road-2", Network.X, "mention",
          "@Stadt Die Umleitung wegen der Baustelle Rheinuferstraße ist schlecht "
          "ausgeschildert, ich bin zweimal im Kreis gefahren.",
          {"name": "Lea Brandt", "handle": "leabrandt"}),
    # Stadtfest: X and Instagram.
    Scene("x-fest-1", Network.X, "mention",
          "@Stadt Tolles Stadtfest am Wochenende, danke an alle Helferinnen und Helfer! 🎉",
          {"name": "Stadtfan", "handle": "stadtfan"}),
    Scene("ig-fest-dm", Network.INSTAGRAM, "message",
          "Hallo! Beim Stadtfest habe ich meinen Rucksack am Marktplatz liegen lassen. Gibt es "
          "ein Fundbüro?", {"name": "Mia Schröder", "handle": "mia.schroeder"}),
    Scene("x-fest-dm", Network.X, "message",
          "Hallo Stadt, wird es nächstes Jahr beim Stadtfest wieder eine Kinderbühne geben?",
          {"name": "Jan Petersen", "handle": "janpetersen"}),
    # The demo post published in the first minutes: comments on every network.
    Scene("fb-trees-1", Network.FACEBOOK, "comment",
          "Super Aktion! Muss ich mich für die Baumpflanzaktion anmelden oder einfach kommen?",
          {"name": "Erika Muster"}, on_post=TREES),
    Scene("ig-trees-1", Network.INSTAGRAM, "comment",
          "Wie schön 🌳 Bringt man Spaten selbst mit?",
          {"name": "Leonie Wagner", "handle": "leo.wagner"}, on_post=TREES),
    Scene("x-trees-1", Network.X, "comment",
          "Endlich mehr Bäume im Stadtpark! Welche Arten werden gepflanzt?",
          {"name": "Baumfreund", "handle": "baumfreund"}, on_post=TREES),
    Scene("fb-trees-2", Network.FACEBOOK, "comment",
          "Einfach kommen, letztes Jahr war das auch so 🙂",
          {"name": "Hans Beispiel"}, on_scene="fb-trees-1"),
    Scene("fb-trees-3", Network.FACEBOOK, "comment",
          "Und wer gießt die Bäume im Sommer? Die letzten sind alle vertrocknet.",
          {"name": "Petra Probe"}, on_post=TREES),
    Scene("fb-road-2", Network.FACEBOOK, "message",
          "Die Baustelle Rheinuferstraße: Fährt der Bus 7 trotzdem bis zum Rheinufer?",
          {"name": "Karl Nowak"}),
    # The culture post, published a day later.
    Scene("fb-museum-1", Network.FACEBOOK, "comment",
          "Gilt das Ticket für die Museumsnacht auch für den Shuttlebus?",
          {"name": "Aylin Koch"}, on_post=MUSEUMS),
    Scene("ig-museum-1", Network.INSTAGRAM, "comment",
          "Gibt es in der Museumsnacht auch Führungen in leichter Sprache?",
          {"name": "Paul Richter", "handle": "paul.richter"}, on_post=MUSEUMS),
]


def sandbox_key(account: ChannelAccount) -> str:
    """How the sandbox's control API names one of our accounts: the X token, else our id."""
    if account.network == Network.X:
        return account.get_credentials().get("access_token", "")
    return account.external_id


@dataclass
class CitizensReport:
    """What one run played: the scenes and the accounts written to."""

    played: list[str] = field(default_factory=list)
    account_ids: set[int] = field(default_factory=set)
    # Accounts the sandbox knew no citizen of before this run (a fresh or restarted sandbox).
    fresh_account_ids: set[int] = field(default_factory=set)


def demo_accounts() -> dict[str, ChannelAccount]:
    """The demo channels citizens write to, by network (those pointing at a sandbox)."""
    accounts = {}
    for network, name in DEMO_ACCOUNTS.items():
        account = ChannelAccount.objects.filter(network=network, name=name).exclude(
            api_base_url="").first()
        if account is not None:
            accounts[network] = account
    return accounts


def play(control: SandboxControl, *, limit: int = SCENES_PER_RUN,
         scenes: list[Scene] = SCENES) -> CitizensReport:
    """Play the next ``limit`` scenes not yet on the sandbox whose post is published there."""
    report = CitizensReport()
    accounts = demo_accounts()
    records: dict[str, list[dict[str, Any]]] = {}
    for network, account in accounts.items():
        key = sandbox_key(account)
        records[network] = control.records(network=network, account=key) if key else []
        if not any(r["kind"] in CITIZEN_KINDS for r in records[network]):
            report.fresh_account_ids.add(account.pk)
    for scene in scenes:
        if len(report.played) >= limit:
            break
        account = accounts.get(scene.network)
        if account is None:
            continue
        known = records[scene.network]
        if any(r["kind"] in CITIZEN_KINDS and r["text"] == scene.text for r in known):
            continue
        spec = _spec(scene, account, known)
        if spec is None:
            continue
        try:
            created = control.add_inbound(scene.network, scene.kind, scene.text, **spec)
        except SandboxControlError as exc:
            logger.warning("Demo citizen scene %s refused: %s", scene.key, exc)
            continue
        known.append({"kind": scene.kind, "text": scene.text, "id": created["id"]})
        report.played.append(scene.key)
        report.account_ids.add(account.pk)
    return report


def _spec(scene: Scene, account: ChannelAccount, known: list[dict[str, Any]]
          ) -> dict[str, Any] | None:
    """Where the scene's item goes (``on``/``account``), or None while its target is missing."""
    spec: dict[str, Any] = {"author": dict(scene.author)} if scene.author else {}
    if scene.on_scene:
        answered = next((s for s in SCENES if s.key == scene.on_scene), None)
        target = next((r["id"] for r in known if answered is not None
                       and r["kind"] in CITIZEN_KINDS and r["text"] == answered.text), None)
        return None if target is None else {**spec, "on": target}
    if scene.on_post:
        remote_ids = set(
            Delivery.objects.filter(channel_account=account, post__title=scene.on_post,
                                    status=DeliveryStatus.PUBLISHED)
            .exclude(remote_id="").values_list("remote_id", flat=True)
        )
        # Only a post the running sandbox has (after a restart the old ids are gone). A
        # Facebook photo is its own record; the post's id is in its ``extra.post_id``.
        target = next((r["id"] for r in known if not r.get("deleted") and (
            r["id"] in remote_ids or (r.get("extra") or {}).get("post_id") in remote_ids)),
            None) if remote_ids else None
        return None if target is None else {**spec, "on": target}
    return {**spec, "account": sandbox_key(account)}
