"""Each network's limits for a post variant, and the check of a variant against them.

This module is the single source of truth for "kanalgerecht": the server validates every
variant with :func:`validate_variant` when a post is saved or submitted (API and forms), and the
composer renders the same report's counters and issues as its live counter partial (htmx), so
there is no second copy of these rules in JavaScript.

Pure functions: no database, no models, nothing but the draft that is passed in.

How things are measured
-----------------------
* Line breaks count once: ``\\r\\n`` (what a browser submits from a textarea) is treated as
  ``\\n`` everywhere, so the live counter and the saved post agree.
* **Characters** are Unicode code points of the text as written (``len``).
* **X** counts *weighted* characters with twitter-text (``parse_tweet(...).weightedLength``):
  every URL counts 23, an emoji 2, CJK characters 2, Latin text including umlauts 1. The post's
  ``link`` is appended to the tweet on publishing (after one space) unless the text already
  contains it, so it is counted too: one for the space plus 23 for the URL.
* **YouTube** limits the description in **bytes** of UTF-8: "ä" and "ß" count 2, "€" 3.
* **Hashtags and mentions**: the Python twitter-text package only ships URL and emoji
  extractors, so both are counted with the Unicode regular expressions below (modelled on
  twitter-text's). URLs are removed first, so ``https://example.org/#anker`` and
  ``https://mastodon.social/@stadt`` count as neither. Every occurrence counts, also repeats.
"""

import importlib.resources
import math
import re
import sys
import types
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext


def _import_twitter_text() -> types.ModuleType:
    """Import twitter-text, lending it ``pkg_resources`` if setuptools does not provide it.

    twitter-text-parser 3.0 reads its emoji table with ``pkg_resources.resource_string`` at
    import time, and modern virtualenvs ship no setuptools (newer setuptools drop
    ``pkg_resources`` altogether). A throw-away stand-in serves that single call and is removed
    again afterwards, so nothing else in the process ever sees it.
    """
    try:
        with warnings.catch_warnings():
            # Where setuptools still provides pkg_resources it warns of its own deprecation.
            warnings.simplefilter("ignore", UserWarning)
            import twitter_text
    except ModuleNotFoundError as exc:
        if exc.name != "pkg_resources":
            raise
        shim = types.ModuleType("pkg_resources")
        shim.resource_string = lambda package, name: (  # type: ignore[attr-defined]
            importlib.resources.files(package).joinpath(name).read_bytes()
        )
        sys.modules["pkg_resources"] = shim
        try:
            import twitter_text
        finally:
            if sys.modules.get("pkg_resources") is shim:
                del sys.modules["pkg_resources"]
    return twitter_text


_twitter_text = _import_twitter_text()
_extract_urls_with_indices = _twitter_text.extract_urls_with_indices
_parse_tweet = _twitter_text.parse_tweet

Level = Literal["error", "warning"]
Field = Literal["text", "title", "teaser", "media"]
MediaKind = Literal["image", "video"]

ERROR: Level = "error"
WARNING: Level = "warning"

FACEBOOK = "facebook"
INSTAGRAM = "instagram"
X = "x"
YOUTUBE = "youtube"
WEBSITE = "website"
PRESS = "press"
NETWORKS: tuple[str, ...] = (FACEBOOK, INSTAGRAM, X, YOUTUBE, WEBSITE, PRESS)

# twitter-text's weight of any URL, whatever its real length (t.co shortening).
X_URL_WEIGHT = 23


@dataclass(frozen=True)
class MediaFacts:
    """What the rules need to know about one attached image or video.

    ``width``/``height`` are pixels, ``duration_s`` seconds (videos); ``None`` means "not known
    yet" and skips the checks that need it. ``name`` identifies the file in messages.
    """

    kind: MediaKind
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    alt_text: str = ""
    name: str = ""
    mime_type: str = ""


@dataclass
class VariantDraft:
    """One network's variant of a post, as the editor has written it so far.

    ``text`` is the post text; for YouTube the video description, for website and press the
    body. ``title`` is YouTube's video title or the website/press headline (unused elsewhere).
    ``teaser`` is used by website and press only. ``link`` is the post's optional URL.
    """

    network: str
    text: str = ""
    title: str = ""
    teaser: str = ""
    link: str | None = None
    media: list[MediaFacts] = field(default_factory=list)


