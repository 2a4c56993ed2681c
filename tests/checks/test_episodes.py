"""Episode sequences of one child."""
from __future__ import annotations

import polars as pl

from carewatch.checks.episodes import check_episodes

from .helpers import d, located, only, table


def _episodes(*rows):
    return {"episodes": table("episodes", [{"child": "C1", "place": "U4", **row} for row in rows])}


def test_overlap_names_the_episode_overlapped():
    # 12/04-20/05 then 01/05: starts 19 days before the first ends
    tables = _episodes({"decom": d("12/04/2021"), "dec": d("20/05/2021"), "rec": "X1"},
                       {"decom": d("01/05/2021"), "dec": d("01/06/2021"), "rec": "E4A"})
    findings = check_episodes(tables)
    overlap = only(findings.filter(findings["code"] == "episode.overlap"))
    assert located(overlap) == ("episode.overlap", "error", "episodes.csv", 3, "DECOM", "C1")
    assert overlap["message"].startswith(
        "Episode starting 01/05/2021 overlaps the episode starting 12/04/2021 (ends 20/05/2021)")


def test_overlap_with_an_episode_nested_further_back():
    # A 01/01-01/12 contains B 01/02-01/03 and C 01/04-01/05: C overlaps A although B ended;
    # the latest-starting episode still running is named
    tables = _episodes({"decom": d("01/01/2021"), "dec": d("01/12/2021"), "rec": "X1"},
                       {"decom": d("01/02/2021"), "dec": d("01/03/2021"), "rec": "X1"},
                       {"decom": d("01/04/2021"), "dec": d("01/05/2021"), "rec": "X1"})
    overlaps = check_episodes(tables).filter(code="episode.overlap")
    assert overlaps["row"].to_list() == [3, 4]
    assert overlaps["message"].str.slice(0, 72).to_list() == [
        "Episode starting 01/02/2021 overlaps the episode starting 01/01/2021 (en",
        "Episode starting 01/04/2021 overlaps the episode starting 01/01/2021 (en",
    ]


def test_overlap_with_an_open_episode_further_back():
    # A 01/01 open, B 01/02-01/03, C 01/04-01/05: A is still open at both starts, so B and C
    # overlap it (A is also open but not last: a finding of its own)
    tables = _episodes({"decom": d("01/01/2021"), "rec": None},
                       {"decom": d("01/02/2021"), "dec": d("01/03/2021"), "rec": "X1"},
                       {"decom": d("01/04/2021"), "dec": d("01/05/2021"), "rec": "E4A"})
    overlaps = check_episodes(tables).filter(code="episode.overlap")
    assert overlaps["row"].to_list() == [3, 4]
    assert overlaps["message"].str.contains("overlaps the episode starting 01/01/2021 \\(still open\\)").all()


def test_episodes_starting_the_same_day_do_not_overlap_each_other():
    # two episodes from 01/02 (a same-day clash, not an overlap), then 01/03 after both ended on
    # 01/03: no overlap; 15/02 falls inside both, so only it overlaps
    tables = _episodes({"decom": d("01/02/2021"), "dec": d("01/03/2021"), "rec": "X1"},
                       {"decom": d("01/02/2021"), "dec": d("01/03/2021"), "rec": "X1", "place": "U5"},
                       {"decom": d("01/03/2021"), "dec": d("01/04/2021"), "rec": "E4A"},
                       {"decom": d("15/02/2021"), "dec": d("01/03/2021"), "rec": "X1"})
    findings = check_episodes(tables)
    overlap = only(findings.filter(code="episode.overlap"))
    assert (overlap["row"], overlap["message"][:68]) == (
        5, "Episode starting 15/02/2021 overlaps the episode starting 01/02/2021")
    assert findings.filter(code="episode.same_decom")["row"].to_list() == [3]


def test_contiguous_episodes_do_not_overlap():
    tables = _episodes({"decom": d("12/04/2021"), "dec": d("20/05/2021"), "rec": "X1"},
                       {"decom": d("20/05/2021"), "rec": None})
    assert check_episodes(tables).height == 0


def test_gap_after_x1():
    # ends 20/05 with X1 but the next episode starts 21/05
    tables = _episodes({"decom": d("12/04/2021"), "dec": d("20/05/2021"), "rec": "X1"},
                       {"decom": d("21/05/2021"), "rec": None})
    finding = only(check_episodes(tables))
    assert located(finding) == ("episode.gap", "error", "episodes.csv", 2, "REC", "C1")
    assert finding["message"] == (
        "Episode starting 12/04/2021 ends 20/05/2021 with REC X1 (child stays in care), but no episode "
        "starts on 20/05/2021; add the next episode or correct REC.")


