"""Dashboard latency under concurrent load on loopback: p50/p95/max of the overview, an indicator
page, the due list, the drift list and a child's page with N clients signed in as an analyst;
with --import, while an import runs, and the worst request right after its publish.

    uv run python benchmarks/bench_web.py --home DIR [--clients 20] [--rounds 10] [--kpi visits_on_time]
    uv run python benchmarks/bench_web.py --home DIR --import EXTRACTS [--after 60]

DIR must hold a published snapshot (e.g. `carewatch synth --profile demo` then `carewatch import`).
The script makes a user `bench-analyst` in DIR's app DB, starts `carewatch serve` on a free port
(plain HTTP on loopback, so cookies are not marked Secure), times each page's first request, lets
every client make one untimed round (so every worker process has filled its caches), then has
every client request each page --rounds times, and prints a Markdown table for docs/web.md.

With --import EXTRACTS the clients instead request the pages without pause while
`carewatch import EXTRACTS` runs into DIR, and for --after seconds after it publishes (each
worker loads its caches for the new snapshot from the page cache the import wrote, or computes
them one at a time, and then switches: carewatch.web.warm). The table is then of the requests made
while the import ran; below it, the worst request in the --after seconds after the publish, when the
new snapshot was first served and when the old one was last served (with 2 workers: when each switched).

Each client is one http.client connection, opened again whenever the server closes it (`serve`
closes each after its answer, so requests are spread over the workers); the script prints its own
CPU a request beside the server's, since both share the machine's CPUs.
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import resource
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_user(home: Path) -> str:
    """The analyst `bench-analyst` in the home's app DB, with a new password (returned)."""
    password = secrets.token_urlsafe(16)
    subprocess.run([sys.executable, "-c", "import typer; from carewatch.web.cli import user_add; typer.run(user_add)",
                    "bench-analyst", "--role", "analyst", "--home", str(home)],
                   input=password + "\n", text=True, check=True, capture_output=True)
    return password


