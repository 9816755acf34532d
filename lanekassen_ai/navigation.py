"""The navigation menu. Each app declares its entries on its AppConfig (`navigation`);
this collects them and shows a user only what their capabilities allow."""

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.urls import reverse

from lanekassen_ai.roles import ROLE_CAPABILITIES, Role, perm

STUDENT_PERMISSIONS = frozenset(perm(c) for c in ROLE_CAPABILITIES[Role.STUDENT])


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: Any  # a lazy translation
    permission: str | None = None  # None: every logged-in user
    order: int = 100
    employees_only: bool = False  # hidden from students (a user whose only role is student)


def user_is_employee(*, user: Any) -> bool:
    """Whether a logged-in user works for the agency: a superuser, or one who holds a
    capability beyond the student's (from the permissions the request has already loaded,
    so the menu costs no query of its own)."""
    return bool(user.is_superuser) or bool(user.get_all_permissions() - STUDENT_PERMISSIONS)


def navigation_items_for(*, user: Any) -> list[dict[str, str]]:
    """The menu entries `user` may use, as label/url pairs in menu order."""
    if not user.is_authenticated:
        return []
    items: list[NavItem] = []
    for config in apps.get_app_configs():
        items.extend(getattr(config, "navigation", ()))
    employee = user_is_employee(user=user)
    visible = [
        i
        for i in items
        if (i.permission is None or user.has_perm(i.permission)) and (employee or not i.employees_only)
    ]
    visible.sort(key=lambda i: (i.order, str(i.label)))
    return [{"label": str(i.label), "url": reverse(i.url_name), "url_name": i.url_name} for i in visible]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Template context processor: `nav_items` for the base layout."""
    user = getattr(request, "user", None)
    if user is None:
        return {"nav_items": []}
    return {"nav_items": navigation_items_for(user=user)}
