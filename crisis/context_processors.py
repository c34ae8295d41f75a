from django.utils.functional import SimpleLazyObject

from .models import Crisis


def crisis(request) -> dict:
    """The running crisis for the banner on every page (one query, only when rendered)."""
    return {"active_crisis": SimpleLazyObject(lambda: _Active(Crisis.objects.active().first()))}


class _Active:
    """Wraps ``None`` so that ``{% if active_crisis.crisis %}`` works on the lazy object."""

    def __init__(self, crisis: Crisis | None) -> None:
        self.crisis = crisis
