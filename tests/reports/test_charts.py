"""Chart specifications and their SVG."""
import re
from datetime import date

import polars as pl

from carewatch.reports.charts import render_svg, trend_chart_spec, with_title

SERIES = pl.DataFrame({"period_end": [date(2021, 9, 30), date(2021, 10, 31), date(2021, 11, 30)],
                       "value": [89.0, None, 96.0], "unit": ["percent"] * 3})


def test_spec_layers():
    spec = trend_chart_spec(SERIES, target=100, england=91.0, marks=[(date(2020, 3, 23), "lockdown")])
    line, target, england, mark = spec["layer"]
    # a suppressed or missing month stays a gap (null), never a zero
    assert line["data"]["values"] == [{"period_end": "2021-09-30", "value": 89.0},
                                      {"period_end": "2021-10-31", "value": None},
                                      {"period_end": "2021-11-30", "value": 96.0}]
    assert target["data"]["values"] == [{"level": 100, "label": "Target 100"}]
    assert england["data"]["values"] == [{"level": 91.0, "label": "England 91"}]
    assert mark["data"]["values"] == [{"period_end": "2020-03-23", "label": "lockdown"}]
    # the time axis reaches back to the mark
    assert line["encoding"]["x"]["scale"]["domain"] == ["2020-03-23", "2021-11-30"]
    assert line["encoding"]["y"]["title"] == "%"


def test_several_series_are_coloured_in_order():
    frame = pl.concat([SERIES.with_columns(pl.lit(s).alias("series")) for s in ("now", "before")])
    spec = trend_chart_spec(frame)
    assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == ["now", "before"]


def test_title_is_wrapped_into_lines():
    spec = with_title(trend_chart_spec(SERIES), "Figure 8. A1: days from entering care to moving in with "
                                                "the adoptive family")
    assert spec["title"]["text"] == ["Figure 8. A1: days from entering care to moving",
                                     "in with the adoptive family"]


def test_svg_ids_are_unique_to_each_chart():
    # clip paths appear when the marks are clipped; two different charts must not share their ids
    first = render_svg(trend_chart_spec(SERIES) | {"layer": [trend_chart_spec(SERIES)["layer"][0]
                                                             | {"mark": {"type": "line", "clip": True}}]})
    second = render_svg(trend_chart_spec(SERIES.head(2)) | {"layer": [trend_chart_spec(SERIES.head(2))["layer"][0]
                                                                      | {"mark": {"type": "line", "clip": True}}]})
    assert first.startswith("<svg") and second.startswith("<svg")
    ids_first, ids_second = set(re.findall(r'id="([^"]+)"', first)), set(re.findall(r'id="([^"]+)"', second))
    assert ids_first and ids_second and not ids_first & ids_second
    assert all(f"url(#{i})" in first for i in ids_first)
