"""lanekassen_ai/personal_answers.py with its provider in control
(control/selectors/personal_answers.py) and its use in the chat reply
(chat/services/conversations.py): a student who opens the chat from their own page gets
their own case, deadline and upload link; nobody else ever does."""

import copy
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from chat.ml.persistence import pipeline_save
from chat.ml.pipeline import OUT_OF_SCOPE, pipeline_train
from chat.models import Assistant, Conversation, IntentModelVersion
from chat.services.knowledge import catalogue_load, out_of_scope_phrases
from control.models import ControlCase
from control.selectors.personal_answers import student_personal_answer
from lanekassen_ai import personal_answers
from tests.chat.conftest import MINI_CATALOGUE
from tests.control.student_helpers import student_with_requested_case
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GENERAL_NB = "Les om bostedskontroll og hva du må sende på lanekassen.no."
CATALOGUE: dict[str, Any] = copy.deepcopy(MINI_CATALOGUE)
CATALOGUE["intents"].append(
    {
        "slug": "residence_control",
        "title_nb": "Bostedskontroll",
        "title_en": "Residence control",
        "action": "answer",
        "queue": "stipend-og-lan",
        "answer_nb": GENERAL_NB,
        "answer_en": "Read about residence control and what to send at lanekassen.no.",
        "phrases": {
            "nb": [
                "bostedskontroll",
                "jeg er plukket ut til bostedskontroll",
                "frist for bostedskontroll",
                "hvorfor fikk jeg bostedskontroll",
                "brev om bostedskontroll",
                "kontroll av bosted",
                "når er fristen for kontrollen",
                "hva må jeg sende til bostedskontrollen",
            ],
            "en": [
                "residence control",
                "I was selected for residence control",
                "deadline for the residence control",
                "what must I send for the residence check",
            ],
        },
    }
)


