"""The CIN census XML (DOMAIN.md D): Message/Children/Child with ChildIdentifiers,
ChildCharacteristics and repeating CINdetails (Assessments, Section47, ChildProtectionPlans).

Element names as the DfE schema (CIN_schema_2024.xsd) and the CIN validator's test files; any XML
namespace is ignored. Dates are ISO (xs:date); DD/MM/YYYY is accepted too. lxml checks the file
is well-formed without building a tree, when a stricter check in C (``_cin_tags.well_formed``) is
not sure it is; one pass in C (``_cin_tags``) then yields only the tags of containers and of the
elements read, as columns, and a second numbers the containers open at each tag (running counts
of their start and end tags) and finds the tags each table reads: each field's first text in each
container, the tables' container tags, the repeating lists; each table is assembled on those tag
positions (numpy) and its texts gathered as whole columns (never element by element in Python).
A value belongs to the innermost container element open around it (Child, ChildIdentifiers,
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
import hashlib
import html
import io
import mmap
import re
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    import numpy as np

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


@contextmanager
def _mapped(path: Path) -> Iterator[mmap.mmap | bytes]:
    """The file's bytes, mapped, not read: no copy of the file (as Polars' reader mapped it)."""
    with path.open("rb") as file, (mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
                                   if path.stat().st_size else nullcontext(b"")) as data:
        yield data


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


def _tokens(path: Path, data: mmap.mmap | bytes, markup: bool = False) -> pl.DataFrame:
    """The tags kept, in file order: containers opening and closing, and the start of each element
    read. Columns: line, code (``_code``) and the text that follows the tag up to the next one or
    the end of its line (stripped, entities decoded, null when blank or after a container's tag).
    Found by one pass in C over the file's bytes (``_cin_tags.scan``: the pieces between '<'s of
    each line, as Polars' split of the lines found them before), calling ``_code`` once per
    distinct tag. A value running onto a further line keeps its first line only (CIN values are
    codes and dates). A UTF-8 file is scanned as it is (``data``, its bytes mapped) until a comment
    or CDATA section turns up (rare), then again without them (``markup``)."""
    import pyarrow as pa  # here, as numpy in _Tags: its import overlaps the other files' reading

    source = _source(path, markup)
    if isinstance(source, Path):
        scanned = _cin_tags.scan(data, _code, len(CONTAINERS) * 3, True)
    else:
        scanned = _cin_tags.scan(source.getbuffer(), _code, len(CONTAINERS) * 3, False)
    if scanned is None:
        return _tokens(path, data, markup=True)
    lines, codes, views, texts, valid, nulls, ampersand = scanned
    count = len(codes)
    tags = pl.DataFrame([
        _series(pa.Array.from_buffers(pa.int32(), count, [None, pa.py_buffer(lines)])).alias("line"),
        _series(pa.Array.from_buffers(pa.uint8(), count, [None, pa.py_buffer(codes)])).alias("code"),
        # string views, Polars' own layout, written by the scan: taken as they are, no cast or copy
        _series(pa.Array.from_buffers(pa.string_view(), count, [pa.py_buffer(valid), pa.py_buffer(views),
                                                                 pa.py_buffer(texts)], nulls)).alias("text")])
    if not ampersand:
        return tags
    text = pl.col("text")
    entities = tags.filter(text.str.contains("&", literal=True)).get_column("text").unique().to_list()
    return tags.with_columns(text.replace({t: html.unescape(t) for t in entities}))


class _ArrowCArray:
    """An Arrow array seen through the Arrow C data interface alone: ``pl.from_arrow`` (or a Series of a
    pyarrow array) imports ``pyarrow.compute`` for a step these arrays never need, 0.08-0.13 s of CPU in
    every import holding a census (docs/benchmarks.md, "The demo import, session 11")."""

    def __init__(self, array) -> None:
        self.array = array

    def __arrow_c_array__(self, requested_schema=None):
        return self.array.__arrow_c_array__(requested_schema)


def _series(array) -> pl.Series:
    """A pyarrow array as a Series, its buffers taken as they are."""
    return pl.Series(_ArrowCArray(array))


def _request(element: str, container: str | None, inside: str | None = None, outside: tuple[str, ...] = (),
             texts: bool = True, first: bool = True) -> tuple[int, int, int, int, bool, bool]:
    """A request to ``_cin_tags.positions``: the element's start (or empty) tags in ``container`` (and in
    ``inside``, outside every one of ``outside``; with ``texts`` only those with a non-blank text), the
    first at each of the container's numbers (``first``) or all of them."""
    return (_NAMES.index(element), CONTAINERS.index(container) if container else -1,
            CONTAINERS.index(inside) if inside else -1, sum(1 << CONTAINERS.index(other) for other in outside),
            texts, first)


