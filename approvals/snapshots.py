"""Snapshots of a post as submitted, and the difference between two of them."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import UTC

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def snapshot_of(post) -> dict:
    """Everything a reviewer approves: the content exactly as it is now, as plain JSON."""
    media = [
        {"id": m.asset_id, "name": m.asset.name, "alt_text": m.asset.alt_text}
        for m in post.post_media.select_related("asset")
    ]
    variants = {}
    for variant in post.variants.all():
        variants[variant.network] = {
            "text": variant.text if variant.text_customised else post.body,
            "title": variant.title,
            "teaser": variant.teaser,
            "media": [
                {"id": m.asset_id, "name": m.asset.name, "alt_text": m.asset.alt_text}
                for m in variant.variant_media.select_related("asset")
            ] if variant.media_customised else media,
        }
    return {
        "version": post.version,
        "title": post.title,
        "body": post.body,
        "link": post.link,
        "campaign": post.campaign,
        "tags": sorted(tag.name for tag in post.tags.all()),
        # Always in UTC: the same moment given in another zone (a form's Berlin time, the
        # database's UTC) must not count as a change.
        "scheduled_at": post.scheduled_at.astimezone(UTC).isoformat()
        if post.scheduled_at else None,
        "is_crisis": post.is_crisis,
        "channels": sorted(
            ({"id": a.pk, "name": a.name, "network": a.network}
             for a in post.channel_accounts.all()),
            key=lambda item: item["id"],
        ),
        "media": media,
        "variants": variants,
    }


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str
    diff_html: SafeString


def _inline_diff(before: str, after: str) -> SafeString:
    """Words removed in <del>, added in <ins>; everything escaped."""
    old_words, new_words = before.split(" "), after.split(" ")
    parts = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(old_words[a0:a1])))
            continue
        if a1 > a0:
            parts.append(f"<del>{escape(' '.join(old_words[a0:a1]))}</del>")
        if b1 > b0:
            parts.append(f"<ins>{escape(' '.join(new_words[b0:b1]))}</ins>")
    return mark_safe(" ".join(parts))  # noqa: S308 - every part is escaped above


def _display(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if isinstance(value, list):
        return ", ".join(_display_item(item) for item in value)
    return str(value)


def _display_item(item) -> str:
    if not isinstance(item, dict):
        return str(item)
    if "alt_text" in item:
        return f"{item['name']} (Alt: {item['alt_text'] or '–'})"
    return str(item.get("name", item))


def _time(value: str | None) -> str:
    if not value:
        return _("sofort nach Freigabe")
    from datetime import datetime

    return timezone.localtime(datetime.fromisoformat(value)).strftime("%d.%m.%Y %H:%M")


def diff_snapshots(before: dict | None, after: dict) -> list[Change]:
    """What changed since the last approved version (everything, if there was none)."""
    before = before or {}
    labels = {
        "title": _("Interner Titel"),
        "body": _("Haupttext"),
        "link": _("Link"),
        "campaign": _("Kampagne"),
        "tags": _("Schlagwörter"),
        "scheduled_at": _("Geplante Veröffentlichung"),
        "is_crisis": _("Krisenkommunikation"),
        "channels": _("Kanäle"),
        "media": _("Medien"),
    }
    changes = []
    for key, label in labels.items():
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if key == "scheduled_at":
            old_text, new_text = (_time(old) if key in before else "–"), _time(new)
        else:
            old_text, new_text = _display(old), _display(new)
        changes.append(Change(label, old_text, new_text, _inline_diff(old_text, new_text)))
    for network in sorted(set(before.get("variants", {})) | set(after.get("variants", {}))):
        old = before.get("variants", {}).get(network, {})
        new = after.get("variants", {}).get(network, {})
        for key, label in (("title", _("Titel")), ("teaser", _("Teaser")), ("text", _("Text"))):
            if old.get(key, "") != new.get(key, ""):
                changes.append(Change(
                    f"{network}: {label}", old.get(key, ""), new.get(key, ""),
                    _inline_diff(old.get(key, ""), new.get(key, "")),
                ))
        if [m["id"] for m in old.get("media", [])] != [m["id"] for m in new.get("media", [])]:
            old_text, new_text = _display(old.get("media", [])), _display(new.get("media", []))
            changes.append(Change(f"{network}: {_('Medien')}", old_text, new_text,
                                  _inline_diff(old_text, new_text)))
    return changes
