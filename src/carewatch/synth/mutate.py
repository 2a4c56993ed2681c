"""Seeded mutations of an extract folder, for fuzzing the import (tests/imports/test_fuzz.py and
benchmarks/fuzz_import.py). Synthetic extracts only.

``mutate(folder, rng)`` changes one file in place, at the byte level (cut, flipped, inserted or
deleted bytes, a duplicated span) or the value level (a cell replaced by a hostile value, a field
added or removed, header columns swapped, a row repeated, a manifest field of the wrong type), and
returns a one-line description of what it did.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

HOSTILE_VALUES = [
    "", " ", "99999999999999999999", "-3", "-0", "1e308", "NaN", "inf", "0x1F", "3.5", "1,000,000",
    "31/12/9999", "0001-01-01", "9999-12-31", "29/02/2021", "31/04/2021", "1/1/1", "00/00/0000",
    "2021-13-01", "01/01/1899", '"', '"unterminated', 'a "quoted" value', ",", ";", "\t", "|",
    "=HYPERLINK(\"http://example.org\")", "+1", "@SUM(A1)", "Zoë", "\u202eevil", "\x00", "\ufeff",
    "x" * 20_000, "C" * 300, "../../etc/passwd", "<script>alert(1)</script>", "'; DROP TABLE header; --",
    "Y", "N", "TRUE", "maybe", "S", "L", "E11", "X1", "U1", "V2", "C2",
]
MANIFEST_VALUES = [20211130, "2021-11-31", "9999-12-31", "1899-01-01", None, [], {}, True, "", "30/11/2021",
                   "2021-11-29", "2021-10-31"]


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _byte_level(path: Path, rng: random.Random) -> str:
    data = bytearray(path.read_bytes())
    size = len(data)
    kind = rng.choice(["cut", "flip", "insert", "delete", "duplicate"])
    at = rng.randrange(max(1, size))
    if kind == "cut":
        del data[at:]
    elif kind == "flip":
        for _ in range(rng.randint(1, 8)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
    elif kind == "insert":
        data[at:at] = bytes(rng.choice([0, 10, 13, 34, 44, 0xFF, 0xE9, 0xC3, rng.randrange(256)])
                            for _ in range(rng.randint(1, 16)))
    elif kind == "delete":
        del data[at:at + rng.randint(1, 200)]
    else:
        span = data[at:at + rng.randint(1, 2000)]
        data[at:at] = span
    path.write_bytes(bytes(data))
    return f"{kind} at byte {at} of {size}"


def _value_level(path: Path, rng: random.Random) -> str:
    if path.name == "manifest.json":
        manifest = json.loads(path.read_text())
        key = rng.choice(["la", "la_name", "extract_date"])
        manifest[key] = rng.choice(MANIFEST_VALUES)
        path.write_text(json.dumps(manifest))
        return f"manifest {key} = {json.dumps(manifest[key])}"
    lines = path.read_text(encoding="utf-8").splitlines()
    if len(lines) < 2:
        return "nothing to change"
    row = rng.randrange(1, len(lines))
    cells = lines[row].split(",")
    kind = rng.choice(["value", "value", "value", "extra", "missing", "swap_header", "repeat"])
    if kind == "value":
        column = rng.randrange(len(cells))
        value = rng.choice(HOSTILE_VALUES)
        cells[column] = value
        lines[row] = ",".join(cells)
        what = f"row {row + 1} column {column + 1} = {value[:30]!r}"
    elif kind == "extra":
        lines[row] += ",extra" * rng.randint(1, 3)
        what = f"extra fields on row {row + 1}"
    elif kind == "missing":
        lines[row] = ",".join(cells[:-rng.randint(1, len(cells))])
        what = f"fields missing on row {row + 1}"
    elif kind == "swap_header":
        header = lines[0].split(",")
        i, j = rng.randrange(len(header)), rng.randrange(len(header))
        header[i], header[j] = header[j], header[i]
        lines[0] = ",".join(header)
        what = f"header columns {i + 1} and {j + 1} swapped"
    else:
        lines[row:row] = [lines[row]] * rng.randint(1, 50)
        what = f"row {row + 1} repeated"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return what


def mutate(folder: Path, rng: random.Random, level: str) -> str:
    """Change one file of ``folder`` at ``level`` ('byte' or 'value'); what was done."""
    path = rng.choice(_files(folder))
    change = _byte_level(path, rng) if level == "byte" else _value_level(path, rng)
    return f"{path.relative_to(folder).as_posix()}: {change}"
