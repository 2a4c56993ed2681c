"""The CIN census XML (DOMAIN.md D): Message/Children/Child with ChildIdentifiers,
ChildCharacteristics and repeating CINdetails (Assessments, Section47, ChildProtectionPlans).

Element names as the DfE schema (CIN_schema_2024.xsd) and the CIN validator's test files; any XML
namespace is ignored. Dates are ISO (xs:date); DD/MM/YYYY is accepted too. lxml checks the file
is well-formed without building a tree; Polars then splits it into tags and reads the tables as
whole columns (a national census of 1.8 GB in seconds, never element by element in Python). A
value belongs to the innermost container element open around it (Child, ChildIdentifiers,
CINdetails, Assessments...); where an element repeats, its first non-blank value counts, except the
repeating lists read whole: Disability and AssessmentFactors (every code) and CPPreviewDate (the
plan's latest review conference, ``cin_cp_plans.latest_review``).

- ``child`` is LAchildID; the sex is GenderCurrent (up to 2023) or Sex (2024 schema).
- ``referral_id`` is ``f"{child}/{CINreferralDate}"`` as written, so the same referral sent in two
  census years has the same id (``f"{child}/#{n}"``, the n-th CINdetails, when the date is blank).
- Findings point at the XML line of the element (``row`` = line number).
- Several census files (one per year) are merged by ``merge_census_files``: a referral open across
  two census years appears in both, and the later census's version (by Header ReferenceDate, else
  the file's latest referral date) wins with everything recorded under it.
"""
from __future__ import annotations

import codecs
import html
import io
import re
from datetime import date
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
from carewatch.sources.common import SCHEMA, TABLE_UNRECOGNISED, parse_date, type_columns

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
    "cin_children": {**CHILD_FIELDS, "child": "LAchildID", "ethnicity": "Ethnicity", "disabilities": "Disability"},
    "cin_referrals": REFERRAL_FIELDS,
    "cin_assessments": {**ASSESSMENT_FIELDS, "factors": "AssessmentFactors"},
    "cin_s47": S47_FIELDS,
    "cin_cp_plans": {**CPP_FIELDS, "latest_review": "CPPreviewDate"},
}
TABLES = tuple(LABELS)


# the elements that hold others; a value belongs to the innermost one open around it
CONTAINERS = ("Child", "ChildIdentifiers", "ChildCharacteristics", "CINdetails", "Assessments", "Section47",
              "ChildProtectionPlans")
# the parts of a CINdetails, each a table of its own: element -> (table, its fields)
_PARTS = {"Assessments": ("cin_assessments", ASSESSMENT_FIELDS), "Section47": ("cin_s47", S47_FIELDS),
          "ChildProtectionPlans": ("cin_cp_plans", CPP_FIELDS)}
# every element whose value is read; the tokens of any other element are dropped as soon as the file
# is split (half the tags of a census are end tags of values, which say nothing the next tag does not)
_READ = frozenset({"ReferenceDate", "Sex", "AssessmentFactors",
                   *(element for fields in LABELS.values() for element in fields.values())})
_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_COMMENT_OR_CDATA = re.compile(r"<!--.*?-->|<!\[CDATA\[(.*?)\]\]>", re.S)


class _NoTree:
    """An lxml parser target that keeps nothing: the file is checked for well-formedness in C."""

    def close(self) -> None:
        return None


def _root_name(path: Path) -> str | None:
    for _event, element in etree.iterparse(str(path), events=("start",), resolve_entities=False,
                                           no_network=True, huge_tree=True):
        return etree.QName(element).localname
    return None


def _well_formed(path: Path) -> None:
    """Raises XMLSyntaxError (with the line) unless the whole file is well-formed XML."""
    parser = etree.XMLParser(target=_NoTree(), resolve_entities=False, no_network=True, huge_tree=True)
    etree.parse(str(path), parser)


def _source(path: Path) -> Path | io.BytesIO:
    """The file as UTF-8 text with one tag per '<' (comments dropped, CDATA escaped, line breaks
    kept so line numbers hold): the file itself when it already is."""
    raw = path.read_bytes()
    declared = _ENCODING.match(raw[:200])
    encoding = "utf-16" if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else \
        (declared[1].decode() if declared else "utf-8")
    plain = codecs.lookup(encoding).name == "utf-8" and b"<!" not in raw[200:]
    if plain:
        return path
    text = raw.decode(encoding, errors="replace")

    def unwrap(match: re.Match) -> str:
        if match[1] is None:  # a comment: only its line breaks stay
            return "\n" * match[0].count("\n")
        return html.escape(match[1], quote=False)

    return io.BytesIO(_COMMENT_OR_CDATA.sub(unwrap, text).encode("utf-8"))


