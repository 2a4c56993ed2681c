"""The command line starts without what `carewatch import` never uses (issue 17: start-up is a fixed
cost of every import). Run in a child process, as an operator runs the command: the test process
itself has loaded everything."""
from __future__ import annotations

import json
import subprocess
import sys

from test_import import _extracts

# the dashboard, its server, the report renderers and the workbook writer (loaded by the commands
# that need them); pyarrow: DuckDB reads the import's frames as Arrow C streams instead; holidays: the
# calendar reads its held table of England's bank holidays (the package loads every country's rules);
# numpy: only the CIN census reader's container numbering, so only an import that holds a census loads it
NOT_FOR_IMPORT = ("django", "gunicorn", "weasyprint", "openpyxl", "vl_convert", "carewatch.reports",
                  "carewatch.web.server", "pyarrow", "holidays")
NOT_AT_START = NOT_FOR_IMPORT + ("numpy",)
PROBE = """
import sys, json
from carewatch.cli import app
try:
    app(prog_name="carewatch", args=sys.argv[1:])
except SystemExit as exit:
    code = exit.code
print(json.dumps({"code": code, "loaded": [m for m in {names} if m in sys.modules]}))
"""


def _loaded_by(*args: str, names: tuple[str, ...] = NOT_FOR_IMPORT) -> dict:
    probe = PROBE.replace("{names}", repr(names))
    done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_help_loads_none_of_them():
    assert _loaded_by("--help", names=NOT_AT_START) == {"code": 0, "loaded": []}


def test_an_import_loads_none_of_them(tmp_path):
    src = _extracts(tmp_path / "in", history_from="2020-04-01")
    result = _loaded_by("import", str(src), "--home", str(tmp_path / "home"), "--extract-date", "2021-03-31",
                        "--quiet", names=NOT_AT_START)  # no census here: no numpy either
    assert result == {"code": 0, "loaded": []}


def test_the_command_leaves_with_its_status_and_its_output(tmp_path):
    """`python -m carewatch` (as the console script) leaves without the interpreter's teardown
    (cli.main): what the command printed and its exit status are still the command's."""
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "carewatch", *args], capture_output=True, text=True)

    listed = run("snapshots", "--home", str(tmp_path), "--format", "json")
    assert (listed.returncode, json.loads(listed.stdout)) == (0, [])
    missing = run("kpis", "--home", str(tmp_path))
    assert missing.returncode == 1 and "run `carewatch import` first" in missing.stdout + missing.stderr
    assert run("no-such-command").returncode == 2


def test_every_package_imports_first_in_a_fresh_process():
    # each command imports its own modules lazily, so any of them can be the first of the package a
    # process loads: an import cycle shows only in that order (carewatch.drift first: drift.reasons ->
    # kpis.sql -> kpis -> its registry -> kpis.areas.drift -> drift.reasons, half made, and
    # `carewatch drift` failed while every test, having loaded kpis, passed). Every package and
    # top module, each first in a process of its own, two at a time.
    from concurrent.futures import ThreadPoolExecutor
    from pathlib import Path

    import carewatch

    # found on disk, not by pkgutil.walk_packages: it imports each package, here, and passes over one
    # that fails. Every package and every module at the top (a module deeper first loads its packages
    # first: the cycle is theirs); importing all 185 modules took a minute
    root = Path(carewatch.__file__).parent
    modules = [path.with_suffix("") for path in root.glob("*.py") if path.name not in ("__init__.py", "__main__.py")]
    packages = [path.parent for pattern in ("*/__init__.py", "*/*/__init__.py") for path in root.glob(pattern)]
    names = sorted("carewatch." + ".".join(path.relative_to(root).parts) for path in [*modules, *packages])
    assert {"carewatch.drift", "carewatch.kpis.areas", "carewatch.cli"} <= set(names)

    def first_import(name: str) -> tuple[str, str]:
        done = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True, text=True)
        return name, done.stderr.strip().splitlines()[-1] if done.returncode else ""

    with ThreadPoolExecutor(max_workers=2) as pool:
        failed = {name: error for name, error in pool.map(first_import, names) if error}
    assert failed == {}
