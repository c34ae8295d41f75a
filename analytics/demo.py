"""Demo figures: three months of follower history of the sandbox accounts and of published
posts with the daily figures the collection would have read, computed with the sandbox's own
growth model, so the dashboards have a story before the first collection run. Figures of new
posts come from the collection itself, which reads the sandbox's growing numbers."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from newsroom.calendar import BERLIN
from newsroom.demo import register_seed_step

HISTORY_DAYS = 90


def _sandbox_owner(account) -> str:
    """The id under which the sandbox counts the account's followers."""
    from channels_publish.sandbox.store import stable_number
    from channels_publish.sandbox.youtube_api import channel_id

    token = account.get_credentials().get("access_token", "") if account.has_credentials else ""
    if account.network == "x" and not account.external_id.isdigit():
        return stable_number("x-user:" + token, 16)
    if account.network == "youtube" and not account.external_id:
        return channel_id(token)
    return account.external_id


@register_seed_step
def seed_follower_history() -> list[str]:
    from channels_publish.adapters.metrics import METRICS_ADAPTERS
    from channels_publish.models import ChannelAccount
    from channels_publish.sandbox.insights import followers

    from .models import FollowerSnapshot
    from .services.collection import today

    now = timezone.now()
    first = today(now)
    created = 0
    for account in ChannelAccount.objects.filter(network__in=list(METRICS_ADAPTERS)):
        owner = _sandbox_owner(account)
        # The sandbox counts Facebook pages and Instagram users under one Graph id.
        network = "graph" if account.network in ("facebook", "instagram") else account.network
        for back in range(HISTORY_DAYS, 0, -1):
            moment = now - timedelta(days=back)
            _row, was_created = FollowerSnapshot.objects.get_or_create(
                channel_account=account, day=first - timedelta(days=back),
                defaults={"followers": followers(network, owner, now=moment),
                          "collected_at": moment},
            )
            created += was_created
    return [f"{created} Follower-Stände (Auswertung)"]


# --- Three months of published posts with their daily figures ------------------------------
# Figures each network reports (the metrics adapters leave the others at 0).
REPORTED = {
    "x": ("impressions", "reactions", "comments", "shares", "saves"),
    "facebook": ("impressions", "reach", "clicks", "reactions", "comments", "shares"),
    "instagram": ("impressions", "reach", "reactions", "comments", "shares", "saves"),
    "youtube": ("impressions", "reactions", "comments"),
}
POSTS_PER_WEEK = 2
# Posts older than this are archived, younger ones stay published.
ARCHIVE_AFTER_DAYS = 60

