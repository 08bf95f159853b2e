#!/usr/bin/env python
"""Measure the production server: `make bench` (SQLite), `scripts/with-postgres make bench`.

    make bench                                            # SQLite, 1,000 and 10,000 claims
    scripts/with-postgres scripts/with-redis make bench   # PostgreSQL, the page cache in Redis
    BENCH_SIZES=100000 scripts/with-postgres scripts/with-redis make bench   # the full run

1. Throughput on the demo data: the server as `make serve` runs it (gunicorn, 2 sync workers,
   DEBUG off, plain HTTP, connection health checks on), its page cache in Redis when REDIS_URL
   is set, loaded by wrk with 16 connections (or, without wrk, a Python load generator with
   16 threads), each page against a bare Django view measured in the same run.
   BENCH_THROUGHPUT=0 leaves it out.
2. Latency of the home page, a topic page, searches (common words and a phrase), a deep page
   of the list and a claim page with 1,000 and 10,000 generated claims (BENCH_SIZES="100000"
   for the full run; generating 100,000 takes minutes, BENCH_JOBS processes on PostgreSQL),
   one request at a time, with the page cache off (CACHE_URL=dummy://) so that it measures the
   queries and not the cache; then the memory (RSS) of each worker.

Each database is made for the run (a file in var/bench/, or a database on the PostgreSQL server
DATABASE_URL names) and dropped afterwards. Not part of the tests: numbers depend on the machine.
"""

import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.serving.servers import (  # noqa: E402 - after the path is set
    fetch,
    production_env,
    running_server,
    signed_in_opener,
)

DURATION = int(os.environ.get("BENCH_SECONDS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = 16
WORKERS = "2"
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "1000 10000").split()]
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "60"))
JOBS = os.environ.get("BENCH_JOBS", "2")
THROUGHPUT = os.environ.get("BENCH_THROUGHPUT", "1") != "0"
REDIS_URL = os.environ.get("REDIS_URL", "")
KEEP = os.environ.get("BENCH_KEEP") == "1"  # keep PostgreSQL's databases, to EXPLAIN a page
WRK = shutil.which("wrk")
# Pages timed one request at a time, with their p95 targets in milliseconds (README).
LATENCY_PAGES = [
    ("home", "/", 30),
    ("topic", "/?topic=sleep", 30),
    ("search `training adults`", "/?q=training+adults", 50),
    ("search `sleep`", "/?q=sleep", 50),
    ('search `"older adults"`', "/?q=%22older+adults%22", 50),
    # A search's total and first pages are kept per published version in each process: these
    # ask words never asked before at each request (`-unaskedN` leaves out no claim), so
    # the database counts and ranks every match every time.
    ("search `sleep`, never asked before", "/?q=sleep+-unasked{sample}", 50),
    ('search `"older adults"`, never asked before', "/?q=%22older+adults%22+-unasked{sample}", 50),
    ("deep page (half-way)", "/?page={deep}", 50),
    ("claim page", "/claims/generated-{middle}/", 50),
    # The API's list reads the same listing read-model (issue: constant queries at any size).
    ("API list", "/api/v1/claims/", None),
    ("API list, deep page", "/api/v1/claims/?page={deep}", None),
]


