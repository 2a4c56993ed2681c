"""Every finding code says what to do about it, in its check's definition; docs/checks.md and the
data-quality page show it."""
import duckdb

from carewatch.checks.catalogue import DOCS_PATH, catalogue_markdown, register_all
from carewatch.checks.findings import REGISTRY


def test_every_check_code_has_a_remedy():
    register_all()
    assert len(REGISTRY) > 50
    assert [code for code, check in REGISTRY.items() if len(check.remedy.strip()) < 20] == []


def test_the_catalogue_shows_each_remedy_and_is_current():
    text = catalogue_markdown()
    assert "| what to do |" in text and REGISTRY["episode.gap"].remedy in text
    assert DOCS_PATH.read_text(encoding="utf-8") == text


def test_the_data_quality_page_groups_findings_by_code_with_what_to_do():
    from carewatch.web.data import findings_by_code

    con = duckdb.connect()
    con.execute("CREATE TABLE findings (code VARCHAR, severity VARCHAR, file VARCHAR, \"row\" BIGINT, "
                "\"column\" VARCHAR, child VARCHAR, message VARCHAR)")
    # three episode.gap findings about two children, one row.duplicate, one code no check defines
    con.execute("""INSERT INTO findings VALUES
        ('episode.gap', 'error', 'episodes.csv', 2, 'DEC', 'A', 'm'),
        ('episode.gap', 'error', 'episodes.csv', 3, 'DEC', 'A', 'm'),
        ('episode.gap', 'error', 'episodes.csv', 9, 'DEC', 'B', 'm'),
        ('row.duplicate', 'warning', 'episodes.csv', 4, NULL, 'A', 'm'),
        ('OLD_CODE', 'warning', 'x.csv', 1, NULL, NULL, 'm')""")
    rows = findings_by_code(con).to_dicts()
    assert [(r["code"], r["severity"], r["findings"], r["children"]) for r in rows] == [
        ("episode.gap", "error", 3, 2), ("OLD_CODE", "warning", 1, 0), ("row.duplicate", "warning", 1, 1)]
    assert rows[0]["title"] == "Gap inside a period of care" and rows[0]["what_to_do"] == REGISTRY["episode.gap"].remedy
    assert rows[1]["what_to_do"] is None
