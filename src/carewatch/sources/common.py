"""The common reading layer: files in, raw all-text tables out, then typed frames and findings.

Every reader goes through the same three steps:

1. ``read_file`` opens one file whatever a council sends (CSV in UTF-8 with or without BOM, cp1252
   or UTF-16, any line endings and delimiter; an XLSX workbook, one table per sheet) and returns
   ``RawSheet``s whose cells are all text, with ``_row`` the row number a spreadsheet shows
   (header = 1). Formula text such as ``=HYPERLINK(...)`` is kept as text, never evaluated.
2. ``recognise`` decides which table a sheet is by its columns (case and spacing ignored), never
   by its name, except to break a tie between tables with the same columns.
3. ``type_table`` trims every cell (blank = null) and casts each column to its schema.sql type; a
   value that cannot be read becomes null with a row ``error`` finding.

Nothing here raises on a file: every problem becomes a finding (carewatch.checks.findings).
"""
from __future__ import annotations

import codecs
import csv
import functools
import hashlib
import re
import tempfile
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, time
from importlib.resources import files
from pathlib import Path

import polars as pl

from carewatch.settings import DEFAULT as DEFAULT_SETTINGS
from carewatch.checks.findings import (
    CheckDef,
    Finding,
    Severity,
    concat_findings,
    define,
    finding,
    findings_from_rows,
)

# --- findings -------------------------------------------------------------------------------------
FILE_EMPTY = define(
    "file.empty", "Empty file", Severity.FILE_ERROR,
    "{file} is empty ({size} bytes). Export the table again; the import is rejected until then.",
    remedy="Export the table again: an empty file usually means the export failed.")
FILE_BINARY = define(
    "file.binary", "Binary or unknown file", Severity.FILE_ERROR,
    "{file} is not a CSV, XLSX or XML file (it holds binary data). Remove it from the import or "
    "export the table again as CSV or XLSX.",
    remedy="Remove the file from the import folder, or export the table again as CSV or XLSX.")
FILE_OLD_XLS = define(
    "file.old_xls", "Old Excel .xls workbook", Severity.FILE_ERROR,
    "{file} is an old-style Excel .xls workbook, which carewatch does not read. Save it as .xlsx "
    "(Excel Workbook) or CSV and import again.",
    remedy="Open the workbook in Excel and save it as .xlsx (or export CSV), then import again.")
FILE_UNREADABLE = define(
    "file.unreadable", "Unreadable file", Severity.FILE_ERROR,
    "{file} could not be read as CSV ({reason}). Check the file opens in a spreadsheet and export "
    "it again as CSV (UTF-8).",
    remedy="Check the file's permissions and encoding, export it again and import again.")
FILE_TRUNCATED = define(
    "file.truncated", "File cut off", Severity.FILE_ERROR,
    "{file} looks cut off: {reason}. The export or copy was probably interrupted; export the "
    "table again and import it.",
    remedy="Copy the file again from the source; it was cut off in transfer.")
FILE_BAD_XLSX = define(
    "file.bad_xlsx", "Broken XLSX workbook", Severity.FILE_ERROR,
    "{file} is not a readable XLSX workbook; it may be truncated or damaged ({reason}). Save or "
    "copy the workbook again and import it.",
    remedy="Save or copy the workbook again from the source and import it again.")
FILE_NOT_FOUND = define(
    "file.not_found", "File not found", Severity.FILE_ERROR,
    "{file} does not exist or cannot be opened ({reason}). Check the path given to the import.",
    remedy="Put the named file in the import folder or correct its path, and import again.")
FILE_NOT_REGULAR = define(
    "file.not_regular", "Link or special file not read", Severity.WARNING,
    "{file} was not read: it is {kind}, and carewatch reads only ordinary files inside the folder "
    "given. Copy the file itself into the folder if it should be imported.",
    remedy="Copy the real file into the import folder in place of the link.")
FILE_TOO_BIG = define(
    "file.too_big", "File over the size limit", Severity.FILE_ERROR,
    "{file} is {size}, over the limit of {limit} ({setting} in carewatch.toml): it was not read. "
    "Split the extract or raise the limit.",
    remedy="Split the export by year, or ask the administrator to raise the size limit if the file is genuine.")
FILE_CENSUS_TOO_BIG = define(
    "file.census_too_big", "CIN census file over 2 GB", Severity.FILE_ERROR,
    "{file} is {size}: a CIN census file is read up to {limit} (a whole council's census for one year is a few "
    "hundred MB at most), so it was not read.",
    remedy="Send one census file per collection year; check the export did not repeat or pad the file.")
#: the CIN census reader's own limit, whatever import_max_file_mb says: _cin_tags.scan numbers lines and
#: places texts in 32 bits
CENSUS_MAX_BYTES = (1 << 31) - 2
FILE_TOO_MANY_ROWS = define(
    "file.too_many_rows", "Table over the row limit", Severity.FILE_ERROR,
    "{file} holds more than {limit} rows (import_max_rows in carewatch.toml): it was not read. "
    "Check the export, split it, or raise the limit.",
    remedy="Check the export is the right table; split it by year if it is genuine.")
TABLE_UNRECOGNISED = define(
    "table.unrecognised", "File matches no table", Severity.WARNING,
    "{file} was ignored: {what} match no table carewatch reads (nothing of its content is repeated "
    "here, as the file may hold anything). If it should be imported, check its header row against "
    "the table definitions.",
    remedy="Rename the file after its table if it should be read, or remove it from the import folder.")
TABLE_AMBIGUOUS = define(
    "table.ambiguous", "File fits several tables", Severity.FILE_ERROR,
    "{file} has the columns of more than one table ({tables}). Put the table name in the file or "
    "sheet name (for example {example}) and import again.",
    remedy="Rename the file after its table (for example episodes.csv) so it matches one table only.")
TABLE_MISSING_COLUMN = define(
    "table.missing_column", "Required column missing", Severity.FILE_ERROR,
    "{file} looks like the {table} table but has no {column} column. Add the column (it may be "
    "blank) or export the table again with all its columns.",
    remedy="Export the table again with every required column (see docs/import.md).")
VALUE_BAD_DATE = define(
    "value.bad_date", "Impossible or unreadable date", Severity.ERROR,
    "{column} '{value}' on row {row} of {file} is not a valid date (DD/MM/YYYY or YYYY-MM-DD); "
    "it is read as blank and the child is left out until it is corrected.",
    remedy="Correct the date in the source system (a real date, written as the export expects) and re-export.")
