"""Send the monthly analytics report to every department (once per month and department)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Department
from analytics.services import reports


class Command(BaseCommand):
    help = "Sendet den Monatsbericht der Auswertung an jedes Amt (einmal pro Monat)."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM (Standard: der Vormonat)")
        parser.add_argument("--dry-run", action="store_true",
                            help="Nur anzeigen, wer den Bericht bekäme.")

    def handle(self, *args, **options):
        month = None
        if options["month"]:
            try:
                month = date.fromisoformat(options["month"] + "-01")
            except ValueError as exc:
                raise CommandError("--month erwartet YYYY-MM") from exc
        first = month or reports.previous_month()
        if options["dry_run"]:
            for department in Department.objects.filter(is_active=True).order_by("number"):
                recipients = reports.recipients_of(department)
                self.stdout.write(f"{department}: {', '.join(recipients) or '–'}")
            return
        sent = reports.send_monthly_reports(month=first)
        self.stdout.write(f"{len(sent)} Monatsberichte für {first:%m/%Y} versandt.")
