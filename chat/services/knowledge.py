"""The assistants' knowledge: loading the shipped intent catalogue, and the modeller's
edits to intents and training phrases."""

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from chat.models import Assistant, Intent, Queue, TrainingPhrase
from lanekassen_ai.languages import in_language
from lanekassen_ai.services.audit import AuditContext, audit_record

CATALOGUE_DIR = Path(settings.BASE_DIR) / "chat" / "data" / "catalogue"
HELDOUT_DIR = Path(settings.BASE_DIR) / "chat" / "data" / "heldout"
BLIND_DIR = Path(settings.BASE_DIR) / "chat" / "data" / "blind"
OUT_OF_SCOPE_FILE = CATALOGUE_DIR / "out_of_scope.json"
OTHER_AGENCIES_FILE = CATALOGUE_DIR / "other_agencies.json"
ASSISTANT_SLUGS = ("kunde", "una")

PHRASE_LANGUAGES = {choice.value for choice in TrainingPhrase.Language}
ACTIONS = {choice.value for choice in Intent.Action}


class CatalogueError(ValueError):
    """The catalogue file is not in the agreed format; the message says where."""


@dataclass
class CatalogueLoadResult:
    assistant: str
    intents_created: int = 0
    intents_updated: int = 0
    phrases_added: int = 0
    phrases_removed: int = 0
    unchanged: bool = True
    warnings: list[str] = field(default_factory=list)


def _require(data: dict[str, Any], key: str, where: str, kind: type = str) -> Any:
    value = data.get(key)
    if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
        raise CatalogueError(
            _("%(where)s: '%(key)s' mangler eller er ikke av typen %(name)s.")
            % {"where": where, "key": key, "name": kind.__name__}
        )
    return value


def _validate(data: Any, source: str) -> None:
    if not isinstance(data, dict):
        raise CatalogueError(_("%(source)s: øverste nivå må være et JSON-objekt.") % {"source": source})
    assistant = _require(data, "assistant", source, dict)
    _require(assistant, "slug", f"{source}: assistant")
    _require(assistant, "name", f"{source}: assistant")
    queues = _require(data, "queues", source, list)
    queue_slugs = set()
    for n, queue in enumerate(queues):
        where = f"{source}: queues[{n}]"
        if not isinstance(queue, dict):
            raise CatalogueError(_("%(where)s: må være et objekt.") % {"where": where})
        queue_slugs.add(_require(queue, "slug", where))
        _require(queue, "name", where)
    intents = _require(data, "intents", source, list)
    seen: set[str] = set()
    for n, intent in enumerate(intents):
        where = f"{source}: intents[{n}]"
        if not isinstance(intent, dict):
            raise CatalogueError(_("%(where)s: må være et objekt.") % {"where": where})
        slug = _require(intent, "slug", where)
        where = f"{source}: intent '{slug}'"
        if slug in seen:
            raise CatalogueError(_("%(where)s: kortnavnet (slug) står to ganger.") % {"where": where})
        seen.add(slug)
        if intent.get("action") not in ACTIONS:
            raise CatalogueError(
                _("%(where)s: handlingen %(action)s er ikke en av %(actions)s.")
                % {"where": where, "action": repr(intent.get("action")), "actions": sorted(ACTIONS)}
            )
        queue = intent.get("queue")
        if queue and queue not in queue_slugs and not Queue.objects.filter(slug=queue).exists():
            raise CatalogueError(
                _("%(where)s: køen %(queue)s finnes verken blant filens køer eller i databasen.")
                % {"where": where, "queue": repr(queue)}
            )
        phrases = _require(intent, "phrases", where, dict)
        for language, texts in phrases.items():
            if language not in PHRASE_LANGUAGES:
                raise CatalogueError(
                    _("%(where)s: frasespråket %(language)s er ikke et av %(phrase_languages)s.")
                    % {
                        "where": where,
                        "language": repr(language),
                        "phrase_languages": sorted(PHRASE_LANGUAGES),
                    }
                )
            if not isinstance(texts, list) or not all(isinstance(t, str) and t.strip() for t in texts):
                raise CatalogueError(
                    _("%(where)s: phrases[%(language)s] må være en liste med tekster som ikke er tomme.")
                    % {"where": where, "language": repr(language)}
                )
            too_long = [t for t in texts if len(t) > 500]
            if too_long:
                raise CatalogueError(
                    _("%(where)s: frase lengre enn 500 tegn: %(phrase)s...")
                    % {"where": where, "phrase": repr(too_long[0][:60])}
                )