def main():
    server_url = os.environ.get("DATABASE_URL", "")
    vendor = "PostgreSQL" if server_url.startswith(("postgres://", "postgresql://")) else "SQLite"
    cache = "Redis" if REDIS_URL else "in-process (locmem)"
    print(
        f"Machine: {machine()}; database: {vendor}; page cache: {cache}; load: {load_generator()}"
    )
    print(f"Load average before the run: {load_average()}\n")
    if THROUGHPUT:
        with database(server_url, "demo") as url:
            manage(url, "migrate", "--no-input", "-v", "0")
            manage(url, "loaddemo")
            throughput(url)
        print()
    rows = []
    for size in SIZES:
        with database(server_url, f"claims_{size}") as url:
            manage(url, "migrate", "--no-input", "-v", "0")
            began = time.monotonic()
            jobs = ["--jobs", JOBS] if vendor == "PostgreSQL" else []
            manage(
                url, "generate_claims", "--claims", str(size), "--batch", "1000", *jobs, quiet=True
            )
            generated = time.monotonic() - began
            print(f"{size:,} claims generated in {generated:.0f} s (load average {load_average()})")
            rows.append((size, generated, *latencies(url, size)))
    if not rows:
        return
    print(f"\nLatency, one request at a time, page cache off ({vendor}), milliseconds")
    print(
        "| page | target p95 | "
        + " | ".join(f"{size:,} claims p50 / p95" for size, *_ in rows)
        + " |"
    )
    print("|---|---:|" + "---:|" * len(rows))
    for index, (label, _path, target) in enumerate(LATENCY_PAGES):
        cells = []
        for _size, _generated, timings, _memory in rows:
            p50, p95 = timings[index]
            missed = target is not None and p95 >= target
            cells.append(f"{p50:.0f} / {p95:.0f}" + (" (missed)" if missed else ""))
        goal = f"< {target}" if target is not None else ""
        print(f"| {label} | {goal} | " + " | ".join(cells) + " |")
    print(
        "| generated in | < 300 s at 100,000 | "
        + " | ".join(f"{g:.0f} s" for _s, g, *_ in rows)
        + " |"
    )
    print("| RSS of each worker after the run | | " + " | ".join(m for *_, m in rows) + " |")


def load_average() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def load_generator() -> str:
    if WRK:
        return f"wrk, {CONNECTIONS} connections, best of {ROUNDS} rounds of {DURATION} s a page"
    return f"Python, {CONNECTIONS} threads, best of {ROUNDS} rounds of {DURATION} s a page"


def manage(url, *args, quiet=False):
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": url}
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


@contextmanager
def database(server_url, name):
    """A fresh database for one part of the run, removed afterwards."""
    if not server_url.startswith(("postgres://", "postgresql://")):
        folder = ROOT / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.sqlite3"
        for old in folder.glob(f"{name}.sqlite3*"):
            old.unlink()
        try:
            yield f"sqlite:///{path}"
        finally:
            for old in folder.glob(f"{name}.sqlite3*"):
                old.unlink()
        return
    import psycopg

    def admin(sql):
        with psycopg.connect(server_url, autocommit=True) as connection:
            connection.execute(sql)

    admin(f"DROP DATABASE IF EXISTS bench_{name}")
    admin(f"CREATE DATABASE bench_{name}")
    try:
        parts = urllib.parse.urlsplit(server_url)
        yield urllib.parse.urlunsplit(parts._replace(path=f"/bench_{name}"))
    finally:
        if not KEEP:
            admin(f"DROP DATABASE IF EXISTS bench_{name} WITH (FORCE)")


def server_env(url, **extra):
    return production_env(url, WEB_CONCURRENCY=WORKERS, BENCH_VIEW="1", **extra)


