from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = _("Newsroom")

    def ready(self) -> None:
        # Modules that register their audit actions at import time.
        from . import checks  # noqa: F401  (system checks)
        from .retention import register_core_rules
        from .services import media, posts, privacy  # noqa: F401

        register_core_rules()
