from django.conf import settings

from .navigation import navigation_for


def newsroom(request) -> dict:
    context = {"demo_mode": settings.DEMO_MODE}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["navigation"] = navigation_for(request)
    return context
