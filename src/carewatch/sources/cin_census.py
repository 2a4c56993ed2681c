"""The CIN census XML (DOMAIN.md D): Message/Children/Child with ChildIdentifiers,
ChildCharacteristics and repeating CINdetails (Assessments, Section47, ChildProtectionPlans).

Element names as the DfE schema (CIN_schema_2024.xsd) and the CIN validator's test files; any XML
namespace is ignored. Dates are ISO (xs:date); DD/MM/YYYY is accepted too. The file is streamed
with lxml's iterparse and each Child is discarded once read, so a whole authority's census fits
in little memory.

- ``child`` is LAchildID; the sex is GenderCurrent (up to 2023) or Sex (2024 schema).
- ``referral_id`` is ``f"{child}/{CINreferralDate}"`` as written, so the same referral sent in two
  census years has the same id (``f"{child}/#{n}"``, the n-th CINdetails, when the date is blank).
- Findings point at the XML line of the element (``row`` = line number).
- Several census files (one per year) are merged by ``merge_census_files``: a referral open across
  two census years appears in both, and the later census's version (by Header ReferenceDate, else
  the file's latest referral date) wins with everything recorded under it.
"""
from __future__ import annotations

from pathlib import Path

import polars as pl
from lxml import etree

from carewatch.checks.findings import (
    Severity,
    concat_findings,
    define,
    finding,
    findings_frame,
    findings_from_rows,
)
from carewatch.sources.common import SCHEMA, TABLE_UNRECOGNISED, type_columns

MALFORMED_XML = define(
    "file.malformed_xml", "Malformed XML", Severity.FILE_ERROR,
    "{file} is not well-formed XML ({reason}); it may be truncated or edited by hand. Export the "
    "CIN census file again and import it.",
    remedy="Export the CIN census XML again; a file cut off or edited by hand fails.")
MISSING_CHILD_ID = define(
    "value.missing_child_id", "CIN child without LAchildID", Severity.ERROR,
    "The Child element on line {row} of {file} has no LAchildID; its records cannot be linked "
    "to a child. Add the child's LA identifier in the case-management system and export again.",
    "cin_children",
    remedy="Record the LAchildID for the child in the CIN system and export the census again.")

# schema column -> CIN element, per table; the element names are what findings show
CHILD_FIELDS = {"upn": "UPN", "dob": "PersonBirthDate", "expected_dob": "ExpectedPersonBirthDate",
                "gender": "GenderCurrent", "death_date": "PersonDeathDate"}
REFERRAL_FIELDS = {"referral_date": "CINreferralDate", "referral_source": "ReferralSource",
                   "primary_need": "PrimaryNeedCode", "closure_date": "CINclosureDate",
                   "reason_for_closure": "ReasonForClosure", "referral_nfa": "ReferralNFA"}
ASSESSMENT_FIELDS = {"start_date": "AssessmentActualStartDate",
                     "authorisation_date": "AssessmentAuthorisationDate"}
S47_FIELDS = {"s47_start": "S47ActualStartDate", "icpc_target": "InitialCPCtarget",
              "icpc_date": "DateOfInitialCPC", "icpc_not_required": "ICPCnotRequired"}
CPP_FIELDS = {"start_date": "CPPstartDate", "end_date": "CPPendDate",
              "initial_category": "InitialCategoryOfAbuse", "latest_category": "LatestCategoryOfAbuse",
              "previous_cpp": "NumberOfPreviousCPP"}
LABELS = {
    "cin_children": {**CHILD_FIELDS, "child": "LAchildID", "ethnicity": "Ethnicity"},
    "cin_referrals": REFERRAL_FIELDS,
    "cin_assessments": {**ASSESSMENT_FIELDS, "factors": "AssessmentFactors"},
    "cin_s47": S47_FIELDS,
    "cin_cp_plans": CPP_FIELDS,
}
TABLES = tuple(LABELS)


def _children_text(element) -> dict[str, str]:
    """Local name -> stripped text of an element's direct children, in one pass (namespaces ignored)."""
    out: dict[str, str] = {}
    if element is None:
        return out
    for child in element:
        tag = child.tag
        if isinstance(tag, str) and child.text is not None:
            text = child.text.strip()
            if text:
                out.setdefault(tag.rpartition("}")[2], text)
    return out


def _fields(texts: dict[str, str], fields: dict[str, str]) -> dict[str, str | None]:
    return {column: texts.get(name) for column, name in fields.items()}


