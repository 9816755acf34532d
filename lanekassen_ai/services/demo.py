"""The demo: one user per role, then each app's demo data (settings.DEMO_SEED_STEPS)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.module_loading import import_string

from lanekassen_ai.roles import Role


@dataclass(frozen=True)
class DemoLogin:
    role: Role
    username: str
    password: str


DEMO_LOGINS = [
    DemoLogin(Role.CASEWORKER, "saksbehandler", "saksbehandler-demo"),
    DemoLogin(Role.MANAGER, "leder", "leder-demo"),
    DemoLogin(Role.MODELLER, "analytiker", "analytiker-demo"),
    DemoLogin(Role.ADMIN, "admin", "admin-demo"),
]


@transaction.atomic
def demo_users_seed() -> list[DemoLogin]:
    """Create one demo user per role. Existing users are left exactly as they are."""
    User = get_user_model()
    for login in DEMO_LOGINS:
        if User.objects.filter(username=login.username).exists():
            continue
        user = User(
            username=login.username,
            first_name=str(login.role.label),
            email=f"{login.username}@demo.invalid",
            is_staff=login.role == Role.ADMIN,
            is_superuser=False,
        )
        user.set_password(login.password)
        user.save()
        user.groups.add(Group.objects.get(name=login.role.value))
    return DEMO_LOGINS


def demo_seed(*, stdout: Any = None) -> list[DemoLogin]:
    """Load the whole demo. Each step is idempotent, so a second run changes nothing."""

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message + "\n")
            stdout.flush()

    logins = demo_users_seed()
    say(f"demo users: {len(logins)}")
    for dotted in settings.DEMO_SEED_STEPS:
        if not apps.is_installed(dotted.split(".")[0]):
            continue  # the step belongs to an app this project does not install
        step: Callable[..., None] = import_string(dotted)
        say(f"demo step {dotted} ...")
        step(stdout=stdout)
    return logins
