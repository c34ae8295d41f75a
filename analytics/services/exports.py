"""A dashboard as CSV or XLSX: the same sections and numbers the page shows.

Post titles and account names are staff input: every cell goes through
:func:`newsroom.spreadsheets.safe_cell`, so a title like ``=HYPERLINK(…)`` stays text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from newsroom.spreadsheets import safe_row

from .figures import Dashboard

Section = tuple[str, list[str], list[list]]


def sections(dashboard: Dashboard) -> Iterator[Section]:
    """(title, header, rows) for every table of the dashboard."""
    period = dashboard.period
    yield (
        _("Kennzahlen"),
        [_("Kennzahl"), _("%(first)s–%(last)s") % {"first": period.first_day.isoformat(),
                                                   "last": period.last_day.isoformat()},
         _("Vorperiode"), _("Veränderung (%)")],
        [[row["label"], row["value"], row["previous"], row["change"]]
         for row in dashboard.comparison],
    )
    yield (
        _("Verlauf"),
        [_("Zeitraum"), _("Impressionen"), _("Interaktionen"), _("Beiträge"), _("Follower")],
        [[p["label"], p["impressions"], p["engagement"], p["posts"], p["followers"]]
         for p in dashboard.series],
    )
    columns = [_("Impressionen"), _("Reichweite"), _("Interaktionen"), _("Reaktionen"),
               _("Kommentare"), _("Geteilt"), _("Klicks"), _("Interaktionsrate (%)"),
               _("Beiträge")]

    def figures(row: dict) -> list:
        return [row["impressions"], row["reach"], row["engagement"], row["reactions"],
                row["comments"], row["shares"], row["clicks"], row["engagement_rate"],
                row["posts"]]

    yield (_("Netzwerke"), [_("Netzwerk"), *columns],
           [[row["label"], *figures(row)] for row in dashboard.by_network])
    yield (_("Kanäle"), [_("Kanal"), *columns],
           [[row["label"], *figures(row)] for row in dashboard.by_account])
    yield (
        _("Beiträge mit den meisten Interaktionen"),
        [_("Beitrag"), _("Impressionen"), _("Interaktionen"), _("Interaktionsrate (%)"),
         _("Kanäle")],
        [[row["label"], row["impressions"], row["engagement"], row["engagement_rate"],
          row["channels"]] for row in dashboard.top_posts],
    )
    yield (
        _("Beste Zeit zum Posten"),
        [_("Netzwerk"), _("Wochentag"), _("Uhrzeit"), _("Interaktionen pro Beitrag"),
         _("Beiträge")],
        [[network["label"], slot["weekday_label"], slot["time_label"], slot["per_post"],
          slot["posts"]] for network in dashboard.best_times for slot in network["slots"]],
    )


def _filename(dashboard: Dashboard, extension: str) -> str:
    name = slugify(dashboard.scope.title) or "auswertung"
    return f"{name}-{dashboard.period.first_day}-{dashboard.period.last_day}.{extension}"


def as_csv(dashboard: Dashboard) -> HttpResponse:
    """Sections one below the other, separated by an empty line (semicolons, as German
    spreadsheets expect)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for index, (title, header, rows) in enumerate(sections(dashboard)):
        if index:
            writer.writerow([])
        writer.writerow(safe_row([title]))
        writer.writerow(safe_row(header))
        writer.writerows(safe_row(row) for row in rows)
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(dashboard, "csv")}"'
    return response


def _append_text_safe(sheet, row: list) -> None:
    """Append a row; text cells are defused and stored as strings (openpyxl would otherwise
    store any string starting with ``=`` as a formula)."""
    sheet.append(safe_row(row))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def as_xlsx(dashboard: Dashboard) -> HttpResponse:
    """One worksheet per section."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in sections(dashboard):
        sheet = workbook.create_sheet(title[:31].replace("/", "-"))
        _append_text_safe(sheet, header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            _append_text_safe(sheet, row)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(dashboard, "xlsx")}"'
    return response
