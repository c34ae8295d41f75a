"""Demo channels (all pointing at the local networks sandbox) and a few posts in every state."""

from __future__ import annotations

import io
import os
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import Department
from approvals import services as review
from newsroom.models import Post
from newsroom.services import media, posts

from .models import ChannelAccount, DistributionList
from .networks import Network
from .services import grant_channel

SANDBOX_URL = os.environ.get("NEWSROOM_SANDBOX_URL", "http://127.0.0.1:8765")

CHANNELS = [
    # network, name, external id, credentials, departments (numbers; "*" = all)
    (Network.FACEBOOK, "Stadt auf Facebook", "104000000000001",
     {"access_token": "demo-facebook-stadt"}, "*"),
    (Network.INSTAGRAM, "@stadt auf Instagram", "17841400000000001",
     {"access_token": "demo-instagram-stadt"}, "*"),
    (Network.X, "@Stadt auf X", "",
     {"consumer_key": "demo", "consumer_secret": "demo", "access_token": "demo-x-stadt",
      "access_token_secret": "demo"}, "*"),
    (Network.YOUTUBE, "Stadt-Kanal auf YouTube", "",
     {"access_token": "demo-youtube-stadt"}, ["13", "41"]),
    (Network.X, "@Feuerwehr auf X", "",
     {"consumer_key": "demo", "consumer_secret": "demo", "access_token": "demo-x-feuerwehr",
      "access_token_secret": "demo"}, ["37"]),
    (Network.WEBSITE, "stadt.example – Aktuelles", "", {}, "*"),
    (Network.PRESS, "Presseverteiler", "", {}, ["13"]),
]


def seed_channels() -> list[str]:
    departments = {d.number: d for d in Department.objects.all()}
    for network, name, external_id, credentials, granted in CHANNELS:
        account, created = ChannelAccount.objects.get_or_create(
            network=network, name=name,
            defaults={"external_id": external_id,
                      "api_base_url": SANDBOX_URL if network not in (
                          Network.WEBSITE, Network.PRESS) else ""},
        )
        if created:
            account.set_credentials(credentials)
            account.save()
        for number in departments if granted == "*" else granted:
            grant_channel(actor=None, account=account, department=departments[number])
        if network == Network.PRESS:
            DistributionList.objects.get_or_create(
                channel_account=account, name="Lokale Presse",
                defaults={"emails": "redaktion@zeitung.example\nlokales@radio.example"},
            )
    return [f"{len(CHANNELS)} Kanäle (Sandbox: {SANDBOX_URL})"]


def _picture(text: str, colour: tuple[int, int, int]) -> SimpleUploadedFile:
    image = Image.new("RGB", (1080, 1080), colour)
    ImageDraw.Draw(image).text((60, 500), text, fill=(255, 255, 255), font_size=72)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile(f"{text}.jpg", buffer.getvalue(), "image/jpeg")


def seed_posts() -> list[str]:
    if Post.objects.exists():
        return []
    User = get_user_model()
    people = {u.username: u for u in User.objects.all()}
    departments = {d.number: d for d in Department.objects.all()}
    accounts = {a.name: a for a in ChannelAccount.objects.all()}
    now = timezone.now()

    def compose(author, number, title, body, channel_names, when, picture=None, alt=""):
        department = departments[number]
        media_ids = []
        if picture:
            asset = media.upload(actor=people[author], department=department,
                                 uploaded_file=_picture(*picture), name=title, alt_text=alt)
            media_ids.append(asset.pk)
        return posts.create_post(actor=people[author], department=department, data=posts.PostData(
            title=title, body=body, scheduled_at=when, media_ids=media_ids,
            channel_account_ids=[accounts[name].pk for name in channel_names],
        ))

    social = ["Stadt auf Facebook", "@stadt auf Instagram", "@Stadt auf X"]
    trees = compose(
        "redaktion.umwelt", "57", "Baumpflanzaktion im Stadtpark",
        "Am Samstag pflanzen wir gemeinsam 100 Bäume im Stadtpark. Machen Sie mit! "
        "#Stadtgrün #Klimaschutz",
        [*social, "stadt.example – Aktuelles"], now + timedelta(minutes=2),
        ("Stadtpark", (46, 125, 50)), "Junge Bäume mit Gießrändern auf einer Wiese im Stadtpark",
    )
    review.submit_for_review(actor=people["redaktion.umwelt"], post=trees)
    review.approve(actor=people["leitung.umwelt"], post=trees)
    closure = compose(
        "redaktion.verkehr", "66", "Sperrung Rheinuferstraße",
        "Wegen Bauarbeiten ist die Rheinuferstraße vom 1. bis 5. Dezember gesperrt. "
        "Umleitungen sind ausgeschildert.",
        ["Stadt auf Facebook", "@Stadt auf X"], now + timedelta(hours=3),
    )
    review.submit_for_review(actor=people["redaktion.verkehr"], post=closure)
    compose(
        "redaktion.feuerwehr", "37", "Rauchmelder retten Leben",
        "Tipp der Feuerwehr: Prüfen Sie einmal im Monat Ihre Rauchmelder.",
        ["@Feuerwehr auf X"], now + timedelta(days=2),
    )
    museum = compose(
        "redaktion.kultur", "41", "Lange Nacht der Museen",
        "Am 12. Dezember öffnen 30 Museen bis 2 Uhr nachts. Alle Infos online.",
        [*social, "stadt.example – Aktuelles"], now + timedelta(days=1),
        ("Museumsnacht", (106, 27, 154)), "Beleuchtete Museumsfassade bei Nacht",
    )
    review.submit_for_review(actor=people["redaktion.kultur"], post=museum)
    review.approve(actor=people["leitung.kultur"], post=museum)
    vaccination = compose(
        "redaktion.gesundheit", "53", "Impfaktion im Rathaus",
        "Grippeschutzimpfung ohne Termin im Rathaus.",
        ["Stadt auf Facebook"], now + timedelta(days=3),
    )
    review.submit_for_review(actor=people["redaktion.gesundheit"], post=vaccination)
    review.request_changes(actor=people["leitung.gesundheit"], post=vaccination,
                           comment="Bitte Datum und Uhrzeit ergänzen.")
    return ["5 Beiträge (einer erscheint in zwei Minuten in der Sandbox)"]
