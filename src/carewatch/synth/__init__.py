"""Synthetic councils: a simulation of children coming into care, living in care and leaving it,
written out as a council's case-management system would export it (docs/synth.md).

    generate("demo", seed=1, out=Path("demo-data"))

writes ``OUT/manifest.json``, ``OUT/903/<year>/<table>.csv`` (DfE column names, DD/MM/YYYY),
``OUT/local/<table>.csv`` (DATA.md §2, ISO dates) and ``OUT/cin/cin_census_<year>.xml``. The same
profile, seed and extract date always give the same bytes.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from carewatch.progress import Progress, silent
from carewatch.synth import days as D
from carewatch.synth.annex import ANNEX_STREAM, annex_tables
from carewatch.synth.annex import COLUMNS as ANNEX_COLUMNS
from carewatch.synth.care import simulate
from carewatch.synth.cin import DISABILITY_STREAM, REVIEW_STREAM, disabilities, plan_reviews, referrals, write_cin
from carewatch.synth.practice import local_history, practice, records_from
from carewatch.synth.profiles import PROFILES
from carewatch.synth.returns import write_903
from carewatch.synth.service import service

__all__ = ["PROFILES", "generate"]

# local extract: DATA.md §2 column names where the snapshot schema renames SQL keywords
_LOCAL_NAMES = {"start_date": "START", "end_date": "END", "case_id": "CASE", "events": "COUNT"}
_LOCAL_COLUMNS = {
    "allocations": ["child", "team", "worker", "start_date", "end_date"],
    "visits": ["child", "visit_date", "seen", "virtual"],
    "health_assessments": ["child", "type", "requested", "completed"],
    "dental_checks": ["child", "check_date"],
    "care_plans": ["child", "plan_date"],
    "permanence_plans": ["child", "agreed", "plan", "confirmed"],
    "permanence_meetings": ["child", "meeting_date"],
    "peps": ["child", "pep_date"],
    "pathway_plans": ["child", "plan_date"],
    "pre_birth_assessments": ["case_id", "team", "referral_date", "expected_dob", "completed"],
    "life_story": ["child", "book_date", "later_life_letter_date"],
    "foster_households": ["household", "type", "approved", "deregistered", "places"],
    "foster_placements": ["child", "household", "start_date", "end_date"],
    "fostering_enquiries": ["enquiry", "enquiry_date", "assessment_start", "outcome", "outcome_date",
                            "approved_places", "applicant_age_band"],
    "education": ["child", "academic_year", "attendance_pct", "persistent_absence", "ks4_any_pass",
                  "ks4_standard_pass", "ks4_strong_pass", "school_ofsted"],
    "residential_events": ["home", "child", "event_date", "event"],
    "participation": ["event_date", "channel", "events"],
    "nts_referrals": ["referral", "referral_date", "decision", "arrival_date"],
    "population": ["la", "year", "age_0_17"],
}


def _write_local(out: Path, tables: dict[str, pl.DataFrame],
                 columns_of: dict[str, list[str]] = _LOCAL_COLUMNS) -> list[Path]:
    folder = out / "local"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, columns in columns_of.items():
        frame = tables[name].select(columns).with_columns(
            pl.col(pl.Boolean).replace_strict({True: "Y", False: "N"}, return_dtype=pl.Utf8))
        frame = frame.rename({c: _LOCAL_NAMES.get(c, c.upper()) for c in columns})
        path = folder / f"{name}.csv"
        frame.sort(frame.columns).write_csv(path)
        written.append(path)
    return written


def generate(profile: str, seed: int, out: Path, as_of: date | None = None, progress: Progress = silent) -> dict:
    """Simulate a council (`demo`, `small` or `national`) and write its extracts to ``out``.

    Returns a summary: children, episodes, files written. National writes one folder with the
    council code leading every CHILD identifier and in population.csv.
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}: choose one of {', '.join(PROFILES)}")
    chosen = PROFILES[profile]
    as_of = as_of or chosen.default_as_of
    if as_of <= chosen.history_start:
        raise ValueError(f"--as-of must be after the profile's history start, {chosen.history_start}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    # independent streams, so changing one part of the simulation does not reshuffle the others
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(5)]
    progress("simulating care")
    care = simulate(chosen, int(streams[0].integers(2**63)), as_of)
    progress("simulating care", rows=care.episodes.height)
    progress("simulating practice and services")
    tables = practice(streams[1], care, chosen.history_start)
    tables |= service(streams[2], care, chosen, chosen.history_start)
    first_year = int(D.collection_year(np.array([D.day(chosen.history_start)]))[0])
    last_year = int(D.collection_year(np.array([D.day(as_of)]))[0])
    progress("writing the 903")
    files = write_903(out, streams[3], care, tables, first_year, last_year)
    progress("writing the local extract")
    files += _write_local(out, tables)
    progress("simulating and writing the CIN census")
    refs = referrals(streams[4], care, chosen, chosen.history_start)
    la_code = chosen.las[0][0] if len(chosen.las) == 1 else "000"
    # the children's disabilities: their own stream, so the referrals and every table stay as they were
    disabled = disabilities(np.random.default_rng([seed, DISABILITY_STREAM]), refs)
    # the plans' review conferences: likewise their own stream
    reviewed = plan_reviews(np.random.default_rng([seed, REVIEW_STREAM]), refs, as_of)
    files += write_cin(out, refs, la_code, first_year, last_year, as_of, disabled, reviewed)
    # Annex A's tables: their own stream, so every table above stays as it was without them
    annex = annex_tables(np.random.default_rng([seed, ANNEX_STREAM]), care, refs, tables,
                         D.day(records_from(chosen.history_start)), D.day(chosen.history_start))
    files += _write_local(out, annex, ANNEX_COLUMNS)
    # where the records begin: the local tables' cut-off (the 903 tables' is their first collection year)
    history_from = {t: d.isoformat() for t, d in local_history(chosen.history_start).items() if t in tables}
    manifest = {"la": la_code, "la_name": chosen.las[0][1] if len(chosen.las) == 1 else "National (153 synthetic councils)",
                "extract_date": as_of.isoformat(), "history_from": history_from}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    files.append(out / "manifest.json")
    shown = care.episodes.filter(pl.col("decom") <= as_of).filter(pl.col("dec") >= chosen.history_start)
    return {"profile": profile, "seed": seed, "extract_date": as_of.isoformat(),
            "children": shown["child"].n_unique(), "episodes": len(shown), "files": len(files)}
