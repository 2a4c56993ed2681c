"""The one chart module: Vega-Lite specifications for the dashboard and the report, and their SVG."""
import re
from datetime import date

import polars as pl

from carewatch.charts import render_svg, sparkline_svg, timeline_svg, trend_chart_spec, with_title

# October is missing (or suppressed): it must stay a gap, never a zero
SERIES = pl.DataFrame({"period_end": [date(2021, 9, 30), date(2021, 10, 31), date(2021, 11, 30)],
                       "value": [89.0, None, 96.0], "unit": ["percent"] * 3})


def path_data(svg: str) -> list[str]:
    return re.findall(r'\bd="([^"]+)"', svg)


def test_report_chart_layers():
    spec = trend_chart_spec(SERIES, target=100, england=91.0, marks=[(date(2020, 3, 23), "lockdown")],
                            width=300, height=130)
    assert (spec["width"], spec["height"]) == (300, 130)
    line, points, values, target, england, mark = spec["layer"]
    # a suppressed or missing month stays a gap (null), never a zero
    assert line["data"]["values"] == [{"period_end": "2021-09-30", "value": 89.0},
                                      {"period_end": "2021-10-31", "value": None},
                                      {"period_end": "2021-11-30", "value": 96.0}]
    assert target["data"]["values"] == [{"level": 100, "label": "Target 100"}]
    assert england["data"]["values"] == [{"level": 91.0, "label": "England 91"}]
    assert mark["data"]["values"] == [{"period_end": "2020-03-23", "label": "lockdown"}]
    # the time axis reaches back to the mark
    assert line["encoding"]["x"]["scale"]["domain"] == ["2020-03-23", "2021-11-30"]
    # the points are drawn, and each value (not the gap) has its words for the tooltip
    assert points["mark"]["type"] == "point" and values["encoding"]["tooltip"] == {"field": "tip"}
    # the unit column names the y axis
    assert line["encoding"]["y"]["title"] == "%"


def test_web_chart_with_an_england_series():
    england = pl.DataFrame({"period_end": [date(2021, 9, 30), date(2021, 11, 30), date(2021, 10, 31)],
                            "value": [80.0, None, 82.5]})
    spec = trend_chart_spec(SERIES.drop("unit"), target=90, england=england, unit="rate")
    # the page's default size; the unit argument names the y axis
    assert (spec["width"], spec["height"]) == (640, 260)
    line, _, _, target, england_line, england_label = spec["layer"]
    assert line["encoding"]["y"]["title"] == "per 10,000"
    assert target["data"]["values"] == [{"level": 90, "label": "Target 90"}]
    # England's frame is sorted by month, its gap kept, and labelled at its last figure (31 October)
    assert england_line["data"]["values"] == [{"period_end": "2021-09-30", "value": 80.0},
                                              {"period_end": "2021-10-31", "value": 82.5},
                                              {"period_end": "2021-11-30", "value": None}]
    assert england_label["data"]["values"] == [{"period_end": "2021-10-31", "value": 82.5, "label": "England"}]
    svg = render_svg(spec)
    assert ">England</text>" in svg and ">Target 90</text>" in svg


def test_the_unit_argument_wins_over_the_unit_column():
    assert trend_chart_spec(SERIES, unit="days")["layer"][0]["encoding"]["y"]["title"] == "days"


def test_several_series_are_coloured_in_order():
    # the data pack's three lines: this year and the two years before, one colour each, in order
    frame = pl.concat([SERIES.with_columns(pl.lit(s).alias("series")) for s in ("now", "before", "earlier")])
    line = trend_chart_spec(frame)["layer"][0]
    assert line["encoding"]["color"]["scale"] == {"domain": ["now", "before", "earlier"],
                                                  "range": ["#1d70b8", "#f47738", "#85994b"]}
    assert line["data"]["values"][:2] == [{"period_end": "2021-09-30", "value": 89.0, "series": "now"},
                                          {"period_end": "2021-10-31", "value": None, "series": "now"}]
    # drawn: one line per series in its colour, broken at the missing March. On 640 x 260 pixels,
    # y runs 0..7 (5 -> 260 * 2/7 = 74.286, 6 -> 37.143, 7 -> 0) and x 28 Jan..28 Apr, 90 days
    # (28 Feb -> 640 * 31/90 = 220.444); 28 April stands alone after the gap
    svg = render_svg(trend_chart_spec(pl.concat([
        pl.DataFrame({"period_end": [date(2021, m, 28) for m in (1, 2, 3, 4)], "value": [5.0, 6.0, None, 7.0],
                      "series": [s] * 4}) for s in ("now", "before", "earlier")])))
    lines = re.findall(r'<path d="([^"]+)" stroke="([^"]+)" stroke-width="2"/>', svg)
    assert lines == [("M0,74.286L220.444,37.143M640,0Z", colour) for colour in ("#1d70b8", "#f47738", "#85994b")]