def wait_for_server(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 300  # a busy machine starts the server slowly
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
            return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the server did not start")
            time.sleep(0.5)


class Client:
    """One signed-in analyst. http.client, not urllib: no cookie jar or handler chain per request
    (and the connection kept where the server keeps it), so the benchmark's own CPU (on the same
    CPUs as the server) stays small beside what it measures."""

    def __init__(self, port: int, password: str):
        self.port, self.cookies, self.connection = port, {}, None
        page = self.get("/accounts/login/").decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"username": "bench-analyst", "password": password,
                                       "csrfmiddlewaretoken": token})
        status, _ = self.request("POST", "/accounts/login/", body, {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://127.0.0.1:{port}/accounts/login/"})
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit("could not sign in")

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None) -> tuple[int, bytes]:
        headers = {**(headers or {}), "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
            try:
                self.connection.request(method, path, body, headers)
                response = self.connection.getresponse()
                payload = response.read()
            except (http.client.RemoteDisconnected, ConnectionError):
                # the server closed the idle connection (gunicorn's keep-alive timeout): once more on a new one
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
                continue
            for cookie in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = cookie.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            if response.will_close:
                self.connection.close()
                self.connection = None
            return response.status, payload
        raise AssertionError("unreachable")

    def get(self, path: str) -> bytes:
        status, payload = self.request("GET", path)
        if status != 200:
            raise SystemExit(f"{path}: HTTP {status}")
        return payload


def children_cpu() -> float:
    """CPU seconds (user + system) of this process's finished children: the server (gunicorn's
    master waits for its workers) once it has stopped, the import once it has returned."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def children(home: Path, count: int = 50) -> list[str]:
    """Some children of the published snapshot, URL-encoded for the child page (read-only, before
    the server)."""
    import duckdb

    current = (home / "current").read_text().strip()
    con = duckdb.connect(str(home / "snapshots" / f"{current}.duckdb"), read_only=True)
    try:
        return [urllib.parse.quote(c, safe="") for (c,) in con.execute("SELECT DISTINCT child FROM periods ORDER BY child LIMIT ?", [count]).fetchall()]
    finally:
        con.close()


def served_snapshot(html: str) -> str | None:
    found = re.search(r"snapshot <strong>([^<]+)</strong>", html)
    return found.group(1) if found else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--kpi", default="visits_on_time")
    parser.add_argument("--workers", type=int, default=0, help="server processes [default: CPUs]")
    parser.add_argument("--threads", type=int, default=4, help="threads a server process")
    parser.add_argument("--import", dest="extracts", type=Path, help="import these extracts into --home during the run")
    parser.add_argument("--after", type=float, default=60, help="seconds to go on after the import publishes")
    args = parser.parse_args()

    password = make_user(args.home)
    kids = children(args.home)
    port = free_port()
    cpu_before = children_cpu()
    import_cpu = 0.0
    answered = [0]  # the page requests of every client, timed or not
    env = {**os.environ, "CAREWATCH_HOME": str(args.home), "CAREWATCH_SECURE_COOKIES": "0"}
    server = subprocess.Popen([sys.executable, "-c", "import typer; from carewatch.web.cli import serve; typer.run(serve)",
                               "--port", str(port), "--workers", str(args.workers), "--threads", str(args.threads)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pages = {"overview": "/", "indicator": f"/indicators/{args.kpi}/", "due list": "/due/", "drift list": "/drift/",
             "child": "/children/{child}/"}
    # (page, started, elapsed ms, snapshot served: the overview's banner) per timed request
    requests: list[tuple[str, float, float, str | None]] = []
    lock = threading.Lock()
    stop = threading.Event()
    load = [os.getloadavg()]
    published_at = importer = None
    try:
        wait_for_server(port, server)
        clients = [Client(port, password) for _ in range(args.clients)]
        cold = {}
        for name, path in pages.items():  # the first request fills the per-snapshot caches
            start = time.perf_counter()
            clients[0].get(path.format(child=kids[0]))
            cold[name] = (time.perf_counter() - start) * 1000

        def client(number: int, user: Client, rounds: int | None, record: bool = True) -> None:
            done = 0
            while (done < rounds) if rounds is not None else not stop.is_set():
                for name, path in pages.items():
                    start = time.perf_counter()
                    body = user.get(path.format(child=kids[(number + done) % len(kids)]))
                    elapsed = (time.perf_counter() - start) * 1000
                    with lock:
                        answered[0] += 1
                    if record:
                        served = served_snapshot(body.decode()) if name == "overview" else None
                        with lock:
                            requests.append((name, start, elapsed, served))
                done += 1

        def run_clients(rounds: int | None, record: bool) -> list[threading.Thread]:
            threads = [threading.Thread(target=client, args=(i, c, rounds, record)) for i, c in enumerate(clients)]
            for t in threads:
                t.start()
            return threads

        for t in run_clients(1, record=False):  # every worker process fills its own caches
            t.join()
        started, own_cpu, own_answered = time.perf_counter(), time.process_time(), answered[0]
        if args.extracts is None:
            for t in run_clients(args.rounds, record=True):
                t.join()
        else:
            before = (args.home / "current").read_text().strip()
            threads = run_clients(None, record=True)
            importer = subprocess.run([sys.executable, "-m", "carewatch", "import", str(args.extracts),
                                       "--home", str(args.home)], env=env, capture_output=True, text=True)
            published_at = time.perf_counter()
            import_cpu = children_cpu() - cpu_before
            if importer.returncode != 0 or (args.home / "current").read_text().strip() == before:
                stop.set()
                raise SystemExit(f"the import did not publish: {importer.stdout}{importer.stderr}")
            load.append(os.getloadavg())
            time.sleep(args.after)
            stop.set()
            for t in threads:
                t.join()
        wall = time.perf_counter() - started
        own_cpu, own_answered = time.process_time() - own_cpu, answered[0] - own_answered
        load.append(os.getloadavg())
    finally:
        stop.set()
        server.terminate()
        try:
            server.wait(timeout=60)  # gunicorn lets in-flight requests finish
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    server_cpu = children_cpu() - cpu_before - import_cpu

    timed = [r for r in requests if published_at is None or r[1] < published_at]
    total = len(timed)
    span = published_at - started if published_at is not None else wall
    print(f"{args.clients} concurrent clients, {total} requests in {span:.1f} s ({total / span:.0f} requests/s)"
          f"{' while the import ran' if published_at else f', {args.rounds} rounds'}, {os.cpu_count()} CPUs, "
          f"{args.workers or os.cpu_count()} server workers; load average (1 min) "
          + " / ".join(f"{one:.1f}" for one, _, _ in load) + "\n")
    print("| page | first request (ms) | p50 (ms) | p95 (ms) | max (ms) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name in pages:
        values = [r[2] for r in timed if r[0] == name]
        print(f"| {name} | {cold[name]:.0f} | {statistics.median(values):.0f} | {percentile(values, 0.95):.0f} "
              f"| {max(values):.0f} |")
    if published_at is not None:
        after = [r for r in requests if r[1] + r[2] / 1000 >= published_at]
        worst = max(after, key=lambda r: r[2])
        old = [r[1] for r in after if r[0] == "overview" and r[3] == before]
        new = [r[1] + r[2] / 1000 for r in after if r[0] == "overview" and r[3] not in (before, None)]
        last_old = f"{max(old) - published_at:.1f} s" if old else "never"
        first_new = f"{min(new) - published_at:.1f} s" if new else "never"
        # each worker switches once: with 2 workers, the first new answer and the last old one
        # are when the first and the second switched
        print(f"\nAfter the publish ({args.after:.0f} s, {len(after)} requests): worst {worst[2]:.0f} ms "
              f"({worst[0]}, {worst[1] - published_at:+.1f} s), p95 {percentile([r[2] for r in after], 0.95):.0f} ms; "
              f"the new snapshot first served {first_new} and the old one last served {last_old} after the publish.")
        print(f"\nThe import: {import_cpu:.1f} s of CPU.")
    print(f"The server: {server_cpu:.1f} s of CPU (user + system, its workers' warms included) for "
          f"{answered[0]} page requests: {server_cpu / answered[0] * 1000:.1f} ms a request.")
    print(f"The clients (this process, on the same CPUs): {own_cpu:.1f} s of CPU for {own_answered} timed page "
          f"requests: {own_cpu / own_answered * 1000:.1f} ms a request.")


if __name__ == "__main__":
    main()