# Department number → (editor, head, past posts: title and text).
PAST_POSTS = {
    "13": ("redaktion.kommunikation", "leitung.kommunikation", [
        ("Bürgerbüro mit neuen Öffnungszeiten",
         "Ab Montag hat das Bürgerbüro donnerstags bis 19 Uhr geöffnet."),
        ("Ratssitzung im Livestream", "Die Ratssitzung am Donnerstag können Sie live verfolgen."),
        ("Neue Online-Terminvergabe", "Termine im Bürgerbüro buchen Sie jetzt rund um die Uhr."),
        ("Stadtfest: Das Programm steht", "Drei Tage Musik, Märkte und Mitmachaktionen."),
        ("Oberbürgermeisterin lädt zur Bürgersprechstunde",
         "Anmeldung telefonisch oder online."),
    ]),
    "32": ("redaktion.ordnung", "leitung.ordnung", [
        ("Martinsumzüge: Straßen zeitweise gesperrt",
         "Bitte beachten Sie die Sperrungen am Abend."),
        ("Falschparker auf Radwegen", "Wir kontrollieren diese Woche verstärkt die Radwege."),
        ("Feuerwerksverbot in der Altstadt", "Auch in diesem Jahr gilt die Verbotszone."),
        ("Fundbüro: Fahrräder werden versteigert", "Die Versteigerung findet online statt."),
    ]),
    "37": ("redaktion.feuerwehr", "leitung.feuerwehr", [
        ("Großbrand im Gewerbegebiet gelöscht", "Keine Verletzten, die Nachlöscharbeiten laufen."),
        ("Tag der offenen Tür bei der Feuerwache 1", "Fahrzeugschau, Übungen und Kinderprogramm."),
        ("Warnung vor Glätte", "Bitte fahren Sie vorsichtig, es ist mit Eisglätte zu rechnen."),
        ("Nachwuchs gesucht: Jugendfeuerwehr", "Jugendliche ab 10 Jahren sind willkommen."),
        ("Adventskerzen nie unbeaufsichtigt brennen lassen", "Unser Tipp für die Adventszeit."),
    ]),
    "41": ("redaktion.kultur", "leitung.kultur", [
        ("Neue Ausstellung im Stadtmuseum", "Ab Freitag zeigt das Stadtmuseum Fotografien."),
        ("Sommerkino im Rheinpark", "Open-Air-Kino an allen Wochenenden im August."),
        ("Stadtbibliothek verlängert Öffnungszeiten", "Jetzt auch samstags bis 18 Uhr."),
        ("Kulturförderpreis verliehen", "Wir gratulieren den Preisträgerinnen und Preisträgern."),
    ]),
    "53": ("redaktion.gesundheit", "leitung.gesundheit", [
        ("Hitzeschutz: Trinken nicht vergessen", "Tipps für heiße Tage und kühle Orte der Stadt."),
        ("Kostenlose Schuleingangsuntersuchung", "Termine für die Einschulung jetzt vereinbaren."),
        ("Blutspende im Rathaus", "Das Blutspendemobil steht am Mittwoch vor dem Rathaus."),
        ("Beratung zu Impfungen für Reisende", "Unsere Reiseimpfberatung ohne Termin."),
    ]),
    "57": ("redaktion.umwelt", "leitung.umwelt", [
        ("Laubsammlung beginnt", "Die Straßenreinigung sammelt ab Montag das Laub."),
        ("Gießpatenschaften für Stadtbäume", "Übernehmen Sie eine Patenschaft für einen Baum."),
        ("Schadstoffmobil unterwegs", "Farben, Batterien und Altöl kostenlos abgeben."),
        ("Luftqualität: Messwerte online", "Die Messstationen der Stadt im Überblick."),
        ("Repair-Café im Umweltzentrum", "Reparieren statt wegwerfen: jeden ersten Samstag."),
    ]),
    "66": ("redaktion.verkehr", "leitung.verkehr", [
        ("Neue Fahrradstraße eröffnet", "Die Lindenallee ist jetzt Fahrradstraße."),
        ("Baustelle am Hauptbahnhof", "Ab Montag nur eine Spur stadteinwärts."),
        ("Ampelschaltung an der Ringstraße optimiert", "Weniger Wartezeit für Fußgänger."),
        ("Park-and-ride zum Weihnachtsmarkt", "Parken Sie am Stadtrand und fahren Sie mit Bus."),
        ("Winterdienst: Räumpläne online", "Welche Straßen zuerst geräumt werden."),
    ]),
}


def _demo_accounts(number: str) -> list:
    """The demo's channel accounts with figures that ``number`` may post to."""
    from channels_publish.adapters.metrics import METRICS_ADAPTERS
    from channels_publish.demo import CHANNELS
    from channels_publish.models import ChannelAccount

    names = [name for network, name, _id, _credentials, granted in CHANNELS
             if network in METRICS_ADAPTERS and (granted == "*" or number in granted)]
    return list(ChannelAccount.objects.filter(name__in=names).order_by("pk"))


def _remote_id(network: str, account, key: str) -> str:
    """An id in the network's own shape, stable for ``key``."""
    from channels_publish.sandbox.store import stable_number

    if network == "x":
        return stable_number("demo-history-x:" + key, 19)
    if network == "youtube":
        return stable_number("demo-history-yt:" + key, 11)
    if network == "facebook":
        return f"{account.external_id}_{stable_number('demo-history-fb:' + key, 16)}"
    return stable_number("demo-history-ig:" + key, 17)