# the fields of each table read as the first non-blank text of their element: (table, container, inside,
# outside, fields)
_IDENTIFIERS, _CHARACTERISTICS = {**CHILD_FIELDS, "child": "LAchildID", "sex": "Sex"}, {"ethnicity": "Ethnicity"}
_FIRSTS = (("cin_children", "Child", "ChildIdentifiers", (), _IDENTIFIERS),
           ("cin_children", "Child", "ChildCharacteristics", (), _CHARACTERISTICS),
           ("cin_referrals", "CINdetails", None, tuple(_PARTS), REFERRAL_FIELDS),
           *((table, element, None, (), fields) for element, (table, fields) in _PARTS.items()))
# the rows of each table: the container's start tags inside the one above it
_OPENED = (("Child", "Child"), ("CINdetails", "Child"), *((element, "CINdetails") for element in _PARTS))
# the repeating lists, every non-blank text: (element, container, inside)
_LISTS = (("Disability", "Child", "ChildCharacteristics"), ("AssessmentFactors", "Assessments", None),
          ("CPPreviewDate", "ChildProtectionPlans", None))
_REQUESTS = (*(_request(element, container, inside, outside)
               for _table, container, inside, outside, fields in _FIRSTS for element in fields.values()),
             *(_request(element, within, texts=False, first=False) for element, within in _OPENED),
             *(_request(element, container, inside, first=False) for element, container, inside in _LISTS),
             _request("ReferenceDate", None, texts=False, first=False))


class _Tags:
    """The kept tags of one file (``_tokens``), and the positions of the start tags ``_rows`` asks for
    (``_REQUESTS``), found in one pass in C (``_cin_tags.positions``): the first text of each field at
    each number of its container (the n-th Child, CINdetails..., counted from 1 through the file; -1 for
    none), each table's container tags with their numbers, each repeating list's texts. The tables are
    assembled on those positions (numpy arrays) and each text column is gathered once, at the end."""

    def __init__(self, tokens: pl.DataFrame) -> None:
        import numpy as np  # here, not at the start of every import: its 0.15 s overlaps the other files' reading

        self.lines, self.texts = tokens.get_column("line"), tokens.get_column("text")
        found = iter(_cin_tags.positions(tokens.get_column("code").to_numpy(), self.texts.is_not_null().to_numpy(),
                                         len(CONTAINERS), len(_NAMES), _REQUESTS))
        self.firsts = {(container, element): np.frombuffer(next(found), np.int64)
                       for _table, container, _inside, _outside, fields in _FIRSTS for element in fields.values()}

        def all_of(positions: bytearray, numbers: bytearray, own: bytearray | None) -> tuple[np.ndarray, ...]:
            return (np.frombuffer(positions, np.int64), np.frombuffer(numbers, np.int32),
                    None if own is None else np.frombuffer(own, np.int32))

        self.opened_in = {element: all_of(*next(found)) for element, _within in _OPENED}
        self.lists = {element: all_of(*next(found))[:2] for element, _container, _inside in _LISTS}
        self.reference = all_of(*next(found))[0]

    def opened(self, element: str, within: str) -> pl.DataFrame:
        """The element's start tags inside ``within``: the number of each of the two and the line."""
        at, number, own = self.opened_in[element]
        return pl.DataFrame({element: own, within: number, "_line": self.lines.gather(at)})

    def by_number(self, values: pl.DataFrame, wanted: pl.Series) -> pl.Series:
        """The ``text`` of ``values`` (one row per ``number`` of a container) at each number wanted."""
        import numpy as np

        numbers, wanted = values.get_column("number").to_numpy(), wanted.to_numpy()
        at = np.full(max(numbers.max(initial=0), wanted.max(initial=0)) + 1, -1)
        at[numbers] = np.arange(values.height)
        return _gather(values.get_column("text"), at[wanted])

    def joined(self, element: str, wanted: pl.Series, once: bool = False) -> pl.Series:
        """Every non-blank text of a repeating element (``_LISTS``) in each container number wanted, in
        order (``once``: each text its first time only), joined by ','."""
        import numpy as np

        rows, number = self.lists[element]
        # most numbers have one text, which is their value as it is: only the others are grouped
        repeats, shared = number[1:] == number[:-1], np.zeros(number.size, bool)
        shared[1:] |= repeats
        shared[:-1] |= repeats
        found = pl.DataFrame({"number": number[shared], "text": self.texts.gather(rows[shared])})
        found = found.unique(maintain_order=True) if once else found
        alone = pl.DataFrame({"number": number[~shared], "text": self.texts.gather(rows[~shared])})
        return self.by_number(pl.concat([alone, _joined_runs(found)]), wanted)


