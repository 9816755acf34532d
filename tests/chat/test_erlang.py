"""Erlang C against published worked examples, and Erlang A (chat/erlang.py)."""

import math

import pytest

from chat.erlang import (
    erlang_b,
    erlang_c,
    queue_agents_for_target,
    queue_evaluate,
    staffing_evaluate,
    staffing_recommend,
)


def test_it_matches_the_call_centre_helper_worked_example() -> None:
    """Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example":
    100 contacts in 30 minutes, AHT 180 s, target 80 % answered in 20 s. Traffic 10
    Erlangs; with 11 agents P(wait) 68.21 %, service level 38.96 %, ASA 122.8 s; 14 agents
    is the first to meet 80 % (P(wait) 17.41 %, service level 88.84 %, ASA 7.8 s)."""
    eleven = staffing_evaluate(rate=100 / 1800, aht=180, agents=11, target_seconds=20)
    assert eleven.traffic_erlangs == pytest.approx(10.0)
    assert eleven.probability_wait == pytest.approx(0.682, abs=5e-4)
    assert eleven.service_level == pytest.approx(0.390, abs=5e-4)
    assert eleven.average_speed_of_answer == pytest.approx(122.781, abs=5e-4)

    recommended = staffing_recommend(rate=100 / 1800, aht=180, target_seconds=20, service_level=0.8)
    assert recommended.agents == 14
    assert recommended.probability_wait == pytest.approx(0.174, abs=5e-4)
    assert recommended.service_level == pytest.approx(0.888, abs=5e-4)
    assert recommended.average_speed_of_answer == pytest.approx(7.836, abs=5e-4)


def test_it_matches_the_westbay_engineers_example() -> None:
    """Westbay Engineers, "The Erlang-C formula": 360 calls per half hour, 4 minutes per
    call, 55 agents, target 15 s. Traffic 48 Erlangs, occupancy 87.3 %, P(wait) 23.9 %,
    ASA 8.2 s, service level 84.6 %."""
    result = staffing_evaluate(rate=360 / 1800, aht=240, agents=55, target_seconds=15)
    assert result.traffic_erlangs == pytest.approx(48.0)
    assert result.occupancy == pytest.approx(0.873, abs=5e-4)
    assert result.probability_wait == pytest.approx(0.239, abs=5e-4)
    assert result.average_speed_of_answer == pytest.approx(8.184, abs=5e-4)
    assert result.service_level == pytest.approx(0.846, abs=5e-4)


def test_it_matches_the_textbook_m_m_5_queue() -> None:
    """The classic M/M/c exercise (one arrival a minute, 3 minutes' service, 5 servers;
    e.g. Gross & Harris, Fundamentals of Queueing Theory, M/M/c chapter): A = 3,
    P(wait) = 0.2362, so 76.4 % are served at once; mean wait 0.354 minutes."""
    result = staffing_evaluate(rate=1 / 60, aht=180, agents=5, target_seconds=0)
    assert result.probability_wait == pytest.approx(0.236, abs=5e-4)
    assert result.service_level == pytest.approx(0.764, abs=5e-4)
    assert result.average_speed_of_answer / 60 == pytest.approx(0.354, abs=5e-4)


def test_erlang_c_agrees_with_the_factorial_formula() -> None:
    # The recursion avoids factorials; check it against the textbook closed form.
    traffic, agents = 7.5, 10
    top = traffic**agents / math.factorial(agents) * agents / (agents - traffic)
    bottom = sum(traffic**k / math.factorial(k) for k in range(agents)) + top
    assert erlang_c(traffic=traffic, agents=agents) == pytest.approx(top / bottom, rel=1e-12)
    assert 0 < erlang_b(traffic=traffic, agents=agents) < erlang_c(traffic=traffic, agents=agents)


def test_too_few_agents_means_everyone_waits_forever() -> None:
    result = staffing_evaluate(rate=0.1, aht=100, agents=10, target_seconds=60)
    assert (result.probability_wait, result.service_level) == (1.0, 0.0)
    assert math.isinf(result.average_speed_of_answer)