@pytest.fixture(scope="module")
def artifact(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    texts: list[str] = []
    labels: list[str] = []
    for intent in CATALOGUE["intents"]:
        for phrases in intent["phrases"].values():
            texts.extend(phrases)
            labels.extend([intent["slug"]] * len(phrases))
    texts.extend(out_of_scope_phrases())
    labels.extend([OUT_OF_SCOPE] * (len(texts) - len(labels)))
    path = tmp_path_factory.mktemp("intent-models") / "personal.skops"
    return path, pipeline_save(pipeline=pipeline_train(texts=texts, labels=labels), path=path)


@pytest.fixture
def model(artifact: tuple[Path, str]) -> IntentModelVersion:
    assistant = Assistant.objects.get(slug=catalogue_load(data=CATALOGUE, source="test").assistant)
    path, sha = artifact
    return IntentModelVersion.objects.create(
        assistant=assistant,
        version="personal-" + sha[:6],
        status=IntentModelVersion.Status.ACTIVE,
        artifact_path=str(path),
        artifact_sha256=sha,
        answer_threshold=0.5,
        clarify_threshold=0.4,
    )


def _ask(client: APIClient, text: str, *, language: str = "nb", student: bool = True) -> dict[str, Any]:
    created = client.post(
        reverse("chat-conversation-create"), {"language": language, "student": student}, format="json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    posted = client.post(
        reverse("chat-conversation-messages", args=[body["id"]]),
        {"text": text},
        format="json",
        HTTP_X_CONVERSATION_TOKEN=body["token"],
    )
    assert posted.status_code == 201, posted.content
    reply = posted.json()["reply"]
    assert reply["action"] == "answer" and reply["intent"] == "residence_control", reply
    return reply | {"conversation_id": body["id"], "token": body["token"]}


def _logged_in(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def _upload_url(case: ControlCase) -> str:
    return reverse("student:case-detail", kwargs={"pk": case.pk}) + "#h-documents"


def test_control_registers_its_provider() -> None:
    assert student_personal_answer in personal_answers.providers()


def test_a_student_gets_their_own_deadline_and_upload_link_in_bokmal_and_english(
    model: IntentModelVersion,
) -> None:
    student, case = student_with_requested_case()
    deadline = case.documentation_requests.get().deadline.strftime("%d.%m.%Y")
    client = _logged_in(student)

    nb = _ask(client, "når er fristen for bostedskontrollen min?")
    assert f"Saken din {case.campaign_id}-{case.pk}" in nb["text"]
    assert f"Fristen din for å sende dokumentasjon er {deadline}." in nb["text"]
    assert _upload_url(case) in nb["text"] and nb["link_url"] == _upload_url(case)
    assert Conversation.objects.get(pk=nb["conversation_id"]).student_id == student.pk
    # The page shows what it polls: the stored reply keeps the student's own link.
    conversation = Conversation.objects.get(pk=nb["conversation_id"])
    polled = client.get(
        reverse("chat-conversation-messages", args=[conversation.pk]),
        HTTP_X_CONVERSATION_TOKEN=nb["token"],
    )
    assert polled.json()["messages"][-1]["link_url"] == _upload_url(case)

    en = _ask(client, "what is the deadline for my residence control?", language="en")
    assert f"Your deadline for sending documentation is {deadline}." in en["text"]
    assert _upload_url(case) in en["text"]


def test_another_students_case_never_appears(model: IntentModelVersion) -> None:
    _first, first_case = student_with_requested_case()
    second, second_case = student_with_requested_case()
    reply = _ask(_logged_in(second), "frist for bostedskontroll")
    assert f"{second_case.campaign_id}-{second_case.pk}" in reply["text"]
    assert f"{first_case.campaign_id}-{first_case.pk}" not in reply["text"]
    assert _upload_url(first_case) not in reply["text"]


def test_an_anonymous_conversation_with_the_same_question_gets_the_general_answer(
    model: IntentModelVersion,
) -> None:
    student_with_requested_case()
    reply = _ask(APIClient(), "når er fristen for bostedskontrollen min?")
    assert reply["text"] == GENERAL_NB
    assert Conversation.objects.get(pk=reply["conversation_id"]).student_id is None
    # Logged in, but not a student: the general answer too.
    staff = _ask(_logged_in(UserFactory(role="saksbehandler")), "frist for bostedskontroll")
    assert staff["text"] == GENERAL_NB
    # A student's conversation not opened from their page: general as well.
    student, _case = student_with_requested_case()
    assert _ask(_logged_in(student), "frist for bostedskontroll", student=False)["text"] == GENERAL_NB


def test_a_failing_provider_leaves_the_general_answer(model: IntentModelVersion) -> None:
    def broken(*, user_id: int, intent: str) -> personal_answers.PersonalAnswer | None:
        raise RuntimeError("the case register is down")

    saved = personal_answers.providers()
    for provider in saved:
        personal_answers.unregister(provider)
    personal_answers.register(broken)
    try:
        student, _case = student_with_requested_case()
        assert _ask(_logged_in(student), "frist for bostedskontroll")["text"] == GENERAL_NB
    finally:
        personal_answers.unregister(broken)
        for provider in saved:
            personal_answers.register(provider)


def test_the_provider_says_nothing_for_other_intents_or_users_without_a_case() -> None:
    student, _case = student_with_requested_case()
    assert student_personal_answer(user_id=student.pk, intent="payout_dates") is None
    staff = UserFactory(role="saksbehandler")
    assert student_personal_answer(user_id=staff.pk, intent="residence_control") is None
    answer = student_personal_answer(user_id=student.pk, intent="documentation_upload")
    assert answer is not None and "Fristen din" in answer.text_nn and answer.source == "control"


def test_the_students_pages_offer_the_chat_that_knows_the_student() -> None:
    student, case = student_with_requested_case()
    client = _logged_in(student)
    chat_url = reverse("chat:customer-chat") + "?student=1"
    for url in (reverse("student:case-list"), reverse("student:case-detail", args=[case.pk])):
        page = client.get(url).content.decode()
        assert 'src="/static/js/chat-embed.js"' in page and f'data-chat-url="{chat_url}"' in page, url
    assert 'data-student="1"' in client.get(chat_url + "&embed=1").content.decode()
    assert 'data-student=""' in APIClient().get(reverse("chat:customer-chat")).content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_chromium_a_student_asks_the_chat_on_their_page_and_follows_the_upload_link(
    page: Any, live_server: Any, model: IntentModelVersion
) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from django.conf import settings
    from django.test import Client
    from playwright.sync_api import expect

    student, case = student_with_requested_case()
    deadline = case.documentation_requests.get().deadline.strftime("%d.%m.%Y")
    client = Client()
    client.force_login(student)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(live_server.url + reverse("student:case-list"))
    page.get_by_role("button", name="Spør om saken din").click()
    chat = page.frame_locator("iframe")
    log = chat.get_by_role("log", name="Samtalen")
    expect(log).to_contain_text("Hei!")
    chat.get_by_label("Skriv spørsmålet ditt").fill("når er fristen for bostedskontrollen min?")
    chat.get_by_label("Skriv spørsmålet ditt").press("Enter")
    expect(log).to_contain_text(f"Saken din {case.campaign_id}-{case.pk}")
    expect(log).to_contain_text(f"Fristen din for å sende dokumentasjon er {deadline}.")
    serious = [
        v for v in Axe().run(page).response["violations"] if v.get("impact") in {"serious", "critical"}
    ]
    assert not serious, serious
    conversation = Conversation.objects.get()
    assert conversation.student_id == student.pk

    # The answer's link leads the page the chat sits in (not the chat's frame) to the upload.
    log.get_by_role("link", name="Les mer").last.click()
    expect(page).to_have_url(live_server.url + _upload_url(case))
    expect(page.get_by_role("button", name="Send dokumentet")).to_be_visible()
    assert not errors, errors
