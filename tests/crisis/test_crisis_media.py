"""One rule for the media of crisis messages and holding statements: from the crisis library,
every image described."""

import pytest

from crisis import services
from crisis.models import CrisisMessage
from newsroom.errors import DomainError
from newsroom.models import MediaAsset, Post
from tests.factories import image_asset

from . import x_account

pytestmark = pytest.mark.django_db

TEXT = "Bitte meiden Sie das Rheinufer."


@pytest.fixture
def city_x(comms_department, sandbox):
    return x_account(comms_department, sandbox, "x-stadt")


@pytest.fixture
def crisis(duty_editor, city_x):
    return services.start_crisis(actor=duty_editor, reason="Hochwasser", crisis_type="storm")


def _undescribed(department):
    bare = image_asset(department, name="Ohne Text")
    MediaAsset.objects.filter(pk=bare.pk).update(alt_text="")
    return bare


def test_a_crisis_message_refuses_an_image_without_alt_text(
    duty_editor, comms_department, crisis, city_x
):
    bare = _undescribed(comms_department)
    with pytest.raises(DomainError) as caught:
        services.compose_crisis_message(duty_editor, crisis, TEXT, [city_x.pk],
                                        media_ids=[bare.pk])
    assert caught.value.field == "media_ids"
    assert "keinen Alternativtext" in caught.value.message
    assert not CrisisMessage.objects.exists() and not Post.objects.exists()


def test_a_crisis_message_refuses_media_of_another_department(
    duty_editor, department, crisis, city_x
):
    foreign = image_asset(department, name="Fremd")
    with pytest.raises(DomainError) as caught:
        services.compose_crisis_message(duty_editor, crisis, TEXT, [city_x.pk],
                                        media_ids=[foreign.pk])
    assert "Mediathek" in caught.value.message
    assert not Post.objects.exists()


def test_a_statement_whose_image_lost_its_alt_text_is_not_sent(
    duty_editor, administrator, comms_department, city_x
):
    picture = image_asset(comms_department, name="Einsatzstelle", alt_text="Feuerwehrwagen")
    statement = services.save_holding_statement(actor=duty_editor, data=services.StatementData(
        crisis_type="fire", title="Erste Meldung", text=TEXT,
        channel_account_ids=[city_x.pk], media_ids=[picture.pk],
    ))
    statement = services.approve_holding_statement(actor=administrator, statement=statement,
                                                   expected_version=statement.version)
    MediaAsset.objects.filter(pk=picture.pk).update(alt_text=" ")
    crisis = services.start_crisis(actor=duty_editor, reason="Großbrand", crisis_type="fire")
    with pytest.raises(DomainError) as caught:
        services.send_holding_statement(duty_editor, statement, crisis)
    assert "keinen Alternativtext" in caught.value.message
    assert not Post.objects.exists()