@transaction.atomic
def catalogue_load(*, data: Any, source: str = "catalogue") -> CatalogueLoadResult:
    """Create or update one assistant's queues, intents and catalogue phrases from the
    catalogue format (chat/data/catalogue/<assistant>.json).

    Idempotent: intents are matched by slug and never renamed; answers, titles, action
    and queue follow the file; catalogue phrases are made equal to the file's, while
    phrases added from review or by hand are kept. All-or-nothing: a bad file changes
    nothing.
    """
    _validate(data, source)
    spec = data["assistant"]
    assistant, created = Assistant.objects.get_or_create(
        slug=spec["slug"],
        defaults={
            "name": spec["name"],
            "greeting_nb": spec.get("greeting_nb", ""),
            "greeting_nn": spec.get("greeting_nn", ""),
            "greeting_en": spec.get("greeting_en", ""),
        },
    )
    result = CatalogueLoadResult(assistant=assistant.slug, unchanged=not created)
    changed = _update_fields(
        assistant,
        {
            "name": spec["name"],
            "greeting_nb": spec.get("greeting_nb", ""),
            "greeting_nn": spec.get("greeting_nn", ""),
            "greeting_en": spec.get("greeting_en", ""),
        },
    )
    result.unchanged &= not changed
    for q in data["queues"]:
        _queue, q_created = Queue.objects.get_or_create(
            slug=q["slug"], defaults={"name": q["name"], "priority": q.get("priority", 100)}
        )
        result.unchanged &= not q_created
    queues = {q.slug: q for q in Queue.objects.all()}
    existing = {i.slug: i for i in Intent.objects.filter(assistant=assistant)}
    for spec_intent in data["intents"]:
        values = {
            "title_nb": spec_intent.get("title_nb", spec_intent["slug"]),
            "title_nn": spec_intent.get("title_nn", ""),
            "title_en": spec_intent.get("title_en", spec_intent["slug"]),
            "action": spec_intent["action"],
            "queue": queues.get(spec_intent.get("queue") or ""),
            "answer_nb": spec_intent.get("answer_nb", ""),
            "answer_nn": spec_intent.get("answer_nn", ""),
            "answer_en": spec_intent.get("answer_en", ""),
            "link_url": spec_intent.get("link_url", ""),
        }
        intent = existing.get(spec_intent["slug"])
        if intent is None:
            intent = Intent.objects.create(assistant=assistant, slug=spec_intent["slug"], **values)
            result.intents_created += 1
            result.unchanged = False
        elif _update_fields(intent, values):
            result.intents_updated += 1
            result.unchanged = False
        added, removed = _phrases_sync(intent=intent, phrases=spec_intent["phrases"])
        result.phrases_added += added
        result.phrases_removed += removed
        result.unchanged &= not (added or removed)
    missing = sorted(set(existing) - {i["slug"] for i in data["intents"]})
    if missing:
        # Never deleted: conversations and review items point at them.
        result.warnings.append(f"intents in the database but not in the file (kept): {', '.join(missing)}")
    return result


def _update_fields(instance: Any, values: dict[str, Any]) -> bool:
    changed = [k for k, v in values.items() if getattr(instance, k) != v]
    for k in changed:
        setattr(instance, k, values[k])
    if changed:
        instance.save(update_fields=changed)
    return bool(changed)