@dataclass(frozen=True)
class Issue:
    """One finding. Errors block submission, warnings only inform."""

    level: Level
    code: str
    message: str
    field: Field


@dataclass(frozen=True)
class Counter:
    """A live counter for the composer, e.g. 212 / 280 Zeichen.

    ``field`` tells the composer which input the counter belongs to.
    """

    label: str
    used: int
    limit: int
    unit: str
    over: bool
    field: Field = "text"

    @property
    def remaining(self) -> int:
        """How many units are still free (negative when over the limit)."""
        return self.limit - self.used


@dataclass
class VariantReport:
    """The result of checking one variant: its issues and its counters."""

    network: str
    issues: list[Issue] = field(default_factory=list)
    counters: list[Counter] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing blocks submission (warnings are allowed)."""
        return not self.errors

    @property
    def errors(self) -> list[Issue]:
        """The issues that block submission."""
        return [issue for issue in self.issues if issue.level == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        """The issues that only inform."""
        return [issue for issue in self.issues if issue.level == WARNING]

    def issues_for(self, field_name: Field) -> list[Issue]:
        """The issues to show next to one input of the composer."""
        return [issue for issue in self.issues if issue.field == field_name]


@dataclass(frozen=True, kw_only=True)
class NetworkLimits:
    """The numbers and switches that describe one network. ``None`` means "no limit".

    Text (post text, caption, description or body):
        ``text_max`` measured as ``text_measure`` ("characters", "weighted" for X, "bytes" of
        UTF-8 for YouTube); ``text_required``: must not be empty; ``text_or_media_required``:
        text or at least one attachment; ``link_appended``: the post's link is added to the text
        on publishing and counts; ``links_clickable``: False warns about URLs in the text;
        ``hashtags_max`` / ``mentions_max``.
    Title and teaser (YouTube title, website/press headline and teaser):
        ``title_required``, ``title_max`` (characters), ``title_forbidden`` (characters that
        must not appear), ``teaser_max`` (error above), ``teaser_recommended`` (warning above).
    Media:
        ``media_required``; ``exactly_one_video`` (YouTube: one video, nothing else);
        ``mixing_allowed`` (images and videos in one post); ``images_max``, ``videos_max``,
        ``items_max`` (all attachments together, e.g. a carousel); ``aspect_min`` /
        ``aspect_max`` (image width ÷ height, compared rounded to two decimals, so 1200×628 =
        1.9108 counts as 1.91); ``video_min_s`` / ``video_max_s`` (seconds);
        ``alt_text_max`` (characters). Alt text itself is required for every image everywhere.
    """

    label: str | Promise
    text_label: str | Promise
    text_max: int | None = None
    text_measure: Literal["characters", "weighted", "bytes"] = "characters"
    text_required: bool = False
    text_or_media_required: bool = False
    link_appended: bool = False
    links_clickable: bool = True
    hashtags_max: int | None = None
    mentions_max: int | None = None
    title_required: bool = False
    title_max: int | None = None
    title_forbidden: str = ""
    teaser_max: int | None = None
    teaser_recommended: int | None = None
    media_required: bool = False
    exactly_one_video: bool = False
    mixing_allowed: bool = True
    images_max: int | None = None
    videos_max: int | None = None
    items_max: int | None = None
    aspect_min: float | None = None
    aspect_max: float | None = None
    video_min_s: float | None = None
    video_max_s: float | None = None
    alt_text_max: int | None = None


NETWORK_LIMITS: Mapping[str, NetworkLimits] = MappingProxyType(
    {
        FACEBOOK: NetworkLimits(
            label=gettext_lazy("Facebook"),
            text_label=gettext_lazy("Text"),
            text_max=63_206,
            text_or_media_required=True,
            mixing_allowed=False,
            images_max=10,
            videos_max=1,
        ),
        INSTAGRAM: NetworkLimits(
            label=gettext_lazy("Instagram"),
            text_label=gettext_lazy("Bildunterschrift"),
            text_max=2_200,
            links_clickable=False,
            hashtags_max=30,
            mentions_max=20,
            media_required=True,
            items_max=10,
            aspect_min=0.8,
            aspect_max=1.91,
            video_min_s=3,
            video_max_s=15 * 60,
        ),
        X: NetworkLimits(
            label=gettext_lazy("X"),
            text_label=gettext_lazy("Text (gewichtet)"),
            text_max=280,
            text_measure="weighted",
            text_or_media_required=True,
            link_appended=True,
            mixing_allowed=False,
            images_max=4,
            videos_max=1,
            alt_text_max=1_000,
        ),
        YOUTUBE: NetworkLimits(
            label=gettext_lazy("YouTube"),
            text_label=gettext_lazy("Beschreibung"),
            text_max=5_000,
            text_measure="bytes",
            title_required=True,
            title_max=100,
            title_forbidden="<>",
            media_required=True,
            exactly_one_video=True,
        ),
        WEBSITE: NetworkLimits(
            label=gettext_lazy("Website"),
            text_label=gettext_lazy("Text"),
            text_required=True,
            title_required=True,
            title_max=200,
            teaser_max=500,
            teaser_recommended=300,
        ),
        PRESS: NetworkLimits(
            label=gettext_lazy("Pressemitteilung"),
            text_label=gettext_lazy("Text"),
            text_required=True,
            title_required=True,
        ),
    }
)

# Modelled on twitter-text's hashtag pattern: not glued to a preceding word character or "&"
# (so "a#b" and "&#39;" are no hashtags), not the keycap emoji "#️⃣", and at least one letter
# (so "#2026" is none). \w is Unicode-aware: #Köln, #Straßenfest and #Radweg2026 all count.
_HASHTAG = re.compile(r"(?<![\w&])[#＃](?![\ufe0f\u20e3])\w*[^\W\d_]\w*")
# Instagram user names: ASCII letters, digits, "_" and inner dots, up to 30 characters. The
# look-behind keeps e-mail addresses (info@stadt.de) out.
_MENTION = re.compile(r"(?<![\w@＠.])[@＠][A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?")


def _normalize_newlines(text: str | None) -> str:
    # ``or ""``: a nullable model field may hand in None for "nothing written yet".
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


def _without_urls(text: str) -> str:
    """The text with every URL twitter-text finds replaced by a space."""
    parts: list[str] = []
    position = 0
    for entity in _extract_urls_with_indices(text):
        start, end = entity["indices"]
        parts.append(text[position:start])
        parts.append(" ")
        position = end
    parts.append(text[position:])
    return "".join(parts)


def count_hashtags(text: str) -> int:
    """The number of hashtags in ``text`` (regex, see module docstring; URLs ignored)."""
    return len(_HASHTAG.findall(_without_urls(_normalize_newlines(text))))


def count_mentions(text: str) -> int:
    """The number of @mentions in ``text`` (regex, see module docstring; URLs ignored)."""
    return len(_MENTION.findall(_without_urls(_normalize_newlines(text))))


def contains_url(text: str) -> bool:
    """Whether twitter-text finds a URL in ``text`` (also bare domains like stadt-koeln.de)."""
    return bool(_extract_urls_with_indices(_normalize_newlines(text)))


def x_tweet_text(text: str, link: str | None) -> str:
    """The text X will receive: the link is appended after a space unless already present."""
    text = _normalize_newlines(text)
    link = (link or "").strip()
    if not link or link in text:
        return text
    return f"{text.rstrip()} {link}" if text.strip() else link


def x_weighted_length(text: str, link: str | None = None) -> int:
    """X's weighted length of the tweet, including an appended ``link`` (see ``x_tweet_text``)."""
    return _parse_tweet(x_tweet_text(text, link)).weightedLength


