"""Students log in with ID-porten (OpenID Connect, code flow) through mozilla-django-oidc.
The national id comes in the `pid` claim of the ID token; this backend maps it to the
Customer and its student user (control.services.students). Staff never log in here."""

import re
from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from control.services.students import student_account_for_national_id
from lanekassen_ai.services.audit import AuditContext

_PID = re.compile(r"^\d{11}$")


class StudentOIDCBackend(OIDCAuthenticationBackend):
    """Authenticates a student from a verified ID token; never creates staff users."""

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        # ID-porten puts `pid` in the ID token (already verified here); the userinfo
        # endpoint, when configured, may add claims but never replaces the token's.
        claims: dict[str, Any] = {}
        if self.OIDC_OP_USER_ENDPOINT:
            claims.update(super().get_userinfo(access_token, id_token, payload))
        claims.update(payload)
        return claims

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(_PID.match(str(claims.get("pid", ""))))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        request = getattr(self, "request", None)  # set by authenticate()
        context = (
            AuditContext.for_request(request, channel="web")
            if request is not None
            else AuditContext(channel="web")
        )
        user = student_account_for_national_id(national_id=str(claims["pid"]), context=context)
        return User.objects.filter(pk=user.pk) if user else User.objects.none()

    def create_user(self, claims: dict[str, Any]) -> None:
        # Only people the agency has as customers get a student login (see above).
        return None

    def describe_user_by_claims(self, claims: dict[str, Any]) -> str:
        return "a national id with no single customer"