def _phrases_sync(*, intent: Intent, phrases: dict[str, list[str]]) -> tuple[int, int]:
    wanted: dict[str, str] = {}
    for language, texts in phrases.items():
        for text in texts:
            wanted.setdefault(text.strip(), language)
    current = {p.text: p for p in TrainingPhrase.objects.filter(intent=intent)}
    to_add = [
        TrainingPhrase(intent=intent, text=text, language=language, source=TrainingPhrase.Source.CATALOGUE)
        for text, language in wanted.items()
        if text not in current
    ]
    TrainingPhrase.objects.bulk_create(to_add)
    stale = [
        p.pk
        for text, p in current.items()
        if p.source == TrainingPhrase.Source.CATALOGUE and text not in wanted
    ]
    TrainingPhrase.objects.filter(pk__in=stale).delete()
    return len(to_add), len(stale)


def catalogue_load_files(*, directory: Path | None = None, stdout: Any = None) -> list[CatalogueLoadResult]:
    """Load every assistant's catalogue file found in `directory` (default: the shipped
    chat/data/catalogue)."""
    directory = directory or CATALOGUE_DIR
    results = []
    for slug in ASSISTANT_SLUGS:
        path = directory / f"{slug}.json"
        if not path.exists():
            if stdout is not None:
                stdout.write(f"{path}: not found, skipped\n")
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise CatalogueError(
                _("%(path)s: ikke gyldig JSON (linje %(lineno)s, kolonne %(colno)s: %(msg)s).")
                % {"path": path, "lineno": exc.lineno, "colno": exc.colno, "msg": exc.msg}
            ) from exc
        result = catalogue_load(data=data, source=str(path))
        if stdout is not None:
            stdout.write(
                f"{slug}: {result.intents_created} intents created, {result.intents_updated} updated, "
                f"{result.phrases_added} phrases added, {result.phrases_removed} removed\n"
            )
            for warning in result.warnings:
                stdout.write(f"{slug}: warning: {warning}\n")
        results.append(result)
    return results


INTENT_EDITABLE_FIELDS = (
    "title_nb",
    "title_nn",
    "title_en",
    "action",
    "queue",
    "answer_nb",
    "answer_nn",
    "answer_en",
    "link_url",
    "active",
)


