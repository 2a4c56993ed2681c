"""The CIN census XML (DOMAIN.md D): Message/Children/Child with ChildIdentifiers,
ChildCharacteristics and repeating CINdetails (Assessments, Section47, ChildProtectionPlans).

Element names as the DfE schema (CIN_schema_2024.xsd) and the CIN validator's test files; any XML
namespace is ignored. Dates are ISO (xs:date); DD/MM/YYYY is accepted too. lxml checks the file
is well-formed without building a tree; one pass in C (``_cin_tags``) then yields only the tags of
containers and of the elements read, as columns, and a second numbers the containers open at each
tag (running counts of their start and end tags); each table is read as whole columns (never
element by element in Python). A value belongs to the innermost container element open around it
(Child, ChildIdentifiers, CINdetails, Assessments...); where an element repeats, its first non-blank value counts, except the
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
import mmap
import re
from collections.abc import Callable
from contextlib import nullcontext
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
from carewatch.sources import _cin_tags
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
# each element kept is a small number (its index here) and each tag one code, name * 3 + kind
_NAMES = (*CONTAINERS, *sorted(_READ - set(CONTAINERS)))
_START, _END, _EMPTY = 0, 1, 2
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


def _source(path: Path, markup: bool = False) -> Path | io.BytesIO:
    """The file as UTF-8 text with one tag per '<' (comments dropped, CDATA escaped, line breaks
    kept so line numbers hold): the file itself when it already is UTF-8 and ``markup`` (a comment
    or CDATA section seen in it) is false."""
    with path.open("rb") as file:
        head = file.read(200)
    declared = _ENCODING.match(head)
    encoding = "utf-16" if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else \
        (declared[1].decode() if declared else "utf-8")
    if codecs.lookup(encoding).name == "utf-8" and not markup:
        return path
    text = path.read_bytes().decode(encoding, errors="replace")

    def unwrap(match: re.Match) -> str:
        if match[1] is None:  # a comment: only its line breaks stay
            return "\n" * match[0].count("\n")
        return html.escape(match[1], quote=False)

    return io.BytesIO(_COMMENT_OR_CDATA.sub(unwrap, text).encode("utf-8"))


def _code(tag: str) -> int | None:
    """name * 3 + kind for a tag kept (the name local, without namespace), None for any other."""
    kind = _END if tag[:1] == "/" else _EMPTY if tag.endswith("/") else _START
    name = re.split(r"[\s/]", tag.lstrip("/"), maxsplit=1)[0].rpartition(":")[2]
    if tag[:1] not in "?!" and (name in CONTAINERS or name in _READ and kind != _END):
        return _NAMES.index(name) * 3 + kind
    return None


def _tokens(path: Path, markup: bool = False) -> pl.DataFrame:
    """The tags kept, in file order: containers opening and closing, and the start of each element
    read. Columns: line, code (``_code``) and the text that follows the tag up to the next one or
    the end of its line (stripped, entities decoded, null when blank or after a container's tag).
    Found by one pass in C over the file's bytes (``_cin_tags.scan``: the pieces between '<'s of
    each line, as Polars' split of the lines found them before), calling ``_code`` once per
    distinct tag. A value running onto a further line keeps its first line only (CIN values are
    codes and dates). A UTF-8 file is scanned as it is until a comment or CDATA section turns up
    (rare), then again without them (``markup``)."""
    import pyarrow as pa  # here, as numpy in _structure: its import overlaps the other files' reading

    source = _source(path, markup)
    if isinstance(source, Path):  # mapped, not read: no copy of the file (as Polars' reader mapped it)
        with path.open("rb") as file, (mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
                                       if path.stat().st_size else nullcontext(b"")) as data:
            scanned = _cin_tags.scan(data, _code, len(CONTAINERS) * 3, True)
    else:
        scanned = _cin_tags.scan(source.getbuffer(), _code, len(CONTAINERS) * 3, False)
    if scanned is None:
        return _tokens(path, markup=True)
    lines, codes, offsets, texts, valid, nulls, ampersand = scanned
    count = len(codes)
    tags = pl.DataFrame([
        pl.from_arrow(pa.Array.from_buffers(pa.int64(), count, [None, pa.py_buffer(lines)])).alias("line"),
        pl.from_arrow(pa.Array.from_buffers(pa.uint8(), count, [None, pa.py_buffer(codes)])).alias("code"),
        # as string views, Polars' own: from a large_string it would keep the offsets alive with the texts
        pl.from_arrow(pa.LargeStringArray.from_buffers(count, pa.py_buffer(offsets), pa.py_buffer(texts),
                                                       pa.py_buffer(valid), nulls).cast(pa.string_view())).alias("text")])
    if not ampersand:
        return tags
    text = pl.col("text")
    entities = tags.filter(text.str.contains("&", literal=True)).get_column("text").unique().to_list()
    return tags.with_columns(text.replace({t: html.unescape(t) for t in entities}))


def _structure(tokens: pl.DataFrame) -> Callable[..., pl.DataFrame]:
    """``starts(elements, *containers)``: the elements' start (or empty) tags by name (its number in
    ``_NAMES``), then in file order, with line, text and the number of each container named (the
    n-th Child, CINdetails..., counted from 1 through the file; 0 when outside one), so a number
    never decreases down one name's rows."""
    import numpy as np  # here, not at the start of every import: its 0.15 s overlaps the other files' reading

    code = tokens.get_column("code").to_numpy()
    numbers, at, bounds = _cin_tags.structure(code, len(CONTAINERS), len(_NAMES))
    numbers = dict(zip(CONTAINERS, np.frombuffer(numbers, np.int32).reshape(len(CONTAINERS), code.size)))
    # the start tags by name, each name's rows one slice (in file order)
    at, bounds = np.frombuffer(at, np.int64), np.frombuffer(bounds, np.int64)
    lines, texts = tokens.get_column("line"), tokens.get_column("text")

    def starts(elements: tuple[str, ...], *containers: str) -> pl.DataFrame:
        rows = np.concatenate([at[bounds[n]:bounds[n + 1]] for n in sorted(map(_NAMES.index, elements))])
        return pl.DataFrame({"name": code[rows] // 3, "line": lines.gather(rows), "text": texts.gather(rows),
                             **{container: numbers[container][rows] for container in containers}})
    return starts


