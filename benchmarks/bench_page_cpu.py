"""Server CPU of one request per page with the caches warm: the pages bench_web.py requests.

    uv run python benchmarks/bench_page_cpu.py --home DIR [--requests 100] [--kpi visits_on_time]

Starts `carewatch serve` with one worker on a free port, signs in as an analyst (user
`bench-analyst`, made in DIR's app DB), requests every page once per child (untimed: every cache
of the snapshot is filled, and the worker has warmed nothing in the background), then for each
page makes --requests sequential requests on one keep-alive connection (the child's page: the
first 50 children in turn) and reads the worker's CPU time (user + system, every thread) from
/proc/PID/stat before and after. One client, one request at a time: the figure is what a request
costs the server, not how long it waits. Prints a Markdown table for docs/web.md.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_web import Client, children, free_port, make_user, wait_for_server  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process, every thread (fields 14 and 15 of /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def only_worker(master: int) -> int:
    """gunicorn's one worker: the master's child."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        kids = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if len(kids) == 1:
            return int(kids[0])
        time.sleep(0.2)
    raise SystemExit("no single server worker")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--kpi", default="visits_on_time")
    args = parser.parse_args()

    password = make_user(args.home)
    kids = children(args.home)
    port = free_port()
    env = {**os.environ, "CAREWATCH_HOME": str(args.home), "CAREWATCH_SECURE_COOKIES": "0"}
    server = subprocess.Popen([sys.executable, "-c", "import typer; from carewatch.web.cli import serve; typer.run(serve)",
                               "--port", str(port), "--workers", "1"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pages = {"overview": "/", "indicator": f"/indicators/{args.kpi}/", "due list": "/due/", "drift list": "/drift/",
             "child": "/children/{child}/"}
    try:
        wait_for_server(port, server)
        worker = only_worker(server.pid)
        client = Client(port, password)
        for kid in kids:  # untimed: every page's caches, every child's page once
            for path in pages.values():
                client.get(path.format(child=kid))
        load = os.getloadavg()[0]
        print(f"{args.requests} sequential requests a page, 1 worker, caches warm; load average (1 min) {load:.1f}\n")
        print("| page | server CPU a request (ms) | wall a request (ms) |")
        print("| --- | ---: | ---: |")
        for name, path in pages.items():
            cpu, wall = cpu_seconds(worker), time.perf_counter()
            for i in range(args.requests):
                client.get(path.format(child=kids[i % len(kids)]))
            cpu, wall = cpu_seconds(worker) - cpu, time.perf_counter() - wall
            print(f"| {name} | {cpu / args.requests * 1000:.1f} | {wall / args.requests * 1000:.1f} |")
    finally:
        server.terminate()
        server.wait(timeout=60)


if __name__ == "__main__":
    main()
