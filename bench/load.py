"""Load and fault bench: logged-in clients against gunicorn on loopback, with faults mid-run.

    .venv/bin/python bench/load.py [--scenario steady|kill-worker|restart-postgres|big-write|all]
                                   [--users 20] [--duration 30] [--port 8140]

Starts gunicorn (``gunicorn.conf.py``, 2 workers) on 127.0.0.1 over a dedicated database holding the
demo catalogue and a trained model (``flask setup`` makes both on first use), then runs locust's
Python API in this process: ``--users`` clients, each a fresh account, mixing what a listener does:

- ``dash:like-click`` + ``dash:list-refresh``: the Home page's like button (answered with the
  list's change) and its "Refresh" button, replayed as the browser posts them to
  ``/_dash-update-component``, the bodies built from ``/_dash-dependencies``
  (``bench/dash_wire.py``);
- ``api:recommendations``, ``api:feedback`` (like / skip / play), ``api:playlist-create``,
  ``api:playlist-edit`` (append, reorder) and ``api:playlist-get``.

Scenarios: ``steady``; ``kill-worker`` (SIGKILL one gunicorn worker half-way; the master forks a
new one); ``restart-postgres`` (``pg_ctlcluster`` restart half-way; the bench checks the cluster is
back and starts it if not); ``big-write`` (a 1,000-track playlist created half-way by one more
client). Each prints p50/p95/p99 per request kind, errors by status, and for feedback writes
``acknowledged - stored``: every feedback write uses a (user, track) pair never used before, so the
acknowledged pairs (201, or a Dash answer saying "Liked") are checked one by one against the
interactions table afterwards. That holds whether or not the server also de-duplicates replays.

The clients get their session cookie minted with the server's secret key rather than through
/login: login is throttled per address, and every client here comes from 127.0.0.1. Writes copy the
``_csrf_token`` cookie into ``X-CSRFToken`` when the server sets one. Loopback only; bounded by
``--users`` and ``--duration``. Ends with one ``name=value`` line.

Why this script passes 400 lines: it is one benchmark, read top to bottom like its output (the
server it starts, the locust user, the fault scenarios, the acknowledged-versus-stored check).
"""

from __future__ import annotations

# locust patches the standard library with gevent on import: it must come before anything that
# opens sockets.
from locust import HttpUser, between, events, task  # isort: skip
from locust.env import Environment  # isort: skip

import argparse
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import gevent

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from dash_wire import DEPENDENCIES_PATH, UPDATE_PATH, Dependencies  # noqa: E402
from served_app import (  # noqa: E402
    app_environment,
    create_postgres_database,
    start_gunicorn,
    stop_server,
)

BENCH_HOST = "127.0.0.1"
DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/mixmap_load_api"
SECRET_KEY = "load-bench-secret-key-not-for-production"
KINDS = (
    "dash:like-click",
    "dash:list-refresh",
    "api:recommendations",
    "api:feedback",
    "api:playlist-create",
    "api:playlist-edit",
    "api:playlist-get",
    "api:playlist-1000",
)
FEEDBACK_KINDS = ("like", "skip", "play")
TRACKS_PER_CLIENT = 400
BIG_PLAYLIST = 1_000


# --- the run's shared state ---------------------------------------------------------------------


@dataclass
class Run:
    host: str
    sessions: list[tuple[int, str]]  # (user id, session cookie) for each client
    tracks: list[str]  # catalogue track ids, dealt out to the clients
    acknowledged: set[tuple[int, str]] = field(default_factory=set)
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    next_client: int = 0
    dependencies: Dependencies | None = None

    def take_client(self) -> tuple[int, str, list[str]]:
        index = self.next_client
        self.next_client += 1
        user_id, cookie = self.sessions[index % len(self.sessions)]
        start = index * TRACKS_PER_CLIENT
        return user_id, cookie, self.tracks[start : start + TRACKS_PER_CLIENT]


RUN: Run | None = None


def dependencies(client) -> Dependencies:
    """The app's callback map, fetched once per run (every client sees the same)."""
    if RUN.dependencies is None:
        RUN.dependencies = Dependencies(
            client.get(DEPENDENCIES_PATH, name="dash:dependencies").json()
        )
    return RUN.dependencies