VALUE_MISSING = define(
    "value.missing", "Required value blank", Severity.ERROR,
    "{column} is blank on row {row} of {file}; every row of this table needs it, so the child is "
    "left out until it is filled in.",
    remedy="Record the required value in the source system and re-export; the row's child is left out until then.")
VALUE_BAD_NUMBER = define(
    "value.bad_number", "Unreadable number", Severity.ERROR,
    "{column} '{value}' on row {row} of {file} is not a {kind}; it is read as blank and the "
    "child is left out until it is corrected.",
    remedy="Correct the number in the source system and re-export.")
VALUE_OUT_OF_RANGE = define(
    "value.out_of_range", "Number out of range", Severity.ERROR,
    "{column} '{value}' on row {row} of {file} is outside {low} to {high}; it is read as blank and "
    "the child is left out until it is corrected.",
    remedy="Correct the number in the source system to one in the allowed range.")
VALUE_DATE_OUT_OF_RANGE = define(
    "value.date_out_of_range", "Date out of range", Severity.ERROR,
    "{column} '{value}' on row {row} of {file} is outside {low} to {high} ({why}); it is read as "
    "blank and the child is left out until it is corrected.",
    remedy="Correct the date: it is before the child's care could begin or after the extract date.")
VALUE_TOO_LONG = define(
    "value.too_long", "Value over the length limit", Severity.ERROR,
    "{column} on row {row} of {file} holds {length} characters, over the limit of {limit} "
    "(import_max_cell_chars in carewatch.toml); it is read as blank and the child is left out "
    "until it is corrected. It begins '{value}'.",
    remedy="Shorten the value in the source system; it is longer than the field allows.")
VALUE_EXTRA_FIELDS = define(
    "value.extra_fields", "Row with more fields than the header", Severity.ERROR,
    "Row {row} of {file} has {fields} fields where the header has {header}: the values from {column} "
    "on were dropped, and the others may be in the wrong columns (an unquoted comma?). Correct the "
    "row; the child is left out until then.",
    remedy="Export the file again; a field with an unquoted comma usually causes this.")
VALUE_MIXED_ENCODING = define(
    "value.mixed_encoding", "Text in two encodings", Severity.WARNING,
    "{column} on row {row} of {file} holds bytes that are not UTF-8 in a file that is otherwise "
    "UTF-8; they were read as Windows-1252 (cp1252). Check the value, and export the file as UTF-8.",
    remedy="Export the file again as UTF-8; names may show stray characters meanwhile.")
VALUE_BAD_FLAG = define(
    "value.bad_flag", "Unreadable yes/no value", Severity.ERROR,
    "{column} '{value}' on row {row} of {file} is not a yes/no value (Y/N, 1/0, TRUE/FALSE, "
    "yes/no); it is read as blank and the child is left out until it is corrected.",
    remedy="Record the value as a yes/no (1/0, Y/N) in the source system.")

# --- limits ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Limits:
    """What one import may hold (Settings ``import_max_*``, docs/import.md), and the latest date a
    value may hold: the manifest's extract date, else the day of the import."""

    max_file_bytes: int = DEFAULT_SETTINGS.import_max_file_mb << 20
    max_rows: int = DEFAULT_SETTINGS.import_max_rows
    max_xlsx_bytes: int = DEFAULT_SETTINGS.import_max_xlsx_uncompressed_mb << 20
    max_xlsx_ratio: int = DEFAULT_SETTINGS.import_max_xlsx_ratio
    max_cell_chars: int = DEFAULT_SETTINGS.import_max_cell_chars
    latest_date: date = field(default_factory=date.today)

    @classmethod
    def of(cls, settings, latest_date: date | None = None) -> "Limits":
        return cls(settings.import_max_file_mb << 20, settings.import_max_rows,
                   settings.import_max_xlsx_uncompressed_mb << 20, settings.import_max_xlsx_ratio,
                   settings.import_max_cell_chars, latest_date or date.today())


#: the limits in force while read_inputs runs (set there; the readers below consult it)
LIMITS: ContextVar[Limits] = ContextVar("carewatch_limits", default=Limits())

EARLIEST_DATE = date(1900, 1, 1)
#: dates set in advance, and how many years after the extract date they may fall: an expected
#: birth and a child protection conference's target, two; the day UASC status ceases (DUC) is
#: the child's 18th birthday, so up to 18 (a UASC child of 15 has a DUC three years ahead)
FUTURE_DATES = {"duc": 18, "expected_dob": 2, "icpc_target": 2}
#: the range of each number a council sends (counts are never negative); any other number:
#: 0 to DEFAULT_HIGH, which also keeps a 20-digit value from overflowing a whole number
NUMBER_RANGES: dict[str, tuple[float, float]] = {
    "sdq_score": (0, 40), "nb_adoptr": (1, 2), "places": (0, 20), "approved_places": (0, 20),
    "events": (0, 100_000), "children_placed": (0, 10), "age_0_17": (0, 20_000_000), "year": (1900, 2100), "attendance_pct": (0, 100),
    **{flag: (0, 1) for flag in ("convicted", "health_check", "immunisations", "teeth_check",
                                 "health_assessment", "substance_misuse", "intervention_received",
                                 "intervention_offered", "foster_care")},
}
DEFAULT_HIGH = 1_000_000_000


def _size(n: int) -> str:
    return f"{n / (1 << 20):,.1f} MB"


# --- schema.sql -----------------------------------------------------------------------------------
_SQL_TYPES = {"VARCHAR": pl.Utf8, "DATE": pl.Date, "INTEGER": pl.Int64, "BIGINT": pl.Int64,
              "BOOLEAN": pl.Boolean, "DOUBLE": pl.Float64}
# schema.sql renames the source columns that are SQL keywords
SCHEMA_RENAMES = {"START": "start_date", "END": "end_date", "CASE": "case_id", "COUNT": "events"}


def _parse_schema(sql: str) -> dict[str, dict[str, pl.DataType]]:
    sql = re.sub(r"--[^\n]*", "", sql)
    tables: dict[str, dict[str, pl.DataType]] = {}
    for name, body in re.findall(r"CREATE TABLE (\w+)\s*\((.*?)\);", sql, flags=re.S):
        columns = re.findall(r'"?(\w+)"?\s+(VARCHAR|DATE|INTEGER|BIGINT|BOOLEAN|DOUBLE)\b', body)
        tables[name] = {column: _SQL_TYPES[sql_type] for column, sql_type in columns}
    return tables


