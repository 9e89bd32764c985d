from django.core.management.base import BaseCommand

from lotse.core.demo import DEMO_PASSWORD, DEMO_USERS, seed_demo
from lotse.reports.demo import STATISTICS_USERS


class Command(BaseCommand):
    help = "Load the demo organisations, teams and users (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, quiet_logins=False, **options):
        created = seed_demo()
        summary = ", ".join(f"{name}: {count}" for name, count in created.items())
        self.stdout.write(f"Demo data ready (newly created – {summary}).")
        if not quiet_logins:
            self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
            for spec in [*DEMO_USERS, *STATISTICS_USERS]:
                self.stdout.write(f"  {spec['username']:<15} {spec['description']}")
