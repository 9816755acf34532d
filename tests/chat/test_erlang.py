"""Erlang C against published worked examples (chat/erlang.py)."""

import math

import pytest

from chat.erlang import erlang_b, erlang_c, staffing_evaluate, staffing_recommend


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
