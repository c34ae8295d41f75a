"""The citizen data export (DSGVO) hands staff a CSV whose citizen text never runs as a
formula."""

from __future__ import annotations

import csv
import io
import json

import pytest

from inbox.models import CitizenAccount
from inbox.services import privacy
from inbox.services.ingest import store_page

from .conftest import item

pytestmark = pytest.mark.django_db


def test_the_citizen_csv_export_defuses_formulas_but_the_json_keeps_the_text(
    account, community,
):
    store_page(account, [item(1, author="x1", text="=1+1"),
                         item(2, thread="b", author="x1", text="@cmd|' /C calc'!A0")],
               None, {})
    citizen = CitizenAccount.objects.get(remote_id="x1")

    content, _type = privacy.export_citizen(actor=community, citizen=citizen, fmt="csv")
    texts = sorted(row["text"] for row in csv.DictReader(io.StringIO(content)))
    assert texts == ["'=1+1", "'@cmd|' /C calc'!A0"]

    content, _type = privacy.export_citizen(actor=community, citizen=citizen)
    assert sorted(m["text"] for m in json.loads(content)["messages"]) == [
        "=1+1", "@cmd|' /C calc'!A0"]
