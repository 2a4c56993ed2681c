"""Episode sequences: each child's episodes must follow one another without overlaps or gaps,
and only the last may be open (DOMAIN.md A1: episodes of a period of care are joined by REC X1)."""
from __future__ import annotations

import polars as pl

from carewatch.checks.common import check, ddmmyyyy, has, is_blank, located
from carewatch.checks.findings import Severity, concat_findings, empty_findings, findings_from_rows

OVERLAP = check(
    "episode.overlap", "Overlapping episodes", Severity.ERROR,
    "Episode starting {decom} overlaps the episode starting {other_decom} ({other_end}); "
    "correct the DEC of the earlier episode or the DECOM of this one.", "episodes",
    remedy="Correct the earlier episode's DEC or the later one's DECOM so the episodes meet without overlapping.")
GAP = check(
    "episode.gap", "Gap inside a period of care", Severity.ERROR,
    "Episode starting {decom} ends {dec} with REC X1 (child stays in care), but no episode starts "
    "on {dec}; add the next episode or correct REC.", "episodes",
    remedy="Add the missing episode that starts on the end date, or change REC from X1 if the child left care then.")
OPEN_NOT_LAST = check(
    "episode.open_not_last", "Open episode followed by a later one", Severity.ERROR,
    "Episode starting {decom} has no DEC but a later episode starts {latest_decom}; "
    "record when it ended.", "episodes",
    remedy="Record the end date (DEC) and reason (REC) of the earlier episode.")
MULTIPLE_OPEN = check(
    "episode.multiple_open", "More than one open episode", Severity.ERROR,
    "The child has {open_episodes} episodes without a DEC (starting {starts}); only the latest "
    "episode can be open.", "episodes",
    remedy="Close the earlier open episodes (DEC and REC) so only the current one is open.")
SAME_DECOM = check(
    "episode.same_decom", "Two different episodes start on the same day", Severity.ERROR,
    "Episode starting {decom} differs from the episode in {first_file} row {first_row}, which "
    "starts the same day; keep one of them.", "episodes",
    remedy=("Keep one of the two episodes that start the same day (delete the other in the source system), "
            "then re-export."))

DEC_WITHOUT_REC = check(
    "episode.dec_without_rec", "Episode ended with no reason", Severity.ERROR,
    "Episode starting {decom} ends on {dec} but has no REC, so whether the child stayed in care "
    "(X1) or left cannot be told; record why the episode ended.", "episodes",
    remedy=("Record why the episode ended (REC) in the case-management system: X1 if the child stayed in "
            "care, else the reason care ended."))
REC_WITHOUT_DEC = check(
    "episode.rec_without_dec", "Reason recorded on an open episode", Severity.WARNING,
    "Episode starting {decom} has REC {rec} but no DEC; it is treated as still open. Record the "
    "end date, or clear REC while the episode is open.", "episodes",
    remedy="Record the end date if the episode has ended, else clear REC; until then it is treated as open.")

# columns that describe the episode itself (not where or in which return it was found)
_SOURCE_COLUMNS = ("_file", "_row", "year")
# the columns the sequence rules read
_SEQUENCE_COLUMNS = ("child", "decom", "dec", "rec")


def _dated(tables: dict[str, pl.DataFrame]) -> pl.DataFrame | None:
    """The episodes with a child and a DECOM, numbered by their row in the table (_episode), sorted
    once by child and DECOM for every rule below, each child numbered (_child) so that the rules
    compare neighbouring rows and integers rather than hash children's ids (a sort of 1.1 M episodes
    instead of a join, a window and a grouping by child each). Only the columns the rules read are
    sorted (the episode's other columns are gathered by _episode for the few rows that need them):
    a third of the copying and of the fresh pages of sorting the whole table."""
    if not has(tables, "episodes", "child", "decom", "dec", "rec", "_row"):
        return None
    new_child = (pl.col("child") != pl.col("child").shift()).fill_null(True)
    return (tables["episodes"].select(*_SOURCE_COLUMNS[:2], *_SEQUENCE_COLUMNS)
            .with_row_index("_episode")
            .filter(pl.col("child").is_not_null() & pl.col("decom").is_not_null())
            .sort("child", "decom", maintain_order=True)
            .with_columns(new_child.cum_sum().cast(pl.Int64).alias("_child")))


def _overlapped(episodes: pl.DataFrame) -> pl.DataFrame:
    """The episodes that some earlier-starting episode of their child is still open at: the
    latest end among the child's episodes starting before this one's DECOM (open: no end) is after
    it. A running maximum over the episodes sorted by child and DECOM, instead of pairing every
    episode of a child with every other (national: 1.1 M episodes, up to 67 a child); only the
    few it finds are paired. The running maximum is one pass over the whole column, not one per
    child: each child's days are lifted into a band of their own (child number x _BAND), so no
    child's ends reach the next child's rows; episodes starting the same day all read the maximum
    before the first of them."""
    new_child = (pl.col("_child") != pl.col("_child").shift()).fill_null(True)
    new_day = new_child | (pl.col("decom") != pl.col("decom").shift())
    band = pl.col("_child") * _BAND
    end = pl.when(pl.col("dec").is_null()).then(_BAND - 1).otherwise(pl.col("dec").cast(pl.Int64) + _DAY0)
    before = pl.when(new_day).then((band + end).cum_max().shift(1)).forward_fill() - band
    return episodes.filter(before > pl.col("decom").cast(pl.Int64) + _DAY0)


# days since 1970 lifted above zero (a DEC before a DECOM, or in 1900, stays in the band), and
# the width of each child's band: an open episode ends at the band's top
_DAY0, _BAND = 1_000_000, 10_000_000