def utf8_length(text: str) -> int:
    """The length of ``text`` in bytes of UTF-8 (umlauts count 2)."""
    return len(_normalize_newlines(text).encode("utf-8"))


def _number(value: float, decimals: int | None = None) -> str:
    """A number for a German sentence: 63.206, 1,91."""
    return number_format(value, decimal_pos=decimals, force_grouping=True)


def _duration(seconds: float, *, round_up: bool) -> str:
    """A video length for messages, e.g. "2,5 Sekunden" or "15:01 Minuten"."""
    if seconds < 60:
        rounded = round(seconds, 1)
        shown = _number(rounded, 0 if rounded.is_integer() else 1)
        return ngettext("%(seconds)s Sekunde", "%(seconds)s Sekunden", math.ceil(rounded)) % {
            "seconds": shown
        }
    whole = math.ceil(seconds) if round_up else math.floor(seconds)
    minutes, rest = divmod(whole, 60)
    return _("%(minutes)s:%(seconds)02d Minuten") % {"minutes": minutes, "seconds": rest}


def _media_name(media: MediaFacts, number: int) -> str:
    return media.name or _("Anhang %(number)s") % {"number": number}


class _Checker:
    """Collects the issues and counters of one variant; one method per concern."""

    def __init__(self, draft: VariantDraft, limits: NetworkLimits) -> None:
        self.draft = draft
        self.limits = limits
        self.network = str(limits.label)
        self.report = VariantReport(network=draft.network)

    def add(self, level: Level, code: str, message: str, field_name: Field) -> None:
        self.report.issues.append(Issue(level, code, message, field_name))

    def count(self, label: str, used: int, limit: int, unit: str, field_name: Field) -> None:
        self.report.counters.append(Counter(label, used, limit, unit, used > limit, field_name))

    def run(self) -> VariantReport:
        self.check_text()
        self.check_title()
        self.check_teaser()
        self.check_media()
        return self.report

    def check_text(self) -> None:
        draft, limits = self.draft, self.limits
        text = _normalize_newlines(draft.text)
        if limits.text_required and not text.strip():
            self.add(
                ERROR,
                "text_required",
                _("Bitte schreiben Sie einen Text – im Kanal „%(network)s“ ist er Pflicht.")
                % {"network": self.network},
                "text",
            )
        if limits.text_or_media_required and not text.strip() and not draft.media:
            self.add(
                ERROR,
                "text_or_media_required",
                _(
                    "Der Beitrag für %(network)s ist leer. Bitte schreiben Sie einen Text "
                    "oder hängen Sie ein Bild oder Video an."
                )
                % {"network": self.network},
                "text",
            )
        if limits.text_max is not None:
            self.check_text_length(text)
        if limits.hashtags_max is not None:
            self.check_hashtags(text, limits.hashtags_max)
        if limits.mentions_max is not None:
            self.check_mentions(text, limits.mentions_max)
        if not limits.links_clickable and contains_url(text):
            self.add(
                WARNING,
                "link_not_clickable",
                _(
                    "Links im Text sind auf %(network)s nicht anklickbar. Verweisen Sie "
                    "besser auf den „Link in der Bio“."
                )
                % {"network": self.network},
                "text",
            )

    def check_text_length(self, text: str) -> None:
        limits = self.limits
        limit = limits.text_max
        assert limit is not None
        label = str(limits.text_label)
        if limits.text_measure == "weighted":
            used = x_weighted_length(text, self.draft.link if limits.link_appended else None)
            self.count(label, used, limit, _("Zeichen"), "text")
            if used <= limit:
                return
            appended = limits.link_appended and x_tweet_text(text, self.draft.link) != text
            if appended:
                template = ngettext(
                    "Der Text ist mit dem angehängten Link %(used)s von %(limit)s möglichen "
                    "Zeichen lang (gewichtet: Links zählen %(url_weight)s, Emojis 2). "
                    "Bitte kürzen Sie um %(excess)s Zeichen.",
                    "Der Text ist mit dem angehängten Link %(used)s von %(limit)s möglichen "
                    "Zeichen lang (gewichtet: Links zählen %(url_weight)s, Emojis 2). "
                    "Bitte kürzen Sie um %(excess)s Zeichen.",
                    used - limit,
                )
            else:
                template = ngettext(
                    "Der Text ist %(used)s von %(limit)s möglichen Zeichen lang (gewichtet: "
                    "Links zählen %(url_weight)s, Emojis 2). Bitte kürzen Sie um %(excess)s "
                    "Zeichen.",
                    "Der Text ist %(used)s von %(limit)s möglichen Zeichen lang (gewichtet: "
                    "Links zählen %(url_weight)s, Emojis 2). Bitte kürzen Sie um %(excess)s "
                    "Zeichen.",
                    used - limit,
                )
            code = "text_too_long"
        elif limits.text_measure == "bytes":
            used = utf8_length(text)
            self.count(label, used, limit, _("Bytes"), "text")
            if used <= limit:
                return
            template = ngettext(
                "Die Beschreibung ist %(used)s von %(limit)s möglichen Bytes lang (Umlaute und "
                "ß zählen doppelt). Bitte kürzen Sie um %(excess)s Byte.",
                "Die Beschreibung ist %(used)s von %(limit)s möglichen Bytes lang (Umlaute und "
                "ß zählen doppelt). Bitte kürzen Sie um %(excess)s Bytes.",
                used - limit,
            )
            code = "text_too_long"
        else:
            used = len(text)
            self.count(label, used, limit, _("Zeichen"), "text")
            if used <= limit:
                return
            template = ngettext(
                "Der Text ist %(used)s von %(limit)s möglichen Zeichen lang. "
                "Bitte kürzen Sie um %(excess)s Zeichen.",
                "Der Text ist %(used)s von %(limit)s möglichen Zeichen lang. "
                "Bitte kürzen Sie um %(excess)s Zeichen.",
                used - limit,
            )
            code = "text_too_long"
        message = template % {
            "used": _number(used),
            "limit": _number(limit),
            "excess": _number(used - limit),
            "url_weight": X_URL_WEIGHT,
        }
        self.add(ERROR, code, message, "text")

    def check_hashtags(self, text: str, limit: int) -> None:
        used = count_hashtags(text)
        self.count(_("Hashtags"), used, limit, _("Hashtags"), "text")
        if used > limit:
            self.add(
                ERROR,
                "too_many_hashtags",
                ngettext(
                    "Der Text enthält %(used)s Hashtags, %(network)s erlaubt höchstens "
                    "%(limit)s. Bitte entfernen Sie einen Hashtag.",
                    "Der Text enthält %(used)s Hashtags, %(network)s erlaubt höchstens "
                    "%(limit)s. Bitte entfernen Sie %(excess)s Hashtags.",
                    used - limit,
                )
                % {"used": used, "limit": limit, "excess": used - limit, "network": self.network},
                "text",
            )

    def check_mentions(self, text: str, limit: int) -> None:
        used = count_mentions(text)
        self.count(_("Erwähnungen"), used, limit, _("Erwähnungen"), "text")
        if used > limit:
            self.add(
                ERROR,
                "too_many_mentions",
                ngettext(
                    "Der Text erwähnt %(used)s Konten, %(network)s erlaubt höchstens "
                    "%(limit)s. Bitte entfernen Sie eine Erwähnung.",
                    "Der Text erwähnt %(used)s Konten, %(network)s erlaubt höchstens "
                    "%(limit)s. Bitte entfernen Sie %(excess)s Erwähnungen.",
                    used - limit,
                )
                % {"used": used, "limit": limit, "excess": used - limit, "network": self.network},
                "text",
            )

    def check_title(self) -> None:
        limits = self.limits
        title = _normalize_newlines(self.draft.title)
        if limits.title_required and not title.strip():
            self.add(
                ERROR,
                "title_required",
                _("Bitte geben Sie einen Titel ein – im Kanal „%(network)s“ ist er Pflicht.")
                % {"network": self.network},
                "title",
            )
        if limits.title_max is not None:
            used, limit = len(title), limits.title_max
            self.count(_("Titel"), used, limit, _("Zeichen"), "title")
            if used > limit:
                self.add(
                    ERROR,
                    "title_too_long",
                    ngettext(
                        "Der Titel ist %(used)s von %(limit)s möglichen Zeichen lang. "
                        "Bitte kürzen Sie um %(excess)s Zeichen.",
                        "Der Titel ist %(used)s von %(limit)s möglichen Zeichen lang. "
                        "Bitte kürzen Sie um %(excess)s Zeichen.",
                        used - limit,
                    )
                    % {
                        "used": _number(used),
                        "limit": _number(limit),
                        "excess": _number(used - limit),
                    },
                    "title",
                )
        forbidden = [char for char in limits.title_forbidden if char in title]
        if forbidden:
            self.add(
                ERROR,
                "title_forbidden_characters",
                _("Der Titel darf auf %(network)s keine spitzen Klammern („<“ oder „>“) enthalten.")
                % {"network": self.network},
                "title",
            )

    def check_teaser(self) -> None:
        limits = self.limits
        if limits.teaser_max is None:
            return
        used, limit = len(_normalize_newlines(self.draft.teaser)), limits.teaser_max
        self.count(_("Teaser"), used, limit, _("Zeichen"), "teaser")
        if used > limit:
            self.add(
                ERROR,
                "teaser_too_long",
                ngettext(
                    "Der Teaser ist %(used)s von %(limit)s möglichen Zeichen lang. "
                    "Bitte kürzen Sie um %(excess)s Zeichen.",
                    "Der Teaser ist %(used)s von %(limit)s möglichen Zeichen lang. "
                    "Bitte kürzen Sie um %(excess)s Zeichen.",
                    used - limit,
                )
                % {"used": _number(used), "limit": _number(limit), "excess": _number(used - limit)},
                "teaser",
            )
        elif limits.teaser_recommended is not None and used > limits.teaser_recommended:
            self.add(
                WARNING,
                "teaser_long",
                _(
                    "Der Teaser ist lang: %(used)s Zeichen. Gut lesbar sind bis zu "
                    "%(recommended)s Zeichen."
                )
                % {"used": _number(used), "recommended": _number(limits.teaser_recommended)},
                "teaser",
            )

    def check_media(self) -> None:
        limits, media = self.limits, self.draft.media
        images = [item for item in media if item.kind == "image"]
        videos = [item for item in media if item.kind == "video"]
        network = self.network
        if limits.exactly_one_video:
            self.check_exactly_one_video(len(images), len(videos))
        elif limits.media_required and not media:
            self.add(
                ERROR,
                "media_required",
                _("%(network)s braucht mindestens ein Bild oder Video.") % {"network": network},
                "media",
            )
        if not limits.mixing_allowed and images and videos:
            self.add(
                ERROR,
                "media_mixed",
                _(
                    "%(network)s erlaubt entweder Bilder oder ein Video, aber nicht beides in "
                    "einem Beitrag."
                )
                % {"network": network},
                "media",
            )
        if limits.images_max is not None and len(images) > limits.images_max:
            self.add(
                ERROR,
                "too_many_images",
                ngettext(
                    "%(network)s erlaubt höchstens ein Bild pro Beitrag; angehängt sind %(count)s.",
                    "%(network)s erlaubt höchstens %(limit)s Bilder pro Beitrag; angehängt sind "
                    "%(count)s.",
                    limits.images_max,
                )
                % {"network": network, "limit": limits.images_max, "count": len(images)},
                "media",
            )
        if limits.videos_max is not None and len(videos) > limits.videos_max:
            self.add(
                ERROR,
                "too_many_videos",
                ngettext(
                    "%(network)s erlaubt höchstens ein Video pro Beitrag; angehängt sind "
                    "%(count)s.",
                    "%(network)s erlaubt höchstens %(limit)s Videos pro Beitrag; angehängt sind "
                    "%(count)s.",
                    limits.videos_max,
                )
                % {"network": network, "limit": limits.videos_max, "count": len(videos)},
                "media",
            )
        if limits.items_max is not None and len(media) > limits.items_max:
            self.add(
                ERROR,
                "too_many_items",
                ngettext(
                    "%(network)s zeigt höchstens ein Bild oder Video pro Beitrag; angehängt "
                    "sind %(count)s.",
                    "%(network)s zeigt höchstens %(limit)s Bilder und Videos pro Beitrag "
                    "(Karussell); angehängt sind %(count)s.",
                    limits.items_max,
                )
                % {"network": network, "limit": limits.items_max, "count": len(media)},
                "media",
            )
        for number, item in enumerate(media, start=1):
            name = _media_name(item, number)
            if item.kind == "image":
                self.check_image(item, name)
            else:
                self.check_video(item, name)

    def check_exactly_one_video(self, images: int, videos: int) -> None:
        network = self.network
        if images:
            message = ngettext(
                "%(network)s braucht genau ein Video. Bilder lassen sich dort nicht "
                "veröffentlichen; bitte entfernen Sie das Bild.",
                "%(network)s braucht genau ein Video. Bilder lassen sich dort nicht "
                "veröffentlichen; bitte entfernen Sie die %(count)s Bilder.",
                images,
            ) % {"network": network, "count": images}
        elif videos == 0:
            message = _("%(network)s braucht genau ein Video. Bitte hängen Sie ein Video an.") % {
                "network": network
            }
        elif videos > 1:
            message = _(
                "%(network)s braucht genau ein Video; angehängt sind %(count)s. Bitte behalten "
                "Sie nur eines."
            ) % {"network": network, "count": videos}
        else:
            return
        self.add(ERROR, "exactly_one_video", message, "media")

    def check_image(self, image: MediaFacts, name: str) -> None:
        limits = self.limits
        alt_text = (image.alt_text or "").strip()
        if not alt_text:
            self.add(
                ERROR,
                "alt_text_missing",
                _(
                    "Bild „%(name)s“ hat keinen Alternativtext. Alternativtexte sind Pflicht "
                    "(Barrierefreiheit)."
                )
                % {"name": name},
                "media",
            )
        elif limits.alt_text_max is not None and len(alt_text) > limits.alt_text_max:
            used, limit = len(alt_text), limits.alt_text_max
            self.add(
                ERROR,
                "alt_text_too_long",
                ngettext(
                    "Der Alternativtext von Bild „%(name)s“ ist %(used)s Zeichen lang; "
                    "%(network)s erlaubt höchstens %(limit)s. Bitte kürzen Sie um "
                    "%(excess)s Zeichen.",
                    "Der Alternativtext von Bild „%(name)s“ ist %(used)s Zeichen lang; "
                    "%(network)s erlaubt höchstens %(limit)s. Bitte kürzen Sie um "
                    "%(excess)s Zeichen.",
                    used - limit,
                )
                % {
                    "name": name,
                    "network": self.network,
                    "used": _number(used),
                    "limit": _number(limit),
                    "excess": _number(used - limit),
                },
                "media",
            )
        if limits.aspect_min is None or limits.aspect_max is None:
            return
        if not image.width or not image.height:
            return
        ratio = round(image.width / image.height, 2)
        if limits.aspect_min <= ratio <= limits.aspect_max:
            return
        values = {
            "name": name,
            "network": self.network,
            "ratio": _number(ratio, 2),
            "min": _number(limits.aspect_min, 2),
            "max": _number(limits.aspect_max, 2),
        }
        if ratio < limits.aspect_min:
            message = _(
                "Bild „%(name)s“ hat das Seitenverhältnis %(ratio)s:1 und ist für %(network)s "
                "zu hoch (erlaubt sind %(min)s:1 bis %(max)s:1). Bitte verwenden Sie die "
                "Hochformat-Fassung (4:5) oder die quadratische Fassung (1:1)."
            )
        else:
            message = _(
                "Bild „%(name)s“ hat das Seitenverhältnis %(ratio)s:1 und ist für %(network)s "
                "zu breit (erlaubt sind %(min)s:1 bis %(max)s:1). Bitte verwenden Sie die "
                "quadratische Fassung (1:1) oder die Hochformat-Fassung (4:5)."
            )
        self.add(ERROR, "aspect_ratio", message % values, "media")

    def check_video(self, video: MediaFacts, name: str) -> None:
        limits, duration = self.limits, video.duration_s
        if duration is None:
            return
        if limits.video_min_s is not None and duration < limits.video_min_s:
            self.add(
                ERROR,
                "video_too_short",
                _(
                    "Video „%(name)s“ ist nur %(duration)s lang; %(network)s verlangt "
                    "mindestens %(min)s."
                )
                % {
                    "name": name,
                    "network": self.network,
                    "duration": _duration(duration, round_up=False),
                    "min": _duration(limits.video_min_s, round_up=False),
                },
                "media",
            )
        if limits.video_max_s is not None and duration > limits.video_max_s:
            self.add(
                ERROR,
                "video_too_long",
                _("Video „%(name)s“ ist %(duration)s lang; %(network)s erlaubt höchstens %(max)s.")
                % {
                    "name": name,
                    "network": self.network,
                    "duration": _duration(duration, round_up=True),
                    "max": _duration(limits.video_max_s, round_up=False),
                },
                "media",
            )


def validate_variant(draft: VariantDraft) -> VariantReport:
    """Check one network's variant against that network's rules.

    Returns every issue (errors block submission, warnings don't) and the counters the composer
    shows. Raises ``ValueError`` for a network code that is not one of ``NETWORKS``.
    """
    try:
        limits = NETWORK_LIMITS[draft.network]
    except KeyError:
        raise ValueError(f"Unknown network {draft.network!r}") from None
    return _Checker(draft, limits).run()


def validate_post(drafts: Iterable[VariantDraft]) -> dict[str, VariantReport]:
    """Check every variant of a post; the reports are keyed by network code.

    Raises ``ValueError`` if two drafts are for the same network.
    """
    reports: dict[str, VariantReport] = {}
    for draft in drafts:
        if draft.network in reports:
            raise ValueError(f"Two variants for network {draft.network!r}")
        reports[draft.network] = validate_variant(draft)
    return reports
