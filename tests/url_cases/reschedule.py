"""Moving a post from its own page (the keyboard way to the calendar's drag and drop). The
posts come from tests/url_cases/calendar.py's set-up."""

from datetime import timedelta

from django.utils import timezone

from newsroom.timezones import BERLIN
from tests.url_table import DRAFTERS, UrlCase


def _pk(key):
    return lambda world: {"pk": world.objects[key].pk}


def _new_time(world):
    moment = timezone.localtime(timezone.now() + timedelta(days=5), BERLIN)
    return {"scheduled_at": moment.strftime("%Y-%m-%dT%H:%M")}


CASES = [
    UrlCase("newsroom:post_reschedule", DRAFTERS, method="post", ok_status=302,
            kwargs=_pk("calendar_post_own"), other_kwargs=_pk("calendar_post_other"),
            data=_new_time),
]
