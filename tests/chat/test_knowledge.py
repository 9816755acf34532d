"""Loading the intent catalogue and the modeller's edits (chat/services/knowledge.py)."""

import copy
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chat.models import Assistant, Intent, TrainingPhrase
from chat.services.knowledge import (
    CATALOGUE_DIR,
    CatalogueError,
    catalogue_load,
    intent_update,
    training_phrase_add,
)
from lanekassen_ai.services.audit import AuditContext
from tests.chat.conftest import MINI_CATALOGUE

pytestmark = pytest.mark.django_db

# The intent catalogue of /work/shared/specs/intents.md: slug -> action.
SPEC_ACTIONS = {
    "kunde": {
        "greeting": "answer",
        "goodbye_thanks": "answer",
        "apply_support": "answer",
        "application_deadline": "answer",
        "application_status": "handover",
        "payout_dates": "answer",
        "payout_missing": "answer+handover",
        "accept_contract": "answer",
        "loan_to_grant_conversion": "answer",
        "living_away_rules": "answer",
        "residence_control": "answer+handover",
        "income_wealth_limits": "answer",
        "failed_exams": "answer",
        "study_abroad": "answer",
        "children_support": "answer",
        "illness": "answer",
        "parental_leave": "answer",
        "upper_secondary": "answer",
        "part_time": "answer",
        "change_bank_account": "answer",
        "change_address": "answer",
        "login_help": "answer",
        "documentation_upload": "answer",
        "repayment_start": "answer",
        "invoice_payment": "answer",
        "payment_deferral": "answer",
        "interest_rate": "answer",
        "extra_payment": "answer",
        "debt_balance": "handover",
        "debt_relief": "answer+handover",
        "tax_deduction": "answer",
        "complaint_appeal": "answer+handover",
        "contact_human": "handover",
    },
    "una": {
        "una_create_document": "answer",
        "una_save_document": "answer",
        "una_move_document": "answer",
        "una_share_document": "answer",
        "una_coauthoring": "answer",
        "una_versioning": "answer",
        "una_find_colleague": "answer",
        "una_yammer": "answer",
        "una_search": "answer",
        "una_teams_meeting": "answer",
        "una_access_request": "handover",
        "una_human": "handover",
    },
}


@pytest.mark.parametrize("assistant", ["kunde", "una"])
def test_the_shipped_catalogue_has_exactly_the_specified_intents_and_actions(assistant: str) -> None:
    data = json.loads((CATALOGUE_DIR / f"{assistant}.json").read_text())
    assert {i["slug"]: i["action"] for i in data["intents"]} == SPEC_ACTIONS[assistant]
    for intent in data["intents"]:
        assert intent["answer_nb"] and intent["answer_en"] and intent["queue"], intent["slug"]
        assert intent["phrases"].get("nb"), intent["slug"]


def test_loading_twice_changes_nothing_the_second_time() -> None:
    first = catalogue_load(data=MINI_CATALOGUE)
    assert first.intents_created == 6 and not first.unchanged
    second = catalogue_load(data=MINI_CATALOGUE)
    assert second.unchanged
    assert (second.intents_created, second.intents_updated, second.phrases_added, second.phrases_removed) == (
        0,
        0,
        0,
        0,
    )


def test_loading_updates_answers_and_phrases_by_slug_and_keeps_reviewed_phrases() -> None:
    catalogue_load(data=MINI_CATALOGUE)
    greeting = Intent.objects.get(slug="greeting")
    TrainingPhrase.objects.create(intent=greeting, text="heia", source=TrainingPhrase.Source.REVIEW)
    changed = copy.deepcopy(MINI_CATALOGUE)
    changed["intents"][0]["answer_nb"] = "Hei på deg!"
    changed["intents"][0]["phrases"] = {"nb": ["hei", "hallo"]}
    result = catalogue_load(data=changed)
    greeting.refresh_from_db()
    assert greeting.answer_nb == "Hei på deg!" and greeting.pk == Intent.objects.get(slug="greeting").pk
    assert result.intents_updated == 1
    assert set(greeting.phrases.values_list("text", flat=True)) == {"hei", "hallo", "heia"}


