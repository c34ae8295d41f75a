"""Forms of the review pages: the queue's filters and the reviewer's decision."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from channels_publish.networks import Network

DUE_CHOICES = [
    ("", _("alle")),
    ("2h", _("in den nächsten 2 Stunden")),
    ("today", _("heute")),
    ("week", _("in den nächsten 7 Tagen")),
]


class QueueFilterForm(forms.Form):
    """Narrow the review queue; every field is optional and read from the query string."""

    department = forms.TypedChoiceField(
        label=_("Amt"), required=False, coerce=int, empty_value=None
    )
    network = forms.ChoiceField(
        label=_("Netzwerk"), required=False,
        choices=[("", _("alle")), *Network.choices],
    )
    due = forms.ChoiceField(label=_("Fällig"), required=False, choices=DUE_CHOICES)

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [
            ("", _("alle")), *((d.pk, f"{d.number} – {d.name}") for d in departments)
        ]


class ApproveForm(forms.Form):
    # The version the reviewer read: the service refuses the approval if the post changed since.
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RequestChangesForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    comment = forms.CharField(
        label=_("Was soll geändert werden?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Bitte schreiben Sie, was geändert werden soll.")},
        help_text=_("Der Kommentar erscheint in der Diskussion und geht an alle, die den "
                    "Beitrag bearbeitet haben."),
    )

    def clean_comment(self) -> str:
        comment = self.cleaned_data["comment"].strip()
        if not comment:
            raise forms.ValidationError(_("Bitte schreiben Sie, was geändert werden soll."))
        return comment
