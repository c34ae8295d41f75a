"""Check the audit log's hash chain; exit with status 1 and name the first broken entry."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from newsroom.audit import verify_audit_chain
from newsroom.models import AuditLogEntry
from newsroom.timezones import BERLIN


class Command(BaseCommand):
    help = "Verify the audit log's hash chain and name the first broken entry."

    def handle(self, *args, **options):
        report = verify_audit_chain()
        if report.intact:
            self.stdout.write(self.style.SUCCESS(
                f"Audit log intact: {report.checked} entries checked."
            ))
            return
        entry = AuditLogEntry.objects.filter(pk=report.first_broken_id).first()
        when = (
            timezone.localtime(entry.created_at, BERLIN).strftime("%Y-%m-%d %H:%M:%S")
            if entry else "?"
        )
        raise CommandError(
            f"Audit log broken at entry #{report.first_broken_id} "
            f"({when}, {entry.action if entry else '?'}): {report.reason} "
            f"{report.checked} entries before it are intact."
        )
