"""No service or selector takes the door's request: each door builds an AuditContext and
passes that (STYLE.md, "A service never takes the door's request"). The services converted
to it audit only through the context their door gave, never with a bare `actor=user`."""

import ast
import importlib
import inspect
import pkgutil
import typing
from types import ModuleType

import pytest
from django.apps import apps
from django.http import HttpRequest
from rest_framework.request import Request

LAYERS = ("services", "selectors")

# Services whose every audited function takes the door's context (so the event records the
# real channel, IP and request id) and hands it to audit_record.
AUDITED_WITH_CONTEXT = (
    "chat.services.agents",
    "chat.services.knowledge",
    "chat.services.review",
    "chat.services.training",
    "chat.services.training_runs",
)


def _layer_modules() -> list[ModuleType]:
    """Every module under <app>/services/ and <app>/selectors/ (package or single module)
    of the installed apps that live in this project."""
    found: list[ModuleType] = []
    for config in apps.get_app_configs():
        if config.name.split(".")[0] not in {"lanekassen_ai", "control", "chat"}:
            continue
        for layer in LAYERS:
            name = f"{config.name}.{layer}"
            try:
                package = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name == name:
                    continue
                raise
            found.append(package)
            for info in pkgutil.walk_packages(getattr(package, "__path__", []), prefix=f"{name}."):
                found.append(importlib.import_module(info.name))
    return found


def _is_request_type(annotation: object) -> bool:
    if annotation is inspect.Parameter.empty:
        return False
    if isinstance(annotation, str):
        return any(word in annotation for word in ("HttpRequest", "Request", "WSGIRequest", "ASGIRequest"))
    if isinstance(annotation, type) and issubclass(annotation, HttpRequest | Request):
        return True
    return any(_is_request_type(arg) for arg in typing.get_args(annotation))


def _functions(module: ModuleType) -> list[tuple[str, typing.Any]]:
    """The module's own functions and the methods of its own classes."""
    found = []
    for name, value in vars(module).items():
        if getattr(value, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(value):
            found.append((name, value))
        elif inspect.isclass(value):
            found.extend(
                (f"{name}.{attr}", member)
                for attr, member in vars(value).items()
                if inspect.isfunction(member)
            )
    return found


def _request_parameters(function: typing.Any) -> list[str]:
    try:
        hints = typing.get_type_hints(function)
    except Exception:  # an annotation only a type checker resolves: read it as written
        hints = {}
    bad = []
    for parameter in inspect.signature(function).parameters.values():
        annotation = hints.get(parameter.name, parameter.annotation)
        if parameter.name == "request" or _is_request_type(annotation):
            bad.append(parameter.name)
    return bad


def test_the_layers_are_found() -> None:
    names = {module.__name__ for module in _layer_modules()}
    assert {
        "lanekassen_ai.services.audit",
        "control.services.casework",
        "chat.services.agents",
        "chat.services.knowledge",
        "chat.services.review",
    } <= names
    assert any(name.startswith("control.selectors") for name in names)


@pytest.mark.parametrize("module", _layer_modules(), ids=lambda module: module.__name__)
def test_no_service_or_selector_takes_a_request(module: ModuleType) -> None:
    offenders = {
        name: params for name, function in _functions(module) if (params := _request_parameters(function))
    }
    assert not offenders, f"{module.__name__} takes a request (pass an AuditContext instead): {offenders}"


def test_the_check_catches_a_request_parameter() -> None:
    def takes_request(*, request: HttpRequest | None = None) -> None: ...

    def takes_drf_request(*, incoming: Request) -> None: ...

    def takes_context(*, context: object) -> None: ...

    assert _request_parameters(takes_request) == ["request"]
    assert _request_parameters(takes_drf_request) == ["incoming"]
    assert _request_parameters(takes_context) == []


def _audit_offences(source: str) -> list[str]:
    """The module-level functions in `source` that call audit_record without `context=`, or
    that audit without taking a required keyword `context: AuditContext`."""
    offences = []
    for node in ast.parse(source).body:
        if not isinstance(node, ast.FunctionDef):
            continue
        calls = [
            call
            for call in ast.walk(node)
            if isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name)
            and call.func.id == "audit_record"
        ]
        if not calls:
            continue
        if any(all(keyword.arg != "context" for keyword in call.keywords) for call in calls):
            offences.append(f"{node.name}: audit_record without context=")
        required = {
            arg.arg: ast.unparse(arg.annotation) if arg.annotation else ""
            for arg, default in zip(node.args.kwonlyargs, node.args.kw_defaults, strict=True)
            if default is None
        }
        if required.get("context") != "AuditContext":
            offences.append(f"{node.name}: no required `context: AuditContext`")
    return offences


@pytest.mark.parametrize("name", AUDITED_WITH_CONTEXT)
def test_audited_services_take_the_doors_context(name: str) -> None:
    module = importlib.import_module(name)
    offences = _audit_offences(inspect.getsource(module))
    assert not offences, f"{name} audits without the door's AuditContext: {offences}"


def test_the_check_catches_an_audit_without_context() -> None:
    source = """
def by_user(*, agent: User) -> None:
    audit_record(action="chat.x", actor=agent)

def optional(*, agent: User, context: AuditContext | None = None) -> None:
    audit_record(action="chat.x", actor=agent, context=context)

def with_context(*, context: AuditContext) -> None:
    audit_record(action="chat.x", context=context)

def not_audited(*, agent: User) -> None:
    return None
"""
    assert _audit_offences(source) == [
        "by_user: audit_record without context=",
        "by_user: no required `context: AuditContext`",
        "optional: no required `context: AuditContext`",
    ]
