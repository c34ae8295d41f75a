from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Personen und Ämter")

    def ready(self) -> None:
        from . import signals  # noqa: F401
        from .retention import register_erasure, register_rules

        register_rules()
        register_erasure()
