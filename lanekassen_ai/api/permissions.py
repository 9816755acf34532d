"""DRF permission classes built from capabilities, so the API and the pages agree."""

from typing import Any

from rest_framework.permissions import BasePermission

from lanekassen_ai.roles import Capability, perm


def HasCapability(*capabilities: Capability) -> type[BasePermission]:
    """A permission class that admits authenticated users holding any of `capabilities`."""

    class _HasCapability(BasePermission):
        def has_permission(self, request: Any, view: Any) -> bool:
            user = request.user
            return bool(user and user.is_authenticated and any(user.has_perm(perm(c)) for c in capabilities))

    _HasCapability.__name__ = "Has" + "Or".join(c.name.title().replace("_", "") for c in capabilities)
    return _HasCapability
