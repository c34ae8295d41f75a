"""The media library from the API door: uploads are checked and cleaned, refusals store nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from newsroom.models import AuditLogEntry, MediaAsset
from tests.factories import image_asset

pytestmark = pytest.mark.django_db

MEDIA = reverse("api:media-list")
SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b"<script>alert(1)</script></svg>")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def jpeg(name: str = "radweg.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (40, 120, 60)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), "image/jpeg")


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_it_accepts_a_real_jpeg(department, editor):
    response = client_for(editor).post(MEDIA, {
        "file": jpeg(), "department": department.pk, "name": "Radweg",
        "alt_text": "Ein Radweg im Grünen", "tags": ["Rad", "Umwelt"],
    }, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "image"
    assert body["mime_type"] == "image/jpeg"
    assert (body["width"], body["height"]) == (320, 240)
    assert body["tags"] == ["rad", "umwelt"]
    assert body["url"].startswith("http://testserver/media/")
    asset = MediaAsset.objects.get(pk=body["id"])
    assert asset.uploaded_by == editor
    assert AuditLogEntry.objects.filter(action="newsroom.media.uploaded",
                                        object_id=str(asset.pk)).exists()


@pytest.mark.parametrize(("name", "content", "mime"), [
    ("logo.svg", SVG, "image/svg+xml"),
    ("notizen.txt", b"Nur ein Text, kein Bild.", "text/plain"),
])
def test_it_refuses_what_is_not_an_image_and_stores_nothing(
    department, editor, media_root, name, content, mime
):
    response = client_for(editor).post(MEDIA, {
        "file": SimpleUploadedFile(name, content, mime), "department": department.pk,
        "alt_text": "Beschreibung",
    }, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "media_rejected"
    assert body["errors"]["file"] == [body["detail"]]
    assert any(word in body["detail"] for word in ("Bild", "Datei", "Format"))
    assert not MediaAsset.objects.exists()
    assert stored_files(media_root) == []


def test_an_image_needs_alt_text(department, editor, media_root):
    response = client_for(editor).post(MEDIA, {"file": jpeg(), "department": department.pk},
                                       format="multipart")
    assert response.status_code == 400
    assert "alt_text" in response.json()["errors"]
    assert not MediaAsset.objects.exists()
    assert stored_files(media_root) == []


def test_uploading_needs_the_right_to_draft_there(department, other_department, editor,
                                                  community):
    foreign = client_for(editor).post(MEDIA, {
        "file": jpeg(), "department": other_department.pk, "alt_text": "x"},
        format="multipart")
    assert foreign.status_code == 403
    own = client_for(community).post(MEDIA, {
        "file": jpeg(), "department": department.pk, "alt_text": "x"}, format="multipart")
    assert own.status_code == 403
    assert not MediaAsset.objects.exists()


def test_the_library_shows_the_own_departments_media_and_searches(
    department, other_department, editor
):
    bike = image_asset(department, name="Radweg", alt_text="Ein Radweg")
    image_asset(department, name="Rathaus", alt_text="Das Rathaus")
    image_asset(other_department, name="Radweg fremd")
    client = client_for(editor)
    names = lambda query: [row["name"] for row in client.get(MEDIA, query).json()["results"]]  # noqa: E731
    assert sorted(names({})) == ["Radweg", "Rathaus"]
    assert names({"q": "radweg"}) == ["Radweg"]
    assert names({"kind": "video"}) == []
    assert client.get(reverse("api:media-detail", kwargs={"pk": bike.pk})).status_code == 200


def test_another_departments_medium_is_not_found(other_department, editor):
    asset = image_asset(other_department)
    url = reverse("api:media-detail", kwargs={"pk": asset.pk})
    client = client_for(editor)
    assert client.get(url).status_code == 404
    assert client.patch(url, {"alt_text": "Neu"}, format="json").status_code == 404


def test_the_alt_text_can_be_changed_but_not_emptied(department, editor, community):
    asset = image_asset(department)
    url = reverse("api:media-detail", kwargs={"pk": asset.pk})
    response = client_for(editor).patch(url, {"alt_text": "Radweg am Fluss"}, format="json")
    assert response.status_code == 200
    assert response.json()["alt_text"] == "Radweg am Fluss"
    empty = client_for(editor).patch(url, {"alt_text": " "}, format="json")
    assert empty.status_code == 400
    assert "alt_text" in empty.json()["errors"]
    assert client_for(community).patch(url, {"alt_text": "x"}, format="json").status_code == 403
