"""Forms of the newsroom's web pages: the composer, comments and the media library.

Forms only parse and check what a person typed; the rules of the newsroom live in the services,
whose ``DomainError``s the views attach to the fields named in ``SERVICE_FIELDS``.
"""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Department
from channels_publish.models import ChannelAccount
from newsroom import channel_rules
from newsroom.models import MediaAsset
from newsroom.services.posts import PostData, VariantData
from newsroom.timezones import BERLIN

from .fields import DATETIME_LOCAL_FORMAT, BerlinDateTimeField

# Networks whose variant has its own title (YouTube video title, website and press headline)
# and teaser (website and press), see ``channel_rules.VariantDraft``.
TITLE_NETWORKS = frozenset({channel_rules.YOUTUBE, channel_rules.WEBSITE, channel_rules.PRESS})
TEASER_NETWORKS = frozenset({channel_rules.WEBSITE, channel_rules.PRESS})


# Field names of the services (``DomainError.field``) → fields of the composer.
SERVICE_FIELDS = {
    "title": "title",
    "body": "body",
    "link": "link",
    "campaign": "campaign",
    "tags": "tags",
    "channel_account_ids": "channel_accounts",
    "media_ids": "media",
    "scheduled_at": "scheduled_at",
}


def split_tags(value: str) -> list[str]:
    """``"Radwoche, #Umwelt  Klima"`` → ``["Radwoche", "#Umwelt", "Klima"]``."""
    return [tag for tag in re.split(r"[,\s]+", value or "") if tag.strip()]


def variant_field(network: str, part: str) -> str:
    """The name of one input of a network's section, e.g. ``v_instagram_text``."""
    return f"v_{network}_{part}"


def form_field_for_problem(problem_field: str) -> tuple[str | None, str | None]:
    """Where a service's problem belongs: ``(form field, network)``.

    ``variants.instagram.media`` → ``("media", "instagram")``;
    ``variants.x.text`` → ``("v_x_text", "x")``; ``scheduled_at`` → ``("scheduled_at", None)``.
    """
    if problem_field.startswith("variants."):
        _prefix, network, part = [*problem_field.split(".", 2), "", ""][:3]
        if part == "media":
            return "media", network
        if part in ("text", "title", "teaser"):
            return variant_field(network, part), network
        return None, network
    return SERVICE_FIELDS.get(problem_field), None


class ChannelAccountChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ChannelAccount) -> str:
        return str(obj)


