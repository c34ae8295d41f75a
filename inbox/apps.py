from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "inbox"
    verbose_name = _("Bürgerpostfach")

    def ready(self) -> None:
        from newsroom.demo import register_seed_step
        from newsroom.navigation import ENTRIES, NavigationEntry

        # Registers audit actions, the retention rule and the Celery tasks.
        from . import tasks  # noqa: F401
        from .demo import seed_inbox
        from .services import (  # noqa: F401
            conversations,
            moderation,
            privacy,
            replies,
            sending,
            settings,
        )

        entry = NavigationEntry(_("Bürgerpostfach"), "inbox:list", "inbox.view")
        if entry not in ENTRIES:
            ENTRIES.append(entry)
        register_seed_step(seed_inbox)
