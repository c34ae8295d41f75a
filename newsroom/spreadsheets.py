"""Cells for CSV and XLSX exports that a spreadsheet opens as text, never as a formula.

Spreadsheet programs treat a cell starting with ``=``, ``+``, ``-`` or ``@`` (and, in some,
tab or carriage return) as a formula; a citizen's message or a post title like
``=HYPERLINK("https://…")`` would run when an employee opens the export (CSV/formula
injection). :func:`safe_cell` prefixes such text with an apostrophe, which the spreadsheet
shows as plain text. Numbers, dates and booleans pass through unchanged so they stay numbers.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value) -> str:
    """``value`` as text, defused if a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def safe_cell(value):
    """A cell value for CSV/XLSX: numbers, dates and booleans unchanged, ``None`` empty,
    everything else as defused text (:func:`safe_text`)."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float, Decimal, date, datetime)):
        return value
    return safe_text(value)


def safe_row(values) -> list:
    """:func:`safe_cell` for each value of a row."""
    return [safe_cell(value) for value in values]
