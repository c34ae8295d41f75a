from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PwaConfig(AppConfig):
    name = "pwa"
    verbose_name = _("App und Push-Benachrichtigungen")

    def ready(self) -> None:
        from newsroom.navigation import ENTRIES, NavigationEntry

        from . import rules, signals  # noqa: F401
        from .retention import register_rules

        register_rules()

        # The phone's first stop on the move: what goes out today.
        ENTRIES.append(NavigationEntry(_("Heute"), "pwa:today", "pwa.timeline"))