def test_an_intent_missing_from_the_file_is_kept_with_a_warning() -> None:
    catalogue_load(data=MINI_CATALOGUE)
    fewer = copy.deepcopy(MINI_CATALOGUE)
    fewer["intents"] = fewer["intents"][1:]
    result = catalogue_load(data=fewer)
    assert Intent.objects.filter(slug="greeting").exists()
    assert "greeting" in result.warnings[0]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["intents"][1].update(action="shout"), "intent 'apply_support': handlingen 'shout'"),
        (lambda d: d["intents"][1].update(queue="nowhere"), "køen 'nowhere'"),
        (lambda d: d["intents"][1]["phrases"].update(de=["hallo"]), "frasespråket 'de'"),
        (lambda d: d["intents"].append(dict(d["intents"][0])), "står to ganger"),
        (lambda d: d.pop("assistant"), "'assistant' mangler"),
    ],
    ids=["action", "queue", "language", "duplicate", "no-assistant"],
)
def test_a_bad_catalogue_is_refused_with_where_and_why_and_writes_nothing(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    bad = copy.deepcopy(MINI_CATALOGUE)
    mutate(bad)
    with pytest.raises(CatalogueError, match=message.replace("(", r"\(")):
        catalogue_load(data=bad)
    assert not Intent.objects.exists() and not Assistant.objects.exists()


def test_the_load_intents_command_loads_the_shipped_files_and_reports_bad_json(tmp_path: Path) -> None:
    call_command("load_intents")
    assert Intent.objects.filter(assistant__slug="kunde").count() == len(SPEC_ACTIONS["kunde"])
    assert Intent.objects.filter(assistant__slug="una").count() == len(SPEC_ACTIONS["una"])
    (tmp_path / "kunde.json").write_text("{not json")
    with pytest.raises(CommandError, match="ikke gyldig JSON"):
        call_command("load_intents", "--dir", str(tmp_path))


def test_editing_an_intent_records_an_audit_event(modeller) -> None:  # type: ignore[no-untyped-def]
    from lanekassen_ai.models import AuditEvent

    catalogue_load(data=MINI_CATALOGUE)
    intent = Intent.objects.get(slug="greeting")
    intent_update(intent=intent, values={"answer_nb": "Hei!"}, context=AuditContext(actor=modeller))
    assert Intent.objects.get(pk=intent.pk).answer_nb == "Hei!"
    assert AuditEvent.objects.filter(action="chat.intent.update", object_id=str(intent.pk)).exists()
    with pytest.raises(ValueError, match="kan ikke endres"):
        intent_update(intent=intent, values={"slug": "hello"}, context=AuditContext(actor=modeller))


def test_adding_a_duplicate_or_empty_phrase_is_refused(modeller) -> None:  # type: ignore[no-untyped-def]
    catalogue_load(data=MINI_CATALOGUE)
    intent = Intent.objects.get(slug="greeting")
    with pytest.raises(ValueError, match="allerede en frase"):
        training_phrase_add(intent=intent, text="hei", language="nb", context=AuditContext(actor=modeller))
    with pytest.raises(ValueError, match="tom"):
        training_phrase_add(intent=intent, text="  ", language="nb", context=AuditContext(actor=modeller))
    assert (
        training_phrase_add(
            intent=intent, text="halloen", language="nb", context=AuditContext(actor=modeller)
        ).source
        == "manual"
    )


def test_a_refused_phrase_says_why_in_bokmal_nynorsk_and_english(modeller) -> None:  # type: ignore[no-untyped-def]
    from django.utils import translation

    catalogue_load(data=MINI_CATALOGUE)
    intent = Intent.objects.get(slug="greeting")
    texts = {}
    for language in ("nb", "nn", "en"):
        with translation.override(language), pytest.raises(ValueError) as caught:
            training_phrase_add(
                intent=intent, text="hei", language="nb", context=AuditContext(actor=modeller)
            )
        texts[language] = str(caught.value)
    assert texts == {
        "nb": "«hei» er allerede en frase i greeting.",
        "nn": "«hei» er allereie ein frase i greeting.",
        "en": "«hei» is already a phrase of greeting.",
    }