def _joined_runs(found: pl.DataFrame) -> pl.DataFrame:
    """One row per run of equal numbers of ``found`` (numbers and non-null texts, each number's rows one
    run), its texts joined by ',' in order: each round joins every pair of neighbours in a run (the 1st
    and 2nd, 3rd and 4th...) with one ``concat_str`` over whole columns, halving the runs. A
    ``group_by`` to lists, then ``list.join``, cost four times as much (its hashing and lists)."""
    import numpy as np

    number, texts = found.get_column("number").to_numpy(), found.get_column("text")
    while (later := number[1:] == number[:-1]).any():  # a row with the same number as the one before
        start = np.flatnonzero(np.concatenate([[True], ~later]))
        rank = np.arange(number.size) - np.repeat(start, np.diff(start, append=number.size))
        left = np.flatnonzero(rank % 2 == 0)
        right = np.where(np.concatenate([later, [False]])[left], left + 1, -1)  # the pair's second, if any
        texts = pl.DataFrame([texts.gather(left).alias("left"), _gather(texts, right).alias("right")]) \
            .select(pl.concat_str("left", "right", separator=",", ignore_nulls=True)).to_series()
        number = number[left]
    return pl.DataFrame({"number": number, "text": texts})


def _gather(texts: pl.Series, positions: np.ndarray) -> pl.Series:
    """The texts at the positions, null at -1."""
    at = pl.Series(positions)
    return texts.gather(pl.select(pl.when(at >= 0).then(at)).to_series())