@transaction.atomic
def intent_update(*, intent: Intent, values: dict[str, Any], context: AuditContext) -> Intent:
    """Change an intent's titles, answers, action, queue or active flag (never its slug);
    audited as `chat.intent.update` when something changed."""
    unknown = set(values) - set(INTENT_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(
            _("Disse feltene i intensjonen kan ikke endres her: %(unknown)s.") % {"unknown": sorted(unknown)}
        )
    before = {k: str(getattr(intent, k)) for k in values}
    changed = _update_fields(intent, values)
    if changed:
        audit_record(
            action="chat.intent.update",
            context=context,
            obj=intent,
            details={"before": before, "after": {k: str(getattr(intent, k)) for k in values}},
        )
    return intent


@transaction.atomic
def training_phrase_add(
    *, intent: Intent, text: str, language: str, context: AuditContext, source: str = "manual"
) -> TrainingPhrase:
    """Add one training phrase to `intent` (audited as `chat.phrase.add`). Refuses empty,
    over-long and duplicate phrases with a message that says which."""
    text = (text or "").strip()
    if not text:
        raise ValueError(_("Frasen er tom."))
    if len(text) > 500:
        raise ValueError(_("Frasen er %(length)s tegn lang; høyst 500 er tillatt.") % {"length": len(text)})
    if language not in PHRASE_LANGUAGES:
        raise ValueError(
            _("Språket %(language)s er ikke et av %(phrase_languages)s.")
            % {"language": repr(language), "phrase_languages": sorted(PHRASE_LANGUAGES)}
        )
    if TrainingPhrase.objects.filter(intent=intent, text=text).exists():
        raise ValueError(
            _("«%(text)s» er allerede en frase i %(slug)s.") % {"text": text, "slug": intent.slug}
        )
    phrase = TrainingPhrase.objects.create(intent=intent, text=text, language=language, source=source)
    audit_record(
        action="chat.phrase.add", context=context, obj=phrase, details={"intent": intent.slug, "text": text}
    )
    return phrase


@transaction.atomic
def training_phrase_delete(*, phrase: TrainingPhrase, context: AuditContext) -> None:
    """Remove one training phrase (takes effect at the next retraining); audited as
    `chat.phrase.delete`."""
    audit_record(
        action="chat.phrase.delete",
        context=context,
        obj=phrase,
        details={"intent": phrase.intent.slug, "text": phrase.text},
    )
    phrase.delete()


def out_of_scope_phrases() -> list[str]:
    """The shipped background phrases (weather, sports, other agencies, ...)."""
    if not OUT_OF_SCOPE_FILE.exists():
        return []
    data = json.loads(OUT_OF_SCOPE_FILE.read_text(encoding="utf-8"))
    return [t for texts in data.get("phrases", {}).values() for t in texts]


@dataclass(frozen=True)
class OtherAgency:
    """A public body that questions are often meant for (NAV, Skatteetaten, ...): the bot
    points there instead of saying it did not understand."""

    slug: str
    name: str
    link_url: str
    texts: dict[str, str]  # written standard -> the pointer text
    phrases: list[str]

    def text_in(self, language: str) -> str:
        return in_language(
            language, nb=self.texts["nb"], nn=self.texts.get("nn", ""), en=self.texts.get("en", "")
        )


@lru_cache(maxsize=1)
def _other_agencies_file() -> dict[str, Any]:
    # Read once per process: a reply that points to another agency must not touch the disk.
    if not OTHER_AGENCIES_FILE.exists():
        return {}
    data: dict[str, Any] = json.loads(OTHER_AGENCIES_FILE.read_text(encoding="utf-8"))
    return data


def other_agencies(*, assistant_slug: str) -> dict[str, OtherAgency]:
    """The other agencies the assistant knows about (chat/data/catalogue/other_agencies.json),
    by slug. Empty for an assistant the file does not list."""
    data = _other_agencies_file()
    if assistant_slug not in data.get("assistants", []):
        return {}
    return {
        a["slug"]: OtherAgency(
            slug=a["slug"],
            name=a["name"],
            link_url=a.get("link_url", ""),
            texts={lang: a[f"text_{lang}"] for lang in ("nb", "nn", "en") if a.get(f"text_{lang}")},
            phrases=[t for texts in a.get("phrases", {}).values() for t in texts],
        )
        for a in data.get("agencies", [])
    }


def heldout_load(*, assistant_slug: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The held-out paraphrases of one assistant: (text, intent) pairs and out-of-scope
    texts. Empty when the file does not exist."""
    path = HELDOUT_DIR / f"{assistant_slug}.json"
    if not path.exists():
        return [], []
    data = json.loads(path.read_text(encoding="utf-8"))
    return [(x["text"], x["intent"]) for x in data.get("in_scope", [])], list(data.get("out_of_scope", []))


@dataclass(frozen=True)
class BlindItem:
    text: str
    intent: str | None  # None: out of scope
    language: str  # the customer's written standard: the answer must use it
    agency: str = ""  # out of scope, meant for another agency (nav, skatteetaten, ...)


def blind_load(*, assistant_slug: str) -> list[BlindItem]:
    """The blind held-out set of one assistant (chat/data/blind/<assistant>.json): written
    apart from everything else and frozen before the model was tuned. Empty when the file
    does not exist."""
    path = BLIND_DIR / f"{assistant_slug}.json"
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return [BlindItem(x["text"], x["intent"], x["language"]) for x in data.get("in_scope", [])] + [
        BlindItem(x["text"], None, x["language"], x.get("agency", "")) for x in data.get("out_of_scope", [])
    ]


def heldout_texts(*, assistant_slug: str) -> list[str]:
    """Every sentence of both held-out sets (the older paraphrase file and the blind
    set): none of them may ever become a training phrase."""
    in_scope, out_of_scope = heldout_load(assistant_slug=assistant_slug)
    blind = blind_load(assistant_slug=assistant_slug)
    return [t for t, _ in in_scope] + list(out_of_scope) + [b.text for b in blind]
