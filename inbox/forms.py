"""Forms of the inbox pages: they only validate input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from channels_publish.networks import Network

from .models import ConversationStatus, ModerationAction, ModerationReason, RoutingRule
from .services.figures import AGE_FILTERS
from .services.replies import UNKNOWN_DISCARD_CONFIRMATION

INBOUND_NETWORKS = [(n.value, n.label) for n in Network if n.value in
                    ("x", "facebook", "instagram", "youtube")]


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Suche"), required=False)
    network = forms.ChoiceField(label=_("Kanal"), required=False,
                                choices=[("", _("alle Kanäle")), *INBOUND_NETWORKS])
    department = forms.ModelChoiceField(label=_("Amt"), required=False,
                                        queryset=Department.objects.filter(is_active=True),
                                        empty_label=_("alle Ämter"))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("alle offenen und erledigten")),
                                        *ConversationStatus.choices])
    age = forms.ChoiceField(label=_("wartet seit mindestens"), required=False, choices=[
        ("", _("egal")), ("1h", _("1 Stunde")), ("24h", _("24 Stunden")), ("3d", _("3 Tagen")),
        ("7d", _("7 Tagen")),
    ])
    overdue = forms.BooleanField(label=_("nur überfällige"), required=False)
    mine = forms.BooleanField(label=_("nur meine"), required=False)
    unrouted = forms.BooleanField(label=_("noch keinem Amt zugeordnet"), required=False)
    tag = forms.CharField(label=_("Schlagwort"), required=False)

    def clean_age(self):
        value = self.cleaned_data["age"]
        return value if value in AGE_FILTERS else ""


class RouteForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Amt"),
                                        queryset=Department.objects.filter(is_active=True))


class AssignForm(forms.Form):
    assignee = forms.IntegerField(label=_("Person"), required=False)


class TagsForm(forms.Form):
    tags = forms.CharField(label=_("Schlagwörter"), required=False,
                           help_text=_("Durch Kommas getrennt."))


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Interne Notiz"), widget=forms.Textarea(attrs={"rows": 2}))


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Antwort"), widget=forms.Textarea(attrs={"rows": 4}))
    in_reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)
    expected_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    submit = forms.BooleanField(label=_("gleich zur Freigabe vorlegen"), required=False,
                                initial=True)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("freigeben")),
                                          ("changes", _("Änderungen erbitten"))])
    expected_version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Was soll geändert werden?"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class ModerationForm(forms.Form):
    action = forms.ChoiceField(label=_("Maßnahme"), choices=ModerationAction.choices)
    reason = forms.ChoiceField(label=_("Grund laut Netiquette"), choices=ModerationReason.choices)
    explanation = forms.CharField(label=_("Erläuterung"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))


class SavedAnswerForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Amt"), queryset=Department.objects.none())
    title = forms.CharField(label=_("Titel"), max_length=200)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments if departments is not None else \
            Department.objects.filter(is_active=True)


class RoutingRuleForm(forms.ModelForm):
    network = forms.ChoiceField(label=_("Netzwerk"), required=False,
                                choices=[("", _("jedes Netzwerk")), *INBOUND_NETWORKS])

    class Meta:
        model = RoutingRule
        fields = ["name", "priority", "keywords", "network", "post_department", "department",
                  "mode", "is_active"]


class DiscardUnknownForm(forms.Form):
    """The confirmation before a reply with unknown outcome is given up."""

    checked_network = forms.BooleanField(
        required=True, label=UNKNOWN_DISCARD_CONFIRMATION,
    )
