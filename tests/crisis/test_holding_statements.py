"""Holding statements: approved in advance by a second person, sent by one in a crisis."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.roles import Role
from channels_publish.models import Delivery, DeliveryStatus
from crisis import services
from crisis.models import HoldingStatement, HoldingStatementStatus
from newsroom.errors import InvalidState
from newsroom.models import AuditLogEntry, PostStatus
from tests.factories import member

from . import run_until_idle, tweets, x_account

pytestmark = pytest.mark.django_db

TEXT = "Die Feuerwehr ist im Einsatz. Wir informieren Sie hier laufend."


@pytest.fixture
def city_x(comms_department, sandbox):
    return x_account(comms_department, sandbox, "x-stadt")


def _draft(author, account, text=TEXT):
    return services.save_holding_statement(actor=author, data=services.StatementData(
        crisis_type="fire", title="Erste Meldung Großbrand", text=text,
        channel_account_ids=[account.pk],
    ))


def test_it_is_approved_in_advance_and_sent_by_one_person(
    city_x, duty_editor, administrator, department, sandbox
):
    statement = _draft(duty_editor, city_x)
    with pytest.raises(PermissionDenied):
        services.approve_holding_statement(actor=duty_editor, statement=statement,
                                           expected_version=statement.version)
    statement = services.approve_holding_statement(actor=administrator, statement=statement,
                                                   expected_version=statement.version)
    assert statement.status == HoldingStatementStatus.APPROVED

    crisis = services.start_crisis(actor=duty_editor, reason="Großbrand im Hafen",
                                   crisis_type="fire")
    post = services.send_holding_statement(duty_editor, statement, crisis)

    assert post.is_crisis and post.status == PostStatus.SCHEDULED
    assert post.author == duty_editor and post.approved_by == administrator
    assert Delivery.objects.get(post=post).status == DeliveryStatus.PENDING
    assert run_until_idle() == ["published"]
    assert [t["text"] for t in tweets(sandbox)] == [TEXT]
    actions = set(AuditLogEntry.objects.values_list("action", flat=True))
    assert {"crisis.statement.approved", "crisis.statement.sent",
            "crisis.message.approved"} <= actions


def test_editing_an_approved_statement_revokes_its_approval(city_x, duty_editor, administrator):
    statement = _draft(duty_editor, city_x)
    services.approve_holding_statement(actor=administrator, statement=statement,
                                       expected_version=1)
    statement = services.save_holding_statement(
        actor=duty_editor, statement=statement, expected_version=1,
        data=services.StatementData(crisis_type="fire", title="Erste Meldung Großbrand",
                                    text=TEXT + " Fenster geschlossen halten.",
                                    channel_account_ids=[city_x.pk]),
    )
    assert statement.status == HoldingStatementStatus.DRAFT
    assert statement.approved_by is None and statement.version == 2
    assert AuditLogEntry.objects.filter(action="crisis.statement.approval_revoked").exists()

    crisis = services.start_crisis(actor=duty_editor, reason="Großbrand", crisis_type="fire")
    with pytest.raises(InvalidState):
        services.send_holding_statement(duty_editor, statement, crisis)


def test_whoever_edited_it_last_cannot_approve_it(city_x, duty_editor, comms_department):
    second = member(Role.DUTY_EDITOR, comms_department, username="cvd-2")
    statement = _draft(duty_editor, city_x)
    services.save_holding_statement(
        actor=second, statement=statement,
        data=services.StatementData(crisis_type="fire", title="Neu", text=TEXT,
                                    channel_account_ids=[city_x.pk]),
    )
    with pytest.raises(PermissionDenied):
        services.approve_holding_statement(actor=second, statement=statement, expected_version=2)


def test_an_approval_names_the_version_read(city_x, duty_editor, administrator):
    from newsroom.errors import Conflict

    statement = _draft(duty_editor, city_x)
    with pytest.raises(Conflict):
        services.approve_holding_statement(actor=administrator, statement=statement,
                                           expected_version=2)


def test_the_pages_create_approve_and_send(client, city_x, duty_editor, administrator):
    client.force_login(duty_editor)
    response = client.post(reverse("crisis:statement_create"), {
        "crisis_type": "storm", "title": "Unwetter – erste Meldung", "text": TEXT,
        "channel_accounts": [city_x.pk],
    })
    assert response.status_code == 302
    client.force_login(administrator)
    from crisis.models import HoldingStatement

    statement = HoldingStatement.objects.get()
    client.post(reverse("crisis:statement_approve", kwargs={"pk": statement.pk}),
                {"expected_version": 1})
    statement.refresh_from_db()
    assert statement.is_approved
    services.start_crisis(actor=administrator, reason="Sturm", crisis_type="storm")
    client.force_login(duty_editor)
    page = client.get(reverse("crisis:statement_list")).content.decode()
    assert "Jetzt senden" in page
    response = client.post(reverse("crisis:statement_send", kwargs={"pk": statement.pk}))
    assert response.status_code == 302
    assert Delivery.objects.filter(post__is_crisis=True).count() == 1


def test_a_statements_picture_goes_out_with_it_and_its_alt_text_reaches_x(
    client, city_x, duty_editor, administrator, comms_department, sandbox, public_media
):
    from tests.factories import image_asset

    picture = image_asset(comms_department, name="Einsatzstelle",
                          alt_text="Feuerwehrwagen vor dem Lagerhaus")
    client.force_login(duty_editor)
    form = client.get(reverse("crisis:statement_create")).content.decode()
    assert f'name="media" value="{picture.pk}"' in form and "style=" not in form
    response = client.post(reverse("crisis:statement_create"), {
        "crisis_type": "fire", "title": "Erste Meldung Großbrand", "text": TEXT,
        "channel_accounts": [city_x.pk], "media": [picture.pk],
    })
    assert response.status_code == 302
    statement = HoldingStatement.objects.get()
    assert list(statement.media.all()) == [picture]
    edit = client.get(reverse("crisis:statement_edit", kwargs={"pk": statement.pk}))
    assert f'value="{picture.pk}" checked' in edit.content.decode()
    statement = services.approve_holding_statement(actor=administrator, statement=statement,
                                                   expected_version=statement.version)
    crisis = services.start_crisis(actor=duty_editor, reason="Großbrand im Hafen",
                                   crisis_type="fire")
    post = services.send_holding_statement(duty_editor, statement, crisis)
    assert [m.asset for m in post.post_media.all()] == [picture]
    assert run_until_idle() == ["published"]
    (tweet,) = tweets(sandbox)
    assert tweet["extra"]["alt_texts"] == ["Feuerwehrwagen vor dem Lagerhaus"]


def test_a_statement_refuses_foreign_or_undescribed_media(
    city_x, duty_editor, comms_department, department
):
    from newsroom.errors import DomainError
    from newsroom.models import MediaAsset
    from tests.factories import image_asset

    foreign = image_asset(department, name="Fremd")
    bare = image_asset(comms_department, name="Ohne Text")
    MediaAsset.objects.filter(pk=bare.pk).update(alt_text="")
    for media, message in ((foreign, "Mediathek"), (bare, "keinen Alternativtext")):
        with pytest.raises(DomainError) as caught:
            services.save_holding_statement(actor=duty_editor, data=services.StatementData(
                crisis_type="fire", title="Mit Bild", text=TEXT,
                channel_account_ids=[city_x.pk], media_ids=[media.pk],
            ))
        assert message in caught.value.message
    assert not HoldingStatement.objects.exists()