def test_a_gap_breaks_the_line_rather_than_dropping_to_zero():
    # 50, 60, (none), 75, 80 on the 120 x 28 sparkline: x runs 28 Jan..28 May, 120 days, one pixel a
    # day (28 Feb -> 31, 28 Apr -> 90); y runs 50..80 (60 -> 28 * 20/30 = 18.667, 75 -> 28 * 5/30 =
    # 4.667). The line is two pieces; a zero would have stretched the y axis down to 0.
    frame = pl.DataFrame({"period_end": [date(2021, m, 28) for m in range(1, 6)],
                          "value": [50.0, 60.0, None, 75.0, 80.0]})
    svg = sparkline_svg(frame)
    assert re.findall(r'points="([^"]+)"', svg) == ["0,28 31,18.667", "90,4.667 120,0"]
    # a point alone between gaps is no line (as before, when vl-convert drew it)
    alone = frame.with_columns(pl.Series("value", [50.0, None, 60.0, None, 80.0]))
    assert "points=" not in sparkline_svg(alone)


def test_title_is_wrapped_into_lines():
    spec = with_title(trend_chart_spec(SERIES), "Figure 8. A1: days from entering care to moving in with "
                                                "the adoptive family")
    assert spec["title"]["text"] == ["Figure 8. A1: days from entering care to moving",
                                     "in with the adoptive family"]


def test_the_title_argument_wraps_to_the_chart_width():
    # 300 pixels / 7 pixels a character of the 12-pixel title = 42 characters a line
    spec = trend_chart_spec(SERIES, title="Children looked after who had a visit on time in the month",
                            width=300)
    assert spec["title"]["text"] == ["Children looked after who had a visit on", "time in the month"]
    assert "title" not in trend_chart_spec(SERIES)


def test_svg_ids_are_unique_to_each_chart():
    # clip paths appear when the marks are clipped; two different charts must not share their ids
    def clipped(frame):
        spec = trend_chart_spec(frame)
        return render_svg(spec | {"layer": [spec["layer"][0] | {"mark": {"type": "line", "clip": True}}]})

    first, second = clipped(SERIES), clipped(SERIES.head(2))
    assert first.startswith("<svg") and second.startswith("<svg")
    ids_first, ids_second = set(re.findall(r'id="([^"]+)"', first)), set(re.findall(r'id="([^"]+)"', second))
    assert ids_first and ids_second and not ids_first & ids_second
    assert all(f"url(#{i})" in first for i in ids_first)
    assert "clip1" not in {i.split("-", 1)[0] for i in ids_first}


def test_render_svg_is_one_labelled_image():
    spec = trend_chart_spec(SERIES)
    for svg, unlabelled in ((render_svg(spec, label='Visits "on time"'), render_svg(spec)),
                            (sparkline_svg(SERIES, label='Visits "on time"'), sparkline_svg(SERIES))):
        assert svg.startswith('<svg role="img" aria-label="Visits &quot;on time&quot;" focusable="false" ')
        # the pages' content security policy allows neither scripts nor inline styles
        assert "<script" not in svg and "style=" not in svg
        assert not unlabelled.startswith('<svg role="img"')


