"""lanekassen_ai/navigation.py: the menu shows each user what they may use; employees-only
entries (the staff assistant) stay hidden from students."""

import pytest

from lanekassen_ai.navigation import navigation_items_for
from lanekassen_ai.roles import Role
from tests.factories import UserFactory


@pytest.mark.django_db
def test_a_student_sees_no_staff_entries_and_an_employee_sees_una() -> None:
    student = UserFactory(role=Role.STUDENT)
    caseworker = UserFactory(role=Role.CASEWORKER)
    assert [i["url_name"] for i in navigation_items_for(user=student)] == ["home"]
    assert "chat:una-chat" in [i["url_name"] for i in navigation_items_for(user=caseworker)]
