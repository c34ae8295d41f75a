"""``manage.py runsandbox``: serve the networks sandbox."""

from django.core.management.base import BaseCommand

from channels_publish.sandbox.server import make_sandbox_server


class Command(BaseCommand):
    """Serve the local stand-in for X, Facebook, Instagram and YouTube."""

    help = "Serve the networks sandbox (X, Graph, YouTube APIs and their browsable pages)."

    def add_arguments(self, parser):
        """Declare ``--host``, ``--port`` and ``--quiet``."""
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--quiet", action="store_true", help="Do not log every request.")

    def handle(self, *args, **options):
        """Run until interrupted."""
        server = make_sandbox_server(options["host"], options["port"], quiet=options["quiet"])
        base_url = f"http://{options['host']}:{server.server_port}"
        self.stdout.write(f"Networks sandbox at {base_url}/_sandbox/ (Ctrl-C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.app.stop()
            server.server_close()
