"""Deactivate a person from the command line (e.g. the leaving-staff procedure)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.services import deactivate_user


class Command(BaseCommand):
    help = "Deactivate a person: their sessions and API tokens end at once."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No person with the username {username!r}.") from None
        was_active = deactivate_user(None, user)
        if was_active:
            self.stdout.write(f"{username} deactivated; sessions and API tokens ended.")
        else:
            self.stdout.write(f"{username} was already inactive; sessions and tokens ended.")