class Listener(HttpUser):
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        assert RUN is not None
        self.user_id, cookie, self.tracks = RUN.take_client()
        self.client.cookies.set("session", cookie, domain=BENCH_HOST)
        self.client.get("/", name="page:home")  # the browser's first load sets any other cookies
        self.playlist_id: int | None = None
        self.clicks = 0
        self.refreshes = 0
        deps = dependencies(self.client)
        self.act = deps.find("feedback-toast.children", trigger="home-action.data")
        self.show = deps.find("home-list.children", trigger="home-refresh.n_clicks")
        # What the Home page's stores hold in the browser: the state each click sends.
        self.home = {
            "home-page-view.data": uuid.uuid4().hex,
            "home-shown.data": [],
            "adventurousness.value": 0.5,
        }

    def _write_headers(self) -> dict[str, str]:
        headers = {"Origin": RUN.host, "Referer": RUN.host + "/"}
        token = self.client.cookies.get("_csrf_token")
        if token:
            headers["X-CSRFToken"] = token
        return headers

    def _next_track(self) -> str | None:
        return self.tracks.pop() if self.tracks else None

    @task(3)
    def like_click_and_refresh(self) -> None:
        track = self._next_track()
        if track is None:
            return
        # The click answers with the list's change (a Patch); "Refresh" rebuilds the list.
        self.clicks += 1
        action = {"track": track, "kind": "like", "seq": self.clicks}
        response = self.client.post(
            f"{UPDATE_PATH}?kind=like-click",  # tags the server's access log line; Dash ignores it
            json=self.act.body(self.home, {"home-action.data": action}),
            headers=self._write_headers(),
            name="dash:like-click",
        )
        if response.status_code == 200 and "Liked" in response.text:
            RUN.acknowledged.add((self.user_id, track))
        self.refreshes += 1
        response = self.client.post(
            f"{UPDATE_PATH}?kind=list-refresh",
            json=self.show.body(self.home, {"home-refresh.n_clicks": self.refreshes}),
            headers=self._write_headers(),
            name="dash:list-refresh",
        )
        if response.status_code == 200:
            self.home["home-shown.data"] = response.json()["response"]["home-shown"]["data"]

    @task(2)
    def recommendations(self) -> None:
        self.client.get("/api/v1/recommendations?k=20", name="api:recommendations")

    @task(3)
    def feedback(self) -> None:
        track = self._next_track()
        if track is None:
            return
        response = self.client.post(
            "/api/v1/feedback",
            json={"track_id": track, "kind": random.choice(FEEDBACK_KINDS)},
            headers=self._write_headers(),
            name="api:feedback",
        )
        if response.status_code == 201:
            RUN.acknowledged.add((self.user_id, track))

    @task(1)
    def playlist_edit(self) -> None:
        sample = random.sample(RUN.tracks, 5)
        if self.playlist_id is None:
            response = self.client.post(
                "/api/v1/playlists",
                json={"name": f"Load {self.user_id}", "track_ids": sample},
                headers=self._write_headers(),
                name="api:playlist-create",
            )
            if response.status_code == 201:
                self.playlist_id = response.json()["id"]
            return
        url = f"/api/v1/playlists/{self.playlist_id}"
        current = self.client.get(url, name="api:playlist-get")
        if current.status_code != 200:
            return
        order = [item["track_id"] for item in current.json()["items"]]
        body = {"append": sample[:1]} if len(order) < 40 else {"order": order[::-1]}
        self.client.patch(url, json=body, headers=self._write_headers(), name="api:playlist-edit")


@events.request.add_listener
def _count_status(name, response=None, exception=None, **_kwargs) -> None:
    if RUN is None:
        return
    status = (
        "connection error"
        if response is None or (exception and not response.status_code)
        else response.status_code
    )
    RUN.statuses[name][str(status)] += 1


# --- the server and the database ----------------------------------------------------------------


def server_environment(database_url: str, workdir: Path) -> dict[str, str]:
    # The per-user API throttle stays in the path, set above what 20 clients ask for, so the
    # figures measure the app rather than the limit.
    limit = os.environ.get("MIXMAP_API_LIMIT_USER", "10000 per minute")
    return app_environment(database_url, workdir, SECRET_KEY, MIXMAP_API_LIMIT_USER=limit)


def prepare_database(env: dict[str, str]) -> None:
    """Migrate, generate the demo catalogue and train a model, unless already done."""
    if env["DATABASE_URL"].startswith("postgresql"):
        create_postgres_database(env["DATABASE_URL"])
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "setup"], cwd=REPO, env=env, check=True
    )


ACCESS_FORMAT = "%(U)s?%(q)s %(s)s %(D)s"
SERVER_KINDS = ("like-click", "list-refresh")


def access_log(workdir: Path, port: int) -> Path:
    return workdir / f"access-{port}.log"


def start_server(env: dict[str, str], port: int, workdir: Path) -> subprocess.Popen:
    access_log(workdir, port).unlink(missing_ok=True)
    return start_gunicorn(
        env,
        BENCH_HOST,
        port,
        workdir / f"gunicorn-{port}.log",
        (
            *("--access-logfile", str(access_log(workdir, port))),
            *("--access-logformat", ACCESS_FORMAT),
        ),
        timeout_s=120,
    )


