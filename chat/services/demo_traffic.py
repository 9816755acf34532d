"""Demo traffic for the queues: a few weeks of realistic conversations (bot-only ones,
hand-overs with waits, handling times, ratings, some abandoned) so the statistics page
and the staffing figures have something to show. Runs after `chat_demo_seed`, which loads
the catalogue and its queues; creates the queues itself when they are missing.

Deterministic (fixed seed) and idempotent: a marker conversation says it already ran.
"""

import hashlib
import math
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from chat.models import Assistant, Conversation, Intent, Message, OpeningHours, Queue, ReviewItem
from chat.services.statistics import chat_stats_rebuild
from lanekassen_ai.timezones import agency_timezone

# Nine weeks: the forecast's backtest needs four whole weeks to test on and three before
# them to learn from (a database seeded earlier with three weeks keeps them: the step
# runs once).
DAYS = 63
SEED = 20261126

# slug, name, priority, average hand-overs per weekday, and the assistant it serves.
QUEUES = [
    ("bostedskontroll", "Bostedskontroll", 10, 14, "kunde"),
    ("stipend-og-lan", "Stipend og lån", 20, 70, "kunde"),
    ("tilbakebetaling", "Tilbakebetaling", 30, 40, "kunde"),
    ("una-servicedesk", "Una servicedesk", 40, 18, "una"),
]
BOT_ONLY_PER_DAY = {"kunde": 160, "una": 35}
# Share of a day's traffic per half hour from 08:00 to 15:30 (morning and after-lunch peaks).
DAY_PROFILE = [4, 7, 9, 9, 8, 7, 6, 7, 8, 7, 6, 5, 4, 3, 2]
NOT_UNDERSTOOD = [
    "kan jeg få stipend for hesten min",
    "hvorfor er renta så høy nå",
    "jeg skjønner ikke brevet",
    "hva betyr gjeldsbrev",
    "kan dere ringe meg",
    "jeg har flyttet til sverige midt i semesteret",
]
HUMAN_LINES = {
    "customer": ["Hei, jeg trenger hjelp med saken min.", "Takk, det var det jeg lurte på.", "Ok, skjønner."],
    "agent": [
        "Hei! Jeg ser på saken din nå.",
        "Det ordner seg, du får svar i løpet av uka.",
        "Bra, ha en fin dag!",
    ],
}


def _marker_hash(n: int) -> str:
    return hashlib.sha256(f"demo-traffic-{SEED}-{n}".encode()).hexdigest()


@contextmanager
def _keep_given_timestamps() -> Iterator[None]:
    # Demo history needs creation times in the past; `auto_now_add` would stamp "now".
    fields = [model._meta.get_field("created_at") for model in (Conversation, Message, ReviewItem)]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


def demo_queues_ensure() -> dict[str, Queue]:
    """The four queues by slug (created when the catalogue has not made them). The
    residence-control queue gets weekday office hours, so the demo also shows the
    "closed, leave a message" path; the others stay open around the clock for the demo."""
    queues: dict[str, Queue] = {}
    for slug, name, priority, _, _ in QUEUES:
        queue, _ = Queue.objects.get_or_create(slug=slug, defaults={"name": name, "priority": priority})
        queues[slug] = queue
    control = queues["bostedskontroll"]
    if not OpeningHours.objects.filter(queue=control).exists():
        OpeningHours.objects.bulk_create(
            OpeningHours(queue=control, weekday=d, opens=time(8), closes=time(15, 30)) for d in range(5)
        )
    return queues


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method; means here are small.
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


class _Plan:
    """Collects rows for bulk inserts."""

    def __init__(self) -> None:
        self.conversations: list[Conversation] = []
        self.messages: list[list[Message]] = []  # per conversation, same order
        self.review_texts: list[tuple[int, int, str]] = []  # (conversation index, message index, text)


