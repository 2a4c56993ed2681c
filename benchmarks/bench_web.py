"""Dashboard latency under concurrent load on loopback: p50/p95/max of the overview, an indicator
page and the due list with N clients signed in as an analyst.

    uv run python benchmarks/bench_web.py --home DIR [--clients 20] [--rounds 10] [--kpi visits_on_time]

DIR must hold a published snapshot (e.g. `carewatch synth --profile demo` then `carewatch import`).
The script makes a user `bench-analyst` in DIR's app DB, starts `carewatch serve` on a free port
(plain HTTP on loopback, so cookies are not marked Secure), times each page's first request, lets
every client make one untimed round (so every worker process has filled its caches), then has
every client request each page --rounds times, and prints a Markdown table for docs/web.md.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_user(home: Path, password: str) -> None:
    subprocess.run([sys.executable, "-c", "import typer; from carewatch.web.cli import user_add; typer.run(user_add)",
                    "bench-analyst", "--role", "analyst", "--home", str(home)],
                   input=password + "\n", text=True, check=True, capture_output=True)


def signed_in_opener(base: str, password: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"username": "bench-analyst", "password": password,
                                   "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(base + "/accounts/login/", data=body, headers={"Referer": base + "/accounts/login/"})
    landed = opener.open(request)
    if "/accounts/login/" in landed.geturl():
        raise SystemExit("could not sign in")
    return opener


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--kpi", default="visits_on_time")
    parser.add_argument("--workers", type=int, default=0, help="server processes [default: CPUs]")
    args = parser.parse_args()

    password = secrets.token_urlsafe(16)
    make_user(args.home, password)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "CAREWATCH_HOME": str(args.home), "CAREWATCH_SECURE_COOKIES": "0"}
    server = subprocess.Popen([sys.executable, "-c", "import typer; from carewatch.web.cli import serve; typer.run(serve)",
                               "--port", str(port), "--workers", str(args.workers)], env=env, stderr=subprocess.DEVNULL)
    pages = {"overview": "/", "indicator": f"/indicators/{args.kpi}/", "due list": "/due/"}
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        openers = [signed_in_opener(base, password) for _ in range(args.clients)]
        cold = {}
        for name, path in pages.items():  # the first request fills the per-snapshot caches
            start = time.perf_counter()
            openers[0].open(base + path).read()
            cold[name] = (time.perf_counter() - start) * 1000
        timings: dict[str, list[float]] = {name: [] for name in pages}
        lock = threading.Lock()

        def client(opener, rounds: int, record: bool = True) -> None:
            for _ in range(rounds):
                for name, path in pages.items():
                    start = time.perf_counter()
                    response = opener.open(base + path)
                    response.read()
                    elapsed = (time.perf_counter() - start) * 1000
                    if response.status != 200:
                        raise SystemExit(f"{path}: HTTP {response.status}")
                    if record:
                        with lock:
                            timings[name].append(elapsed)

        def run_clients(rounds: int, record: bool) -> float:
            threads = [threading.Thread(target=client, args=(o, rounds, record)) for o in openers]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            return time.perf_counter() - started

        run_clients(1, record=False)  # every worker process fills its own caches
        wall = run_clients(args.rounds, record=True)
    finally:
        server.terminate()
        server.wait(timeout=10)

    total = sum(len(v) for v in timings.values())
    print(f"{args.clients} concurrent clients, {args.rounds} rounds, {total} requests in {wall:.1f} s "
          f"({total / wall:.0f} requests/s), {os.cpu_count()} CPUs, {args.workers or os.cpu_count()} server workers\n")
    print("| page | first request (ms) | p50 (ms) | p95 (ms) | max (ms) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, values in timings.items():
        print(f"| {name} | {cold[name]:.0f} | {statistics.median(values):.0f} | {percentile(values, 0.95):.0f} "
              f"| {max(values):.0f} |")


if __name__ == "__main__":
    main()
