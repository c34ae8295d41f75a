"""Permission rows for the crisis pages.

The world holds a running crisis whose scope is one channel nobody else uses (so it holds
nothing of the other areas' objects), a crisis message in review written by a third duty
editor, holding statements, and one post per department held by an earlier crisis.
"""

from datetime import timedelta

from django.utils import timezone

from tests.url_table import DEPARTMENT_MEMBERS, UrlCase

TEAM = frozenset({"duty_editor", "admin"})
WRITERS = frozenset({"duty_editor"})
CONFIRMERS = frozenset({"head", "duty_editor"})


def setup_world(world):
    from accounts.roles import Role
    from channels_publish.models import Delivery, DeliveryStatus
    from crisis import services
    from crisis.models import Crisis, CrisisStatus
    from newsroom.models import Post, PostStatus
    from tests.factories import channel, member

    now = timezone.now()
    author = member(Role.DUTY_EDITOR, world.comms, username="crisis-author")
    second = member(Role.ADMIN, world.comms, username="crisis-second")
    earlier = Crisis.objects.create(
        reason="Frühere Krise", type="other", status=CrisisStatus.ENDED,
        started_at=now - timedelta(days=1), ended_at=now - timedelta(hours=1),
    )
    world.objects["crisis_earlier"] = earlier
    for key, department in (("own", world.own), ("other", world.other)):
        account = channel("facebook", department, name=f"Krise Facebook {department.name}")
        post = Post.objects.create(
            department=department, title=f"Angehalten {key}", body="Das Stadtfest beginnt.",
            status=PostStatus.SCHEDULED, scheduled_at=now - timedelta(minutes=5),
            approved_at=now - timedelta(hours=2),
        )
        post.channel_accounts.add(account)
        Delivery.objects.create(
            post=post, channel_account=account, post_version=1, due_at=post.scheduled_at,
            next_attempt_at=post.scheduled_at, status=DeliveryStatus.HELD, hold_reason="crisis",
        )
        world.objects[f"held_{key}"] = post

    dedicated = channel("facebook", world.comms, name="Krisenkanal")
    crisis = services.start_crisis(
        actor=author, reason="Bombenentschärfung", crisis_type="bomb_disposal",
        all_channels=False, channel_account_ids=[dedicated.pk],
    )
    world.objects["crisis"] = crisis
    world.objects["crisis_post"] = services.compose_crisis_message(
        author, crisis, "Bitte meiden Sie den Bereich um den Hauptbahnhof.", [dedicated.pk]
    )
    data = services.StatementData(crisis_type="bomb_disposal", title="Erste Meldung",
                                  text="Wir informieren laufend.",
                                  channel_account_ids=[dedicated.pk])
    world.objects["statement_draft"] = services.save_holding_statement(actor=author, data=data)
    approved = services.save_holding_statement(actor=author, data=data)
    world.objects["statement_approved"] = services.approve_holding_statement(
        actor=second, statement=approved, expected_version=approved.version
    )


def _crisis(world):
    return {"pk": world.objects["crisis"].pk}


def _crisis_post(world):
    return {"pk": world.objects["crisis_post"].pk}


def _draft(world):
    return {"pk": world.objects["statement_draft"].pk}


def _approved(world):
    return {"pk": world.objects["statement_approved"].pk}


def _held_own(world):
    return {"crisis_pk": world.objects["crisis_earlier"].pk, "pk": world.objects["held_own"].pk}


def _held_other(world):
    return {"crisis_pk": world.objects["crisis_earlier"].pk,
            "pk": world.objects["held_other"].pk}


def _start_data(world):
    return {"reason": "Unwetter", "type": "storm", "all_channels": "on"}


def _version(world):
    return {"expected_version": world.objects["crisis_post"].version}


def _reschedule_data(world):
    later = timezone.localtime(timezone.now() + timedelta(days=2))
    return {"scheduled_at": later.strftime("%Y-%m-%dT%H:%M")}


CASES = [
    UrlCase("crisis:index", DEPARTMENT_MEMBERS),
    UrlCase("crisis:detail", DEPARTMENT_MEMBERS, kwargs=_crisis),
    UrlCase("crisis:start", TEAM, method="post", ok_status=302, data=_start_data),
    UrlCase("crisis:end", TEAM, kwargs=_crisis, method="post", ok_status=302),
    UrlCase("crisis:compose", WRITERS, kwargs=_crisis),
    UrlCase("crisis:approve", TEAM, kwargs=_crisis_post),
    UrlCase("crisis:approve", TEAM, kwargs=_crisis_post, method="post", ok_status=302,
            data=_version, id="post:crisis:approve"),
    UrlCase("crisis:held", CONFIRMERS | TEAM,
            kwargs=lambda world: {"pk": world.objects["crisis_earlier"].pk}),
    UrlCase("crisis:release", CONFIRMERS, kwargs=_held_own, other_kwargs=_held_other,
            method="post", ok_status=302, city_wide=WRITERS),
    UrlCase("crisis:reschedule", CONFIRMERS, kwargs=_held_own, other_kwargs=_held_other,
            method="post", ok_status=302, data=_reschedule_data, city_wide=WRITERS),
    UrlCase("crisis:cancel", CONFIRMERS, kwargs=_held_own, other_kwargs=_held_other,
            method="post", ok_status=302, city_wide=WRITERS),
    UrlCase("crisis:statement_list", TEAM),
    UrlCase("crisis:statement_create", WRITERS),
    UrlCase("crisis:statement_edit", WRITERS, kwargs=_draft),
    UrlCase("crisis:statement_approve", TEAM, kwargs=_draft, method="post", ok_status=302,
            data=lambda world: {"expected_version": 1}),
    UrlCase("crisis:statement_send", WRITERS, kwargs=_approved, method="post", ok_status=302),
]