def _plan_day(
    *,
    rng: random.Random,
    plan: _Plan,
    day: date,
    queues: dict[str, Queue],
    assistants: dict[str, Assistant],
    intents: dict[str, list[Intent]],
    agent: Any,
) -> None:
    total = sum(DAY_PROFILE)
    for slug, _, _, per_day, assistant_slug in QUEUES:
        assistant = assistants.get(assistant_slug)
        if assistant is None:
            continue
        queue = queues[slug]
        handover_intents = [i for i in intents.get(assistant_slug, []) if i.queue_id == queue.pk]
        for slot, weight in enumerate(DAY_PROFILE):
            slot_start = datetime.combine(day, time(8), tzinfo=agency_timezone()) + timedelta(
                minutes=30 * slot
            )
            for _ in range(_poisson(rng, per_day * weight / total)):
                queued_at = slot_start + timedelta(seconds=rng.uniform(0, 1800))
                intent = rng.choice(handover_intents) if handover_intents else None
                _plan_handover(
                    rng=rng,
                    plan=plan,
                    assistant=assistant,
                    queue=queue,
                    intent=intent,
                    queued_at=queued_at,
                    agent=agent,
                )
    for assistant_slug, per_day in BOT_ONLY_PER_DAY.items():
        assistant = assistants.get(assistant_slug)
        if assistant is None:
            continue
        answers = [i for i in intents.get(assistant_slug, []) if i.action == Intent.Action.ANSWER]
        for _ in range(_poisson(rng, per_day)):
            start = datetime.combine(day, time(7), tzinfo=agency_timezone()) + timedelta(
                seconds=rng.uniform(0, 15 * 3600)
            )
            _plan_bot_only(rng=rng, plan=plan, assistant=assistant, intents=answers, start=start)


def _plan_bot_only(
    *, rng: random.Random, plan: _Plan, assistant: Assistant, intents: list[Intent], start: datetime
) -> None:
    conversation = Conversation(
        assistant=assistant,
        token_hash=_marker_hash(len(plan.conversations)),
        state=Conversation.State.CLOSED,
        created_at=start,
        closed_at=start + timedelta(minutes=2),
        last_customer_activity_at=start + timedelta(minutes=2),
    )
    messages: list[Message] = []
    at = start
    for _ in range(rng.choice([1, 1, 2, 3])):
        at += timedelta(seconds=rng.uniform(5, 40))
        if rng.random() < 0.08 or not intents:
            text = rng.choice(NOT_UNDERSTOOD)
            # The customer's message carries the bot's decision, as in a real conversation:
            # the review page's "not understood per day" counts exactly these.
            messages.append(
                Message(sender=Message.Sender.CUSTOMER, text=text, action="fallback", created_at=at)
            )
            plan.review_texts.append((len(plan.conversations), len(messages) - 1, text))
            messages.append(
                Message(
                    sender=Message.Sender.BOT,
                    text="Beklager, det forsto jeg ikke.",
                    action="fallback",
                    created_at=at + timedelta(seconds=1),
                )
            )
            continue
        intent = rng.choice(intents)
        confidence = round(rng.uniform(0.7, 0.99), 2)
        messages.append(
            Message(
                sender=Message.Sender.CUSTOMER,
                text=intent.title_nb,
                intent=intent,
                confidence=confidence,
                action="answer",
                created_at=at,
            )
        )
        messages.append(
            Message(
                sender=Message.Sender.BOT,
                text=intent.answer_nb or intent.title_nb,
                intent=intent,
                action="answer",
                created_at=at + timedelta(seconds=1),
            )
        )
    plan.conversations.append(conversation)
    plan.messages.append(messages)


