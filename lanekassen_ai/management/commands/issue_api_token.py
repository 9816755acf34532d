from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lanekassen_ai.services.tokens import TokenError, api_token_issue


class Command(BaseCommand):
    help = "Print the API token of an integration user (a user with a role); --rotate replaces it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true", help="Replace the existing token.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            token = api_token_issue(username=options["username"], rotate=options["rotate"])
        except TokenError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(token.key)