def throughput(url):
    cache = {"CACHE_URL": REDIS_URL} if REDIS_URL else {}
    with running_server(server_env(url, **cache)) as base:
        claim = "/claims/quadriceps-proximity-to-failure/"
        page = fetch(base + claim).text
        study = re.search(r'href="(/studies/[^"]+)"', page).group(1)
        opener = signed_in_opener(base, "member", "evidence-demo", login_path="/accounts/login/")
        session = "; ".join(f"{c.name}={c.value}" for c in opener.cookie_jar)
        pages = [
            ("bare Django view", "/bench/ok", None),
            ("claim page, anonymous", claim, None),
            ("claim page, signed-in member", claim, session),
            ("home page, anonymous", "/", None),
            ("search `protein`, anonymous", "/?q=protein", None),
            ("study page, anonymous", study, None),
            ("API claim, anonymous", "/api/v1" + claim, None),
            ("API list of claims, anonymous", "/api/v1/claims/", None),
        ]
        for _label, path, cookie in pages:
            assert fetch(base + path, headers={"Cookie": cookie} if cookie else {}).status == 200
        # Rounds through every page, keeping each page's best: on a shared machine, load from
        # elsewhere only ever lowers a figure, and each round measures the bare view too.
        best = {path_and_cookie: 0.0 for path_and_cookie in ((p, c) for _, p, c in pages)}
        for _round in range(ROUNDS):
            for _label, path, cookie in pages:
                rate = requests_per_second(base + path, cookie)
                best[path, cookie] = max(best[path, cookie], rate)
        results = [(label, path, best[path, cookie]) for label, path, cookie in pages]
    bare = results[0][2]
    print("Throughput on the demo data (gunicorn, 2 sync workers, DEBUG off)")
    targets = {
        "claim page, anonymous": 0.8,
        "claim page, signed-in member": 0.3,
        "home page, anonymous": 0.8,
    }
    print("| page | path | req/s | × bare view | target |")
    print("|---|---|---:|---:|---:|")
    for label, path, rate in results:
        target = f"≥ {targets[label]:.1f}" if label in targets else ""
        print(f"| {label} | `{path}` | {rate:,.0f} | {rate / bare:.2f} | {target} |")
    # Target (README "Read API"): a cached API answer is at least as fast as the cached page.
    rates = {label: rate for label, _path, rate in results}
    api, page = rates["API claim, anonymous"], rates["claim page, anonymous"]
    print(f"API claim / claim page: {api / page:.2f} (target ≥ 1.00)")
    api_list, home = rates["API list of claims, anonymous"], rates["home page, anonymous"]
    print(f"API list / home page: {api_list / home:.2f}")


def requests_per_second(url, cookie) -> float:
    if WRK:
        command = [WRK, "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", url]
        if cookie:
            command += ["-H", f"Cookie: {cookie}"]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        if "Non-2xx" in output:
            raise SystemExit(f"bench: {url} answered errors under load:\n{output}")
        return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return python_load(url, cookie)


def python_load(url, cookie) -> float:
    """A bounded load generator: CONNECTIONS threads, each one request after another."""
    headers = {"Cookie": cookie} if cookie else {}
    stop = time.monotonic() + DURATION
    counts = [0] * CONNECTIONS

    def worker(index):
        while time.monotonic() < stop:
            if fetch(url, headers=headers).status == 200:
                counts[index] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CONNECTIONS)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - began)


def latencies(url, size):
    """(p50, p95) of each of LATENCY_PAGES, and the memory of each worker afterwards."""
    per_page = 20
    values = {
        "deep": max(1, size // per_page // 2),
        "middle": max(1, size // 2),
        "sample": "{sample}",  # numbered by percentiles(), one number a request
    }
    with running_server(server_env(url, CACHE_URL="dummy://")) as base:
        timings = [percentiles(base + path.format(**values)) for _, path, _ in LATENCY_PAGES]
        memory = worker_memory(base)
    return timings, memory


def percentiles(url) -> tuple[float, float]:
    fetch(url.replace("{sample}", "warm"))  # warm the worker (imports, connection)
    timings = []
    for sample in range(SAMPLES):
        page = url.replace("{sample}", str(sample))
        began = time.perf_counter()
        assert fetch(page).status == 200
        timings.append((time.perf_counter() - began) * 1000)
    cuts = statistics.quantiles(timings, n=20)
    return statistics.median(timings), cuts[18]


def worker_memory(base) -> str:
    """The resident memory of each gunicorn worker of the server at `base` (Linux /proc)."""
    port = urllib.parse.urlsplit(base).port
    processes = {}
    for folder in Path("/proc").glob("[0-9]*"):
        try:
            environ = (folder / "environ").read_bytes().split(b"\0")
            status = (folder / "status").read_text()
        except OSError:
            continue
        if (
            f"PORT={port}".encode() not in environ
            or "gunicorn" not in (folder / "cmdline").read_text()
        ):
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        processes[folder.name] = (fields["PPid"].strip(), fields.get("VmRSS", "0 kB").split()[0])
    workers = [int(rss) for _pid, (ppid, rss) in processes.items() if ppid in processes]
    return ", ".join(f"{rss / 1024:.0f} MB" for rss in sorted(workers)) or "unknown"


if __name__ == "__main__":
    main()
