"""Login, logout and login throttling (django-axes)."""

from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import TEST_PASSWORD


def test_a_user_logs_in_and_lands_on_the_start_page(caseworker) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": caseworker.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_password_shows_a_clear_message(caseworker) -> None:
    response = Client().post(reverse("login"), {"username": caseworker.username, "password": "wrong"})
    assert response.status_code == 200
    assert "Feil brukernavn eller passord" in response.content.decode()


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_account_even_for_the_right_password(caseworker) -> None:
    client = Client()
    for _ in range(3):
        client.post(reverse("login"), {"username": caseworker.username, "password": "wrong"})
    response = client.post(reverse("login"), {"username": caseworker.username, "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "For mange forsøk" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_needs_a_post_and_ends_the_session(caseworker) -> None:
    client = Client()
    client.force_login(caseworker)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302
