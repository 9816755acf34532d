"""The client's address (lanekassen_ai/client_ip.py): one rule for throttles, lockout and audit."""

import pytest
from django.test import RequestFactory, override_settings

from lanekassen_ai.client_ip import client_ip
from lanekassen_ai.services.audit import AuditContext, audit_record
from lanekassen_ai.settings.test import REST_FRAMEWORK


def behind_proxies(count: int) -> override_settings:
    return override_settings(
        TRUSTED_PROXY_COUNT=count, REST_FRAMEWORK={**REST_FRAMEWORK, "NUM_PROXIES": count}
    )


def test_without_trusted_proxies_x_forwarded_for_is_ignored(rf: RequestFactory) -> None:
    request = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(request) == "192.0.2.1"


def test_behind_one_proxy_the_address_it_appended_is_the_client(rf: RequestFactory) -> None:
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    with behind_proxies(1):
        assert client_ip(request) == "203.0.113.9"


def test_behind_two_proxies_the_outer_proxys_view_is_the_client(rf: RequestFactory) -> None:
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 10.0.0.1")
    with behind_proxies(2):
        assert client_ip(request) == "203.0.113.9"


def test_a_forwarded_value_that_is_no_address_gives_none(rf: RequestFactory) -> None:
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-ip")
    with behind_proxies(1):
        assert client_ip(request) is None


@pytest.mark.django_db
def test_the_audit_log_records_the_same_address_as_the_throttles_count(rf: RequestFactory) -> None:
    request = rf.get("/control/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert (
        audit_record(action="test.view", context=AuditContext.for_request(request, channel="web")).ip_address
        == "192.0.2.1"
    )
    with behind_proxies(1):
        assert (
            audit_record(
                action="test.view", context=AuditContext.for_request(request, channel="web")
            ).ip_address
            == "203.0.113.9"
        )