def _tokens(path: Path) -> pl.DataFrame:
    """Every tag of the file in order: line, name (local, without namespace), kind (start, end,
    empty or other) and the text that follows the tag up to the next one (stripped, entities
    decoded, null when blank). Split with Polars, never element by element in Python. A value
    running onto a further line keeps its first line only (CIN values are codes and dates)."""
    lines = pl.read_csv(_source(path), has_header=False, separator="\x1f", quote_char=None,
                        schema={"line": pl.Utf8}, raise_if_empty=False).with_row_index("line_no", offset=1)
    tags = (lines.lazy().select(pl.col("line_no").cast(pl.Int64).alias("line"),
                                pl.col("line").str.split("<").list.slice(1).alias("tag"))
            .explode("tag").drop_nulls("tag")
            .select("line", pl.col("tag").str.splitn(">", 2).alias("parts")).unnest("parts")
            .rename({"field_0": "tag", "field_1": "text"})
            .with_columns(pl.col("text").str.strip_chars()).collect())
    # the few distinct tags are named in Python: kind, and the local name without attributes
    distinct = tags.get_column("tag").unique().to_list()
    kinds = {t: "other" if t[:1] in "?!" else "end" if t[:1] == "/" else "empty" if t.endswith("/") else "start"
             for t in distinct}
    names = {t: re.split(r"[\s/]", t.lstrip("/"), maxsplit=1)[0].rpartition(":")[2] for t in distinct}
    # kept: containers opening and closing, and the start of each element read
    kept = [t for t in distinct if names[t] in CONTAINERS and kinds[t] != "other"
            or names[t] in _READ and kinds[t] in ("start", "empty")]
    tags = tags.filter(pl.col("tag").is_in(kept))
    text = pl.col("text")
    entities = tags.filter(text.str.contains("&", literal=True)).get_column("text").unique().to_list()
    return tags.select(
        "line", pl.col("tag").replace_strict(names, return_dtype=pl.Categorical).alias("name"),
        pl.col("tag").replace_strict(kinds, return_dtype=pl.Categorical).alias("kind"),
        pl.when(text != "").then(text.replace({t: html.unescape(t) for t in entities}) if entities else text))


def _structure(tokens: pl.DataFrame) -> pl.DataFrame:
    """Each start tag with the number of each container it is in (the n-th Child, CINdetails...,
    counted from 1 through the file; null when outside one)."""
    is_start, is_end = pl.col("kind") == "start", pl.col("kind") == "end"
    numbered = []
    for container in CONTAINERS:
        named = pl.col("name") == container
        starts = (named & is_start).cast(pl.Int32).cum_sum()
        is_open = starts > (named & is_end).cast(pl.Int32).cum_sum()
        numbered.append(pl.when(is_open).then(starts).alias(container))
    return tokens.lazy().with_columns(numbered).filter(pl.col("kind").is_in(["start", "empty"])) \
        .with_columns(pl.col("name").cast(pl.Utf8)).collect()


def _values(starts: pl.DataFrame, container: str, fields: dict[str, str], inner: tuple[str, ...] = ()
            ) -> pl.DataFrame:
    """container number -> the first non-blank text of each field element directly in it (not in
    one of the ``inner`` containers), one column per schema column."""
    wanted = starts.filter(pl.col(container).is_not_null() & pl.col("text").is_not_null()
                           & pl.col("name").is_in(list(fields.values()))
                           & pl.all_horizontal([pl.col(c).is_null() for c in inner] or [pl.lit(True)]))
    first = wanted.group_by(container, "name", maintain_order=True).agg(pl.col("text").first())
    wide = first.pivot(on="name", index=container, values="text") if first.height else \
        pl.DataFrame(schema={container: pl.Int32})
    return wide.select(container, *[(pl.col(element) if element in wide.columns else pl.lit(None, pl.Utf8))
                                    .alias(column) for column, element in fields.items()])


