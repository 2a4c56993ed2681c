"""Periods of care, placements and visit placements, derived from Episodes (KPIS.md "Shared definitions").

Everything is window functions over the episodes of children not quarantined (three passes):

- a **period of care** starts at a child's first episode and at every episode that does not follow
  on from the previous one (previous ``REC`` not X1, or a gap: the previous ``DEC`` is not this
  ``DECOM``); it ends at the ``DEC`` of its last episode (null while open);
- a **placement** (one carer) starts at the first non-temporary episode of a period and at every
  later episode with ``RNE`` S, P or B, except the episode that returns the child from a temporary
  placement (``PLACE`` T0–T4) to the carer they had before it (same ``PLACE`` and ``PL_POST`` as the
  last non-temporary episode): that one continues the earlier placement. Temporary episodes belong
  to no placement, and a placement's span includes any temporary spell it continued across;
- a **legal status** spell starts at a period's first episode and at every later episode of the
  period whose ``LS`` differs from the episode before it; like periods and placements it ends at
  its last episode's ``DEC``, and is open (no end) while that episode is;
- a **visit placement** starts at a placement start or at a same-carer move (``RNE`` T or U) that is
  neither a temporary episode nor such a return.

Episodes are ordered by ``DECOM`` (then ``DEC``, then source file and row). Short breaks are kept: a period
whose every episode is V3/V4 has ``short_breaks = true`` and consumers leave it out.
"""
from __future__ import annotations

import duckdb

TEMPORARY_PLACES = "('T0', 'T1', 'T2', 'T3', 'T4')"
SHORT_BREAK_LS = "('V3', 'V4')"

# three window passes, each one sort: order and compare each episode with the one before it; then
# the period and the last carer before it; then the running placement and legal-status numbers
_EPISODES = f"""
CREATE OR REPLACE TEMP TABLE derived_episodes AS
WITH ordered AS (
    SELECT child, decom, dec, rne, ls, place, pl_post, rec,
           coalesce(place IN {TEMPORARY_PLACES}, false) AS is_temp,
           row_number() OVER w AS ep_no,
           -- a new period unless the previous episode ended today with X1
           CASE WHEN lag(rec) OVER w = 'X1' AND lag(dec) OVER w = decom THEN 0 ELSE 1 END AS new_period,
           lag(coalesce(place IN {TEMPORARY_PLACES}, false)) OVER w AS prev_temp,
           lag(ls) OVER w AS prev_ls
    FROM episodes
    WHERE decom IS NOT NULL AND child IS NOT NULL AND child NOT IN (SELECT child FROM quarantine)
    WINDOW w AS (PARTITION BY child ORDER BY decom, dec NULLS LAST, _file, _row)
), in_period AS (
    SELECT *,
           sum(new_period) OVER w AS period_id,
           -- the period's first episode, and the last non-temporary one before this (the carer before
           -- a T spell): the latter counts only if it is in this period
           max(CASE WHEN new_period = 1 THEN ep_no END) OVER w AS period_first_ep,
           last_value(CASE WHEN NOT is_temp THEN {{'ep_no': ep_no, 'place': place, 'pl_post': pl_post}} END IGNORE NULLS)
               OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS settled
    FROM ordered WINDOW w AS (PARTITION BY child ORDER BY ep_no)
), flagged AS (
    SELECT *,
           coalesce(new_period = 0 AND prev_temp AND settled.ep_no >= period_first_ep
                    AND place = settled.place AND pl_post IS NOT DISTINCT FROM settled.pl_post, false)
               AS returns_to_carer,
           NOT coalesce(settled.ep_no >= period_first_ep, false) AS first_settled,
           -- a legal status spell starts at a period's start and wherever LS changes within it
           CASE WHEN new_period = 1 OR ls IS DISTINCT FROM prev_ls THEN 1 ELSE 0 END AS new_ls
    FROM in_period
), starts AS (
    SELECT *,
           NOT is_temp AND (first_settled OR (rne IN ('S', 'P', 'B') AND NOT returns_to_carer)) AS starts_placement
    FROM flagged
)
SELECT child, ep_no, decom, dec, rne, ls, place, pl_post, rec, period_id, is_temp,
       CASE WHEN NOT is_temp THEN sum(starts_placement::INT) OVER wc END AS placement_id,
       CASE WHEN NOT is_temp
            -- a temporary episode moves no visit chain on, whatever its RNE (a holiday with the
            -- carer is recorded T2 with RNE T)
            THEN sum((starts_placement OR (NOT is_temp AND rne IN ('T', 'U') AND NOT returns_to_carer))::INT) OVER wc
       END AS visit_placement_id,
       sum(new_ls) OVER wc AS ls_spell
FROM starts WINDOW wc AS (PARTITION BY child ORDER BY ep_no)
"""

# the end of a group of episodes is the DEC of its last one (null while that one is open)
_END = "CASE WHEN bool_or(dec IS NULL) THEN NULL ELSE max(dec) END"

_PERIODS = f"""
INSERT INTO periods
SELECT child, period_id, min(decom), {_END}, last(rec ORDER BY ep_no),
       bool_and(coalesce(ls IN {SHORT_BREAK_LS}, false)), first(ls ORDER BY ep_no), count(*)
FROM derived_episodes GROUP BY child, period_id
"""

_PLACEMENTS = f"""
INSERT INTO placements
SELECT child, placement_id, any_value(period_id), min(decom), {_END}, last(place ORDER BY ep_no),
       first(place ORDER BY ep_no), last(pl_post ORDER BY ep_no)
FROM derived_episodes WHERE placement_id IS NOT NULL GROUP BY child, placement_id
"""

_VISIT_PLACEMENTS = f"""
INSERT INTO visit_placements
SELECT child, visit_placement_id, any_value(placement_id), any_value(period_id), min(decom), {_END},
       first(place ORDER BY ep_no)
FROM derived_episodes WHERE visit_placement_id IS NOT NULL GROUP BY child, visit_placement_id
"""


_LEGAL_STATUSES = f"""
INSERT INTO legal_statuses
SELECT child, period_id, min(decom), {_END}, any_value(ls)
FROM derived_episodes GROUP BY child, period_id, ls_spell
"""


def derive_periods_and_placements(con: duckdb.DuckDBPyConnection) -> None:
    """Fill ``periods``, ``placements``, ``visit_placements`` and ``legal_statuses`` (replacing
    what they held).

    Also leaves the temp table ``derived_episodes`` (each episode with its period_id, placement_id,
    visit_placement_id and ls_spell) on the connection for the steps that follow in the same import.
    """
    con.execute(_EPISODES)
    for table, sql in (("periods", _PERIODS), ("placements", _PLACEMENTS), ("visit_placements", _VISIT_PLACEMENTS),
                       ("legal_statuses", _LEGAL_STATUSES)):
        con.execute(f"DELETE FROM {table}")
        con.execute(sql)
