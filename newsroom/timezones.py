"""Times as people in the city enter them: wall-clock time in Europe/Berlin.

A wall-clock time that does not exist (the hour skipped when clocks go forward) or exists twice
(the hour repeated when they go back) cannot be turned into one moment; the newsroom says so
instead of guessing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from .errors import DomainError

BERLIN = ZoneInfo("Europe/Berlin")


class AmbiguousTime(DomainError):
    code = "ambiguous_time"


class NonexistentTime(DomainError):
    code = "nonexistent_time"


def berlin_wall_clock_to_aware(naive: datetime, *, field: str = "scheduled_at") -> datetime:
    """The moment the Berlin wall-clock time ``naive`` stands for; refuses DST gaps and overlaps."""
    if naive.tzinfo is not None:
        return naive
    first = naive.replace(tzinfo=BERLIN, fold=0)
    second = naive.replace(tzinfo=BERLIN, fold=1)
    if first.utcoffset() != second.utcoffset():
        # Round trip through UTC tells the gap (the time never appears) from the overlap.
        round_trip = first.astimezone(ZoneInfo("UTC")).astimezone(BERLIN).replace(tzinfo=None)
        if round_trip != naive:
            raise NonexistentTime(
                _(
                    "%(time)s Uhr gibt es am %(date)s nicht: In dieser Nacht werden die Uhren "
                    "auf Sommerzeit vorgestellt. Bitte wählen Sie eine Zeit ab %(after)s Uhr."
                )
                % {
                    "time": naive.strftime("%H:%M"),
                    "date": naive.strftime("%d.%m.%Y"),
                    "after": (naive.replace(minute=0) + timedelta(hours=1)).strftime("%H:%M"),
                },
                field=field,
            )
        raise AmbiguousTime(
            _(
                "%(time)s Uhr gibt es am %(date)s zweimal: In dieser Nacht werden die Uhren auf "
                "Winterzeit zurückgestellt. Bitte wählen Sie eine Zeit vor 02:00 oder ab 03:00 Uhr."
            )
            % {"time": naive.strftime("%H:%M"), "date": naive.strftime("%d.%m.%Y")},
            field=field,
        )
    return first
