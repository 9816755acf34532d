"""A local stand-in for ID-porten, for `make run` and the tests only: django-oidc-provider
serves a real OpenID Connect provider under /openid/, and its login page is a "TestID"
form (as in ID-porten's test environment) where a synthetic fødselsnummer is typed. The ID
token carries it in the `pid` claim, as ID-porten's does. The local and test settings
mount this; production points the client at the real ID-porten (docs/operations.md)."""

import re
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django import forms
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, re_path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View

TESTID_PREFIX = "testid-"
LOCAL_CLIENT_NAME = "Lånekassen (lokal)"


def idtoken_add_pid(id_token: dict[str, Any], user: User, **kwargs: Any) -> dict[str, Any]:
    """OIDC_IDTOKEN_PROCESSING_HOOK: the person's national id in `pid`, as ID-porten does."""
    id_token["pid"] = user.get_username().removeprefix(TESTID_PREFIX)
    return id_token


class TestIdForm(forms.Form):
    pid = forms.RegexField(
        label=_("Fødselsnummer (syntetisk)"),
        regex=re.compile(r"^\d{11}$"),
        error_messages={"invalid": _("Skriv de 11 sifrene i fødselsnummeret.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class TestIdLoginView(View):
    """The provider's login page: who the person is, by a typed national id (local only)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "lanekassen_ai/testid_login.html",
            {"form": TestIdForm(), "next": request.GET.get("next", "")},
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        form = TestIdForm(request.POST)
        next_url = request.POST.get("next", "")
        if not form.is_valid():
            return render(
                request, "lanekassen_ai/testid_login.html", {"form": form, "next": next_url}, status=400
            )
        person, created = User.objects.get_or_create(username=f"{TESTID_PREFIX}{form.cleaned_data['pid']}")
        if created:
            person.set_unusable_password()
            person.save(update_fields=["password"])
        login(request, person, backend="django.contrib.auth.backends.ModelBackend")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = "/"
        return redirect(next_url)


def idporten_local_urls() -> list[URLPattern]:
    """The provider's endpoints, open without a staff login (the client calls them from the
    server, the browser before anyone is logged in), and the TestID login page."""
    from oidc_provider import urls as provider_urls

    patterns = [
        re_path(p.pattern.regex.pattern, login_not_required(p.callback), name=p.name)  # type: ignore[arg-type]
        for p in provider_urls.urlpatterns
        if isinstance(p, URLPattern)
    ]
    patterns.append(re_path(r"^testid/$", login_not_required(TestIdLoginView.as_view()), name="testid-login"))
    return patterns


def idporten_local_client_ensure(*, redirect_uri: str) -> None:
    """Create the provider's signing key and the client this site logs students in with
    (id and secret from OIDC_RP_CLIENT_ID/SECRET), and allow `redirect_uri`. Idempotent."""
    from oidc_provider.models import Client, ResponseType, RSAKey

    if not RSAKey.objects.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            encoding=serialization.Encoding.PEM,
            format=serialization.PrivateFormat.PKCS8,
            encryption_algorithm=serialization.NoEncryption(),
        ).decode()
        RSAKey.objects.create(key=pem)
    code, _created = ResponseType.objects.get_or_create(
        value="code", defaults={"description": "code (Authorization Code Flow)"}
    )
    client, _created = Client.objects.get_or_create(
        client_id=settings.OIDC_RP_CLIENT_ID,
        defaults={
            "name": LOCAL_CLIENT_NAME,
            "client_type": "confidential",
            "client_secret": settings.OIDC_RP_CLIENT_SECRET,
            "jwt_alg": "RS256",
            "require_consent": False,
            "reuse_consent": True,
        },
    )
    client.response_types.add(code)
    client.scope = ["openid", "profile"]
    if redirect_uri not in client.redirect_uris:
        client.redirect_uris = [*client.redirect_uris, redirect_uri]
    client.save()


def idporten_local_seed(*, stdout: Any = None) -> None:
    """Demo step (local settings): the client for `make run`'s address."""
    idporten_local_client_ensure(redirect_uri=str(getattr(settings, "IDPORTEN_LOCAL_REDIRECT_URI", "")))
    if stdout is not None:
        stdout.write("  local ID-porten: client and signing key ready\n")