#: canonical table -> {column: Polars type}, read from schema.sql so the readers cannot drift from it
SCHEMA: dict[str, dict[str, pl.DataType]] = _parse_schema(
    files("carewatch").joinpath("schema.sql").read_text())


def empty_table(table: str) -> pl.DataFrame:
    """A frame with exactly the schema.sql columns of ``table`` and no rows."""
    return pl.DataFrame(schema=SCHEMA[table])


# --- table specifications -------------------------------------------------------------------------
@dataclass(frozen=True)
class TableSpec:
    """A table as councils send it: its columns by their DATA.md / DfE names.

    ``blank_defaults`` holds columns whose blank means a value (visits SEEN blank = Y); these may
    also be absent from the file. ``name_words`` are only used to tell apart tables whose columns
    are the same (care_plans and pathway_plans both have CHILD, PLAN_DATE).
    """

    name: str
    columns: tuple[str, ...]
    group: str  # "903" or "local"
    label: str = ""
    name_words: tuple[str, ...] = ()
    blank_defaults: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.label or self.name

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c for c in self.columns if c not in self.blank_defaults)

    def schema_column(self, source: str) -> str:
        return SCHEMA_RENAMES.get(source, source.lower())


@functools.lru_cache(maxsize=4096)  # every file is compared with every table's columns
def header_key(name: object) -> str:
    """Header names compared without case, spacing or punctuation: 'Visit date' == 'VISIT_DATE'."""
    return re.sub(r"[^0-9A-Z]", "", str(name).upper())


# identity columns shared by most tables: matching only these says nothing about which table it is
_IDENTITY = {"CHILD", "DOB", "SEX"}


def recognise(columns: list[str], name_hint: str,
              specs: list[TableSpec]) -> tuple[list[TableSpec], list[str]]:
    """The table(s) a sheet with these columns is, and the required columns it lacks.

    A table is a candidate when more than half its required columns are present and one of them is
    more than an identity column (CHILD, DOB, SEX). Candidates are ranked by: all columns present,
    then most columns matched, then fewest missing (the most specific column set), then whether the
    file or sheet name names the table. More than one best candidate means the file is ambiguous.
    Returns ([], []) when nothing fits, ([spec], missing) when one does, (specs, []) when ambiguous.
    """
    present = {header_key(c) for c in columns}
    hint = re.sub(r"[^a-z]", "", name_hint.lower())
    ranked = []
    for spec in specs:
        keys = {header_key(c): c for c in spec.columns}
        required = {header_key(c) for c in spec.required}
        matched = present & keys.keys()
        if len(matched & required) * 2 <= len(required) or not matched - _IDENTITY:
            continue
        missing = [keys[k] for k in keys if k not in present and keys[k] in spec.required]
        named = any(word in hint for word in spec.name_words)
        ranked.append(((not missing, len(matched), -len(keys.keys() - present), named), spec, missing))
    if not ranked:
        return [], []
    ranked.sort(key=lambda item: item[0], reverse=True)
    best = [item for item in ranked if item[0] == ranked[0][0]]
    if len(best) > 1:
        return [item[1] for item in best], []
    return [best[0][1]], best[0][2]


# --- raw reading ----------------------------------------------------------------------------------
@dataclass
class RawSheet:
    """One table-shaped block of text cells: a CSV file or one sheet of a workbook."""

    label: str  # the `_file` value: path relative to the import root, plus '#Sheet' for a sheet
    name_hint: str  # file stem or sheet name, only used to break ties between identical tables
    # every column Utf8 under its header as written, plus `_row`; a CSV stays lazy until typed
    frame: pl.DataFrame | pl.LazyFrame
    # problems found in the file's lines before typing (extra fields, mixed encodings): a check
    # and a frame of row, column and its template's values; the child is added when typed
    row_problems: list[tuple[CheckDef, pl.DataFrame]] = field(default_factory=list)
    # the cells that may need trimming: "all" (as read), or, in a plain parse (``_parse_plain``: a
    # blank cell is null already) of a file holding no whitespace but spaces and line ends, those of
    # a column with a cell beginning or ending with a space ("spaces"), or none (no space: "none")
    trim: str = "all"

    @property
    def columns(self) -> list[str]:
        return [c for c in self.frame.collect_schema().names() if c != "_row"]


@dataclass
class FileRead:
    sheets: list[RawSheet] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    kind: str = ""  # csv, xlsx, xml, or "" when the file could not be read
    sha256: str | None = None  # when the reader already read every byte (a CSV): not read again


_CHUNK = 1 << 20
# bytes no text file holds (tab, newlines, form feed and ESC aside): many of them mean binary data
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27))
_OS_JUNK = {"thumbs.db", "desktop.ini", ".ds_store"}


