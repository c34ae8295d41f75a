from django.conf import settings

from .navigation import navigation_for
from .notifications import unread_count


def newsroom(request) -> dict:
    context = {"demo_mode": settings.DEMO_MODE}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["navigation"] = navigation_for(request)
        context["unread_notifications"] = unread_count(user)
    return context
