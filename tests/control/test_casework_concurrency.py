"""control_case_take_next under real concurrency: PostgreSQL, 20 threads at once."""

import threading
from collections import Counter
from typing import Any

import pytest
from django.db import connection

from control.models import ControlCase
from control.services.casework import control_case_take_next
from lanekassen_ai.roles import Role
from lanekassen_ai.services.audit import AuditContext
from tests.conftest import require_postgresql
from tests.control.factories import ControlCampaignFactory, ControlCaseFactory
from tests.factories import UserFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_caseworkers_taking_the_next_case_at_once_never_get_the_same_case() -> None:
    require_postgresql()
    campaign = ControlCampaignFactory()
    for i in range(30):
        ControlCaseFactory(campaign=campaign, priority=i)
    users = [UserFactory(role=Role.CASEWORKER, username=f"sb{i}") for i in range(20)]
    barrier = threading.Barrier(20)
    taken: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def take(user: Any) -> None:
        try:
            barrier.wait()
            # Two rounds each: 40 requests for 30 cases, so some find the list empty.
            for _ in range(2):
                case = control_case_take_next(user=user, context=AuditContext(actor=user))
                if case is not None:
                    with lock:
                        taken.append(case.pk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert errors == []
    assert len(taken) == 30
    assert Counter(taken).most_common(1)[0][1] == 1
    assert not ControlCase.objects.filter(assigned_to__isnull=True).exists()
    # Each case's owner is the one who was told they got it.
    assert ControlCase.objects.exclude(assigned_to__isnull=True).count() == 30