def is_junk(path: Path) -> bool:
    """Files a folder may hold that are no one's data: hidden files, Office lock files."""
    name = path.name.lower()
    return name.startswith((".", "~$")) or name in _OS_JUNK


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sniff(path: Path) -> tuple[str, int]:
    """(kind, size): empty, xlsx, xls, xml, utf16, text or binary, from the first bytes."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(65536)
    if size <= 1 or not head.strip():
        return "empty", size
    if head.startswith(b"PK\x03\x04"):
        return "xlsx", size
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls", size
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf16", size
    if head.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"<"):
        return "xml", size
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if b"\x00" in head or controls > len(head) // 100:
        return "binary", size
    return "text", size


@dataclass(frozen=True)
class ByteScan:
    """One pass over a file's bytes: its SHA-256, whether it is all UTF-8, its double quotes, its
    first line and its last ``_CHUNK`` bytes (what the register and ``cut_short`` need), and what
    decides whether a CSV may be parsed once (``_parse_plain``): its line ends, whether it holds a
    byte that the line reader or the parser read apart, and whether a cell may begin or end with
    whitespace."""

    sha256: str
    utf8: bool
    quotes: int
    head: bytes
    tail: bytes
    newlines: int
    #: a unit separator (the line reader's own separator) or a carriage return outside a CRLF
    odd_bytes: bool
    #: a tab, vertical tab, form feed or Unicode space anywhere: whitespace other than a space
    #: that a cell may begin or end with
    odd_spaces: bool
    #: a space anywhere (none: no cell of a plain parse needs trimming)
    spaces: bool


_SEPARATORS = ",;|"
# whitespace Polars' strip_chars removes (Unicode White_Space) other than space, CR and LF; the
# Unicode ones by their UTF-8 start (\xe2\x80 is also a typographic quote or dash: a file holding
# one is trimmed as before)
_ODD_SPACES = (b"\t", b"\x0b", b"\x0c")
_WIDE_SPACES = (b"\xc2\x85", b"\xc2\xa0", b"\xe1\x9a\x80", b"\xe2\x80", b"\xe2\x81\x9f", b"\xe3\x80\x80")


def scan_bytes(path: Path) -> ByteScan:
    digest, decoder, utf8, quotes = hashlib.sha256(), codecs.getincrementaldecoder("utf-8")(), True, 0
    newlines = crs = crlfs = 0
    odd_bytes = odd_spaces = spaces = False
    previous = last = b""
    with path.open("rb") as handle:
        head = handle.readline(_CHUNK)
        handle.seek(0)
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
            if b'"' in chunk:  # most files quote nothing: a search costs a quarter of a count
                quotes += chunk.count(b'"')
            newlines += chunk.count(b"\n")
            if b"\r" in chunk:
                crs += chunk.count(b"\r")
                crlfs += chunk.count(b"\r\n")
            crlfs += last.endswith(b"\r") and chunk.startswith(b"\n")  # a CRLF split between chunks
            odd_bytes = odd_bytes or b"\x1f" in chunk
            spaces = spaces or b" " in chunk
            odd_spaces = odd_spaces or any(space in chunk for space in _ODD_SPACES) or (
                not chunk.isascii() and any(space in last[-2:] + chunk for space in _WIDE_SPACES))
            if utf8 and not (chunk.isascii() and not decoder.getstate()[0]):  # ASCII is UTF-8
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
            previous, last = last, chunk
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return ByteScan(digest.hexdigest(), utf8, quotes, head, (previous + last)[-_CHUNK:], newlines,
                    odd_bytes or crs != crlfs, odd_spaces, spaces)


def _cp1252_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    """Bytes that are not UTF-8 in a UTF-8 file, read as cp1252 (an older export pasted in)."""
    return error.object[error.start:error.end].decode("cp1252", errors="replace"), error.end


codecs.register_error("carewatch-cp1252", _cp1252_fallback)
# a two-byte UTF-8 sequence: a file holding one is UTF-8, whatever else it holds
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")


def _has_utf8_sequences(path: Path) -> bool:
    with path.open("rb") as handle:
        return any(_UTF8_SEQUENCE.search(chunk) for chunk in iter(lambda: handle.read(_CHUNK), b""))


def _transcode(path: Path, encoding: str, scratch: Path, errors: str = "replace") -> Path:
    """Re-encode a file to UTF-8 chunk by chunk, so a 200 MB cp1252 export is never held whole."""
    scratch.mkdir(exist_ok=True)
    handle, name = tempfile.mkstemp(suffix=".csv", dir=scratch)
    with path.open("r", encoding=encoding, errors=errors, newline="") as src, \
            open(handle, "w", encoding="utf-8", newline="") as dst:
        for chunk in iter(lambda: src.read(_CHUNK), ""):
            dst.write(chunk)
    return Path(name)


def _separator(path: Path) -> str:
    with path.open("r", encoding="utf-8", errors="replace", newline="") as handle:
        first = handle.readline()
    counts = {sep: first.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _scan_csv_utf8(path: Path, separator: str) -> pl.LazyFrame:
    """A lazy scan, every column text, so that only the columns a table uses are ever materialised."""
    return pl.scan_csv(path, infer_schema=False, separator=separator, truncate_ragged_lines=True,
                       raise_if_empty=False, encoding="utf8").with_row_index("_row", offset=2)


def _fields(line: bytes, separator: str) -> int:
    text = line.decode("utf-8-sig", errors="replace").rstrip("\r\n")
    return len(next(csv.reader([text], delimiter=separator), []))


def cut_short(scan: ByteScan, separator: str) -> str | None:
    """Why a UTF-8 CSV looks cut off (an interrupted export or copy), or None, from its ``scan_bytes``.

    Two signs, both cheap (the quote bytes counted in the one pass, then the first and last lines): an
    odd number of double quotes (a quoted value never closed), or a last line with no line end and
    fewer fields than the header (a record stopped part-way). A cut that falls exactly at a line
    end leaves a clean file: the completeness gate's comparison catches that one.
    """
    if scan.quotes % 2:
        return "a quoted value is never closed (an odd number of double quotes), so it stops mid-value"
    if scan.tail.endswith((b"\n", b"\r")):
        return None
    last, header = _fields(scan.tail.rsplit(b"\n", 1)[-1], separator), _fields(scan.head, separator)
    if last < header:
        return (f"its last line has {last} of the header's {header} fields and no line end, so it "
                "stops mid-record")
    return None


def _lines(path: Path, encoding: str = "utf8") -> pl.LazyFrame:
    """The file's physical lines (``row`` = the line number, header = 1), unparsed."""
    return pl.scan_csv(path, has_header=False, separator="\x1f", quote_char=None, schema={"line": pl.Utf8},
                       encoding=encoding, raise_if_empty=False).with_row_index("row", offset=1) \
        .with_columns(pl.col("row").cast(pl.Int64), pl.col("line").fill_null(""))


def _line_shapes(path: Path, separator: str) -> pl.DataFrame:
    """row, fields (separators outside quotes + 1), and whether the line's quotes are unbalanced
    (it is part of a value that spans lines)."""
    line = pl.col("line")
    lines = _lines(path).collect()
    quoted = line.str.contains('"', literal=True)

    def shapes(lines: pl.DataFrame, unquoted: pl.Expr, spans: pl.Expr) -> pl.DataFrame:
        return lines.select("row", (unquoted.str.count_matches(separator, literal=True) + 1).alias("fields"),
                            spans.alias("spans"))

    # quoted values are cut out (their separators are not field breaks) only on the lines that
    # have quotes: the regex is most of the cost, and most exports quote little or nothing
    if not lines.select(quoted.any()).item():
        return shapes(lines, line, pl.lit(False))
    return pl.concat([
        shapes(lines.filter(~quoted), line, pl.lit(False)),
        shapes(lines.filter(quoted), line.str.replace_all(r'"(?:[^"]|"")*"', ""),
               line.str.count_matches('"', literal=True) % 2 == 1),
    ]).sort("row")


