"""The staffing plan (chat/selectors/staffing.py) through its doors: the `staffing_plan`
command checked against a discrete-event simulation of the same queue, the patience
estimated from a queue's history, and the API call."""

import json
import time
from datetime import timedelta
from io import StringIO

import jsonschema
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from chat.models import Conversation
from chat.selectors.staffing import StaffingInputError, queue_history_figures, staffing_plan_parse
from chat.services.statistics import queue_stats_rebuild
from tests.chat.factories import ConversationFactory, QueueFactory
from tests.chat.queue_simulation import queue_simulate
from tests.openapi import assert_matches_schema

SL_TOLERANCE, ABANDON_TOLERANCE = 0.01, 0.002
CUSTOMERS = 2_000_000


def _plan(*args: str) -> dict:
    out = StringIO()
    call_command("staffing_plan", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


# (arguments, servers the simulation gets when not read from the answer)
SCENARIOS = {
    "erlang_a": ["--arrivals-per-hour", "200", "--handle-seconds", "180", "--target-seconds", "20",
                 "--patience-seconds", "120", "--agents", "11"],
    "erlang_a_overloaded": ["--arrivals-per-hour", "200", "--handle-seconds", "180", "--target-seconds",
                            "20", "--patience-seconds", "120", "--agents", "9"],
    "erlang_a_concurrency": ["--arrivals-per-hour", "120", "--handle-seconds", "300", "--target-seconds",
                             "30", "--patience-seconds", "90", "--agents", "3", "--concurrency", "4"],
    "erlang_a_target": ["--arrivals-per-hour", "600", "--handle-seconds", "240", "--target-seconds", "20",
                        "--patience-seconds", "60", "--target-service-level", "0.85"],
    "erlang_c": ["--arrivals-per-hour", "200", "--handle-seconds", "180", "--target-seconds", "20",
                 "--agents", "12"],
}  # fmt: skip


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_staffing_plan_agrees_with_a_simulation_of_the_same_queue(name: str) -> None:
    """Two million simulated customers per case: the batch-means standard errors are
    below a third of the tolerances, so agreement within them is a real check (and a
    formula off by a tolerance would fail it)."""
    args = SCENARIOS[name]
    plan = _plan(*args)
    given = dict(zip(args[::2], args[1::2], strict=True))
    patience = given.get("--patience-seconds")
    started = time.monotonic()
    sim = queue_simulate(
        arrivals_per_hour=float(given["--arrivals-per-hour"]),
        handle_seconds=float(given["--handle-seconds"]),
        servers=plan["servers"],
        target_seconds=float(given["--target-seconds"]),
        patience_seconds=float(patience) if patience else None,
        customers=CUSTOMERS,
        seed=sum(map(ord, name)),
    )
    assert time.monotonic() - started < 30
    assert plan["model"] == ("erlang_a" if patience else "erlang_c")
    assert 3 * sim.service_level_stderr < SL_TOLERANCE
    assert 3 * sim.abandon_stderr < ABANDON_TOLERANCE or sim.abandon_probability == 0
    assert plan["service_level"] == pytest.approx(sim.service_level, abs=SL_TOLERANCE)
    assert plan["abandon_probability"] == pytest.approx(sim.abandon_probability, abs=ABANDON_TOLERANCE)
    assert plan["mean_wait_seconds"] == pytest.approx(sim.mean_wait_seconds, rel=0.05, abs=0.2)
    assert plan["asa_seconds"] == pytest.approx(sim.asa_seconds, rel=0.05, abs=0.2)
    assert plan["occupancy"] == pytest.approx(sim.occupancy, abs=0.01)
    if "--target-service-level" in given:
        assert plan["service_level"] >= float(given["--target-service-level"])


def test_the_json_has_the_contracts_fields_and_shrinkage_rounds_up() -> None:
    plan = _plan(
        "--arrivals-per-hour", "200", "--handle-seconds", "180", "--target-seconds", "20",
        "--patience-seconds", "120", "--shrinkage", "0.3",
    )  # fmt: skip
    for key in ("model", "agents", "agents_to_schedule", "service_level", "abandon_probability",
                "mean_wait_seconds", "asa_seconds", "occupancy"):  # fmt: skip
        assert key in plan
    # The default target is 80 %: 12 agents on the queue, 12 / 0.7 = 17.1 -> 18 on the roster.
    assert (plan["agents"], plan["agents_to_schedule"], plan["target_service_level"]) == (12, 18, 0.8)


def test_too_few_agents_under_erlang_c_give_null_waits_not_infinity() -> None:
    plan = _plan("--arrivals-per-hour", "200", "--handle-seconds", "180", "--target-seconds", "20",
                 "--agents", "9")  # fmt: skip
    assert plan["stable"] is False
    assert (plan["service_level"], plan["mean_wait_seconds"], plan["asa_seconds"]) == (0.0, None, None)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--arrivals-per-hour", "-1"], "--arrivals-per-hour: må være >= 0"),
        (["--handle-seconds", "0"], "--handle-seconds: må være > 0"),
        (["--target-seconds", "soon"], "--target-seconds: forventet et tall"),
        (["--patience-seconds", "-5"], "--patience-seconds: må være > 0"),
        (["--agents", "2.5"], "--agents: forventet et helt tall"),
        (["--agents", "0"], "--agents: må være mellom 1"),
        (["--target-service-level", "1"], "--target-service-level: må være > 0 og < 1"),
        (["--concurrency", "11"], "--concurrency: må være mellom 1 og 10"),
        (["--shrinkage", "1"], "--shrinkage: må være >= 0 og < 1"),
        (["--queue", "nope"], "--queue: ingen kø"),
    ],
)
@pytest.mark.django_db
def test_bad_arguments_fail_with_a_message_naming_them(args: list[str], message: str) -> None:
    base = {"--arrivals-per-hour": "60", "--handle-seconds": "300", "--target-seconds": "60"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        call_command("staffing_plan", *[x for pair in base.items() for x in pair], "--json")


def test_agents_and_a_target_together_are_refused() -> None:
    with pytest.raises(CommandError, match="not allowed with"):
        call_command(
            "staffing_plan", "--arrivals-per-hour", "60", "--handle-seconds", "300", "--target-seconds", "60",
            "--agents", "3", "--target-service-level", "0.8",
        )  # fmt: skip


def _history(queue, *, answered_waits: list[float], abandoned_after: list[float]) -> None:
    start = timezone.now() - timedelta(days=3)
    for n, wait in enumerate(answered_waits):
        queued = start + timedelta(minutes=n)
        ConversationFactory(
            queue=queue,
            queued_at=queued,
            state=Conversation.State.CLOSED,
            answered_at=queued + timedelta(seconds=wait),
            closed_at=queued + timedelta(seconds=wait + 300),
        )
    for n, waited in enumerate(abandoned_after):
        queued = start + timedelta(hours=2, minutes=n)
        ConversationFactory(
            queue=queue,
            queued_at=queued,
            state=Conversation.State.ABANDONED,
            abandoned_at=queued + timedelta(seconds=waited),
        )
    queue_stats_rebuild(queues=[queue])


@pytest.mark.django_db
def test_patience_is_the_total_wait_over_the_abandonments() -> None:
    """20 answered after 30 s and 10 who left after 90 s: 20*30 + 10*90 = 1500 s of
    waiting, 10 abandonments, so a mean patience of 150 s; handling 300 s."""
    queue = QueueFactory()
    _history(queue, answered_waits=[30] * 20, abandoned_after=[90] * 10)
    figures = queue_history_figures(queues=[queue])[queue.pk]
    assert (figures.abandoned, figures.offered) == (10, 30)
    assert figures.patience_seconds == pytest.approx(150)
    assert figures.handle_seconds == pytest.approx(300)
    request = staffing_plan_parse(
        arrivals_per_hour="60", handle_seconds=None, target_seconds=None, queue=queue.slug
    )
    assert (request.patience_seconds, request.patience_source) == (pytest.approx(150), "estimated")
    assert request.target_seconds == queue.service_level_target_seconds


@pytest.mark.django_db
def test_too_few_abandonments_leave_the_patience_unknown_and_erlang_c() -> None:
    queue = QueueFactory()
    _history(queue, answered_waits=[30] * 20, abandoned_after=[90] * 3)
    assert queue_history_figures(queues=[queue])[queue.pk].patience_seconds is None
    out = StringIO()
    call_command("staffing_plan", "--arrivals-per-hour", "60", "--handle-seconds", "300",
                 "--target-seconds", "60", "--queue", queue.slug, "--json", stdout=out)  # fmt: skip
    assert json.loads(out.getvalue())["model"] == "erlang_c"


@pytest.mark.django_db
def test_the_api_answers_the_commands_figures(client_for) -> None:
    client = client_for("leder")
    url = reverse("chat-staffing-plan")
    answer = client.get(url, {"arrivals_per_hour": 200, "handle_seconds": 180, "target_seconds": 20,
                              "patience_seconds": 120, "agents": 11})  # fmt: skip
    assert answer.status_code == 200
    assert answer.json() == _plan(
        "--arrivals-per-hour", "200", "--handle-seconds", "180", "--target-seconds", "20",
        "--patience-seconds", "120", "--agents", "11",
    )  # fmt: skip
    assert_matches_schema(client, path=url, body=answer.json())
    with pytest.raises(jsonschema.ValidationError, match="agents"):  # the check is not vacuous
        assert_matches_schema(client, path=url, body={**answer.json(), "agents": "many"})
    # Erlang C with too few agents: an unbounded wait is null, and the schema allows it.
    unbounded = client.get(url, {"arrivals_per_hour": 200, "handle_seconds": 180, "target_seconds": 20,
                                 "agents": 5})  # fmt: skip
    assert unbounded.status_code == 200 and unbounded.json()["mean_wait_seconds"] is None
    assert_matches_schema(client, path=url, body=unbounded.json())
    bad = client.get(url, {"arrivals_per_hour": 200, "handle_seconds": "x", "target_seconds": 20})
    assert bad.status_code == 400
    assert "handle_seconds" in bad.json()["detail"]
    assert client.get(url, {"arrivals_per_hour": 1}).status_code == 400  # handle time missing


def test_parse_errors_name_the_api_parameters() -> None:
    with pytest.raises(StaffingInputError, match=r"^target_seconds: påkrevd"):
        staffing_plan_parse(arrivals_per_hour="1", handle_seconds="100", target_seconds=None)
