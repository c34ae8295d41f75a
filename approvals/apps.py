from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("Freigaben")

    def ready(self) -> None:
        from . import services  # noqa: F401 - registers the review's audit actions
