"""Channel accounts: the city's pages and profiles on each network, granted to departments."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .networks import Network

PUBLISH_PERMISSION = "publish_to_channel"


class ChannelAccountQuerySet(models.QuerySet):
    def usable(self) -> ChannelAccountQuerySet:
        return self.filter(is_active=True)

    def granted_to(self, department) -> ChannelAccountQuerySet:
        """Accounts the department may post to (a guardian permission on its group)."""
        return self.filter(
            channelaccountgroupobjectpermission__group_id=department.group_id,
            channelaccountgroupobjectpermission__permission__codename=PUBLISH_PERMISSION,
        ).distinct()


class ChannelAccount(models.Model):
    """One page, profile or outlet of the city on one network."""

    network = models.CharField(_("Netzwerk"), max_length=20, choices=Network.choices)
    name = models.CharField(_("Name"), max_length=200)
    external_id = models.CharField(
        _("Externe ID"), max_length=200, blank=True,
        help_text=_("Die ID der Seite oder des Profils beim Netzwerk."),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)

    objects = ChannelAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("Kanal")
        verbose_name_plural = _("Kanäle")
        ordering = ["network", "name"]
        permissions = [(PUBLISH_PERMISSION, _("In diesen Kanal veröffentlichen"))]

    def __str__(self) -> str:
        return f"{self.get_network_display()}: {self.name}"


class ChannelAccountUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(ChannelAccount, on_delete=models.CASCADE)


class ChannelAccountGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(ChannelAccount, on_delete=models.CASCADE)