def _lookup(rows: pl.DataFrame, found: pl.DataFrame, container: str) -> pl.DataFrame:
    """``rows`` with the other columns of the first row of ``found`` with the same container number
    (a left join by binary search: the numbers never decrease down ``found``'s rows)."""
    keys, wanted = found.get_column(container), rows.get_column(container)
    at = keys.search_sorted(wanted).clip(upper_bound=max(keys.len() - 1, 0))
    hit = keys.gather(at) == wanted if keys.len() else pl.repeat(False, rows.height, eager=True)
    return rows.with_columns(pl.when(hit).then(found.get_column(c).gather(at) if keys.len() else None)
                             .alias(c) for c in found.columns if c != container)


def _values(rows: pl.DataFrame, starts: Callable[..., pl.DataFrame], container: str, fields: dict[str, str],
            inside: str | None = None, outside: tuple[str, ...] = ()) -> pl.DataFrame:
    """``rows`` (by ``container`` number) with a column per field: the first non-blank text of the
    field's element in that container (and in ``inside``, outside every one of ``outside``). Every
    field is looked up at once, by element number and container number in one key."""
    around = [*([inside] if inside else []), *outside]
    where = pl.all_horizontal(pl.col(container) > 0, pl.col("text").is_not_null(),
                              *([pl.col(inside) > 0] if inside else []), *[pl.col(c) == 0 for c in outside])
    key = pl.col("name").cast(pl.Int64) * (1 << 32) + pl.col(container)
    found = starts(tuple(fields.values()), container, *around).filter(where).select(key.alias("key"), "text")
    wanted = pl.concat([rows.select((pl.col(container).cast(pl.Int64) + _NAMES.index(element) * (1 << 32)).alias("key"))
                        for element in fields.values()])
    text = _lookup(wanted, found, "key").get_column("text")
    return rows.with_columns(text.slice(i * rows.height, rows.height).alias(column) for i, column in enumerate(fields))