def _rows(path: Path) -> tuple[dict[str, pl.DataFrame], int, str | None]:
    """The five tables as text (plus ``_line``), the number of children, the ReferenceDate."""
    starts = _structure(_tokens(path))
    reference = starts.filter(pl.col("name") == "ReferenceDate").get_column("text")
    reference_date = reference[-1] if reference.len() else None

    def opened(element: str, within: str) -> pl.DataFrame:
        return starts.filter((pl.col("name") == element) & pl.col(within).is_not_null()) \
            .select(*dict.fromkeys([element, within]), pl.col("line").alias("_line"))

    ids = _values(starts.filter(pl.col("ChildIdentifiers").is_not_null()), "Child",
                  {**CHILD_FIELDS, "child": "LAchildID", "sex": "Sex"})
    characteristics = starts.filter(pl.col("ChildCharacteristics").is_not_null())
    traits = _values(characteristics, "Child", {"ethnicity": "Ethnicity"})
    # Disabilities/Disability repeats: every code, in order, once (NONE when the child has none)
    codes = characteristics.filter((pl.col("name") == "Disability") & pl.col("text").is_not_null()) \
        .unique(["Child", "text"], maintain_order=True) \
        .group_by("Child", maintain_order=True).agg(pl.col("text").str.join(",").alias("disabilities"))
    traits = traits.join(codes, on="Child", how="full", coalesce=True, maintain_order="left")
    children = (opened("Child", "Child").join(ids, on="Child", how="left", maintain_order="left").join(traits, on="Child", how="left", maintain_order="left")
                .with_columns(pl.coalesce("gender", "sex").alias("gender")))
    details = opened("CINdetails", "Child").join(
        _values(starts, "CINdetails", REFERRAL_FIELDS, tuple(_PARTS)), on="CINdetails", how="left", maintain_order="left") \
        .join(children.select("Child", "child"), on="Child", how="left", maintain_order="left")
    # the n-th CINdetails of a child (by LAchildID, through the file) is "#n" when it has no date
    number = pl.int_range(1, pl.len() + 1).over(pl.col("child").fill_null(""))
    key = pl.coalesce("referral_date", pl.concat_str(pl.lit("#"), number.cast(pl.Utf8)))
    details = details.with_columns(pl.when(pl.col("child").is_not_null())
                                   .then(pl.concat_str("child", pl.lit("/"), key)).alias("referral_id"))
    tables = {"cin_children": children, "cin_referrals": details}
    links = details.select("CINdetails", "child", "referral_id")
    for element, (table, fields) in _PARTS.items():
        part = opened(element, "CINdetails").join(links, on="CINdetails", how="inner", maintain_order="left") \
            .join(_values(starts, element, fields), on=element, how="left", maintain_order="left")
        if table == "cin_assessments":  # the factors anywhere inside the assessment, in order
            factors = starts.filter((pl.col("name") == "AssessmentFactors") & pl.col(element).is_not_null()
                                    & pl.col("text").is_not_null()) \
                .group_by(element, maintain_order=True).agg(pl.col("text").str.join(",").alias("factors"))
            part = part.join(factors, on=element, how="left", maintain_order="left")
        if table == "cin_cp_plans":  # CPPreviewDate repeats, one per review conference (in Reviews or not):
            # the latest; an unreadable one wins, so it is reported and the latest is unknown, not wrong
            reviews = starts.filter((pl.col("name") == "CPPreviewDate") & pl.col(element).is_not_null()
                                    & pl.col("text").is_not_null()) \
                .group_by(element).agg(pl.col("text").sort_by(parse_date("text").fill_null(date.max)).last()
                                       .alias("latest_review"))
            part = part.join(reviews, on=element, how="left", maintain_order="left")
        tables[table] = part
    return tables, children.height, reference_date


def read_cin(path: Path, label: str) -> tuple[dict[str, pl.DataFrame], pl.DataFrame, int, str | None]:
    """(tables, findings, children, reference date): the five cin_* tables of one CIN census file.

    An XML file whose root is not ``Message`` with ``Children`` (a 903 XML, say) is ignored with
    a warning; a file that is not well-formed XML is a file error and yields no rows.
    """
    try:
        root_name = _root_name(path)
        if root_name == "Message":
            _well_formed(path)
    except etree.XMLSyntaxError as exc:
        return {}, findings_frame([finding(MALFORMED_XML, file=label, row=exc.lineno, reason=str(exc))]), 0, None
    if root_name != "Message":
        what = "its root element (not a CIN census <Message>) and content"
        return {}, findings_frame([finding(TABLE_UNRECOGNISED, file=label, what=what)]), 0, None
    rows, children, reference_date = _rows(path)
    tables, problems = {}, []
    for table, found in rows.items():
        text_columns = [c for c in SCHEMA[table] if c != "_file"]
        raw = found.select(*[pl.col(c).cast(pl.Utf8) if c in found.columns else pl.lit(None, pl.Utf8).alias(c)
                             for c in text_columns], pl.col("_line").cast(pl.Int64)) \
            .with_columns(pl.lit(label, pl.Utf8).alias("_file"))
        typed, found_problems = type_columns(raw, table, LABELS[table], row_column="_line")
        problems.append(found_problems)
        if table == "cin_children":
            no_id = raw.filter(pl.col("child").is_null()).select(
                pl.col("_file").alias("file"), pl.col("_line").alias("row"),
                pl.lit("LAchildID").alias("column"))
            problems.append(findings_from_rows(MISSING_CHILD_ID, no_id))
        tables[table] = typed
    return tables, concat_findings(problems), children, reference_date


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
    order = order.join(latest_referral, on="_file", how="left", maintain_order="left").select(
        "_file", pl.coalesce("reference", "latest", pl.lit("")).alias("census_order"))

    def latest(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
        ranked = frame.join(order, on="_file", how="left", maintain_order="left").sort(["census_order", "_file"])
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
