from typing import Any

from django.core.management.base import BaseCommand

from lanekassen_ai.services.demo import DEMO_LOGINS


class Command(BaseCommand):
    help = "Print the demo logins, one per role."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("Demo logins (username / password):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.role.label:<16} {login.username} / {login.password}")