def test_no_arrivals_needs_no_agents() -> None:
    assert staffing_recommend(rate=0, aht=300, target_seconds=60, service_level=0.8).agents == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rate": -1, "aht": 100, "target_seconds": 60, "service_level": 0.8}, "rate must be"),
        ({"rate": 1, "aht": 0, "target_seconds": 60, "service_level": 0.8}, "aht > 0"),
        ({"rate": 1, "aht": 100, "target_seconds": 60, "service_level": 1.0}, "between 0 and 1"),
    ],
)
def test_it_rejects_impossible_input_with_a_reason(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        staffing_recommend(**kwargs)


# Erlang A (M/M/n+M) and chat concurrency.


def test_erlang_a_with_endless_patience_is_erlang_c() -> None:
    """The Call Centre Helper example again: with patience far beyond any wait, nobody
    leaves and Erlang A gives Erlang C's figures."""
    c = queue_evaluate(rate=100 / 1800, aht=180, agents=14, target_seconds=20)
    a = queue_evaluate(rate=100 / 1800, aht=180, agents=14, target_seconds=20, patience=1e9)
    assert (c.model, a.model) == ("erlang_c", "erlang_a")
    assert a.service_level == pytest.approx(c.service_level, abs=1e-6)
    assert a.probability_wait == pytest.approx(c.probability_wait, abs=1e-6)
    assert a.asa_seconds == pytest.approx(c.asa_seconds, abs=1e-4)
    assert a.abandon_probability < 1e-6


def test_erlang_a_obeys_littles_law_for_abandonment() -> None:
    """Customers leave at rate 1/patience while they wait, so the share who leave is the
    mean wait over all arrivals divided by the mean patience; and the answered wait less
    than everyone waits in total."""
    a = queue_evaluate(rate=200 / 3600, aht=180, agents=11, target_seconds=20, patience=120)
    assert a.abandon_probability == pytest.approx(a.mean_wait_seconds / 120, rel=1e-9)
    answered = 1 - a.abandon_probability
    assert answered * a.asa_seconds < a.mean_wait_seconds
    assert a.occupancy == pytest.approx(200 / 3600 * 180 * answered / 11)


def test_erlang_a_stays_stable_where_erlang_c_has_no_answer() -> None:
    """More traffic than agents: Erlang C's queue grows for ever, Erlang A's settles
    because people leave, and thousands of servers neither overflow nor take long."""
    c = queue_evaluate(rate=1, aht=300, agents=250, target_seconds=20)
    assert not c.stable and c.service_level == 0
    a = queue_evaluate(rate=1, aht=300, agents=250, target_seconds=20, patience=120)
    assert a.stable
    assert a.abandon_probability == pytest.approx(1 - 250 / 300, abs=0.01)
    big = queue_evaluate(rate=30, aht=300, agents=3000, concurrency=3, target_seconds=20, patience=60)
    assert all(math.isfinite(v) for v in (big.service_level, big.abandon_probability, big.asa_seconds))
    assert 0 <= big.service_level <= 1 and big.occupancy < 1


def test_concurrency_counts_each_chat_slot_as_a_server() -> None:
    three_by_four = queue_evaluate(
        rate=0.04, aht=300, agents=3, concurrency=4, target_seconds=30, patience=90
    )
    twelve = queue_evaluate(rate=0.04, aht=300, agents=12, target_seconds=30, patience=90)
    assert three_by_four.servers == 12
    assert three_by_four.service_level == pytest.approx(twelve.service_level)


def test_the_fewest_agents_for_a_target_are_the_first_that_reach_it() -> None:
    rate, aht, target = 400 / 3600, 240, 30
    best = queue_agents_for_target(rate=rate, aht=aht, target_seconds=target, service_level=0.9, patience=150)
    below = queue_evaluate(rate=rate, aht=aht, agents=best.agents - 1, target_seconds=target, patience=150)
    assert best.service_level >= 0.9 > below.service_level
    # Patience lowers the staff needed compared with Erlang C.
    erlang_c = queue_agents_for_target(rate=rate, aht=aht, target_seconds=target, service_level=0.9)
    assert best.agents <= erlang_c.agents


def test_erlang_a_rejects_impossible_input() -> None:
    with pytest.raises(ValueError, match="patience"):
        queue_evaluate(rate=1, aht=100, agents=2, target_seconds=10, patience=0)
    with pytest.raises(ValueError, match="concurrency"):
        queue_evaluate(rate=1, aht=100, agents=2, target_seconds=10, concurrency=0)
    with pytest.raises(ValueError, match="service level"):
        queue_agents_for_target(rate=1, aht=100, target_seconds=10, service_level=1)
