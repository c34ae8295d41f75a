"""Form fields shared by the newsroom's pages."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils.translation import gettext as _

from newsroom.errors import DomainError
from newsroom.timezones import berlin_wall_clock_to_aware

# What a browser's <input type="datetime-local"> sends.
DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
_DATETIME_LOCAL_INPUTS = (DATETIME_LOCAL_FORMAT, "%Y-%m-%dT%H:%M:%S")


class BerlinDateTimeField(forms.CharField):
    """A ``datetime-local`` input read as wall-clock time in Europe/Berlin.

    A time that does not exist or exists twice at a change of daylight saving time gets the
    German explanation of ``berlin_wall_clock_to_aware`` as its field error.
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"})

    def clean(self, value) -> datetime | None:
        value = (super().clean(value) or "").strip()
        if not value:
            return None
        for input_format in _DATETIME_LOCAL_INPUTS:
            try:
                naive = datetime.strptime(value, input_format)
                break
            except ValueError:
                continue
        else:
            raise forms.ValidationError(
                _("Bitte geben Sie Datum und Uhrzeit an, z. B. 24.12.2026 10:00.")
            )
        try:
            return berlin_wall_clock_to_aware(naive)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None
