"""Key-figure sentences for the cases the tiny snapshot does not reach."""
from datetime import date

from carewatch.reports.sentences import key_figure


def row(**values):
    return {"id": "x", "title": "Things", "unit": "count", "frequency": "monthly", "target": None,
            "earlier": None} | values


def test_a_part_month_at_the_extract_date():
    # referrals counted from 1 to 15 November; 120 against 100 in November 2018: +20%
    sentence = key_figure(row(id="referrals", value=120, period_end=date(2021, 11, 15),
                              earlier=(date(2018, 11, 30), 100)))
    assert sentence == "120 referrals were received from 1 to 15 November 2021, 20% more than in November 2018."


def test_one_child_and_none_before():
    assert key_figure(row(id="cla_count", value=1, period_end=date(2021, 11, 30),
                          earlier=(date(2020, 11, 30), 0))) == (
        "1 child was looked after at the end of November 2021, up from none in November 2020.")


def test_generic_wording_by_unit():
    assert key_figure(row(unit="days", value=400.0, target=426.0, period_end=date(2021, 11, 30),
                          earlier=(date(2020, 11, 30), 431.5))) == (
        "Things: 400.0 days at the end of November 2021 (target 426.0 days), down from 431.5 days "
        "in November 2020.")
    assert key_figure(row(unit="percent", value=50.0, period_end=date(2021, 3, 31), frequency="annual",
                          earlier=(date(2020, 3, 31), 50.0))) == (
        "Things: 50.0% at the end of March 2021, the same as in March 2020.")


def test_nothing_to_say_without_a_value():
    assert key_figure(row(value=None, period_end=date(2021, 11, 30))) is None
    assert key_figure(row(value="c", period_end=date(2021, 11, 30))) is None
