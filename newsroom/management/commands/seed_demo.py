from django.core.management.base import BaseCommand, CommandError

from newsroom import demo


class Command(BaseCommand):
    help = "Create the demo city: departments, people of every role, channels and posts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the demo data exist already (used by `make run`).",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and demo.already_seeded():
            self.stdout.write("Demo-Daten sind schon angelegt.")
            return
        try:
            summary = demo.seed()
        except demo.DemoRefused as exc:
            raise CommandError(str(exc)) from None
        for line in summary:
            self.stdout.write(self.style.SUCCESS(line))
        self.stdout.write("")
        self.stdout.write(f"Demo-Zugänge (Passwort für alle: {demo.DEMO_PASSWORD}):")
        for person in demo.PEOPLE:
            roles = ", ".join(f"{role.label} ({number})" for number, role in person.roles[:2])
            if len(person.roles) > 2:
                roles += ", …"
            self.stdout.write(f"  {person.username:<26} {roles}")
