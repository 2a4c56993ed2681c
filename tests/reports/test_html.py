"""The HTML report is one self-contained file with a chart for every figure."""
import re

from carewatch.kpis import REGISTRY
from carewatch.reports import build_report_context
from carewatch.reports.html import css_string, render_html


def test_self_contained(full_report):
    html = full_report["html"].read_text()
    assert not re.search(r"<(script|link|img|iframe|object)\b", html)
    assert not re.search(r"\bsrc\s*=", html)
    assert not re.search(r"@import", html)
    # links only inside the page; url() only to a clip path in the same chart
    assert set(re.findall(r'href="(.)', html)) == {"#"}
    assert set(re.findall(r"url\((.)", html)) <= {"#"}
    # the only addresses left are XML namespace names, which nothing fetches
    without_namespaces = re.sub(r'xmlns(:\w+)?="[^"]*"', "", html)
    assert "http" not in without_namespaces


def test_every_chart_is_inline_svg(full_report, snapshot):
    html = full_report["html"].read_text()
    # 11 indicators with values (conftest) and the data pack's 3
    assert html.count("<svg") == 14
    for number in range(1, 15):
        assert f'id="figure-{number}"' in html
    # drawn once in each data pack chart; the page's own text says "23 March 2020, the first …"
    assert html.count(">23 March 2020: first national lockdown</text>") == 3


def test_chart_ids_do_not_collide(full_report):
    html = full_report["html"].read_text()
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_names_from_the_data_are_escaped(snapshot):
    context = build_report_context(snapshot, None, False, charts=False)
    context["la_name"] = 'Evil </style><script>alert("x")</script> & Co'
    html = render_html(context, pdf=True)
    assert "<script>" not in html
    assert "&lt;/style&gt;&lt;script&gt;" in html
    # the running header's CSS string cannot close the <style> element
    assert css_string('a"b</style>') == '"a\\"b\\3C /style>"'


def test_a_snapshot_without_indicator_values_still_reports(tmp_path):
    import duckdb

    from carewatch.kpis.targets import in_force, with_target
    from carewatch.reports import write_report
    from carewatch.settings import DEFAULT
    from carewatch.snapshot import SCHEMA_SQL

    con = duckdb.connect(str(tmp_path / "empty.duckdb"))
    con.execute(SCHEMA_SQL)
    con.execute("INSERT INTO meta VALUES ('snapshot_id', 'empty'), ('extract_date', '2021-11-30')")
    paths = write_report(con, tmp_path / "out")
    assert sorted(p.name for p in paths.values()) == [
        "performance-summary.html", "performance-summary.pdf", "performance-summary.xlsx"]
    html = paths["html"].read_text()
    assert "<svg" not in html
    # each indicator's row, and each scorecard row (an indicator with a target in force)
    scorecard = with_target(in_force(DEFAULT))
    assert html.count(">no data<") == len(REGISTRY) + len(scorecard)
    # the data pack says so rather than showing empty tables
    assert html.count("No data: the snapshot holds no monthly values for this indicator.") == 3