def _overlaps(episodes: pl.DataFrame) -> pl.DataFrame:
    # every earlier-starting episode still open when this one starts; the latest-starting is named
    pairs = (_overlapped(episodes)
             .join(episodes.select("_child", "_episode", "decom", "dec"), on="_child", suffix="_other")
             .filter((pl.col("decom_other") < pl.col("decom"))
                     & (pl.col("dec_other").is_null() | (pl.col("dec_other") > pl.col("decom")))))
    latest = pairs.sort("decom_other", "_episode_other").group_by("_episode").last()
    other_end = (pl.when(pl.col("dec_other").is_null()).then(pl.lit("still open"))
                 .otherwise(pl.concat_str(pl.lit("ends "), ddmmyyyy(pl.col("dec_other")))))
    return findings_from_rows(OVERLAP, located(
        latest.sort("_episode"), ddmmyyyy(pl.col("decom")).alias("decom"),
        ddmmyyyy(pl.col("decom_other")).alias("other_decom"), other_end.alias("other_end"),
        column="DECOM"))


def _gaps(episodes: pl.DataFrame) -> pl.DataFrame:
    starts = episodes.select(_child_day(pl.col("decom"))).to_series()
    gaps = (episodes.filter((pl.col("rec") == "X1") & pl.col("dec").is_not_null())
            .filter(~_child_day(pl.col("dec")).is_in(starts.implode())))
    return findings_from_rows(GAP, located(
        gaps.sort("_episode"), ddmmyyyy(pl.col("decom")).alias("decom"), ddmmyyyy(pl.col("dec")).alias("dec"),
        column="REC"))


def _child_day(day: pl.Expr) -> pl.Expr:
    """A child's day as one integer, exactly (the child's number x 2**32 + the day's number made 0 to
    2**32 - 1): looked up faster than the pair of child and date."""
    return pl.col("_child") * 2**32 + day.cast(pl.Int64) + 2**31


def _open_episodes(episodes: pl.DataFrame) -> pl.DataFrame:
    # sorted by DECOM, a child's latest DECOM is on its last row, read back up its rows
    last_of_child = (pl.col("_child") != pl.col("_child").shift(-1)).fill_null(True)
    latest = pl.when(last_of_child).then(pl.col("decom")).backward_fill()
    not_last = episodes.with_columns(latest.alias("latest")).filter(
        pl.col("dec").is_null() & (pl.col("decom") < pl.col("latest"))).sort("_episode")
    open_ones = episodes.filter(pl.col("dec").is_null())
    several = (open_ones.group_by("child", maintain_order=True)
               .agg(pl.col("_file").last(), pl.col("_row").last(), pl.len().alias("open_episodes"),
                    ddmmyyyy(pl.col("decom")).str.join(", ").alias("starts"))
               .filter(pl.col("open_episodes") > 1)
               .rename({"_file": "file", "_row": "row"}))
    return concat_findings([
        findings_from_rows(OPEN_NOT_LAST, located(
            not_last, ddmmyyyy(pl.col("decom")).alias("decom"),
            ddmmyyyy(pl.col("latest")).alias("latest_decom"), column="DEC")),
        findings_from_rows(MULTIPLE_OPEN, several.with_columns(pl.lit("DEC").alias("column"))),
    ])


def _same_decom(table: pl.DataFrame, episodes: pl.DataFrame) -> pl.DataFrame:
    # identical copies are row.duplicate warnings; only differing episodes on one day are errors
    content = [c for c in table.columns if c not in _SOURCE_COLUMNS]
    # only a child's day with two episodes can clash (neighbours in the sorted episodes): the rest
    # (nearly all) are left out first, and only they have their whole row gathered from the table
    same_day = [(pl.col("_child") == pl.col("_child").shift(n)) & (pl.col("decom") == pl.col("decom").shift(n))
                for n in (1, -1)]
    at = episodes.filter(pl.any_horizontal(same_day).fill_null(False)).get_column("_episode")
    shared_day = table.select(pl.all().gather(at))
    distinct = shared_day.sort("_file", "_row").unique(content, keep="first", maintain_order=True)
    clashes = (distinct.with_columns(pl.col("_file").first().over("child", "decom").alias("first_file"),
                                     pl.col("_row").first().over("child", "decom").alias("first_row"),
                                     pl.int_range(pl.len()).over("child", "decom").alias("_nth"))
               .filter(pl.col("_nth") > 0))
    return findings_from_rows(SAME_DECOM, located(
        clashes, ddmmyyyy(pl.col("decom")).alias("decom"), "first_file", "first_row", column="DECOM"))


def _dec_rec_unpaired(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    # a DEC the reader could not parse is already a value.bad_date error; only a DEC that is
    # really blank counts here, so the rule looks at the typed DEC and the REC text
    episodes = tables["episodes"]
    dec_only = episodes.filter(pl.col("dec").is_not_null() & is_blank(pl.col("rec")))
    rec_only = episodes.filter(pl.col("dec").is_null() & ~is_blank(pl.col("rec")))
    return concat_findings([
        findings_from_rows(DEC_WITHOUT_REC, located(
            dec_only, ddmmyyyy(pl.col("decom")).alias("decom"), ddmmyyyy(pl.col("dec")).alias("dec"),
            column="REC")),
        findings_from_rows(REC_WITHOUT_DEC, located(
            rec_only, ddmmyyyy(pl.col("decom")).alias("decom"), "rec", column="DEC")),
    ])


def check_episodes(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    episodes = _dated(tables)
    if episodes is None:
        return empty_findings()
    return concat_findings([_overlaps(episodes), _gaps(episodes), _open_episodes(episodes),
                            _same_decom(tables["episodes"], episodes), _dec_rec_unpaired(tables)])