def _join(wanted: pl.Series, keys: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """The inner join of container numbers ``wanted`` to ``keys`` (whose numbers above 0 never
    decrease: in file order): (the wanted row, the key row) of each match, in wanted's order, then
    keys'. As Polars' join with maintain_order="left", without hashing or carrying the texts."""
    import numpy as np

    keys, wanted = keys.to_numpy(), wanted.to_numpy()
    numbered = np.flatnonzero(keys > 0)
    count = np.bincount(keys[numbered], minlength=wanted.max(initial=0) + 1)  # each number's rows, one run
    low, count = (np.cumsum(count) - count)[wanted], count[wanted]
    row = np.repeat(np.arange(wanted.size), count)
    return row, numbered[low[row] + np.arange(row.size) - np.repeat(np.cumsum(count) - count, count)]


def _rows(tokens: pl.DataFrame) -> tuple[dict[str, pl.DataFrame], int, str | None]:
    """The five tables as text (plus ``_line``), the number of children, the ReferenceDate."""
    tags = _Tags(tokens)
    reference = tags.texts.gather(tags.reference)
    reference_date = reference[-1] if reference.len() else None

    def values(rows: pl.DataFrame, container: str, fields: dict[str, str]) -> pl.DataFrame:
        """``rows`` with a column per field (``_FIRSTS``): the first non-blank text of the field's element in
        the row's container."""
        wanted = rows.get_column(container).to_numpy()
        return rows.with_columns(_gather(tags.texts, tags.firsts[container, element][wanted]).alias(column)
                                 for column, element in fields.items())

    children = values(values(tags.opened("Child", "Child"), "Child", _IDENTIFIERS), "Child", _CHARACTERISTICS)
    # Disabilities/Disability repeats: every code, in order, once (NONE when the child has none)
    children = children.with_columns(tags.joined("Disability", children.get_column("Child"), once=True)
                                     .alias("disabilities"), pl.coalesce("gender", "sex").alias("gender"))
    # each CINdetails with its child's LAchildID (every Child number inside one is a child's: no row is lost)
    details = tags.opened("CINdetails", "Child")
    row, child = _join(details.get_column("Child"), children.get_column("Child"))
    details = values(details[row], "CINdetails", REFERRAL_FIELDS).with_columns(children.get_column("child").gather(child))
    # the n-th CINdetails of a child (by LAchildID, through the file) is "#n" when it has no date
    number = pl.int_range(1, pl.len() + 1).over(pl.col("child").fill_null(""))
    key = pl.coalesce("referral_date", pl.concat_str(pl.lit("#"), number.cast(pl.Utf8))) \
        if details.get_column("referral_date").has_nulls() else pl.col("referral_date")  # else n is never read
    details = details.with_columns(pl.when(pl.col("child").is_not_null())
                                   .then(pl.concat_str("child", pl.lit("/"), key)).alias("referral_id"))
    tables = {"cin_children": children, "cin_referrals": details}
    for element, (table, fields) in _PARTS.items():
        part = tags.opened(element, "CINdetails")
        row, link = _join(part.get_column("CINdetails"), details.get_column("CINdetails"))
        part = values(part[row].with_columns(details.get_column(c).gather(link) for c in ("child", "referral_id")),
                      element, fields)
        if table == "cin_assessments":  # the factors anywhere inside the assessment, in order
            part = part.with_columns(tags.joined("AssessmentFactors", part.get_column(element)).alias("factors"))
        if table == "cin_cp_plans":  # CPPreviewDate repeats, one per review conference (in Reviews or not):
            # the latest; an unreadable one wins, so it is reported and the latest is unknown, not wrong
            rows, number = tags.lists["CPPreviewDate"]
            reviews = pl.DataFrame({"number": number, "text": tags.texts.gather(rows)}) \
                .group_by("number", maintain_order=True).agg(
                    pl.col("text").sort_by(parse_date("text").fill_null(date.max)).last())
            part = part.with_columns(tags.by_number(reviews, part.get_column(element)).alias("latest_review"))
        tables[table] = part
    return tables, children.height, reference_date


def read_cin(path: Path, label: str) -> tuple[dict[str, pl.DataFrame], pl.DataFrame, int, str | None, str]:
    """(tables, findings, children, reference date, SHA-256): the five cin_* tables of one CIN census
    file, and the file's SHA-256 for the manifest (hashed from the same mapping as the check and the
    scan read, so the file is read once, not again by ``sha256_of``).

    An XML file whose root is not ``Message`` with ``Children`` (a 903 XML, say) is ignored with
    a warning; a file that is not well-formed XML is a file error and yields no rows.
    """
    # mapped only until the tags are scanned: its pages count in the RSS while it is
    with _mapped(path) as data:
        sha256 = hashlib.sha256(data).hexdigest()
        try:
            # the C check first (a third of lxml's CPU): lxml only when it is not sure, so a malformed
            # file's finding is always lxml's, with its reason and line
            root_name = _cin_tags.well_formed(data)
            if root_name is None:
                root_name = _root_name(path)
                if root_name == "Message":
                    _well_formed(path)
        except etree.XMLSyntaxError as exc:
            return ({}, findings_frame([finding(MALFORMED_XML, file=label, row=exc.lineno, reason=str(exc))]), 0,
                    None, sha256)
        if root_name != "Message":
            what = "its root element (not a CIN census <Message>) and content"
            return {}, findings_frame([finding(TABLE_UNRECOGNISED, file=label, what=what)]), 0, None, sha256
        tokens = _tokens(path, data)
    rows, children, reference_date = _rows(tokens)
    del tokens  # let go with _rows' own, before the tables are typed
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
    return tables, concat_findings(problems), children, reference_date, sha256


def merge_census_files(tables: dict[str, list[pl.DataFrame]], reference_dates: dict[str, str | None]
                       ) -> dict[str, pl.DataFrame]:
    """One set of cin_* tables from several census files: the latest census wins per referral.

    Files are ordered by their Header ReferenceDate, else by their latest referral date. Each
    referral (child, referral_id) is taken from the latest file holding it, together with its
    assessments, section 47s and plans from that same file; each child's identifiers likewise.
    ``tables`` (one frame per file and table, the n-th frame of every table the n-th file's, as
    ``read_cin`` gives all five for each file) is emptied as it is merged, so that each file's frames can
    be let go as soon as its rows are in the merged ones. A file's records are linked to its referrals by
    that place, not by its label: two files given with the same name (``import 2021/ 2022/``, each folder
    holding ``cin_census.xml``) keep their own.
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

    def latest(frames: list[pl.DataFrame], keys: list[str]) -> tuple[pl.DataFrame, dict[int, pl.Series]]:
        """Each key's row from the latest census holding it (keys whose last column is null left out),
        sorted by key, and each file's winning keys (that last column) by the file's place in ``frames``.
        Decided on the keys and each row's place alone: a stable sort of the keys (the files hold them
        nearly in order) puts each key's rows together in census order, and the last of each run wins;
        the rows are then gathered once (a unique over 2.4 M national referrals' two texts cost three
        times the sort)."""
        # the earliest census first, each file's rows in order
        order = sorted(range(len(frames)), key=lambda place: census_order(frames[place]))
        frames = [frames[place] for place in order]
        places = pl.concat([frame.select(*keys, pl.lit(number, pl.UInt32).alias("_census"))
                            for number, frame in enumerate(frames)]).with_row_index("_at") \
            .filter(pl.col(keys[-1]).is_not_null()).sort(keys, maintain_order=True)
        run_ends = pl.any_horizontal(pl.col(key).ne_missing(pl.col(key).shift(-1)) for key in keys)
        wanted = places.filter(run_ends.fill_null(True))
        won = {order[number]: part.get_column(keys[-1]) for (number,), part
               in wanted.partition_by("_census", as_dict=True, include_key=False).items()}
        return pl.concat(frames).select(pl.all().gather(wanted.get_column("_at"))), won

    referrals = tables.pop("cin_referrals")
    no_id = pl.concat([frame.filter(pl.col("referral_id").is_null()) for frame in referrals])
    kept, won = latest(referrals, ["child", "referral_id"])
    del referrals
    merged = {"cin_referrals": pl.concat([kept, no_id])}
    # a file's assessments, section 47s and plans are kept under the referral ids that won in that file:
    # file by file on the id alone, not one join of every file's rows on (referral_id, _file) texts
    none = pl.Series("referral_id", [], pl.Utf8)
    for table in ("cin_assessments", "cin_s47", "cin_cp_plans"):
        merged[table] = pl.concat([frame.join(won.get(place, none).to_frame(), on="referral_id", how="semi")
                                   for place, frame in enumerate(tables.pop(table))])
    children = tables.pop("cin_children")
    merged["cin_children"] = pl.concat([
        latest(children, ["child"])[0],
        pl.concat([frame.filter(pl.col("child").is_null()) for frame in children])])
    return merged
