"""Whole pages under the production server, against a bare audited page in the same run.

    .venv/bin/python benchmarks/server_pages.py [--database sqlite|postgresql|both]
        [--postgresql-url postgresql+psycopg://postgres@127.0.0.1:5432/ecaf_bench]
        [--seconds 15] [--rounds 2] [--connections 10] [--label after]

For each database it builds a throw-away eCAF database with the demo data (SQLite in a
temporary folder; PostgreSQL in the database given, whose public schema is dropped and
rebuilt: never point it at a database you use), then starts two servers under the same
gunicorn settings (`gunicorn.conf.py`, CAF_WORKERS and CAF_THREADS as set) on that database:

- eCAF itself, signed in as the demo practitioner of Riverside (password and authenticator
  code, as a person signs in);
- the bare baseline (`benchmarks/bare_page.py`): read the episode row, append one audit
  event, commit, render a tiny template.

A load generator in a process of its own (wrk where it is installed, else a small Python
one: threads with keep-alive `http.client` connections) drives one server at a time at the
given number of connections, alternating between them for each page and round, after a short
warm-up of each. Each run reports requests per second, the 50th/95th/99th percentile
latency and the errors (refused or broken connections, time-outs, answers other than 200).
The ratio is eCAF's requests per second against the bare page's, medians of the rounds.

Results are merged into benchmarks/results/server_pages.json under the label given (so a
run before a change and one after it stand side by side) and its section of
benchmarks/README.md is rewritten from them. Every request goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.readme_sections import replace_section  # noqa: E402

BIN = Path(sys.executable).parent
RESULTS = ROOT / "benchmarks" / "results" / "server_pages.json"
README = ROOT / "benchmarks" / "README.md"
START, END = "<!-- server_pages:start -->", "<!-- server_pages:end -->"
DEMO_USER = "practitioner@riverside.example"
WRK_REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK-JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"p99_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), errors.connect, errors.read, errors.write, errors.status,
    errors.timeout))
end
"""


# --- a signed-in client --------------------------------------------------------------------


