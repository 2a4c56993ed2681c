"""Impossible dates: an end before its start, an episode or review before the child was born."""
from __future__ import annotations

import polars as pl

from carewatch.checks.common import check, ddmmyyyy, has, header_dob, located, source_column
from carewatch.checks.findings import Severity, concat_findings, empty_findings, findings_from_rows

DEC_BEFORE_DECOM = check(
    "date.dec_before_decom", "Episode ends before it starts", Severity.ERROR,
    "Episode starting {decom} ends {dec}, before it starts; correct DEC or DECOM.", "episodes",
    remedy=("Correct the episode's DEC or DECOM in the case-management system; the child is left out of "
            "duties and figures until it is fixed."))
DECOM_BEFORE_BIRTH = check(
    "date.decom_before_birth", "Episode starts before the child's birth", Severity.ERROR,
    "Episode starting {decom} starts before the child's date of birth in Header ({dob}); "
    "correct DECOM or DOB.", "episodes",
    remedy="Check the date of birth and the episode's start with the child's record and correct whichever is wrong.")
REVIEW_BEFORE_BIRTH = check(
    "date.review_before_birth", "Review before the child's birth", Severity.ERROR,
    "Review on {review} is before the child's date of birth in Header ({dob}); "
    "correct REVIEW or DOB.", "reviews",
    remedy="Check the review date and the date of birth and correct whichever is wrong.")
END_BEFORE_START = check(
    "date.end_before_start", "End date before start date", Severity.ERROR,
    "{column} {end} is before {start_column} {start} in the same row; correct one of them.",
    remedy="Correct the start or end date in the source system and re-export; the row is left out until then.")

# (table, start, end): pairs where the second date cannot come before the first
DATE_PAIRS: list[tuple[str, str, str]] = [
    ("missing", "mis_start", "mis_end"),
    ("sw_episodes", "sw_decom", "sw_dec"),
    ("dolo", "dolo_start", "dolo_end"),
    ("ad1", "date_int", "date_match"),
    ("placed_adoption", "date_placed", "date_placed_ceased"),
    ("allocations", "start_date", "end_date"),
    ("health_assessments", "requested", "completed"),
    ("pre_birth_assessments", "referral_date", "completed"),
    ("foster_households", "approved", "deregistered"),
    ("foster_placements", "start_date", "end_date"),
    ("fostering_enquiries", "enquiry_date", "assessment_start"),
    ("fostering_enquiries", "enquiry_date", "outcome_date"),
    ("nts_referrals", "referral_date", "arrival_date"),
    ("early_help", "start_date", "end_date"),
    ("personal_advisers", "start_date", "end_date"),
    # an adopter's journey: enquiry, stage 1, stage 2, approval, match, placement, adoption order
    ("adopters", "enquiry_date", "stage1_start"),
    ("adopters", "stage1_start", "stage1_end"),
    ("adopters", "stage1_end", "stage2_start"),
    ("adopters", "stage2_start", "stage2_end"),
    ("adopters", "application_date", "approval_date"),
    ("adopters", "approval_date", "match_date"),
    ("adopters", "match_date", "placed_date"),
    ("adopters", "placed_date", "adoption_order_date"),
    ("cin_referrals", "referral_date", "closure_date"),
    ("cin_assessments", "start_date", "authorisation_date"),
    ("cin_cp_plans", "start_date", "end_date"),
]


def _episode_dates(tables: dict[str, pl.DataFrame], dob: pl.DataFrame | None) -> pl.DataFrame:
    if not has(tables, "episodes", "child", "decom", "dec"):
        return empty_findings()
    episodes = tables["episodes"]
    frames = [findings_from_rows(DEC_BEFORE_DECOM, located(
        episodes.filter(pl.col("dec") < pl.col("decom")),
        ddmmyyyy(pl.col("decom")).alias("decom"), ddmmyyyy(pl.col("dec")).alias("dec"), column="DEC"))]
    if dob is not None:
        frames.append(findings_from_rows(DECOM_BEFORE_BIRTH, located(
            _before_birth(episodes, "decom", dob), ddmmyyyy(pl.col("decom")).alias("decom"),
            ddmmyyyy(pl.col("header_dob")).alias("dob"), column="DECOM")))
    return concat_findings(frames)


def _reviews_before_birth(tables: dict[str, pl.DataFrame], dob: pl.DataFrame | None) -> pl.DataFrame:
    if dob is None or not has(tables, "reviews", "child", "review"):
        return empty_findings()
    return findings_from_rows(REVIEW_BEFORE_BIRTH, located(
        _before_birth(tables["reviews"], "review", dob), ddmmyyyy(pl.col("review")).alias("review"),
        ddmmyyyy(pl.col("header_dob")).alias("dob"), column="REVIEW"))


# a table this long is joined to Header's dates of birth on the streaming engine (_before_birth)
_STREAMED_ROWS = 200_000


def _before_birth(table: pl.DataFrame, date: str, dob: pl.DataFrame) -> pl.DataFrame:
    """The rows of ``table`` whose ``date`` is before the child's date of birth in Header (header_dob).
    Only the child and the date are joined, in whatever order the join gives (keeping the table's
    order costs the join a third more): the rows found, few, are put back in order, and only they
    have the table's other columns gathered. In a long table the join and its filter run on the
    streaming engine, a batch of rows at a time, so the joined rows (nearly all of the table) are
    never held whole: national Reviews and Episodes 0.6-0.7 s of CPU against 0.9-1.2 s, a third of
    the page faults; a short table's (a council's) costs less in memory, without starting it."""
    engine = "streaming" if table.height >= _STREAMED_ROWS else "in-memory"
    found = (table.lazy().select("child", date).with_row_index("_at").join(dob.lazy(), on="child")
             .filter(pl.col(date) < pl.col("header_dob")).collect(engine=engine).sort("_at"))
    return table.select(pl.all().gather(found.get_column("_at"))).with_columns(found.get_column("header_dob"))


def _date_pairs(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    frames = []
    for table, start, end in DATE_PAIRS:
        if not has(tables, table, start, end):
            continue
        bad = tables[table].filter(pl.col(end) < pl.col(start))
        frames.append(findings_from_rows(END_BEFORE_START, located(
            bad, ddmmyyyy(pl.col(end)).alias("end"), ddmmyyyy(pl.col(start)).alias("start"),
            pl.lit(source_column(start)).alias("start_column"), column=source_column(end))))
    return concat_findings(frames)


def check_dates(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    dob = header_dob(tables)
    return concat_findings([_episode_dates(tables, dob), _reviews_before_birth(tables, dob), _date_pairs(tables)])
