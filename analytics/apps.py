from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = _("Auswertung")

    def ready(self) -> None:
        from newsroom.navigation import ENTRIES, NavigationEntry

        from . import demo  # noqa: F401  (registers the demo figures)
        from .services import collection, topics  # noqa: F401  (register audit actions)

        topics.register_topic_retention()

        entry = NavigationEntry(_("Auswertung"), "analytics:index", "analytics.view")
        if all(existing.url_name != entry.url_name for existing in ENTRIES):
            ENTRIES.append(entry)