class Browser:
    """Just enough of a browser to sign in: cookies, CSRF tokens, redirects not followed."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        page = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        connection.close()
        return response.status, response.getheader("Location") or "", page

    def post_form(self, path: str, fields: dict) -> tuple[int, str, str]:
        _status, _location, page = self.request("GET", path)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        if not match:
            raise RuntimeError(f"no CSRF token on {path}")
        return self.request("POST", path, {**fields, "csrf_token": match.group(1)})

    def sign_in(self, email: str) -> None:
        import pyotp

        from webapp.demo.seed import DEMO_PASSWORD, DEMO_TOTP_SECRET

        status, location, _page = self.post_form(
            "/sign-in", {"email": email, "password": DEMO_PASSWORD}
        )
        if status != 302 or "/sign-in/two-factor" not in location:
            raise RuntimeError(f"the password was not accepted: {status} {location}")
        code = pyotp.TOTP(DEMO_TOTP_SECRET).now()
        status, location, _page = self.post_form("/sign-in/two-factor", {"code": code})
        if status != 302:
            raise RuntimeError(f"the authenticator code was not accepted: {status}")

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())


# --- servers -------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare_database(environment: dict, postgresql_url: str | None) -> None:
    if postgresql_url:
        from sqlalchemy import create_engine, text

        engine = create_engine(postgresql_url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    for command in (["caf", "db", "upgrade"], ["caf", "seed-demo"]):
        subprocess.run(  # noqa: S603 - our own command line
            [str(BIN / "flask"), "--app", "webapp", *command],
            cwd=ROOT,
            env=environment,
            check=True,
            capture_output=True,
        )


class Server:
    def __init__(self, name: str, app: str, environment: dict, log_folder: Path):
        self.name = name
        self.port = free_port()
        self.log = (log_folder / f"{name}.log").open("w")
        self.process = subprocess.Popen(  # noqa: S603 - our own server, on 127.0.0.1
            [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", app],
            cwd=ROOT,
            env={**environment, "CAF_BIND": f"127.0.0.1:{self.port}"},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_until_up(self, path: str) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} stopped: see {self.log.name}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", path)
                connection.getresponse().read()
                connection.close()
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not answer within 90 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


# --- load ----------------------------------------------------------------------------------


def drive(url: str, cookie: str, seconds: float, connections: int) -> dict:
    """Run the load generator in a process of its own and return its figures."""
    if shutil.which("wrk"):
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_REPORT)
        try:
            output = subprocess.run(  # noqa: S603 - wrk, against our own server on 127.0.0.1
                [
                    shutil.which("wrk") or "wrk",
                    f"-t{min(2, connections)}",
                    f"-c{connections}",
                    f"-d{seconds}s",
                    "--timeout",
                    "10s",
                    "-s",
                    script.name,
                    "-H",
                    f"Cookie: {cookie}",
                    url,
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        finally:
            os.unlink(script.name)
        line = next(line for line in output.splitlines() if line.startswith("WRK-JSON "))
        raw = json.loads(line.removeprefix("WRK-JSON "))
        errors = sum(raw[kind] for kind in ("connect", "read", "write", "status", "timeout"))
        return {
            "tool": "wrk",
            "requests": raw["requests"],
            "requests_per_second": raw["requests"] / (raw["duration_us"] / 1e6),
            "p50_ms": raw["p50_us"] / 1000,
            "p95_ms": raw["p95_us"] / 1000,
            "p99_ms": raw["p99_us"] / 1000,
            "errors": errors,
            "error_kinds": {k: raw[k] for k in ("connect", "read", "write", "status", "timeout")},
        }
    output = subprocess.run(  # noqa: S603 - this script's own load generator
        [sys.executable, __file__, "--load", url, "--cookie", cookie]
        + ["--seconds", str(seconds), "--connections", str(connections)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output)


def python_load(url: str, cookie: str, seconds: float, connections: int) -> dict:
    """The load generator when wrk is not installed: one thread a connection, keep-alive."""
    match = re.match(r"http://([^:/]+):(\d+)(/.*)", url)
    assert match, url
    host, port, path = match.group(1), int(match.group(2)), match.group(3)
    latencies: list[float] = []
    errors = {"connect": 0, "read": 0, "status": 0}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker() -> None:
        connection = None
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(host, port, timeout=10)
                connection.request("GET", path, headers={"Cookie": cookie})
                response = connection.getresponse()
                response.read()
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if response.status != 200:
                        errors["status"] += 1
            except OSError:
                with lock:
                    errors["read" if connection else "connect"] += 1
                if connection is not None:
                    connection.close()
                connection = None

    began = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    duration = time.monotonic() - began
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "tool": "python",
        "requests": len(latencies),
        "requests_per_second": len(latencies) / duration,
        "p50_ms": cuts[49] * 1000,
        "p95_ms": cuts[94] * 1000,
        "p99_ms": cuts[98] * 1000,
        "errors": sum(errors.values()),
        "error_kinds": errors,
    }


# --- one database --------------------------------------------------------------------------


def find_episode(browser: Browser) -> str:
    _status, _location, page = browser.request("GET", "/")
    match = re.search(r'href="(/episodes/\d+)"', page)
    if not match:
        raise RuntimeError("the demo practitioner's home page links no episode")
    return match.group(1)


def run_database(database: str, postgresql_url: str | None, arguments: argparse.Namespace) -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"server-pages-{database}-"))
    environment = {
        **os.environ,
        "CAF_INSTANCE_PATH": str(folder / "instance"),
        "PYTHONPATH": str(ROOT),
    }
    environment.pop("CAF_DATABASE_URL", None)
    if postgresql_url:
        environment["CAF_DATABASE_URL"] = postgresql_url
    print(f"[{database}] building the demo database", flush=True)
    prepare_database(environment, postgresql_url)
    app = Server("ecaf", "webapp:create_app()", environment, folder)
    bare = Server("bare", "benchmarks.bare_page:create_bare_app()", environment, folder)
    try:
        app.wait_until_up("/sign-in")
        bare.wait_until_up("/episodes/0")
        browser = Browser(app.port)
        browser.sign_in(DEMO_USER)
        episode_path = find_episode(browser)
        cookie = browser.cookie_header()
        targets = {
            "ecaf": f"http://127.0.0.1:{app.port}{episode_path}",
            "bare": f"http://127.0.0.1:{bare.port}{episode_path}",
        }
        for url in targets.values():  # warm-up: every worker loads what it caches
            drive(url, cookie, 3, arguments.connections)
        runs: dict[str, list[dict]] = {name: [] for name in targets}
        for round_number in range(1, arguments.rounds + 1):
            for name, url in targets.items():
                figures = drive(url, cookie, arguments.seconds, arguments.connections)
                runs[name].append(figures)
                print(
                    f"[{database}] round {round_number} {name:5} "
                    f"{figures['requests_per_second']:7.1f} req/s  p50 {figures['p50_ms']:6.1f}"
                    f"  p95 {figures['p95_ms']:6.1f}  p99 {figures['p99_ms']:6.1f} ms  "
                    f"errors {figures['errors']}",
                    flush=True,
                )
    finally:
        app.stop()
        bare.stop()
        shutil.rmtree(folder, ignore_errors=True)
    summary = {name: summarise(figures) for name, figures in runs.items()}
    return {
        "page": "episode page (/episodes/<id>, signed-in practitioner)",
        "runs": runs,
        "summary": summary,
        "ratio": summary["ecaf"]["requests_per_second"] / summary["bare"]["requests_per_second"],
    }


def summarise(runs: list[dict]) -> dict:
    return {
        key: statistics.median(run[key] for run in runs)
        for key in ("requests_per_second", "p50_ms", "p95_ms", "p99_ms")
    } | {"errors": sum(run["errors"] for run in runs)}


# --- report --------------------------------------------------------------------------------


def gunicorn_settings() -> dict:
    import runpy

    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    return {"workers": config["workers"], "threads": config["threads"]}


HEAD = (
    "| run | database | eCAF req/s | p50 | p95 | p99 | errors | bare req/s | bare p95 "
    "| bare errors | ratio |\n| --- | --- |" + " ---: |" * 9
)


def readme_section(results: dict) -> str:
    rows = []
    for label, report in results.items():
        for database, figures in report["databases"].items():
            app, bare = figures["summary"]["ecaf"], figures["summary"]["bare"]
            rows.append(
                f"| {label} | {database} | {app['requests_per_second']:.0f} | "
                f"{app['p50_ms']:.1f} | {app['p95_ms']:.1f} | {app['p99_ms']:.1f} | "
                f"{app['errors']} | {bare['requests_per_second']:.0f} | "
                f"{bare['p95_ms']:.1f} | {bare['errors']} | {figures['ratio']:.2f}× |"
            )
    runs = "\n".join(
        f"- {label}: {report['run_at']}, commit {report['commit']}, {report['tool']}, "
        f"{report['settings']['workers']} workers × {report['settings']['threads']} threads, "
        f"{report['connections']} connections, {report['rounds']} rounds of "
        f"{report['seconds']} s each alternating, machine load "
        f"{report['load_before']} → {report['load_after']}; {report['note']}".rstrip("; ")
        for label, report in results.items()
    )
    return f"""{START}
