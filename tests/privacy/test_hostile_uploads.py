"""1,000 malformed or hostile uploads through the upload page and the API: no server error, a
clear error on the file field, nothing stored (no MediaAsset row, no file in MEDIA_ROOT)."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from newsroom.models import AuditLogEntry, MediaAsset

from .hostile_files import hostile_files

pytestmark = pytest.mark.django_db
COUNT = 1000


def _files_in(root) -> set[Path]:
    return {path for path in Path(root).rglob("*") if path.is_file()}


@pytest.fixture
def limits(settings):
    # Small limits, so "huge EXIF" and size checks are reached with a few megabytes.
    settings.MEDIA_MAX_IMAGE_BYTES = 2 * 1024 * 1024
    return settings


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
def test_a_thousand_hostile_uploads_are_refused_cleanly(client, editor, department, limits,
                                                        media_root):
    client.force_login(editor)
    before_files = _files_in(media_root)
    before_entries = AuditLogEntry.objects.count()
    page, api = reverse("newsroom:media_upload"), reverse("api:media-list")
    tried = collections.Counter()
    wrong = []
    for index, hostile in enumerate(hostile_files(COUNT)):
        upload = SimpleUploadedFile(hostile.name, hostile.content, hostile.content_type)
        data = {"file": upload, "department": department.pk, "alt_text": "Beschreibung",
                "name": "Test"}
        if index % 2 == 0:
            response = client.post(page, data)
            ok = (response.status_code == 200
                  and "file" in response.context["form"].errors)
        else:
            response = client.post(api, data)
            ok = response.status_code == 400 and "file" in response.json().get("errors", {})
        tried[hostile.family] += 1
        if not ok:
            wrong.append((index, hostile.family, hostile.name[:40], response.status_code,
                          response.content[:200]))
    print(f"\nhostile uploads: {sum(tried.values())} tried, {dict(tried)}")
    assert sum(tried.values()) == COUNT
    assert not wrong, wrong[:10]
    assert MediaAsset.objects.count() == 0
    assert _files_in(media_root) == before_files
    assert AuditLogEntry.objects.count() == before_entries


def test_the_error_says_what_is_wrong(client, editor, department, limits):
    client.force_login(editor)
    response = client.post(reverse("api:media-list"), {
        "file": SimpleUploadedFile("leer.jpg", b"", "image/jpeg"),
        "department": department.pk, "alt_text": "x",
    })
    assert response.status_code == 400
    assert response.json()["errors"]["file"]
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
    response = client.post(reverse("newsroom:media_upload"), {
        "file": SimpleUploadedFile("bild.svg", svg, "image/svg+xml"),
        "department": department.pk, "alt_text": "x",
    })
    errors = response.context["form"].errors["file"]
    assert errors and all(len(error) > 10 for error in errors)
    # The message is tied to the field for screen readers.
    assert 'aria-invalid="true"' in response.text
    assert 'aria-describedby="id_file_helptext id_file_error"' in response.text


def test_a_good_picture_still_goes_through(client, editor, department, limits):
    """The control: the same doors accept a real picture, so the refusals above mean
    something."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (1, 2, 3)).save(buffer, "JPEG")
    client.force_login(editor)
    response = client.post(reverse("api:media-list"), {
        "file": SimpleUploadedFile("gut.jpg", buffer.getvalue(), "image/jpeg"),
        "department": department.pk, "alt_text": "Ein Testbild",
    })
    assert response.status_code == 201
    assert MediaAsset.objects.count() == 1
