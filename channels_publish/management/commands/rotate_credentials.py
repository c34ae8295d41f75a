from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from channels_publish import crypto
from channels_publish.models import ChannelAccount


class Command(BaseCommand):
    help = (
        "Re-encrypt every channel account's credentials with the first key of "
        "NEWSROOM_FERNET_KEYS (after adding a new key in front)."
    )

    def handle(self, *args, **options):
        rotated = 0
        with transaction.atomic():
            for account in ChannelAccount.objects.select_for_update().exclude(
                credentials_encrypted=""
            ):
                try:
                    account.credentials_encrypted = crypto.rotate(account.credentials_encrypted)
                except crypto.CredentialsUnreadable as exc:
                    raise CommandError(f"{account}: {exc} Nothing was changed.") from None
                account.save(update_fields=["credentials_encrypted"])
                rotated += 1
        self.stdout.write(self.style.SUCCESS(f"{rotated} Kanal-Zugänge neu verschlüsselt."))