def test_the_timeline_draws_each_spell_to_its_end_an_open_one_to_the_as_of_date():
    spells = pl.DataFrame({"lane": ["Placements", "Placements"], "label": ["U3", "K2"],
                           "start_date": [date(2020, 1, 10), date(2021, 2, 1)], "end_date": [date(2021, 2, 1), None]})
    duties = pl.DataFrame({"duty": ["VISIT"], "due": [date(2021, 11, 21)], "status": ["overdue"]})
    svg = timeline_svg(spells, duties, as_of=date(2021, 11, 30), width=700, label="Timeline")
    # lanes "Placements" then "Duty VISIT" (10 characters: 8 + 11 * 0.6 * 10 = 74 px for their
    # labels); x runs from 74 px on 10 Jan 2020 to 700 - 10 = 690 px on the as-of date, 30 Nov 2021,
    # 690 days later: 616 / 690 px a day. U3 ends on day 388 (1 Feb 2021): 74 + 388 * 616/690 =
    # 420.4; K2 runs from there to the as-of date: 690 - 420.4 = 269.6 wide.
    assert re.findall(r'<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"', svg) == [
        ("74.0", "5.0", "346.4"), ("420.4", "5.0", "269.6")]  # lane 1's middle 12, bar 14 high
    assert ">U3</text>" in svg and ">K2</text>" in svg and ">Duty VISIT</text>" in svg
    # the overdue visit (day 681: 74 + 681 * 616/690 = 682.0) in lane 2 (middle 36), in red
    assert '<circle cx="682.0" cy="36.0" r="3.6" fill="#d4351c"' in svg
    assert '<line x1="690.0" x2="690.0" y1="0" y2="48" stroke="#0b0c0c" stroke-dasharray="4 2"/>' in svg
    # the axis: 23 months, every 3 (23 // 3 = 7 ticks at most, within 8), from the first quarter's
    # start after 10 Jan 2020
    assert re.findall(r">(\w{3} \d{4})</text>", svg) == ["Apr 2020", "Jul 2020", "Oct 2020", "Jan 2021",
                                                          "Apr 2021", "Jul 2021", "Oct 2021"]
    assert ">Duty status</text>" in svg and ">done on time</text>" in svg
    assert svg.startswith('<svg role="img" aria-label="Timeline" focusable="false" ')
    # no duties, no key; a label with markup in it is text
    quiet = timeline_svg(spells.with_columns(pl.lit("<b>").alias("label")), duties.clear(),
                         as_of=date(2021, 11, 30))
    assert "Duty status" not in quiet and ">&lt;b&gt;</text>" in quiet and 'height="46"' in quiet  # one lane (24) and the axis (22)


def test_every_value_has_its_words_for_the_tooltip_and_the_month_to_date_is_drawn_as_such():
    # November is the month to date: not on the solid line, but a dashed segment from October (the
    # last complete month with a value) to a hollow point, labelled "month to date"
    frame = pl.DataFrame({"period_end": [date(2021, 9, 30), date(2021, 10, 31), date(2021, 11, 30)],
                          "value": [60.0, 65.0, 70.0], "month_to_date": [False, False, True]})
    spec = trend_chart_spec(frame, unit="percent")
    line, _, _, dashed, hollow, label = spec["layer"]
    assert [p["period_end"] for p in line["data"]["values"]] == ["2021-09-30", "2021-10-31"]
    assert [p["period_end"] for p in dashed["data"]["values"]] == ["2021-10-31", "2021-11-30"]
    assert dashed["mark"]["strokeDash"] == [4, 3] and hollow["mark"]["filled"] is False
    assert label["mark"]["text"] == "month to date"
    svg = render_svg(spec)
    assert re.findall(r'aria-label="([^"]+)"', svg)[2:] == [
        "September 2021: 60.0%", "October 2021: 65.0%", "month to date, November 2021: 70.0%"]
    assert ">month to date</text>" in svg
    # counts whole, days with the unit
    svg = render_svg(trend_chart_spec(frame.with_columns(pl.lit(False).alias("month_to_date")), unit="count"))
    assert "November 2021: 70\"" in svg
    assert "October 2021: 65.0 days" in render_svg(trend_chart_spec(frame, unit="days"))


def test_every_chart_text_is_at_least_11_pixels():
    from carewatch.charts import TEXT_PX

    frame = SERIES.with_columns(pl.lit("now").alias("series"))
    charts = [render_svg(spec) for spec in (
        trend_chart_spec(SERIES, target=100, england=91.0, marks=[(date(2020, 3, 23), "lockdown")],
                         title="Figure 1. A title"), trend_chart_spec(frame))]
    charts.append(timeline_svg(pl.DataFrame({"lane": ["Placements"], "label": ["U1"], "start_date": [date(2021, 1, 1)],
                                             "end_date": [None]}),
                               pl.DataFrame({"duty": ["VISIT"], "due": [date(2021, 3, 1)], "status": ["overdue"]}),
                               as_of=date(2021, 11, 30)))
    # every text element has its size (the sparkline has none)
    assert all(svg.count("<text") == svg.count('font-size="') for svg in charts[2:])
    sizes = {float(size) for svg in charts for size in re.findall(r'font-size="([\d.]+)px"', svg)}
    assert TEXT_PX == 11 and sizes and min(sizes) >= 11
