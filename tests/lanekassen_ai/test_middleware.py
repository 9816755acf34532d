from django.conf import settings
from django.test import Client


def test_pages_speak_bokmal_even_when_the_browser_asks_for_english(db: None) -> None:
    response = Client().get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert '<html lang="nb">' in response.content.decode()
    assert "Logg inn" in response.content.decode()


def test_the_language_switch_choice_is_kept(db: None) -> None:
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    response = client.get("/login/")
    assert '<html lang="en">' in response.content.decode()
    assert "Log in" in response.content.decode()


def test_an_unknown_language_cookie_falls_back_to_bokmal(db: None) -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert '<html lang="nb">' in client.get("/login/").content.decode()


def test_nynorsk_is_a_third_choice_and_the_chat_page_speaks_it(db: None) -> None:
    client = Client()
    page = client.get("/login/").content.decode()
    assert 'data-testid="language-nn"' in page and 'data-testid="language-en"' in page
    client.post("/i18n/setlang/", {"language": "nn", "next": "/chat/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nn"
    chat = client.get("/chat/").content.decode()
    assert '<html lang="nn">' in chat
    assert "Start ein ny samtale" in chat and 'data-language="nn"' in chat
    assert '"readMore": "Les meir"' in chat and '"readMore": "Read more"' in chat