def _collection_moments(published_at, now):
    """When the hourly collection would have read the delivery: an hour after publication,
    then on the morning of every following day inside the collection window, up to now."""
    from .services.collection import _window

    moments = [published_at + timedelta(hours=1)]
    morning = timezone.localtime(published_at, BERLIN).replace(hour=6, minute=5, second=0,
                                                                microsecond=0)
    day = 1
    while True:
        moment = morning + timedelta(days=day)
        if moment > now or moment - published_at > _window():
            break
        moments.append(moment)
        day += 1
    return [moment for moment in moments if moment <= now]


def past_figures(network: str, remote_id: str, published_at, moment):
    """What the sandbox reports for the item at ``moment``, as the network's adapter reads it."""
    from channels_publish.adapters.metrics import PostMetrics
    from channels_publish.sandbox.insights import figures
    from channels_publish.sandbox.store import Record

    record = Record(network=network, kind="", id=remote_id, account="", owner="",
                    created_at=published_at)
    found = figures(record, now=moment)
    return PostMetrics(**{name: found[name] for name in REPORTED[network]})


@register_seed_step
def seed_post_history(days: int = HISTORY_DAYS) -> list[str]:
    """Published (and, older than two months, archived) posts of every department over the
    last ``days`` days, with the daily figures the hourly collection would have stored.
    Runs only while no figures are stored yet, so seeding twice adds nothing."""
    import random

    from django.contrib.auth import get_user_model

    from accounts.models import Department
    from channels_publish.models import Delivery, DeliveryStatus
    from newsroom.models import Post, PostStatus, PostVariant

    from .models import DeliveryMetrics, MetricSnapshot
    from .services.collection import store_history

    if MetricSnapshot.objects.exists() or DeliveryMetrics.objects.exists():
        return []
    now = timezone.now()
    people = {user.username: user for user in get_user_model().objects.filter(
        username__in=[name for pair in PAST_POSTS.values() for name in pair[:2]])}
    departments = {d.number: d for d in Department.objects.filter(number__in=PAST_POSTS)}
    count = snapshots = 0
    for number, (editor, head, texts) in PAST_POSTS.items():
        department = departments.get(number)
        accounts = _demo_accounts(number)
        if department is None or not accounts:
            continue
        chance = random.Random(f"demo-history-{number}")  # noqa: S311  (demo data)
        for week in range(days // 7, 0, -1):
            for slot in range(POSTS_PER_WEEK):
                local = timezone.localtime(now - timedelta(days=week * 7 - chance.randrange(7)),
                                           BERLIN)
                published_at = local.replace(hour=chance.choice((8, 9, 11, 12, 15, 17, 19)),
                                             minute=chance.randrange(60), second=0,
                                             microsecond=0)
                if published_at > now - timedelta(hours=2):
                    continue
                title, body = texts[(week * POSTS_PER_WEEK + slot) % len(texts)]
                chosen = chance.sample(accounts, chance.randint(1, len(accounts)))
                age = now - published_at
                post = Post.objects.create(
                    department=department, author=people.get(editor), title=title, body=body,
                    scheduled_at=published_at, approved_by=people.get(head),
                    approved_at=published_at - timedelta(hours=20),
                    status=(PostStatus.ARCHIVED if age > timedelta(days=ARCHIVE_AFTER_DAYS)
                            else PostStatus.PUBLISHED),
                    created_at=published_at - timedelta(days=1), updated_at=published_at,
                    status_changed_at=published_at,
                )
                post.channel_accounts.set(chosen)
                for account in chosen:
                    PostVariant.objects.get_or_create(post=post, network=account.network,
                                                      defaults={"text": body})
                    remote_id = _remote_id(account.network, account, f"{post.pk}-{account.pk}")
                    delivery = Delivery.objects.create(
                        post=post, channel_account=account, status=DeliveryStatus.PUBLISHED,
                        post_version=post.version, due_at=published_at,
                        next_attempt_at=published_at, attempts=1, published_at=published_at,
                        remote_id=remote_id, created_at=published_at, updated_at=published_at,
                    )
                    snapshots += store_history(delivery, [
                        (moment, past_figures(account.network, remote_id, published_at, moment))
                        for moment in _collection_moments(published_at, now)
                    ])
                count += 1
    return [f"{count} frühere Beiträge mit {snapshots} Kennzahlen-Ständen (Auswertung)"]
