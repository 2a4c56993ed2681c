"""Small-number suppression rules, one row per case."""
import polars as pl

from carewatch.reports.suppression import mark_suppressed, small_count

CASES = [
    # unit, numerator, denominator, value, suppressed?  (why)
    ("count", None, None, 0, False),        # 0 discloses nobody
    ("count", None, None, 1, True),
    ("count", None, None, 5, True),
    ("count", None, None, 6, False),
    ("percent", 45, 60, 75.0, False),       # 45, 60, 15 all over 5; 60 >= 10
    ("percent", 96, 100, 96.0, True),       # difference 100 - 96 = 4
    ("percent", 3, 40, 7.5, True),          # numerator 3
    ("percent", 0, 12, 0.0, False),         # 0, 12, 12
    ("percent", 8, 8, 100.0, True),         # denominator 8 < 10
    ("percent", 10, 10, 100.0, False),      # 10, 10, difference 0
    ("percent", None, None, 95.2, True),    # no denominator: cannot be shown safe
    ("percent", None, None, None, False),   # nothing to show
    ("rate", 4, 173873, 0.2, True),         # 4 children
    ("rate", 865, 173873, 49.7, False),
    ("days", 1200, 3, 400.0, True),         # a mean over 3 children
    ("days", 4000, 10, 400.0, False),
]


def test_each_rule():
    frame = pl.DataFrame([c[:4] for c in CASES], orient="row",
                         schema={"unit": pl.Utf8, "numerator": pl.Int64, "denominator": pl.Int64,
                                 "value": pl.Float64})
    assert mark_suppressed(frame, public=True)["suppressed"].to_list() == [c[4] for c in CASES]


def test_nothing_suppressed_in_the_full_version():
    frame = pl.DataFrame({"unit": ["count"], "numerator": [None], "denominator": [None], "value": [3.0]})
    assert mark_suppressed(frame, public=False)["suppressed"].to_list() == [False]


def test_small_count():
    assert [small_count(v) for v in (None, 0, 1, 5, 6)] == [False, False, True, True, False]