def _plan_handover(
    *,
    rng: random.Random,
    plan: _Plan,
    assistant: Assistant,
    queue: Queue,
    intent: Intent | None,
    queued_at: datetime,
    agent: Any,
) -> None:
    created = queued_at - timedelta(seconds=rng.uniform(20, 120))
    conversation = Conversation(
        assistant=assistant,
        token_hash=_marker_hash(len(plan.conversations)),
        created_at=created,
        queue=queue,
        handover_intent=intent,
        queued_at=queued_at,
        last_customer_activity_at=queued_at,
    )
    title = intent.title_nb if intent else "Jeg vil snakke med en saksbehandler"
    messages = [
        Message(
            sender=Message.Sender.CUSTOMER,
            text=title,
            intent=intent,
            confidence=0.88,
            action="answer",
            created_at=created,
        ),
        Message(
            sender=Message.Sender.BOT,
            text="Jeg setter deg over til en saksbehandler.",
            intent=intent,
            action="handover",
            created_at=created + timedelta(seconds=1),
        ),
    ]
    wait = rng.expovariate(1 / 45)
    if rng.random() < 0.07:  # left the queue
        conversation.state = Conversation.State.ABANDONED
        conversation.abandoned_at = queued_at + timedelta(seconds=rng.uniform(40, 300))
        conversation.last_customer_activity_at = conversation.abandoned_at
    else:
        answered = queued_at + timedelta(seconds=wait)
        handle = rng.lognormvariate(math.log(360), 0.5)
        conversation.state = Conversation.State.CLOSED
        conversation.agent = agent
        conversation.answered_at = answered
        conversation.closed_at = answered + timedelta(seconds=handle)
        conversation.last_customer_activity_at = conversation.closed_at
        conversation.wrap_up = rng.choice(Conversation.WrapUp.values[:3])
        if rng.random() < 0.55:
            conversation.rating = rng.choices([1, 2, 3, 4, 5], weights=[3, 5, 12, 35, 45])[0]
        step = handle / 5
        messages.append(
            Message(
                sender=Message.Sender.SYSTEM,
                text="Saksbehandler har tatt over samtalen.",
                created_at=answered,
            )
        )
        for n, sender in enumerate(["agent", "customer", "agent", "customer"]):
            messages.append(
                Message(
                    sender=sender,
                    text=HUMAN_LINES[sender][min(n // 2, 2)],
                    author=agent if sender == "agent" else None,
                    created_at=answered + timedelta(seconds=step * (n + 1)),
                )
            )
        messages.append(
            Message(
                sender=Message.Sender.SYSTEM, text="Samtalen er avsluttet.", created_at=conversation.closed_at
            )
        )
    plan.conversations.append(conversation)
    plan.messages.append(messages)


def chat_traffic_demo_seed(*, stdout: Any = None, days: int = DAYS, today: date | None = None) -> None:
    """Seed queue and assistant history on the weekdays of the `days` days before today,
    then build the rollups. Does nothing when it already ran."""

    def say(text: str) -> None:
        if stdout is not None:
            stdout.write(text + "\n")

    if Conversation.objects.filter(token_hash=_marker_hash(0)).exists():
        say("chat traffic: already seeded")
        return
    queues = demo_queues_ensure()
    assistants = {a.slug: a for a in Assistant.objects.all()}
    for slug, name in (("kunde", "Kundeassistent"), ("una", "Una")):
        if slug not in assistants:
            assistants[slug] = Assistant.objects.create(slug=slug, name=name)
    intents: dict[str, list[Intent]] = {}
    for intent in Intent.objects.filter(active=True).select_related("assistant"):
        intents.setdefault(intent.assistant.slug, []).append(intent)
    agent = get_user_model().objects.filter(username="saksbehandler").first()

    rng = random.Random(SEED)
    today = today or timezone.localdate()
    plan = _Plan()
    for offset in range(days, 0, -1):
        day = today - timedelta(days=offset)
        if day.weekday() < 5:
            _plan_day(
                rng=rng,
                plan=plan,
                day=day,
                queues=queues,
                assistants=assistants,
                intents=intents,
                agent=agent,
            )

    with transaction.atomic(), _keep_given_timestamps():
        created = Conversation.objects.bulk_create(plan.conversations, batch_size=1000)
        all_messages: list[Message] = []
        for conversation, messages in zip(created, plan.messages, strict=True):
            for m in messages:
                m.conversation = conversation
            all_messages.extend(messages)
        Message.objects.bulk_create(all_messages, batch_size=2000)
        ReviewItem.objects.bulk_create(
            [
                ReviewItem(
                    message=plan.messages[ci][mi],
                    assistant=created[ci].assistant,
                    text=text,
                    reason=ReviewItem.Reason.FALLBACK,
                    created_at=plan.messages[ci][mi].created_at,
                )
                for ci, mi, text in plan.review_texts
            ],
            batch_size=1000,
        )
    since = datetime.combine(today - timedelta(days=days), time(0), tzinfo=agency_timezone())
    result = chat_stats_rebuild(since=since)
    say(
        f"chat traffic: {len(created)} conversations, {len(all_messages)} messages, "
        f"{result['slots']} queue half hours"
    )
