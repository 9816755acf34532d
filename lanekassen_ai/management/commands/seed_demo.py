from typing import Any

from django.core.management.base import BaseCommand

from lanekassen_ai.services.demo import demo_seed


class Command(BaseCommand):
    help = "Load the demo: one user per role and every app's demo data. Idempotent."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args: Any, **options: Any) -> None:
        logins = demo_seed(stdout=self.stdout)
        if not options["quiet_logins"]:
            self.stdout.write(self.style.SUCCESS("Demo logins (username / password):"))
            for login in logins:
                self.stdout.write(f"  {login.role.label:<16} {login.username} / {login.password}")
