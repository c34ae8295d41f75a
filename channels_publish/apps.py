from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsPublishConfig(AppConfig):
    name = "channels_publish"
    verbose_name = _("Kanäle und Veröffentlichung")

    def ready(self) -> None:
        from newsroom import publication

        from . import dispatch, services  # noqa: F401 - services registers audit actions

        publication.register(plan=dispatch.plan, cancel=dispatch.cancel)

        from newsroom import demo as newsroom_demo

        from . import demo

        newsroom_demo.register_seed_step(demo.seed_channels)
        newsroom_demo.register_seed_step(demo.seed_posts)