def _extra_fields(shapes: pl.DataFrame) -> pl.DataFrame:
    """Rows with more fields than the header (row, column, fields, header); none are looked for
    when a value spans lines, as lines then no longer number rows."""
    if shapes.height < 2 or shapes.get_column("spans").any():
        return pl.DataFrame(schema={"row": pl.Int64})
    header = shapes.get_column("fields")[0]
    return shapes.filter((pl.col("row") > 1) & (pl.col("fields") > header)).select(
        "row", pl.lit(f"column {header + 1}").alias("column"), "fields", pl.lit(header).alias("header"))


def _mixed_encoding(path: Path, separator: str) -> pl.DataFrame:
    """row, column of each value holding bytes that are not UTF-8 (read as U+FFFD here)."""
    lines = _lines(path, "utf8-lossy").collect()
    header = next(csv.reader([lines.get_column("line")[0].lstrip("\ufeff")], delimiter=separator), [])
    names = {i: name.strip() or f"column {i + 1}" for i, name in enumerate(header)}
    bad = lines.filter(pl.col("line").str.contains("\ufffd", literal=True) & (pl.col("row") > 1))
    position = pl.col("line").str.split(separator).list.eval(
        pl.element().str.contains("\ufffd", literal=True)).list.arg_max()
    return bad.select("row", position.replace_strict(names, default=None, return_dtype=pl.Utf8)
                      .fill_null(pl.format("column {}", position + 1)).alias("column"))


def read_csv(path: Path, label: str, encoding_hint: str, scratch: Path) -> FileRead:
    """A CSV as a lazy all-text scan; UTF-16 and cp1252 (older Windows exports) are first re-encoded
    into ``scratch``, which must outlive the sheet. A UTF-8 file holding some cp1252 bytes is read
    as UTF-8 with those bytes as cp1252, and each such value is a finding."""
    problems: list[tuple[CheckDef, pl.DataFrame]] = []
    sha256 = None
    try:
        # one pass gives the checksum, the encoding and the cut-short signs (a re-encoded copy is scanned again)
        scan = scan_bytes(path)
        sha256 = scan.sha256
        if encoding_hint == "text" and scan.utf8:
            source = path
        elif encoding_hint == "text" and _has_utf8_sequences(path):
            source = _transcode(path, "utf-8", scratch, errors="carewatch-cp1252")
            problems.append((VALUE_MIXED_ENCODING, _mixed_encoding(path, _separator(source))))
        else:
            source = _transcode(path, "utf-16" if encoding_hint == "utf16" else "cp1252", scratch)
        separator = _separator(source)
        cut = cut_short(scan if source == path else scan_bytes(source), separator)
        if cut:
            return FileRead(findings=[finding(FILE_TRUNCATED, file=label, reason=cut)], sha256=sha256)
        plain = _parse_plain(path, separator, scan) if source == path else None
        if plain is not None:
            trim = "all" if scan.odd_spaces else "spaces" if scan.spaces else "none"
            sheet = RawSheet(label, Path(label).stem, plain, trim=trim)
            return FileRead(sheets=[sheet], kind="csv", sha256=sha256)
        shapes = _line_shapes(source, separator)
        limit = LIMITS.get().max_rows
        if shapes.height - 1 > limit:
            return FileRead(findings=[finding(FILE_TOO_MANY_ROWS, file=label, limit=f"{limit:,}")], sha256=sha256)
        problems.append((VALUE_EXTRA_FIELDS, _extra_fields(shapes)))
        frame = _scan_csv_utf8(source, separator)
        frame.collect_schema()  # a header the parser cannot read fails here, not later
    except Exception as exc:  # noqa: BLE001 - any parser failure on a council's file is a finding
        return FileRead(findings=[finding(FILE_UNREADABLE, file=label, reason=_reason(exc))], sha256=sha256)
    return FileRead(sheets=[RawSheet(label, Path(label).stem, frame, problems)], kind="csv", sha256=sha256)


def _parse_plain(path: Path, separator: str, scan: ByteScan) -> pl.DataFrame | None:
    """A plain UTF-8 CSV parsed once, every column text, when that parse alone shows what the lines'
    pass (``_line_shapes``) would: no quotes (so a line is a row), under the row limit by its line
    ends, no line longer than the header (the parser, told not to truncate, fails on one, even on
    an empty last field), and the header the file's first line (not a blank line before it). None
    when the file is not such a one: it is then read as before, line by line and parsed."""
    if scan.quotes or scan.odd_bytes or separator not in _SEPARATORS \
            or scan.newlines > LIMITS.get().max_rows:
        return None
    try:
        frame = pl.scan_csv(path, infer_schema=False, separator=separator, raise_if_empty=False,
                            encoding="utf8").with_row_index("_row", offset=2).collect()
    except Exception:  # noqa: BLE001 - a longer line, or anything else: the file is read as before
        return None
    return frame if frame.width - 1 == _fields(scan.head, separator) else None


