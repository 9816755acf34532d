from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from lanekassen_ai.services.demo import DEMO_LOGINS


class Command(BaseCommand):
    help = "Print the demo logins, one per role."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("Demo logins (username / password):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.role.label:<16} {login.username} / {login.password}")
        # Other logins an app adds (DEMO_LOGIN_NOTES: functions returning lines).
        for path in getattr(settings, "DEMO_LOGIN_NOTES", []):
            for line in import_string(path)():
                self.stdout.write(line)
