"""The media library through the web door: list and search, upload, alt text."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from newsroom.models import MediaAsset

from ..factories import image_asset

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_root(settings, tmp_path):
    # Our own empty folder, so "nothing stored" can be checked on disk.
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def _jpeg(name="radweg.jpg", size=(80, 60)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 120, 60)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), "image/jpeg")


def test_it_uploads_an_image_with_alt_text(client, editor, department, media_root):
    client.force_login(editor)
    assert client.get(reverse("newsroom:media_upload")).status_code == 200
    response = client.post(reverse("newsroom:media_upload"), {
        "file": _jpeg(), "department": department.pk, "name": "Radweg am Rhein",
        "alt_text": "Ein Radweg am Rheinufer", "tags": "rad, #Umwelt",
    })
    asset = MediaAsset.objects.get()
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("newsroom:media_detail", kwargs={"pk": asset.pk})
    assert asset.name == "Radweg am Rhein"
    assert asset.alt_text == "Ein Radweg am Rheinufer"
    assert sorted(tag.name for tag in asset.tags.all()) == ["rad", "umwelt"]
    assert (media_root / asset.file.name).is_file()


def test_it_refuses_a_file_that_is_no_image_and_stores_nothing(
    client, editor, department, media_root
):
    client.force_login(editor)
    response = client.post(reverse("newsroom:media_upload"), {
        "file": SimpleUploadedFile("foto.jpg", b"%PDF-1.4 not an image", "image/jpeg"),
        "department": department.pk, "alt_text": "Ein Foto", "name": "Foto",
    })
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_file_error"' in page
    assert not MediaAsset.objects.exists()
    assert _stored_files(media_root) == []
    assert 'value="Foto"' in page  # the name typed is kept


def test_an_image_needs_alt_text_and_the_form_says_why(client, editor, department, media_root):
    client.force_login(editor)
    response = client.post(reverse("newsroom:media_upload"), {
        "file": _jpeg(), "department": department.pk, "alt_text": "  ",
    })
    page = response.content.decode()
    assert "Pflicht für Barrierefreiheit" in page
    assert 'id="id_alt_text_error"' in page
    assert not MediaAsset.objects.exists()
    assert _stored_files(media_root) == []


def test_nobody_uploads_into_another_department(client, editor, other_department, media_root):
    client.force_login(editor)
    response = client.post(reverse("newsroom:media_upload"), {
        "file": _jpeg(), "department": other_department.pk, "alt_text": "Bild",
    })
    assert response.status_code == 200
    assert 'id="id_department_error"' in response.content.decode()
    assert not MediaAsset.objects.exists()


def test_the_library_searches_by_name_and_tag_and_filters_by_kind(
    client, editor, department, other_department
):
    radweg = image_asset(department, width=40, height=40, name="Radweg")
    park = image_asset(department, width=40, height=40, name="Stadtpark",
                       alt_text="Wiese mit Bänken")
    park.tags.create(name="grünflächen")
    image_asset(other_department, width=40, height=40, name="Fremdes Radweg-Bild")
    client.force_login(editor)
    page = client.get(reverse("newsroom:media_list")).content.decode()
    assert "Radweg" in page and "Stadtpark" in page
    assert "Fremdes Radweg-Bild" not in page
    page = client.get(reverse("newsroom:media_list"), {"q": "radweg"}).content.decode()
    assert reverse("newsroom:media_detail", kwargs={"pk": radweg.pk}) in page
    assert reverse("newsroom:media_detail", kwargs={"pk": park.pk}) not in page
    page = client.get(reverse("newsroom:media_list"), {"q": "#grünflächen"}).content.decode()
    assert reverse("newsroom:media_detail", kwargs={"pk": park.pk}) in page
    page = client.get(reverse("newsroom:media_list"), {"kind": "video"}).content.decode()
    assert "Keine Medien gefunden." in page


def test_the_library_costs_the_same_for_few_and_many(
    client, editor, department, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for number in range(2):
        image_asset(department, width=20, height=20, name=f"Bild {number}").tags.create(
            name=f"tag{number}"
        )
    client.force_login(editor)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("newsroom:media_list"))
    for number in range(2, 12):
        image_asset(department, width=20, height=20, name=f"Bild {number}").tags.create(
            name=f"tag{number}"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("newsroom:media_list"))
    assert "Bild 11" in response.content.decode()


def test_it_changes_the_alt_text_but_never_to_empty(client, editor, department):
    asset = image_asset(department, width=40, height=40)
    client.force_login(editor)
    url = reverse("newsroom:media_detail", kwargs={"pk": asset.pk})
    assert "Ein Radweg im Grünen" in client.get(url).content.decode()
    response = client.post(url, {"alt_text": "Radweg mit Bäumen"})
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.alt_text == "Radweg mit Bäumen"
    response = client.post(url, {"alt_text": ""})
    assert "darf bei Bildern nicht leer sein" in response.content.decode()
    asset.refresh_from_db()
    assert asset.alt_text == "Radweg mit Bäumen"


def test_a_community_manager_sees_but_does_not_edit(client, community, department):
    asset = image_asset(department, width=40, height=40)
    client.force_login(community)
    url = reverse("newsroom:media_detail", kwargs={"pk": asset.pk})
    page = client.get(url).content.decode()
    assert "Alternativtext speichern" not in page
    assert client.post(url, {"alt_text": "x"}).status_code == 403