def _reason(exc: Exception) -> str:
    """A parser's error as a reason, without the file content it may quote."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return re.sub(r"""(['"`]).*?\1""", "…", text)[:200]


def _cell_text(value: object) -> str | None:
    """A workbook cell as text: dates as ISO, whole numbers without '.0', formulas as written."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# the header is the first row with two or more filled cells (a title row above it is skipped),
# looked for in the first rows only
_MAX_HEADER_ROW = 10


def _inflated(path: Path) -> str | None:
    """Why a workbook must not be opened (too big once decompressed, or compressed suspiciously
    well: a zip bomb), from its zip directory alone; None when it may be."""
    import zipfile

    limits = LIMITS.get()
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
    inflated = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    if inflated > limits.max_xlsx_bytes:
        return (f"it holds {_size(inflated)} once decompressed, over the limit of {_size(limits.max_xlsx_bytes)} "
                "(import_max_xlsx_uncompressed_mb)")
    if inflated > limits.max_xlsx_ratio * packed:
        return (f"it decompresses {inflated // packed:,} times over, more than the limit of "
                f"{limits.max_xlsx_ratio} (import_max_xlsx_ratio): no real workbook does")
    return None


def read_xlsx(path: Path, label: str) -> FileRead:
    import openpyxl

    result = FileRead(kind="xlsx")
    workbook = None
    try:
        inflated = _inflated(path)
        if inflated:
            return FileRead(findings=[finding(FILE_BAD_XLSX, file=label, reason=inflated)])
        # data_only=False: a formula cell gives its formula text, which is kept and never evaluated
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
        for sheet in workbook.worksheets:
            raw = _sheet_frame(sheet)
            if isinstance(raw, int):
                return FileRead(findings=[finding(FILE_TOO_MANY_ROWS, file=f"{label}#{sheet.title}",
                                                  limit=f"{raw:,}")])
            if raw is not None:
                result.sheets.append(RawSheet(f"{label}#{sheet.title}", sheet.title, raw))
    except Exception as exc:  # noqa: BLE001 - a damaged workbook is a finding, never a crash
        return FileRead(findings=[finding(FILE_BAD_XLSX, file=label, reason=_reason(exc))])
    finally:
        if workbook is not None:
            workbook.close()
    return result


def _filled(cells: list[str | None]) -> int:
    return sum(1 for c in cells if c is not None and c.strip())


def _sheet_frame(sheet) -> pl.DataFrame | int | None:
    """The sheet as text columns under its header row, or None if the sheet is empty, or the row
    limit when the sheet holds more rows (it is not read further).

    Rows are numbered as the sheet shows them; blank rows are skipped.
    """
    limit = LIMITS.get().max_rows
    sheet.reset_dimensions()  # some writers record a wrong sheet size, which read-only mode trusts
    rows = enumerate(([_cell_text(v) for v in values] for values in sheet.iter_rows(values_only=True)),
                     start=1)
    first_filled: tuple[int, list[str | None]] | None = None
    header: list[str | None] | None = None
    for number, cells in rows:
        if _filled(cells) >= 2:
            header = cells
            break
        if first_filled is None and _filled(cells):
            first_filled = (number, cells)
        if number >= _MAX_HEADER_ROW:
            break
    if header is None:
        if first_filled is None:
            return None
        number, header = first_filled  # a sheet of notes: returned so that it is reported
        rows = iter(())
    names = _unique_names([c or "" for c in header])
    columns: list[list[str | None]] = [[] for _ in names]
    row_numbers: list[int] = []
    for number, cells in rows:
        if not _filled(cells):
            continue
        if len(row_numbers) >= limit:
            return limit
        row_numbers.append(number)
        for i, column in enumerate(columns):
            column.append(cells[i] if i < len(cells) else None)
    frame = pl.DataFrame({n: pl.Series(n, c, dtype=pl.Utf8) for n, c in zip(names, columns)})
    return frame.with_columns(pl.Series("_row", row_numbers, dtype=pl.Int64))


def _unique_names(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    names = []
    for i, name in enumerate(header):
        name = name.strip() or f"column_{i + 1}"
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return names


def read_file(path: Path, label: str, scratch: Path) -> FileRead:
    """Read a CSV or XLSX file into raw sheets; XML is left to the CIN reader (kind 'xml').

    ``scratch`` is a folder for re-encoded copies that must live until the sheets are typed.
    """
    try:
        kind, size = sniff(path)
    except OSError as exc:
        return FileRead(findings=[finding(FILE_NOT_FOUND, file=label, reason=_reason(exc))])
    limit = LIMITS.get().max_file_bytes
    if size > limit:
        return FileRead(findings=[finding(FILE_TOO_BIG, file=label, size=_size(size), limit=_size(limit),
                                          setting="import_max_file_mb")])
    if kind == "xml" and size > CENSUS_MAX_BYTES:
        return FileRead(findings=[finding(FILE_CENSUS_TOO_BIG, file=label, size=f"{size:,} bytes",
                                          limit=f"{CENSUS_MAX_BYTES:,} bytes")])
    if kind == "empty":
        return FileRead(findings=[finding(FILE_EMPTY, file=label, size=size)])
    if kind == "binary":
        return FileRead(findings=[finding(FILE_BINARY, file=label)])
    if kind == "xls":
        return FileRead(findings=[finding(FILE_OLD_XLS, file=label)])
    if kind == "xlsx":
        return read_xlsx(path, label)
    if kind == "xml":
        return FileRead(kind="xml")
    return read_csv(path, label, kind, scratch)


# --- typing ---------------------------------------------------------------------------------------
def raw_columns(sheet: RawSheet, spec: TableSpec) -> pl.DataFrame:
    """The spec's columns from a recognised sheet, renamed to schema names, trimmed, blank = null.

    Rows blank in every column the table uses are dropped (spreadsheets leave trailing empty rows).
    """
    by_key: dict[str, str] = {}
    for name in sheet.columns:
        by_key.setdefault(header_key(name), name)
    sources = {spec.schema_column(source): by_key.get(header_key(source)) for source in spec.columns}
    padded = {name for name in sources.values() if name is not None} if sheet.trim != "none" else set()
    if sheet.trim == "spaces" and padded:  # the columns with a cell beginning or ending with a space
        edges = sheet.frame.lazy().select((pl.col(name).str.starts_with(" ") | pl.col(name).str.ends_with(" "))
                                          .any().alias(name) for name in padded).collect()
        padded = {name for name, hit in edges.row(0, named=True).items() if hit}
    selected = []
    for column, name in sources.items():
        expr = pl.col(name).cast(pl.Utf8) if name is not None else pl.lit(None, pl.Utf8)
        if name in padded:  # a cell of spaces becomes null here (an empty one is null already)
            stripped = expr.str.strip_chars()
            expr = pl.when(stripped == "").then(None).otherwise(stripped)
        selected.append(expr.alias(column))
    data = list(sources)
    return sheet.frame.lazy().select(*selected, pl.col("_row").cast(pl.Int64)) \
        .filter(~pl.all_horizontal(pl.col(data).is_null())) \
        .with_columns(pl.lit(sheet.label, pl.Utf8).alias("_file")).collect()


_ISO = r"^(\d{4}-\d{1,2}-\d{1,2})(?:[T ][0-9:.]+)?$"
_DMY = r"^(\d{1,2}/\d{1,2}/\d{4})(?:[T ][0-9:.]+)?$"


def parse_date(column: str) -> pl.Expr:
    """DD/MM/YYYY (DfE) or ISO YYYY-MM-DD, a time part ignored; anything else, or 31/02, is null."""
    text = pl.col(column)
    dmy = text.str.extract(_DMY, 1).str.strptime(pl.Date, "%d/%m/%Y", strict=False)
    iso = text.str.extract(_ISO, 1).str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    return pl.coalesce(dmy, iso)


def parse_number(column: str) -> pl.Expr:
    """A number, allowing thousands separators and a trailing % (173,873; 92.5%)."""
    number = pl.col(column).str.replace_all(",", "").str.strip_suffix("%").str.strip_chars() \
        .cast(pl.Float64, strict=False)
    return pl.when(number.is_finite()).then(number)  # 'NaN' and 'inf' are not figures


_TRUE = ["y", "yes", "1", "true", "t", "1.0"]
_FALSE = ["n", "no", "0", "false", "f", "0.0"]


def parse_flag(column: str) -> pl.Expr:
    text = pl.col(column).str.to_lowercase()
    return pl.when(text.is_in(_TRUE)).then(True).when(text.is_in(_FALSE)).then(False) \
        .otherwise(None).cast(pl.Boolean)


# Values a row cannot do without: blank, the row tells no duty or indicator anything and would
# be miscounted (an episode with no PLACE, a visit with no date). Other blanks are allowed (a
# health assessment requested but not completed; an open episode's DEC).
REQUIRED_VALUES: dict[str, tuple[str, ...]] = {
    "header": ("child", "dob"),
    "episodes": ("child", "decom", "rne", "ls", "place"),
    "reviews": ("child", "review"),
    "uasc": ("child",), "oc2": ("child",), "oc3": ("child",), "ad1": ("child",),
    "placed_adoption": ("child", "date_placed"), "prev_perm": ("child",),
    "missing": ("child", "missing", "mis_start"),
    "sw_episodes": ("child", "sw_decom"), "dolo": ("child", "dolo_start"),
    "allocations": ("child", "team", "start_date"),
    "visits": ("child", "visit_date"),
    "health_assessments": ("child", "type"),
    "dental_checks": ("child", "check_date"),
    "care_plans": ("child", "plan_date"),
    "permanence_plans": ("child", "agreed"),
    "permanence_meetings": ("child", "meeting_date"),
    "peps": ("child", "pep_date"),
    "pathway_plans": ("child", "plan_date"),
    "pre_birth_assessments": ("case_id", "referral_date"),
    "life_story": ("child",),
    "foster_households": ("household", "approved"),
    "foster_placements": ("child", "household", "start_date"),
    "fostering_enquiries": ("enquiry", "enquiry_date"),
    "education": ("child", "academic_year"),
    "residential_events": ("event_date", "event"),
    "participation": ("event_date", "channel"),
    "nts_referrals": ("referral", "referral_date"),
    "contacts": ("child", "contact_date"),
    "early_help": ("child", "start_date"),
    "iro_contacts": ("child", "contact_date"),
    "return_interviews": ("child", "missing_start"),
    "personal_advisers": ("child", "adviser", "start_date"),
    "adopters": ("adopter",),
    "leaver_contacts": ("child", "leaver_contact_date"),
    "adoption_matches": ("child", "family", "match_date"),
    "population": ("la", "year", "age_0_17"),
}


def _parsed(column: str, dtype: pl.DataType) -> pl.Expr:
    """A text column read as ``dtype`` (a whole number kept as a float until its range is checked,
    so that a 20-digit value is out of range rather than an overflow); null where it cannot be."""
    if dtype == pl.Date:
        return parse_date(column)
    if dtype == pl.Boolean:
        return parse_flag(column)
    number = parse_number(column)
    if dtype == pl.Int64:
        return pl.when(number.round(0) == number).then(number)
    return number


# a frame this long has its values parsed once per distinct text (dates, flags and codes repeat:
# a national visits table holds 7.2 million dates of 3,897 days); a short one parses every row,
# as finding the distinct texts would cost more than it saves
_DISTINCT_FROM_ROWS = 50_000
# a column with at most this many distinct texts (a flag's Y and N) is read by comparing each row with
# each text, a sixth of the CPU of looking every row up in a table of them (replace_strict) for two
# texts, as much for about ten
_FEW_DISTINCT = 8


def _read_as(column: str, values: pl.Series, parsed: pl.Series) -> pl.Expr:
    """``column`` with each of its distinct texts ``values`` read as ``parsed`` (null elsewhere)."""
    if values.len() > _FEW_DISTINCT:
        return pl.col(column).replace_strict(values, parsed, default=None, return_dtype=parsed.dtype)
    read = pl.lit(None, parsed.dtype)
    for value, value_read in zip(values.to_list(), parsed.to_list()):
        read = pl.when(pl.col(column) == value).then(pl.lit(value_read, parsed.dtype)).otherwise(read)
    return read


def _parsed_columns(raw: pl.DataFrame, columns: dict[str, pl.DataType]) -> list[pl.Expr]:
    """``__column``: each of ``columns`` as ``_parsed`` reads it (null where it cannot be)."""
    if raw.height < _DISTINCT_FROM_ROWS:
        return [_parsed(column, dtype).alias(f"__{column}") for column, dtype in columns.items()]
    exprs = []
    for column, dtype in columns.items():
        values = raw.select(pl.col(column).unique().drop_nulls())
        parsed = values.select(_parsed(column, dtype)).to_series()
        exprs.append(_read_as(column, values.to_series(), parsed).alias(f"__{column}"))
    return exprs


def type_columns(raw: pl.DataFrame, table: str, labels: dict[str, str], *,
                 row_column: str = "_row", blank_defaults: dict[str, object] | None = None
                 ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Cast the Utf8 columns of ``raw`` (schema names) to the types schema.sql gives ``table``.

    ``labels`` maps a schema column to the name the council knows (DECOM) for findings;
    ``blank_defaults`` gives the value a blank stands for (schema column -> value). A value that
    cannot be read becomes null and yields a row error naming file, row, column and child.
    """
    blank_defaults = blank_defaults or {}
    exprs: list[pl.Expr] = []
    problems: list[pl.DataFrame] = []
    limits = LIMITS.get()

    pending: list[tuple[CheckDef, pl.Expr, str, dict]] = []

    def bad_values(check: CheckDef, where: pl.Expr, column: str, **values) -> None:
        """A finding on every row ``where`` holds, naming file, row, child, column and the value
        (collected, then looked for in one pass over the frame by ``flush``)."""
        pending.append((check, where, column, values))

    def flush() -> list[str]:
        """One pass says which checks hold anywhere; only those are filtered for their rows.
        Returns the columns of the checks that held."""
        if not pending or raw.height == 0:
            pending.clear()
            return []
        hits = raw.select(where.any().alias(str(i)) for i, (_, where, _, _) in enumerate(pending)).row(0)
        child = pl.col("child") if "child" in raw.columns else pl.lit(None, pl.Utf8)
        for (check, where, column, values), hit in zip(pending, hits):
            if hit:
                rows = raw.filter(where).select(
                    pl.col("_file").alias("file"), pl.col(row_column).alias("row"), child.alias("child"),
                    pl.lit(labels.get(column, column)).alias("column"), pl.col(column).alias("value"),
                    *[(v if isinstance(v, pl.Expr) else pl.lit(v)).alias(k) for k, v in values.items()])
                problems.append(findings_from_rows(check, rows))
        held = [column for (_, _, column, _), hit in zip(pending, hits) if hit]
        pending.clear()
        return held

    texts = [c for c in SCHEMA[table] if c in raw.columns and raw.schema[c] == pl.Utf8 and c != "_file"]
    # a cell has at most as many characters as bytes: only a column with one over the limit in bytes
    # has its characters counted
    longest = raw.select(pl.col(texts).str.len_bytes().max()).row(0, named=True) if texts and raw.height else {}
    for column in texts:  # an over-long cell is blank from here on (and never quoted whole)
        if (longest.get(column) or 0) > limits.max_cell_chars:
            bad_values(VALUE_TOO_LONG, pl.col(column).str.len_chars() > limits.max_cell_chars, column,
                       length=pl.col(column).str.len_chars(), limit=f"{limits.max_cell_chars:,}")
    too_long = flush()
    if too_long:
        raw = raw.with_columns(pl.when(pl.col(c).str.len_chars() <= limits.max_cell_chars).then(pl.col(c))
                               for c in too_long)
    columns = {c: t for c, t in SCHEMA[table].items() if c in raw.columns and raw.schema[c] == pl.Utf8
               and c != "_file" and t != pl.Utf8}
    # each value parsed once, into a scratch column the checks and the typed column then read
    raw = raw.with_columns(_parsed_columns(raw, columns))
    for column, dtype in SCHEMA[table].items():
        if column not in raw.columns or raw.schema[column] != pl.Utf8 or column == "_file":
            continue
        parsed = pl.col(f"__{column}") if column in columns else pl.col(column)
        out_of_range = None
        if dtype == pl.Date:
            high = limits.latest_date
            why = f"the extract date is {high:%d/%m/%Y}"
            if column in FUTURE_DATES:
                years = FUTURE_DATES[column]
                high = date(high.year + years, high.month, 28 if (high.month, high.day) == (2, 29) else high.day)
                why = f"at most {years} years after the extract date, {limits.latest_date:%d/%m/%Y}"
            out_of_range = ((parsed < EARLIEST_DATE) | (parsed > high)).fill_null(False)
            bad_values(VALUE_DATE_OUT_OF_RANGE, out_of_range, column,
                       low=f"{EARLIEST_DATE:%d/%m/%Y}", high=f"{high:%d/%m/%Y}", why=why)
        elif dtype in (pl.Int64, pl.Float64):
            low, high = NUMBER_RANGES.get(column, (0, DEFAULT_HIGH))
            out_of_range = ((parsed < low) | (parsed > high)).fill_null(False)
            bad_values(VALUE_OUT_OF_RANGE, out_of_range, column, low=f"{low:g}", high=f"{high:g}")
        if dtype != pl.Utf8:
            check, kind = {pl.Date: (VALUE_BAD_DATE, ""), pl.Boolean: (VALUE_BAD_FLAG, ""),
                           pl.Int64: (VALUE_BAD_NUMBER, "whole number"),
                           pl.Float64: (VALUE_BAD_NUMBER, "number")}[dtype]
            bad_values(check, pl.col(column).is_not_null() & parsed.is_null(), column, kind=kind)
        if out_of_range is not None:  # out of range: blank (after the unreadable check, which it is not)
            parsed = pl.when(out_of_range).then(None).otherwise(parsed)
        if column in REQUIRED_VALUES.get(table, ()) and column not in blank_defaults:
            bad_values(VALUE_MISSING, pl.col(column).is_null(), column)
        if column in blank_defaults:
            parsed = pl.when(pl.col(column).is_null()).then(pl.lit(blank_defaults[column])).otherwise(parsed)
        exprs.append(parsed.cast(dtype).alias(column))
    flush()
    typed = raw.with_columns(exprs)
    missing = [pl.lit(blank_defaults.get(c), t).alias(c) for c, t in SCHEMA[table].items()
               if c not in typed.columns]
    typed = typed.with_columns(missing).select([pl.col(c).cast(t) for c, t in SCHEMA[table].items()])
    return typed, concat_findings(problems)


def raw_table(sheet: RawSheet, spec: TableSpec,
              year: int | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A recognised sheet's text columns (``raw_columns``, and a 903 table's ``year``), and the
    findings its lines gave (extra fields, mixed encodings) with the child of each row."""
    raw = raw_columns(sheet, spec)
    if spec.group == "903":
        raw = raw.with_columns(pl.lit(year, pl.Int64).alias("year"))
    if not any(rows.height for _, rows in sheet.row_problems):
        return raw, concat_findings([])
    children = raw.select(pl.col("_row").alias("row"), (pl.col("child") if "child" in raw.columns
                                                         else pl.lit(None, pl.Utf8)).alias("child"))
    return raw, concat_findings([findings_from_rows(check, rows.with_columns(pl.lit(sheet.label).alias("file"))
                                                    .join(children, on="row", how="left"))
                                 for check, rows in sheet.row_problems if rows.height])


def type_raw(raw: pl.DataFrame, spec: TableSpec) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``raw_table``'s text columns (of one sheet, or several of the same table concatenated) as a
    typed frame with exactly the schema.sql columns, and the value findings."""
    labels = {spec.schema_column(c): c for c in spec.columns}
    defaults = {spec.schema_column(c): v for c, v in spec.blank_defaults.items()}
    return type_columns(raw, spec.name, labels, blank_defaults=defaults)


def type_table(sheet: RawSheet, spec: TableSpec,
               year: int | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A recognised sheet as a typed frame with exactly the schema.sql columns, and its findings."""
    raw, line_findings = raw_table(sheet, spec, year)
    typed, found = type_raw(raw, spec)
    return typed, concat_findings([found, line_findings])


__all__ = [
    "SCHEMA", "TableSpec", "RawSheet", "FileRead", "recognise", "read_file", "raw_table", "type_raw",
    "type_table",
    "type_columns", "empty_table", "header_key", "sha256_of", "is_junk",
]
