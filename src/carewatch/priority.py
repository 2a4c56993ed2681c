"""CPU priority for batch work, so that the dashboard's requests win the CPU (issue 13).

On Linux a niceness belongs to a thread, and a new thread takes its creator's: so lowering every
thread of the import's process before its work lowers the DuckDB and Polars threads it starts
too; lowering one thread (the dashboard's warm) leaves the request threads as they were.
"""
from __future__ import annotations

import os
from pathlib import Path


def lower_priority(nice: int, thread: int | None = None) -> None:
    """Run one thread (its native id, ``threading.get_native_id()``) or, by default, every thread
    of this process at niceness ``nice`` at least (never raised: an unprivileged process cannot)."""
    if nice <= 0:
        return
    tasks = Path("/proc/self/task")
    if thread is not None:
        ids = [thread]
    elif tasks.is_dir():
        ids = [int(task.name) for task in tasks.iterdir()]
    else:  # not Linux: the process's niceness is its threads'
        ids = [0]
    for tid in ids:
        try:
            if os.getpriority(os.PRIO_PROCESS, tid) < nice:
                os.setpriority(os.PRIO_PROCESS, tid, nice)
        except ProcessLookupError:  # a thread that ended meanwhile
            pass