class _Collector:
    """Rows of the five CIN tables, as text, gathered one Child element at a time."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict]] = {table: [] for table in TABLES}
        self.referrals_per_child: dict[str, int] = {}
        self.children = 0

    def add_child(self, element) -> None:
        self.children += 1
        ids = _children_text(element.find("{*}ChildIdentifiers"))
        child = ids.get("LAchildID")
        row = {"child": child, **_fields(ids, CHILD_FIELDS),
               "ethnicity": _children_text(element.find("{*}ChildCharacteristics")).get("Ethnicity"),
               "_line": element.sourceline}
        row["gender"] = row["gender"] or ids.get("Sex")
        self.rows["cin_children"].append(row)
        for details in element.iterfind("{*}CINdetails"):
            number = self.referrals_per_child.get(child or "", 0) + 1
            self.referrals_per_child[child or ""] = number
            texts = _children_text(details)
            key = texts.get("CINreferralDate") or f"#{number}"
            link = {"child": child, "referral_id": f"{child}/{key}" if child else None}
            self.rows["cin_referrals"].append({**link, **_fields(texts, REFERRAL_FIELDS), "_line": details.sourceline})
            for item in details.iterfind("{*}Assessments"):
                factors = [f.text.strip() for f in item.iterfind(".//{*}AssessmentFactors")
                           if f.text and f.text.strip()]
                self.rows["cin_assessments"].append(
                    {**link, **_fields(_children_text(item), ASSESSMENT_FIELDS),
                     "factors": ",".join(factors) or None, "_line": item.sourceline})
            for item in details.iterfind("{*}Section47"):
                self.rows["cin_s47"].append({**link, **_fields(_children_text(item), S47_FIELDS),
                                             "_line": item.sourceline})
            for item in details.iterfind("{*}ChildProtectionPlans"):
                self.rows["cin_cp_plans"].append({**link, **_fields(_children_text(item), CPP_FIELDS),
                                                  "_line": item.sourceline})


def read_cin(path: Path, label: str) -> tuple[dict[str, pl.DataFrame], pl.DataFrame, int, str | None]:
    """(tables, findings, children, reference date): the five cin_* tables of one CIN census file.

    An XML file whose root is not ``Message`` with ``Children`` (a 903 XML, say) is ignored with
    a warning; a file that is not well-formed XML is a file error and yields no rows.
    """
    collector = _Collector()
    root_name = None
    reference_date = None
    try:
        # Look at the root first: anything but a CIN <Message> is not read further.
        for _event, element in etree.iterparse(str(path), events=("start",), resolve_entities=False,
                                               no_network=True, huge_tree=True):
            root_name = etree.QName(element).localname
            break
        if root_name == "Message":
            # Python sees only the ends of ReferenceDate and Child elements; lxml skips the rest in C.
            events = etree.iterparse(str(path), events=("end",), tag=("{*}ReferenceDate", "{*}Child"),
                                     resolve_entities=False, no_network=True, huge_tree=True)
            for _event, element in events:
                if etree.QName(element).localname == "ReferenceDate":
                    reference_date = (element.text or "").strip() or None
                    continue
                collector.add_child(element)
                element.clear(keep_tail=True)
                while element.getprevious() is not None:
                    del element.getparent()[0]
    except etree.XMLSyntaxError as exc:
        return {}, findings_frame([finding(MALFORMED_XML, file=label, row=exc.lineno, reason=str(exc))]), 0, None
    if root_name != "Message":
        what = "its root element (not a CIN census <Message>) and content"
        return {}, findings_frame([finding(TABLE_UNRECOGNISED, file=label, what=what)]), 0, None
    tables, problems = {}, []
    for table, rows in collector.rows.items():
        text_columns = {c: pl.Utf8 for c in SCHEMA[table] if c != "_file"}
        raw = pl.DataFrame(rows, schema={**text_columns, "_line": pl.Int64}).with_columns(
            pl.lit(label, pl.Utf8).alias("_file"))
        typed, found = type_columns(raw, table, LABELS[table], row_column="_line")
        problems.append(found)
        if table == "cin_children":
            no_id = raw.filter(pl.col("child").is_null()).select(
                pl.col("_file").alias("file"), pl.col("_line").alias("row"),
                pl.lit("LAchildID").alias("column"))
            problems.append(findings_from_rows(MISSING_CHILD_ID, no_id))
        tables[table] = typed
    return tables, concat_findings(problems), collector.children, reference_date


def merge_census_files(tables: dict[str, list[pl.DataFrame]], reference_dates: dict[str, str | None]
                       ) -> dict[str, pl.DataFrame]:
    """One set of cin_* tables from several census files: the latest census wins per referral.

    Files are ordered by their Header ReferenceDate, else by their latest referral date. Each
    referral (child, referral_id) is taken from the latest file holding it, together with its
    assessments, section 47s and plans from that same file; each child's identifiers likewise.
    """
    referrals = pl.concat(tables["cin_referrals"])
    latest_referral = referrals.group_by("_file").agg(pl.col("referral_date").max().cast(pl.Utf8).alias("latest"))
    order = pl.DataFrame({"_file": list(reference_dates), "reference": list(reference_dates.values())},
                         schema={"_file": pl.Utf8, "reference": pl.Utf8})
    order = order.join(latest_referral, on="_file", how="left").select(
        "_file", pl.coalesce("reference", "latest", pl.lit("")).alias("census_order"))

    def latest(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
        ranked = frame.join(order, on="_file", how="left").sort(["census_order", "_file"])
        kept = ranked.unique(subset=keys, keep="last", maintain_order=True).drop("census_order")
        return kept.sort(keys, maintain_order=True)

    merged = {"cin_referrals": latest(referrals.filter(pl.col("referral_id").is_not_null()), ["child", "referral_id"])}
    merged["cin_referrals"] = pl.concat([merged["cin_referrals"], referrals.filter(pl.col("referral_id").is_null())])
    winners = merged["cin_referrals"].select("referral_id", "_file")
    for table in ("cin_assessments", "cin_s47", "cin_cp_plans"):
        merged[table] = pl.concat(tables[table]).join(winners, on=["referral_id", "_file"], how="semi")
    children = pl.concat(tables["cin_children"])
    merged["cin_children"] = pl.concat([latest(children.filter(pl.col("child").is_not_null()), ["child"]),
                                        children.filter(pl.col("child").is_null())])
    return merged
