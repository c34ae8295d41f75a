"""A member of staff leaves: deactivate and pseudonymise the account; posts stay with the
department (newsroom.services.privacy.erase_staff_member)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from newsroom.errors import DomainError
from newsroom.services import privacy


class Command(BaseCommand):
    help = "Deactivate and pseudonymise a member of staff who leaves the city."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--yes", action="store_true", help="Do it; without this flag nothing changes."
        )

    def handle(self, *args, username: str, yes: bool = False, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No person with username {username!r}.")
        if not yes:
            self.stdout.write(f"Would erase {user} (#{user.pk}); run again with --yes.")
            return
        try:
            result = privacy.erase_staff_member(actor=None, user=user)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Erased person #{result.user_id}: {result.posts_reattributed} posts now belong to "
            f"their department, {result.memberships_revoked} memberships revoked, "
            f"deleted {result.deleted}."
        ))
