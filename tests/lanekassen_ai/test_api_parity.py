"""API parity: every action a page offers has an API operation in the OpenAPI schema, open
to the same roles, or is a listed exception with its reason.

The pages are the role matrix's rows whose URL is not under /api/v1/; for each one PARITY
names the API operations (URL name and method) that do what the page does. The test fails
when a page has neither an entry nor an exception, when an entry names an operation the
schema lacks, and when the page and its operation admit different roles (the role matrix's
statuses: anything but 401/403 admits) without a reason in ROLE_DIFFERENCES."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

from tests.lanekassen_ai.test_role_matrix import _all_rows
from tests.role_matrix import AD, CW, MD, MG, Row

Operation = tuple[str, str]  # (API URL name, HTTP method)

PARITY: dict[str, tuple[Operation, ...]] = {
    "audit-log": (("audit-event-list", "get"),),
    # Control: campaigns and flags
    "control:campaign-list": (("control-campaign-list", "get"),),
    "control:campaign-create": (("control-campaign-list", "post"),),
    "control:campaign-detail": (("control-campaign-detail", "get"),),
    "control:campaign-progress": (("control-campaign-detail", "get"),),  # `status` and `progress`
    "control:campaign-confirm": (("control-campaign-confirm", "post"),),
    "control:campaign-retry": (("control-campaign-retry", "post"),),
    "control:campaign-letters-propose": (("control-campaign-letter-schedule-propose", "post"),),
    "control:campaign-letters-accept": (("control-campaign-letter-schedule-accept", "post"),),
    "control:campaign-discard": (("control-campaign-discard", "post"),),
    "control:flag-list": (("do-not-control-flag-list", "get"), ("do-not-control-flag-list", "post")),
    "control:flag-deactivate": (("do-not-control-flag-deactivate", "post"),),
    # Control: casework
    "control:case-list": (("control-case-list", "get"),),
    "control:case-take-next": (("control-case-take-next", "post"),),
    "control:case-detail": (("control-case-detail", "get"),),
    "control:case-request-documentation": (("control-case-request-documentation", "post"),),
    "control:case-document-upload": (("control-case-document-upload", "post"),),
    "control:case-document-download": (("control-case-document-download", "get"),),
    "control:case-letter-download": (("control-case-letter-download", "get"),),
    "control:case-decide": (("control-case-decide", "post"),),
    "control:case-appeal-register": (("control-case-appeal-register", "post"),),
    "control:appeal-decide": (("control-appeal-decide", "post"),),
    "control:case-reopen": (("control-case-reopen", "post"),),
    "control:customer-access-report": (("customer-access-report", "get"),),
    "control:customer-access-report-pdf": (("customer-access-report-pdf", "get"),),
    "control:insight": (("control-campaign-list", "get"),),
    "control:insight-campaign": (("control-campaign-statistics", "get"),),
    # Control: risk models
    "control:model-list": (("risk-model-list", "get"),),
    "control:model-detail": (("risk-model-detail", "get"), ("scoring-run-list", "get")),
    "control:model-activate": (("risk-model-activate", "post"),),
    "control:model-retire": (("risk-model-retire", "post"),),
    "control:model-retrain": (("risk-model-retrain", "post"),),
    "control:scoring-run-retry": (("scoring-run-retry", "post"),),
    "control:applications-import": (("applications-import", "post"),),
    # The student's own pages
    "student:case-list": (("student-case-list", "get"),),
    "student:case-detail": (("student-case-detail", "get"),),
    "student:case-appeal": (("student-case-appeal", "post"),),
    # Chat: the assistants
    "chat:customer-chat": (("chat-conversation-create", "post"), ("chat-conversation-messages", "post")),
    "chat:una-chat": (("chat-conversation-create", "post"), ("chat-conversation-messages", "post")),
    "chat:intent-list": (("chat-intent-list", "get"),),
    "chat:intent-edit": (
        ("chat-intent-detail", "get"),
        ("chat-intent-detail", "patch"),
        ("chat-intent-phrases", "get"),
        ("chat-intent-phrases", "post"),
    ),
    "chat:phrase-delete": (("chat-phrase-delete", "delete"),),
    "chat:model-list": (("chat-model-list", "get"),),
    "chat:model-train": (("chat-model-train", "post"),),
    "chat:model-train-progress": (("chat-model-train-progress", "get"),),
    "chat:review-list": (("chat-review-list", "get"),),
    "chat:review-assign": (("chat-review-assign", "post"),),
    "chat:review-dismiss": (("chat-review-dismiss", "post"),),
    "chat:review-bulk": (("chat-review-bulk", "post"),),
    # Chat: agent console, supervision, statistics
    "chat:agent-console": (("chat-agent-conversation-list", "get"), ("chat-agent-waiting", "get")),
    "chat:agent-status": (("chat-agent-status", "patch"),),
    "chat:agent-take-next": (("chat-agent-take-next", "post"),),
    "chat:agent-waiting": (("chat-agent-waiting", "get"),),
    "chat:agent-messages": (("chat-agent-messages", "get"),),
    "chat:agent-reply": (("chat-agent-messages", "post"),),
    "chat:agent-note": (("chat-agent-notes", "post"),),
    "chat:agent-transfer": (("chat-agent-transfer", "post"),),
    "chat:agent-close": (("chat-agent-close", "post"),),
    "chat:conversation-supervision": (("chat-conversation-supervision", "get"),),
    "chat:conversation-reassign": (("chat-agent-reassign", "post"),),
    "chat:statistics": (("chat-statistics", "get"),),
    "chat:statistics-live": (("chat-statistics-live", "get"),),
    "chat:statistics-csv": (("chat-statistics-csv", "get"),),
    "chat:statistics-forecast": (("chat-forecast", "get"),),
}

# Pages with no API counterpart on purpose.
EXCEPTIONS: dict[str, str] = {
    "home": "the start page is a menu of the other pages",
    "healthz": "the load balancer's liveness probe, not an action",
    "login": "integrations authenticate with a token (issue_api_token), not a session",
    "api-schema": "describes the API itself",
    "api-docs": "describes the API itself (Swagger UI)",
    "admin:index": "Django's admin; what integrators manage there (webhooks) has its own API",
    "audit-log-csv": "the same events as JSON in GET /api/v1/audit-events/, which pages through all of them",
    "control:insight-campaign-csv": "the same figures as JSON: GET …/control/campaigns/{id}/statistics/",
    "chat:statistics-forecast-csv": "the same rows as JSON in GET /api/v1/chat/forecast/",
    "student:login": "the student's ID-porten login is a browser redirect flow, not an API call",
    "student:letter-download": "as student:document-download: a student has Mine sider, not the staff API",
    "student:document-download": (
        "a student reaches only Mine sider with an ID-porten session; the staff API serves "
        "documents through GET /api/v1/control/cases/{id}/documents/{document_id}/"
    ),
}

# Page and operation admit different roles, on purpose.
ROLE_DIFFERENCES: dict[tuple[str, str], str] = {
    ("control:campaign-list", "control-campaign-list"): (
        "the API's campaign list holds no personal data and is open to the statistics "
        "readers (the modeller too), like the insight pages"
    ),
    ("control:campaign-detail", "control-campaign-detail"): "as the campaign list",
    ("control:campaign-progress", "control-campaign-detail"): "as the campaign list",
    ("chat:customer-chat", "chat-conversation-messages"): (
        "the conversation's own X-Conversation-Token admits, whatever the role (the page itself uses it)"
    ),
    ("chat:una-chat", "chat-conversation-messages"): "as the customer chat",
}

ROLES = (CW, MG, MD, AD)


def _admits(row: Row) -> frozenset[str]:
    return frozenset(role for role in ROLES if row.expect[role] not in (401, 403))


def _routes(resolver: URLResolver, prefix: str = "", namespace: str = "") -> dict[str, str]:
    """URL name → its path with every parameter as `{}`."""
    found: dict[str, str] = {}
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found.update(_routes(pattern, route, ns))
        elif isinstance(pattern, URLPattern) and pattern.name and "format" not in route:
            found.setdefault(f"{namespace}{pattern.name}", _normalise("/" + route))
    return found


def _normalise(path: str) -> str:
    path = re.sub(r"\(\?P<[^>]+>[^)]*\)", "{}", path)
    path = re.sub(r"<[^>]+>", "{}", path)
    return re.sub(r"\{[^}]*\}", "{}", path).replace("\\", "")


@pytest.fixture(scope="module")
def schema_operations() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {(_normalise(path), method) for path, item in schema["paths"].items() for method in item}


def _page_rows() -> dict[str, Row]:
    routes = _routes(get_resolver())
    return {row.url_name: row for row in _all_rows() if not routes[row.url_name].startswith("/api/v1/")}


def test_every_page_has_an_api_counterpart_or_a_reasoned_exception() -> None:
    pages = set(_page_rows())
    missing = sorted(pages - set(PARITY) - set(EXCEPTIONS))
    assert not missing, f"pages without an API counterpart or an exception: {missing}"
    assert not set(PARITY) & set(EXCEPTIONS), "a page is both mapped and an exception"
    assert not (set(PARITY) | set(EXCEPTIONS)) - pages, "entries for pages that no longer exist"
    assert all(reason.strip() for reason in EXCEPTIONS.values())


def test_every_counterpart_is_an_operation_of_the_schema(schema_operations: set[tuple[str, str]]) -> None:
    routes = _routes(get_resolver())
    absent = sorted(
        (name, method)
        for operations in PARITY.values()
        for name, method in operations
        if (routes.get(name, "?"), method) not in schema_operations
    )
    assert not absent, f"API counterparts the schema does not have: {absent}"


def test_a_page_and_its_api_counterpart_admit_the_same_roles() -> None:
    pages = _page_rows()
    api_rows: dict[tuple[str, str], Row] = {}
    for row in _all_rows():
        api_rows.setdefault((row.url_name, row.method), row)
    differing, explained = [], set()
    for page, operations in PARITY.items():
        for name, method in operations:
            # POST-only operations are probed with GET in the matrix (405 admits, 403 refuses).
            row = api_rows.get((name, method)) or api_rows.get((name, "get"))
            assert row is not None, f"{name} has no role-matrix row"
            if _admits(row) == _admits(pages[page]):
                continue
            if ROLE_DIFFERENCES.get((page, name)):
                explained.add((page, name))
            else:
                differing.append((page, sorted(_admits(pages[page])), name, sorted(_admits(row))))
    assert not differing, f"page and API admit different roles: {differing}"
    assert explained == set(ROLE_DIFFERENCES), "ROLE_DIFFERENCES lists pairs that no longer differ"