def test_leaving_care_is_not_a_gap():
    tables = _episodes({"decom": d("12/04/2021"), "dec": d("20/05/2021"), "rec": "E4A"},
                       {"decom": d("01/09/2021"), "rec": None})
    assert check_episodes(tables).height == 0


def test_open_episode_that_is_not_the_last():
    # the open 01/01 episode "overlaps" the 01/03 one too; both problems are reported
    tables = _episodes({"decom": d("01/01/2021"), "dec": None},
                       {"decom": d("01/03/2021"), "dec": d("01/04/2021"), "rec": "E4A"})
    findings = check_episodes(tables)
    finding = only(findings.filter(code="episode.open_not_last"))
    assert located(finding) == ("episode.open_not_last", "error", "episodes.csv", 2, "DEC", "C1")
    assert finding["message"].startswith("Episode starting 01/01/2021 has no DEC but a later episode "
                                         "starts 01/03/2021")
    assert findings["code"].sort().to_list() == ["episode.open_not_last", "episode.overlap"]


def test_more_than_one_open_episode_is_one_finding_on_the_latest():
    # two open episodes, the later-starting one (01/03/2021) in row 2
    tables = _episodes({"decom": d("01/03/2021")}, {"decom": d("01/01/2021")})
    finding = only(check_episodes(tables).filter(code="episode.multiple_open"))
    assert located(finding) == ("episode.multiple_open", "error", "episodes.csv", 2, "DEC", "C1")
    assert finding["message"].startswith(
        "The child has 2 episodes without a DEC (starting 01/01/2021, 01/03/2021)")


def test_two_different_episodes_on_one_day():
    tables = _episodes({"decom": d("01/01/2021"), "dec": d("01/02/2021"), "rec": "X1", "place": "U4"},
                       {"decom": d("01/01/2021"), "dec": d("01/02/2021"), "rec": "X1", "place": "K2"},
                       {"decom": d("01/02/2021"), "rec": None})
    finding = only(check_episodes(tables))
    assert located(finding) == ("episode.same_decom", "error", "episodes.csv", 3, "DECOM", "C1")
    assert finding["message"].startswith("Episode starting 01/01/2021 differs from the episode in "
                                         "episodes.csv row 2")


def test_identical_copies_are_not_same_decom_errors():
    row = {"decom": d("01/01/2021"), "dec": d("01/02/2021"), "rec": "E4A"}
    assert check_episodes(_episodes(row, row)).height == 0


def test_children_are_checked_separately():
    tables = {"episodes": table("episodes", [
        {"child": "C1", "decom": d("01/01/2021"), "dec": d("01/06/2021"), "rec": "E4A"},
        {"child": "C2", "decom": d("01/03/2021"), "dec": d("01/04/2021"), "rec": "E4A"},
    ])}
    assert check_episodes(tables).height == 0


def test_dec_and_rec_recorded_together():
    # row 2: ended 01/06/2021 but no REC: whether care continued is unknowable, an error;
    # row 3: REC E4A but no DEC: treated as open, a warning; row 4: open (neither): fine
    tables = _episodes({"decom": d("01/04/2021"), "dec": d("01/06/2021"), "rec": None},
                       {"decom": d("01/06/2021"), "dec": None, "rec": "E4A"},
                       {"decom": d("01/09/2021"), "dec": None, "rec": None})
    found = check_episodes(tables).filter(pl.col("code").str.starts_with("episode.") &
                                          pl.col("code").str.contains("_without_")).sort("row")
    assert [located(f) for f in found.iter_rows(named=True)] == [
        ("episode.dec_without_rec", "error", "episodes.csv", 2, "REC", "C1"),
        ("episode.rec_without_dec", "warning", "episodes.csv", 3, "DEC", "C1"),
    ]
    assert found["message"].to_list() == [
        "Episode starting 01/04/2021 ends on 01/06/2021 but has no REC, so whether the child stayed in "
        "care (X1) or left cannot be told; record why the episode ended.",
        "Episode starting 01/06/2021 has REC E4A but no DEC; it is treated as still open. Record the "
        "end date, or clear REC while the episode is open.",
    ]
