"""Forms of the crisis pages. They only parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from channels_publish.models import ChannelAccount
from newsroom.models import MediaAsset
from newsroom.web.fields import BerlinDateTimeField

from .models import CrisisType


class StartCrisisForm(forms.Form):
    reason = forms.CharField(label=_("Anlass"), max_length=300)
    type = forms.ChoiceField(label=_("Art"), choices=CrisisType.choices)
    all_channels = forms.BooleanField(label=_("Alle Kanäle anhalten"), required=False,
                                      initial=True)
    departments = forms.ModelMultipleChoiceField(
        label=_("Nur diese Ämter"), required=False, widget=forms.CheckboxSelectMultiple,
        queryset=Department.objects.filter(is_active=True).order_by("number"),
    )
    channel_accounts = forms.ModelMultipleChoiceField(
        label=_("Nur diese Kanäle"), required=False, widget=forms.CheckboxSelectMultiple,
        queryset=ChannelAccount.objects.usable(),
    )
    planned_end_at = BerlinDateTimeField(
        label=_("Geplantes Ende (Ortszeit Berlin)"), required=False,
        help_text=_("Leer lassen, um die Krise von Hand zu beenden."),
    )


class ComposeForm(forms.Form):
    text = forms.CharField(label=_("Meldung"), widget=forms.Textarea(attrs={"rows": 6}))
    channel_accounts = forms.ModelMultipleChoiceField(
        label=_("Kanäle"), widget=forms.CheckboxSelectMultiple,
        queryset=ChannelAccount.objects.none(),
    )
    # Rendered as the picker in ``crisis/_media_picker.html``; the service checks the library.
    media = forms.ModelMultipleChoiceField(
        label=_("Bilder und Videos"), required=False, widget=forms.CheckboxSelectMultiple,
        queryset=MediaAsset.objects.none(),
    )

    def __init__(self, *args, accounts=None, library=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel_accounts"].queryset = accounts
        self.fields["media"].queryset = library if library is not None else \
            MediaAsset.objects.none()
        if not self.is_bound:
            self.initial["channel_accounts"] = [account.pk for account in accounts]

    def library(self) -> list[dict]:
        """The crisis department's media, each with whether it is chosen (for the picker)."""
        chosen = {str(pk) for pk in (self["media"].value() or [])}
        return [{"asset": asset, "checked": str(asset.pk) in chosen}
                for asset in self.fields["media"].queryset]


class VersionForm(forms.Form):
    # The version the person read: the service refuses if it changed since.
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RescheduleForm(forms.Form):
    scheduled_at = BerlinDateTimeField(label=_("Neue Zeit (Ortszeit Berlin)"))
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class HoldingStatementForm(forms.Form):
    crisis_type = forms.ChoiceField(label=_("Art der Krise"), choices=CrisisType.choices)
    title = forms.CharField(label=_("Titel"), max_length=200)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}))
    channel_accounts = forms.ModelMultipleChoiceField(
        label=_("Kanäle"), widget=forms.CheckboxSelectMultiple,
        queryset=ChannelAccount.objects.usable(),
    )
    media = forms.ModelMultipleChoiceField(
        label=_("Bilder und Videos"), required=False, widget=forms.CheckboxSelectMultiple,
        queryset=MediaAsset.objects.none(),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, library=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["media"].queryset = library if library is not None else \
            MediaAsset.objects.none()

    library = ComposeForm.library
