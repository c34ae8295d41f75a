import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.roles import Role
from accounts.services import add_member
from newsroom.errors import DomainError


class Command(BaseCommand):
    help = "Create or update a person and give them a role in a department (Amt)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--department", required=True, help="The department's number, e.g. 13")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--email")
        parser.add_argument("--first-name")
        parser.add_argument("--last-name")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from the first line of standard input.",
        )

    def handle(self, *args, **options):
        password = None
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
            if not password:
                raise CommandError("No password on standard input.")
            try:
                validate_password(password)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
        try:
            user, membership, created = add_member(
                actor=None,
                username=options["username"],
                department_number=options["department"],
                role=options["role"],
                email=options["email"],
                password=password,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        changed = []
        if options["first_name"] is not None:
            user.first_name = options["first_name"]
            changed.append("first_name")
        if options["last_name"] is not None:
            user.last_name = options["last_name"]
            changed.append("last_name")
        if changed:
            user.save(update_fields=changed)
        verb = "Created" if created else "Updated"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {user.username}: {membership.get_role_display()} "
                f"in {membership.department}."
            )
        )