def _rows(path: Path) -> tuple[dict[str, pl.DataFrame], int, str | None]:
    """The five tables as text (plus ``_line``), the number of children, the ReferenceDate."""
    starts = _structure(_tokens(path))
    reference = starts(("ReferenceDate",)).get_column("text")
    reference_date = reference[-1] if reference.len() else None

    def opened(element: str, within: str) -> pl.DataFrame:
        return starts((element,), *dict.fromkeys([element, within])).filter(pl.col(within) > 0) \
            .select(*dict.fromkeys([element, within]), pl.col("line").alias("_line"))

    def joined(element: str, container: str, alias: str, inside: str | None = None, once: bool = False
               ) -> pl.DataFrame:
        """Container number -> every non-blank text of a repeating element in it (and in ``inside``),
        in order (``once``: each text its first time only), joined by ','."""
        found = starts((element,), *dict.fromkeys([container, inside or container])).filter(
            (pl.col(container) > 0) & (pl.col(inside or container) > 0) & pl.col("text").is_not_null())
        found = found.unique([container, "text"], maintain_order=True) if once else found
        return found.group_by(container, maintain_order=True).agg(pl.col("text").str.join(",").alias(alias))

    children = _values(opened("Child", "Child"), starts, "Child",
                       {**CHILD_FIELDS, "child": "LAchildID", "sex": "Sex"}, inside="ChildIdentifiers")
    children = _values(children, starts, "Child", {"ethnicity": "Ethnicity"}, inside="ChildCharacteristics")
    # Disabilities/Disability repeats: every code, in order, once (NONE when the child has none)
    children = _lookup(children, joined("Disability", "Child", "disabilities", "ChildCharacteristics", once=True),
                       "Child").with_columns(pl.coalesce("gender", "sex").alias("gender"))
    details = _values(opened("CINdetails", "Child"), starts, "CINdetails", REFERRAL_FIELDS, outside=tuple(_PARTS)) \
        .join(children.select("Child", "child"), on="Child", how="left", maintain_order="left")
    # the n-th CINdetails of a child (by LAchildID, through the file) is "#n" when it has no date
    number = pl.int_range(1, pl.len() + 1).over(pl.col("child").fill_null(""))
    key = pl.coalesce("referral_date", pl.concat_str(pl.lit("#"), number.cast(pl.Utf8))) \
        if details.get_column("referral_date").has_nulls() else pl.col("referral_date")  # else n is never read
    details = details.with_columns(pl.when(pl.col("child").is_not_null())
                                   .then(pl.concat_str("child", pl.lit("/"), key)).alias("referral_id"))
    tables = {"cin_children": children, "cin_referrals": details}
    links = details.select("CINdetails", "child", "referral_id")
    for element, (table, fields) in _PARTS.items():
        part = _values(opened(element, "CINdetails").join(links, on="CINdetails", how="inner", maintain_order="left"),
                       starts, element, fields)
        if table == "cin_assessments":  # the factors anywhere inside the assessment, in order
            part = _lookup(part, joined("AssessmentFactors", element, "factors"), element)
        if table == "cin_cp_plans":  # CPPreviewDate repeats, one per review conference (in Reviews or not):
            # the latest; an unreadable one wins, so it is reported and the latest is unknown, not wrong
            reviews = starts(("CPPreviewDate",), element).filter((pl.col(element) > 0) & pl.col("text").is_not_null()) \
                .group_by(element, maintain_order=True).agg(
                    pl.col("text").sort_by(parse_date("text").fill_null(date.max)).last().alias("latest_review"))
            part = _lookup(part, reviews, element)
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
    ``tables`` (one frame per file and table) is emptied as it is merged, so that each file's
    frames can be let go as soon as its rows are in the merged ones.
    """
    latest_referral = {frame.get_column("_file")[0]: frame.get_column("referral_date").max()
                       for frame in tables["cin_referrals"] if frame.height}

    def census_order(frame: pl.DataFrame) -> tuple[str, str]:
        if frame.height == 0:
            return "", ""
        label = frame.get_column("_file")[0]
        order = reference_dates.get(label)
        if order is None and latest_referral.get(label) is not None:
            order = latest_referral[label].isoformat()
        return order or "", label

    def in_census_order(frames: list[pl.DataFrame]) -> pl.DataFrame:
        """The files' rows, the earliest census first (each file's in its own order): no sort."""
        return pl.concat(sorted(frames, key=census_order))

    def latest(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
        return frame.unique(subset=keys, keep="last", maintain_order=True).sort(keys, maintain_order=True)

    referrals = tables.pop("cin_referrals")
    no_id = pl.concat([frame.filter(pl.col("referral_id").is_null()) for frame in referrals])
    kept = latest(in_census_order(referrals).filter(pl.col("referral_id").is_not_null()), ["child", "referral_id"])
    del referrals
    merged = {"cin_referrals": pl.concat([kept, no_id])}
    winners = merged["cin_referrals"].select("referral_id", "_file")
    for table in ("cin_assessments", "cin_s47", "cin_cp_plans"):
        merged[table] = pl.concat(tables.pop(table)).join(winners, on=["referral_id", "_file"], how="semi")
    children = tables.pop("cin_children")
    merged["cin_children"] = pl.concat([
        latest(in_census_order(children).filter(pl.col("child").is_not_null()), ["child"]),
        pl.concat([frame.filter(pl.col("child").is_null()) for frame in children])])
    return merged