def server_times(log: Path) -> dict[str, list[float]]:
    """Milliseconds per tagged Dash request from gunicorn's access log (``%(D)s``: from the
    request read to the response written), which the clients' own scheduling does not touch."""
    times: dict[str, list[float]] = defaultdict(list)
    if not log.exists():
        return times
    for line in log.read_text().splitlines():
        match = re.match(r"\S*\?kind=([\w-]+) (\d+) (\d+)$", line.strip())
        if match and match.group(1) in SERVER_KINDS:
            times[match.group(1)].append(int(match.group(3)) / 1000)
    return times


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def worker_pids(master: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(stat.parent.name))
    return sorted(pids)


def make_clients(database_url: str, count: int, run_label: str) -> tuple[list, list[str]]:
    """Fresh accounts (one per client) with minted session cookies, and shuffled track ids."""
    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface
    from sqlalchemy import text

    from dashapp.auth import SessionUser
    from dashapp.services import accounts
    from db.session import database, session_scope

    database.configure(database_url)
    signer = Flask("bench")
    signer.secret_key = SECRET_KEY
    serializer = SecureCookieSessionInterface().get_signing_serializer(signer)
    sessions = []
    for i in range(count):
        account = accounts.register(f"load-{run_label}-{i}@bench.mixmap.local", "load-bench-pw-123")
        user_id = SessionUser(accounts.get_account(account.id)).get_id()
        sessions.append((account.id, serializer.dumps({"_user_id": user_id, "_fresh": True})))
    with session_scope() as session:
        tracks = [row[0] for row in session.execute(text("select id from tracks"))]
    random.Random(run_label).shuffle(tracks)
    return sessions, tracks


def stored_pairs(user_ids: list[int]) -> set[tuple[int, str]]:
    from sqlalchemy import bindparam, text

    from db.session import session_scope

    query = text("select user_id, track_id from interactions where user_id in :ids").bindparams(
        bindparam("ids", expanding=True)
    )
    with session_scope() as session:
        return {(int(u), str(t)) for u, t in session.execute(query, {"ids": user_ids})}


# --- faults -------------------------------------------------------------------------------------


def kill_one_worker(master: int) -> str:
    pids = worker_pids(master)
    if not pids:
        return "no worker found"
    os.kill(pids[0], signal.SIGKILL)
    return f"SIGKILL worker {pids[0]} (of {len(pids)})"


def restart_postgres() -> str:
    started = time.monotonic()
    result = subprocess.run(
        ["pg_ctlcluster", "15", "main", "restart"], capture_output=True, text=True, timeout=60
    )
    took = time.monotonic() - started
    detail = result.stderr.strip()
    return f"pg_ctlcluster 15 main restart: exit {result.returncode} in {took:.1f} s {detail}"


def ensure_postgres_running() -> None:
    status = subprocess.run(["pg_ctlcluster", "15", "main", "status"], capture_output=True)
    if status.returncode != 0:
        subprocess.run(["pg_ctlcluster", "15", "main", "start"], check=False)


def big_write(run: Run, outcome: dict) -> str:
    import requests

    _, cookie = run.sessions[0]
    session = requests.Session()
    session.cookies.set("session", cookie, domain=BENCH_HOST)
    session.get(run.host + "/")
    headers = {"Origin": run.host}
    if token := session.cookies.get("_csrf_token"):
        headers["X-CSRFToken"] = token
    tracks = (run.tracks * 2)[:BIG_PLAYLIST]
    started = time.perf_counter()
    response = session.post(
        run.host + "/api/v1/playlists",
        json={"name": "Big one", "track_ids": tracks},
        headers=headers,
        timeout=120,
    )
    took = (time.perf_counter() - started) * 1000
    outcome["big_write_ms"] = took
    run.statuses["api:playlist-1000"][str(response.status_code)] += 1
    return f"{BIG_PLAYLIST}-track playlist create: {response.status_code} in {took:.0f} ms"


# --- one run ------------------------------------------------------------------------------------


def run_scenario(scenario: str, args, database_url: str, workdir: Path) -> dict[str, float]:
    global RUN
    env = server_environment(database_url, workdir)
    label = f"{scenario}-{int(time.time())}"
    sessions, tracks = make_clients(database_url, args.users, label)
    server = start_server(env, args.port, workdir)
    host = f"http://{BENCH_HOST}:{args.port}"
    RUN = Run(host, sessions, tracks)
    outcome: dict[str, float] = {}
    notes: list[str] = []
    try:
        environment = Environment(user_classes=[Listener], host=host, events=events)
        runner = environment.create_local_runner()
        runner.start(args.users, spawn_rate=args.users)
        half = args.duration / 2
        if scenario == "kill-worker":
            gevent.spawn_later(half, lambda: notes.append(kill_one_worker(server.pid)))
        elif scenario == "restart-postgres":
            gevent.spawn_later(half, lambda: notes.append(restart_postgres()))
        elif scenario == "big-write":
            gevent.spawn_later(half, lambda: notes.append(big_write(RUN, outcome)))
        gevent.sleep(args.duration)
        runner.quit()
        gevent.sleep(1)
    finally:
        stop_server(server)
        if scenario == "restart-postgres":
            ensure_postgres_running()
    return report(scenario, environment, notes, outcome, args, access_log(workdir, args.port))