## Pages under the production server (`benchmarks/server_pages.py`)

Run: `.venv/bin/python benchmarks/server_pages.py --database both --label after` (about four
minutes; `--postgresql-url` names the PostgreSQL database, by default `ecaf_bench` on
127.0.0.1, whose public schema is dropped and rebuilt: give it one of its own, `createdb -h
127.0.0.1 -U postgres ecaf_bench`). It starts eCAF and the bare baseline
(`benchmarks/bare_page.py`: read the episode row, append one audit event, commit, render a
tiny template) under the same gunicorn settings on the same demo database, and drives the
episode page of each, signed in as the demo practitioner, with `wrk` at 10 connections from
a process of its own, alternating.
Medians of the rounds; *ratio* is eCAF's requests per second against the bare page's in the
same run. Latencies in milliseconds.

{HEAD}
{chr(10).join(rows)}

{runs}
{END}
"""


def write_readme(results: dict) -> None:
    replace_section(README, START, END, readme_section(results))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--postgresql-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/ecaf_bench"
    )
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--label", default="latest")
    parser.add_argument("--note", default="")
    parser.add_argument("--load", help=argparse.SUPPRESS)  # the Python load generator
    parser.add_argument("--cookie", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.load:
        figures = python_load(
            arguments.load, arguments.cookie, arguments.seconds, arguments.connections
        )
        print(json.dumps(figures))
        return
    databases = ["sqlite", "postgresql"] if arguments.database == "both" else [arguments.database]
    load_before = round(os.getloadavg()[0], 2)
    report = {
        "run_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": subprocess.run(  # noqa: S603 - the repository's own git
            [shutil.which("git") or "git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip(),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "tool": "wrk" if shutil.which("wrk") else "Python load generator",
        "settings": gunicorn_settings(),
        "connections": arguments.connections,
        "rounds": arguments.rounds,
        "seconds": arguments.seconds,
        "note": arguments.note,
        "databases": {
            database: run_database(
                database,
                arguments.postgresql_url if database == "postgresql" else None,
                arguments,
            )
            for database in databases
        },
    }
    report["load_before"], report["load_after"] = load_before, round(os.getloadavg()[0], 2)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[arguments.label] = report
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    write_readme(results)
    for database, figures in report["databases"].items():
        print(f"{database}: episode page {figures['ratio']:.2f}× the bare page")
    print(f"Wrote {RESULTS.relative_to(ROOT)} and {README.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