class PostForm(forms.Form):
    """The composer. ``department`` decides which channels and media may be chosen."""

    department = forms.ModelChoiceField(
        label=gettext_lazy("Amt"), queryset=Department.objects.none(), empty_label=None
    )
    title = forms.CharField(
        label=gettext_lazy("Interner Titel"), max_length=200,
        help_text=gettext_lazy("Nur intern sichtbar: so erscheint der Beitrag in Listen."),
    )
    body = forms.CharField(
        label=gettext_lazy("Haupttext"), required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "Gilt für alle Kanäle, deren Text Sie unten nicht eigens angepasst haben."
        ),
    )
    link = forms.URLField(
        label=gettext_lazy("Link"), required=False, max_length=500, assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    campaign = forms.CharField(label=gettext_lazy("Kampagne"), max_length=100, required=False)
    tags = forms.CharField(
        label=gettext_lazy("Schlagwörter"), required=False,
        help_text=gettext_lazy("Durch Komma oder Leerzeichen getrennt."),
    )
    channel_accounts = ChannelAccountChoiceField(
        label=gettext_lazy("Kanäle"), queryset=ChannelAccount.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    media = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Bilder und Videos"), queryset=MediaAsset.objects.none(),
        required=False, widget=forms.CheckboxSelectMultiple,
    )
    scheduled_at = BerlinDateTimeField(
        label=gettext_lazy("Geplante Veröffentlichung (Ortszeit Berlin)"), required=False,
        help_text=gettext_lazy("Leer lassen, um sofort nach der Freigabe zu veröffentlichen."),
    )
    expected_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, department: Department, departments, networks, **kwargs):
        super().__init__(*args, **kwargs)
        from newsroom.services.posts import allowed_channel_accounts

        self.department_obj = department
        self.networks = list(networks)
        self.fields["department"].queryset = departments
        # Chosen before composing (channels and media depend on it), see the composer page.
        self.fields["department"].widget = forms.HiddenInput()
        self.fields["channel_accounts"].queryset = allowed_channel_accounts(department)
        self.fields["media"].queryset = MediaAsset.objects.filter(
            department=department
        ).prefetch_related("tags")
        for network in self.networks:
            limits = channel_rules.NETWORK_LIMITS[network]
            self.fields[variant_field(network, "follow")] = forms.BooleanField(
                label=_("Folgt dem Haupttext"), required=False, initial=True
            )
            self.fields[variant_field(network, "text")] = forms.CharField(
                label=limits.text_label, required=False, widget=forms.Textarea(attrs={"rows": 4})
            )
            if network in TITLE_NETWORKS:
                self.fields[variant_field(network, "title")] = forms.CharField(
                    label=_("Titel"), required=False, max_length=200,
                    help_text=_("Leer lassen, um den internen Titel zu verwenden."),
                )
            if network in TEASER_NETWORKS:
                self.fields[variant_field(network, "teaser")] = forms.CharField(
                    label=_("Teaser"), required=False, widget=forms.Textarea(attrs={"rows": 2})
                )

    def variant_sections(self) -> list[dict]:
        """One entry per network for the template: label and bound fields of its section."""
        sections = []
        for network in self.networks:
            limits = channel_rules.NETWORK_LIMITS[network]
            sections.append({
                "network": network,
                "label": limits.label,
                "follow": self[variant_field(network, "follow")],
                "text": self[variant_field(network, "text")],
                "title": self[variant_field(network, "title")]
                if network in TITLE_NETWORKS else None,
                "teaser": self[variant_field(network, "teaser")]
                if network in TEASER_NETWORKS else None,
            })
        return sections

    def to_post_data(self) -> PostData:
        data = self.cleaned_data
        variants = {}
        for network in self.networks:
            follows = data.get(variant_field(network, "follow"))
            variants[network] = VariantData(
                text=None if follows else data.get(variant_field(network, "text"), ""),
                title=data.get(variant_field(network, "title"), "") or "",
                teaser=data.get(variant_field(network, "teaser"), "") or "",
            )
        return PostData(
            title=data["title"],
            body=data.get("body", ""),
            link=data.get("link", ""),
            campaign=data.get("campaign", ""),
            tags=split_tags(data.get("tags", "")),
            channel_account_ids=[account.pk for account in data.get("channel_accounts") or []],
            media_ids=[asset.pk for asset in data.get("media") or []],
            scheduled_at=data.get("scheduled_at"),
            variants=variants,
        )


def initial_from_post(post) -> dict:
    """The composer's starting values for an existing post."""
    from newsroom.services.posts import data_from_post

    data = data_from_post(post)
    initial = {
        "department": post.department_id,
        "title": data.title,
        "body": data.body,
        "link": data.link,
        "campaign": data.campaign,
        "tags": ", ".join(data.tags),
        "channel_accounts": data.channel_account_ids,
        "media": data.media_ids,
        "scheduled_at": timezone.localtime(data.scheduled_at, BERLIN).strftime(
            DATETIME_LOCAL_FORMAT
        ) if data.scheduled_at else "",
        "expected_version": post.version,
    }
    for network, variant in data.variants.items():
        initial[variant_field(network, "follow")] = variant.text is None
        initial[variant_field(network, "text")] = (
            data.body if variant.text is None else variant.text
        )
        initial[variant_field(network, "title")] = variant.title
        initial[variant_field(network, "teaser")] = variant.teaser
    return initial


class CommentForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Kommentar"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class MediaUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Datei"),
        help_text=gettext_lazy("Bilder (JPEG, PNG, WebP, GIF) oder Videos (MP4, MOV, WebM)."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,video/*"}),
    )
    department = forms.ModelChoiceField(
        label=gettext_lazy("Amt"), queryset=Department.objects.none(), empty_label=None
    )
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=200, required=False,
        help_text=gettext_lazy("Leer lassen, um den Dateinamen zu verwenden."),
    )
    alt_text = forms.CharField(
        label=gettext_lazy("Alternativtext"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Pflicht für Bilder: Der Alternativtext beschreibt das Bild für Menschen, die es "
            "nicht sehen können (Screenreader). Ohne ihn kann kein Beitrag mit dem Bild zur "
            "Freigabe eingereicht werden."
        ),
    )
    tags = forms.CharField(
        label=gettext_lazy("Schlagwörter"), required=False,
        help_text=gettext_lazy("Durch Komma oder Leerzeichen getrennt."),
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class AltTextForm(forms.Form):
    alt_text = forms.CharField(
        label=gettext_lazy("Alternativtext"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=MediaUploadForm.base_fields["alt_text"].help_text,
    )
