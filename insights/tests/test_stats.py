"""CSAT, response rate and the Wilson interval against values worked out by hand."""

import pytest

from insights.stats import Tally, csat, money_per_satisfied, response_rate, wilson


def test_no_responses_means_no_csat_not_zero():
    assert csat(0, 0) is None
    assert response_rate(0, 0) is None
    assert wilson(0, 0) is None
    t = Tally(sent=4)
    assert t.csat is None and t.interval is None and t.response_rate == 0.0
    assert t.as_report()["csat"] is None


def test_csat_is_the_share_of_4_and_5_among_responses():
    assert csat(2, 3) == 66.7
    assert csat(0, 5) == 0.0
    assert response_rate(3, 4) == 0.75


@pytest.mark.parametrize(
    ("satisfied", "responses", "expected"),
    [
        # p=0.8, n=10, z=1.96: (0.99208 ∓ 0.31362) / 1.38416
        (8, 10, (49.0, 94.3)),
        # all satisfied: the upper bound is 100, the lower (1 + z²/2n − z²/2n)/(1 + z²/n)
        (10, 10, (72.2, 100.0)),
        # none satisfied: 0 .. (z²/n)/(1 + z²/n) = 0.76832 / 1.76832
        (0, 5, (0.0, 43.4)),
        # a large sample narrows the interval around 75 %
        (750, 1000, (72.2, 77.6)),
    ],
)
def test_wilson_interval_matches_hand_computation(satisfied, responses, expected):
    assert wilson(satisfied, responses) == expected


def test_the_warning_threshold_is_a_setting(settings):
    settings.INSIGHTS_MIN_RESPONSES = 5
    assert Tally(responses=5, satisfied=5).enough
    assert not Tally(responses=4, satisfied=4).enough


def test_money_per_satisfied_customer_per_currency_and_none_without_satisfied():
    from decimal import Decimal

    assert money_per_satisfied({"EUR": Decimal("30.00"), "USD": Decimal("10")}, 4) == {
        "EUR": Decimal("7.50"),
        "USD": Decimal("2.50"),
    }
    assert money_per_satisfied({"EUR": Decimal("30.00")}, 0) == {"EUR": None}
