"""Progress of the long commands (import, synth, report, annex-a, refresh), on stderr.

A service reports through a callback, ``progress(stage, rows=None)``: a new stage name starts
that stage; the same name again with ``rows`` updates how many rows the stage has done so far.
The services never print; the CLI chooses how it is shown:

- on a terminal, a ``rich`` display: one line per stage with a spinner, its rows and elapsed time;
- on anything else (a pipe, a log file, cron), one plain line as each stage ends, e.g.
  ``import: reading: 3,402,115 rows, 12.4 s``, so a log says where the time went;
- ``--quiet``: nothing.

Only stage names and counts are shown: never a child's identifier or any other value.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

from rich.console import Console
from rich.progress import Progress as RichProgress
from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn


class Progress(Protocol):
    def __call__(self, stage: str, rows: int | None = None) -> None: ...


def silent(stage: str, rows: int | None = None) -> None:
    """The progress of a service run without a display."""


def stage_line(command: str, stage: str, seconds: float, rows: int | None) -> str:
    """The one line a finished stage gives on a non-terminal."""
    counted = f"{rows:,} rows, " if rows is not None else ""
    return f"{command}: {stage}: {counted}{seconds:.1f} s"


@contextmanager
def stages(command: str, console: Console, quiet: bool = False) -> Iterator[Progress]:
    """A ``Progress`` callback shown on ``console`` (see the module docstring) while the block runs."""
    if quiet:
        yield silent
    elif console.is_terminal:
        with _live(console) as step:
            yield step
    else:
        with _lines(command, console) as step:
            yield step


@contextmanager
def _live(console: Console) -> Iterator[Progress]:
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.fields[rows]}"),
               TimeElapsedColumn())
    with RichProgress(*columns, console=console) as bar:
        tasks: list[tuple[str, int]] = []

        def step(stage: str, rows: int | None = None) -> None:
            if not tasks or tasks[-1][0] != stage:
                if tasks:
                    bar.update(tasks[-1][1], completed=1, total=1)
                tasks.append((stage, bar.add_task(stage, total=None, rows="")))
            if rows is not None:
                bar.update(tasks[-1][1], rows=f"{rows:,} rows")

        try:
            yield step
        finally:
            if tasks:
                bar.update(tasks[-1][1], completed=1, total=1)


@contextmanager
def _lines(command: str, console: Console) -> Iterator[Progress]:
    current: dict = {}
    clock: Callable[[], float] = time.perf_counter

    def finish() -> None:
        if current:
            console.print(stage_line(command, current["stage"], clock() - current["started"], current["rows"]),
                          markup=False, highlight=False, soft_wrap=True)

    def step(stage: str, rows: int | None = None) -> None:
        if current.get("stage") != stage:
            finish()
            current.update(stage=stage, started=clock(), rows=None)
        if rows is not None:
            current["rows"] = rows

    try:
        yield step
    finally:
        finish()
