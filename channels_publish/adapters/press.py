"""Press releases: an email to the account's distribution lists, with the post's media attached,
archived as a ``PressRelease``.

The archive row is written before the mail goes out and marked sent afterwards, so after a
crash ``find_published`` can tell a sent release from one that never left.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.translation import gettext as _

from .base import AccountConfig, PermanentFailure, Published, PublishRequest, RetryLater, SaveState


class PressAdapter:
    def publish(self, account: AccountConfig, request: PublishRequest, state: dict,
                save_state: SaveState) -> Published:
        from channels_publish.models import Delivery, DistributionList, PressRelease

        delivery = Delivery.objects.get(pk=request.delivery_id)
        recipients = sorted({
            address
            for distribution in DistributionList.objects.filter(
                channel_account_id=delivery.channel_account_id, is_active=True
            )
            for address in distribution.addresses
        })
        if not recipients:
            raise PermanentFailure(_("Der Presseverteiler ist leer: Bitte Empfänger eintragen."))
        release, _created = PressRelease.objects.get_or_create(
            delivery=delivery,
            defaults={
                "subject": request.title,
                "body": request.text,
                "recipients": recipients,
                "attachments": [Path(item.path).name for item in request.media],
            },
        )
        if release.sent_at is not None:
            return self._published(release)
        message = EmailMessage(
            subject=request.title,
            body=request.text + (f"\n\n{request.link}" if request.link else ""),
            from_email=settings.NEWSROOM_PRESS_FROM_EMAIL,
            to=[settings.NEWSROOM_PRESS_FROM_EMAIL],
            bcc=recipients,
        )
        for item in request.media:
            message.attach_file(item.path, item.mime_type or None)
        try:
            message.send()
        except OSError as exc:
            raise RetryLater(_("Der Mailserver ist nicht erreichbar (%(error)s).")
                             % {"error": exc}, raw=repr(exc)) from exc
        release.message_id = message.extra_headers.get("Message-ID", "")
        release.sent_at = timezone.now()
        release.save(update_fields=["message_id", "sent_at"])
        return self._published(release)

    def find_published(self, account: AccountConfig, request: PublishRequest) -> Published | None:
        from channels_publish.models import PressRelease

        release = PressRelease.objects.filter(
            delivery_id=request.delivery_id, sent_at__isnull=False
        ).first()
        return self._published(release) if release else None

    @staticmethod
    def _published(release) -> Published:
        return Published(
            remote_id=f"press-{release.pk}",
            url=f"{settings.NEWSROOM_BASE_URL}/feeds/press/{release.pk}/",
            raw={"recipients": len(release.recipients), "sent_at": release.sent_at.isoformat()},
        )