def report(scenario, environment, notes, outcome, args, log: Path) -> dict[str, float]:
    run = RUN
    print(f"\n## {scenario}: {args.users} clients, {args.duration:.0f} s, {run.host}")
    for note in notes:
        print(f"fault: {note}")
    print(f"{'kind':<22}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}  statuses")
    figures: dict[str, float] = {}
    for name in (*KINDS, "page:home"):
        entry = (
            environment.stats.entries.get((name, "POST"))
            or environment.stats.entries.get((name, "GET"))
            or environment.stats.entries.get((name, "PATCH"))
        )
        statuses = dict(sorted(run.statuses.get(name, {}).items()))
        if entry is None or not entry.num_requests:
            if statuses:
                print(f"{name:<22}{sum(statuses.values()):>9}{'':>27}  {statuses}")
            continue
        p = [entry.get_response_time_percentile(q) for q in (0.5, 0.95, 0.99)]
        print(f"{name:<22}{entry.num_requests:>9}{p[0]:>9.0f}{p[1]:>9.0f}{p[2]:>9.0f}  {statuses}")
        figures[f"{name}_p99"] = p[2]
    # The clients (locust, one gevent process) share the two cores with the server: under load
    # their own scheduling adds to what they measure. The server's side, from its access log:
    for kind, times in server_times(log).items():
        p = [percentile(times, q) for q in (50, 95, 99)]
        print(f"{'server ' + kind:<22}{len(times):>9}{p[0]:>9.0f}{p[1]:>9.0f}{p[2]:>9.0f}")
        figures[f"server:{kind}_p99"] = p[2]
    errors_5xx = sum(
        count
        for counts in run.statuses.values()
        for status, count in counts.items()
        if not status.isdigit() or int(status) >= 500
    )
    stored = stored_pairs([user for user, _ in run.sessions])
    acknowledged = run.acknowledged
    lost = acknowledged - stored
    print(
        f"5xx or connection errors: {errors_5xx}; "
        f"feedback writes acknowledged {len(acknowledged)}, "
        f"stored {len(stored & acknowledged)} of them (+{len(stored - acknowledged)} stored but "
        f"not acknowledged); acknowledged - stored = {len(lost)}"
    )
    figures.update(errors_5xx=errors_5xx, lost=len(lost), **outcome)
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scenario",
        choices=("steady", "kill-worker", "restart-postgres", "big-write", "all"),
        default="steady",
    )
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per scenario")
    parser.add_argument("--port", type=int, default=8140)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_DATABASE),
        help="a database for the bench alone (it adds accounts to it)",
    )
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "mixmap-load")
    parser.add_argument("--data", help="ignored (make bench passes it to every script)")
    args = parser.parse_args(argv)
    if not 1 <= args.users <= 100 or not 1 <= args.duration <= 600:
        parser.error("--users is 1..100 and --duration 1..600 seconds")
    args.workdir.mkdir(parents=True, exist_ok=True)
    env = server_environment(args.database_url, args.workdir)
    prepare_database(env)
    scenarios = (
        ["steady", "kill-worker", "restart-postgres", "big-write"]
        if args.scenario == "all"
        else [args.scenario]
    )
    if "restart-postgres" in scenarios and not args.database_url.startswith("postgresql"):
        parser.error("restart-postgres needs a PostgreSQL --database-url")
    with open("/proc/loadavg") as loadavg:
        print(f"load average before: {loadavg.read().split()[:3]}")
    results = {s: run_scenario(s, args, args.database_url, args.workdir) for s in scenarios}
    lost = sum(int(r["lost"]) for r in results.values())
    first = results[scenarios[0]]
    print(f"\nlost acknowledged writes over all runs: {lost}")
    print(
        f"like_click_p99_ms={first.get('dash:like-click_p99', float('nan')):.0f} "
        f"like_click_server_p99_ms={first.get('server:like-click_p99', float('nan')):.0f} "
        f"lost_writes={lost}"
    )
    sys.stdout.flush()
    # gevent's patched threading complains while the interpreter finalises; nothing is left to do.
    os._exit(0)


if __name__ == "__main__":
    main()
