"""Export everything the newsroom holds about one member of staff (JSON, Art. 15/20 DSGVO)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from newsroom.services import privacy


class Command(BaseCommand):
    help = "Write a person's personal data as JSON (to stdout or --output)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--output", help="File to write instead of stdout.")

    def handle(self, *args, username: str, output: str | None = None, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No person with username {username!r}.")
        text = privacy.encode(privacy.export_personal_data(actor=None, user=user))
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stdout.write(self.style.SUCCESS(f"Written to {output}."))
        else:
            self.stdout.write(text)
