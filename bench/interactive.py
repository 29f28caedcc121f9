"""The interactive loop, measured: Home's like click and list refresh, and Explore's filter change.

    .venv/bin/python bench/interactive.py [--catalogue demo|kaggle] [--clients 2] [--seconds 20]
                                          [--data ../shared/data] [--port 8150]

Starts gunicorn on 127.0.0.1 with the production settings (``gunicorn.conf.py``: 2 gthread workers
x 4 threads) over a PostgreSQL database of its own holding the chosen catalogue (``demo``: the
generated demo catalogue and listeners; ``kaggle``: the real 114k-track Kaggle file from
``--data``) and a trained model; ``flask setup`` makes both on first use (PCA for the map's
coordinates: the click path never reads them, and UMAP on 114k tracks costs minutes). Gunicorn
rather than werkzeug's threaded server because it is what serves production and the targets are
"on 2 cores": two worker processes can use both, one werkzeug process holds one GIL.

Then ``--clients`` fresh accounts (each with 30 likes in a few genres, so they have a taste) log in
through ``/login`` (the real form and its CSRF token) and, each in its own thread, in a closed loop
for ``--seconds``:

- **like**: the Home like button, as the browser posts it to ``/_dash-update-component``; its
  answer is the list's change (the card marked in place, "N new picks since you liked ...");
- **refresh**: the "Refresh" button (the whole list again), after every ``REFRESH_EVERY``-th like.

then, for ``--seconds`` more, **explore**: a filter change on the Explore map (energy range
toggled), all clients alike.

Every body is built from the app's own callback map (``/_dash-dependencies``) and the values of the
page's layout as the server renders it (``bench/dash_wire.py``); the bench writes only what the user
changes. Server times come from gunicorn's access log (``%(D)s``: from the request read to the
response written, without the clients' own CPU time); client round trips are printed beside them.
A click-cycle is one like: click to updated list, one request (the refreshes are counted in
the CPU per cycle). On a shared machine the wall-clock figures mostly measure the
other load, so the bench also prints the CPU time per cycle of every process in the loop (from
/proc: the gunicorn workers, which also counts the clients' logins and first page views; the
PostgreSQL backends of the bench's database; the clients, this process) and the cycles/s two
cores would serve at that cost. With 2 clients the loop is bound by each client's round trip;
more clients (``--clients 4``) show what the two cores serve when saturated. Loopback only;
bounded by ``--clients`` and ``--seconds``.
The last line is ``name=value`` pairs.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from sqlalchemy.pool import NullPool

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from dash_wire import (  # noqa: E402
    UPDATE_PATH,
    Dependencies,
    key,
    layout_values,
    page_request,
    response_props,
)
from served_app import (  # noqa: E402
    app_environment,
    create_postgres_database,
    start_gunicorn,
    stop_server,
)

HOST = "127.0.0.1"
SECRET_KEY = "interactive-bench-secret-key-not-for-production"
PASSWORD = "interactive-bench-pw-123"
KAGGLE_FILE = Path("kaggle-spotify-tracks") / "dataset.csv.gz"
DATABASES = {
    "demo": "postgresql+psycopg://postgres@127.0.0.1:5432/mixmap_interactive_demo",
    "kaggle": "postgresql+psycopg://postgres@127.0.0.1:5432/mixmap_interactive_kaggle",
}
SEED_LIKES = 30
# A listener gives feedback on a few picks, then asks for a fresh list.
REFRESH_EVERY = 5
SEED_GENRES = 3
KINDS = ("like", "refresh", "explore")
ACCESS_FORMAT = "%(U)s?%(q)s %(s)s %(D)s"
ENERGY_ID = {"panel": "explore", "type": "filter-energy"}


# --- the server and its data ----------------------------------------------------------------------


def server_environment(database_url: str, workdir: Path) -> dict[str, str]:
    # PCA map coordinates: the click path never reads them, and setup is minutes faster.
    return app_environment(database_url, workdir, SECRET_KEY, MIXMAP_TRAIN_EMBEDDING="pca")


def prepare(env: dict[str, str], catalogue: str, data: Path) -> None:
    create_postgres_database(env["DATABASE_URL"])
    command = [sys.executable, "-m", "flask", "--app", "app", "setup"]
    if catalogue == "kaggle":
        path = data / KAGGLE_FILE
        if not path.exists():
            raise SystemExit(f"--catalogue kaggle needs {path}")
        command += ["--catalog", str(path)]
    subprocess.run(command, cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)


def start_server(env: dict[str, str], port: int, access_log: Path) -> subprocess.Popen:
    access_log.unlink(missing_ok=True)
    return start_gunicorn(
        env,
        HOST,
        port,
        access_log.with_suffix(".err"),
        (
            *("--access-logfile", str(access_log), "--access-logformat", ACCESS_FORMAT),
            *("--error-logfile", "-"),
        ),
    )


def make_accounts(database_url: str, count: int, label: str) -> list[str]:
    """Fresh accounts, each with ``SEED_LIKES`` likes spread over a few genres (a taste)."""
    from sqlalchemy import text

    from dashapp.services import accounts, feedback
    from db.session import database, session_scope

    database.configure(database_url)
    with session_scope() as session:
        rows = session.execute(
            text(
                "select tg.track_id, g.slug from track_genres tg"
                " join genres g on g.id = tg.genre_id"
            )
        )
        by_genre: dict[str, list[str]] = defaultdict(list)
        for track_id, genre in rows:
            by_genre[genre].append(track_id)
    genres = sorted(g for g, ids in by_genre.items() if len(ids) >= SEED_LIKES)
    rng = random.Random(label)
    emails = []
    for i in range(count):
        email = f"interactive-{label}-{i}@bench.mixmap.local"
        account = accounts.register(email, PASSWORD)
        chosen = rng.sample(genres, min(SEED_GENRES, len(genres)))
        # Most likes in the first genre: a listener with one main taste and two side ones.
        shares = (0.6, 0.25, 0.15)
        for genre, share in zip(chosen, shares, strict=False):
            for track_id in rng.sample(by_genre[genre], max(1, round(SEED_LIKES * share))):
                feedback.record_feedback(account.id, track_id, "like", context="bench")
        emails.append(email)
    database.engine.dispose()
    return emails


# --- one client --------------------------------------------------------------------------------


@dataclass
class Tally:
    """What every client saw; guarded by ``lock``."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    client_ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    failures: list[str] = field(default_factory=list)
    cycles: int = 0

    def add(self, kind: str, status: int, ms: float) -> None:
        with self.lock:
            self.client_ms[kind].append(ms)
            self.statuses[kind][status] += 1

    def fail(self, message: str) -> None:
        with self.lock:
            if len(self.failures) < 10:
                self.failures.append(message)


class Client:
    """One logged-in browser tab: its cookies, CSRF header and what its pages show."""

    def __init__(self, host: str, email: str, tally: Tally) -> None:
        self.host = host
        self.http = requests.Session()
        self.tally = tally
        self.log_in(email)
        self.dependencies = Dependencies(self.http.get(host + "/_dash-dependencies").json())

    def log_in(self, email: str) -> None:
        page = self.http.get(self.host + "/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
        answer = self.http.post(
            self.host + "/login",
            data={
                "email": email,
                "password": PASSWORD,
                "csrf_token": token.group(1) if token else "",
            },
            headers={"Origin": self.host, "Referer": self.host + "/login"},
            allow_redirects=False,
        )
        if answer.status_code != 302:
            raise SystemExit(f"login of {email} answered {answer.status_code}")

    def post(self, kind: str | None, body: dict[str, Any]) -> dict[str, Any] | None:
        headers = {"Origin": self.host, "Referer": self.host + "/"}
        if token := self.http.cookies.get("_csrf_token"):
            headers["X-CSRFToken"] = token
        url = f"{self.host}{UPDATE_PATH}?kind={kind or 'setup'}"
        started = time.perf_counter()
        answer = self.http.post(url, json=body, headers=headers)
        took = (time.perf_counter() - started) * 1000
        if kind is not None:
            self.tally.add(kind, answer.status_code, took)
        if answer.status_code == 204:  # PreventUpdate
            return {"response": {}}
        if answer.status_code != 200:
            self.tally.fail(f"{kind}: {answer.status_code} {answer.text[:200]}")
            return None
        return answer.json()

    def open_page(self, path: str) -> dict[str, Any]:
        """Navigate: the page's layout as the pages plugin renders it, as ``id.prop`` values."""
        answer = self.post(None, page_request(self.dependencies, path))
        if answer is None:
            raise SystemExit(f"could not open {path}")
        return layout_values(answer["response"]["_pages_content"]["children"])


class HomeTab:
    """Home as the renderer keeps it: the values of the page's components, updated by answers."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.values = client.open_page("/")
        deps = client.dependencies
        self.show = deps.find("home-list.children", trigger="home-refresh.n_clicks")
        self.act = deps.find("feedback-toast.children", trigger="home-action.data")
        self.refreshes = 0
        self.clicks = 0
        self.apply(self.show, client.post(None, self.show.body(self.values)))

    def apply(self, callback, answer: dict[str, Any] | None) -> None:
        """Keep the stores the next request sends as state (what the browser would hold)."""
        if not answer:
            return
        for component, props in answer.get("response", {}).items():
            for prop, value in props.items():
                if not isinstance(value, dict) or "__dash_patch_update" not in value:
                    self.values[f"{component}.{prop}"] = value

    def shown(self) -> list[str]:
        return list(self.values.get("home-shown.data") or [])

    def like(self) -> bool:
        shown = self.shown()
        if not shown:
            return False
        self.clicks += 1
        action = {"track": random.choice(shown), "kind": "like", "seq": self.clicks}
        answer = self.client.post("like", self.act.body(self.values, {"home-action.data": action}))
        self.apply(self.act, answer)
        return answer is not None

    def refresh(self) -> bool:
        self.refreshes += 1
        changed = {"home-refresh.n_clicks": self.refreshes}
        answer = self.client.post("refresh", self.show.body(self.values, changed))
        self.apply(self.show, answer)
        return answer is not None


class ExploreTab:
    def __init__(self, client: Client) -> None:
        self.client = client
        self.values = client.open_page("/explore")
        self.update = client.dependencies.find("explore-map.figure")
        self.narrow = False
        answer = client.post(None, self.update.body(self.values))
        self.keep_view(answer)

    def keep_view(self, answer: dict[str, Any] | None) -> None:
        if answer and "explore-view" in answer.get("response", {}):
            self.values["explore-view.data"] = response_props(answer, "explore-view", "data")

    def change_filter(self) -> bool:
        self.narrow = not self.narrow
        energy = [0.6, 1.0] if self.narrow else [0.0, 1.0]
        answer = self.client.post(
            "explore", self.update.body(self.values, {key(ENERGY_ID, "value"): energy})
        )
        self.keep_view(answer)
        return answer is not None


def run_home(host: str, email: str, tally: Tally, deadline: list[float], ready: threading.Barrier):
    tab = HomeTab(Client(host, email, tally))
    ready.wait()
    while time.monotonic() < deadline[0]:
        if not tab.like():
            continue
        with tally.lock:
            tally.cycles += 1
        if tab.clicks % REFRESH_EVERY == 0:
            tab.refresh()


def run_explore(
    host: str, email: str, tally: Tally, deadline: list[float], ready: threading.Barrier
):
    tab = ExploreTab(Client(host, email, tally))
    ready.wait()
    while time.monotonic() < deadline[0]:
        tab.change_filter()


def worker_cpu_seconds(master: int) -> float:
    """CPU seconds (user + system) used so far by the gunicorn master's worker processes."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def postgres_cpu_seconds(database_url: str) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend serving the bench's database, by pid (the
    server runs on this machine; the bench's own query connection is left out)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url, poolclass=NullPool)
    with engine.connect() as connection:
        pids = connection.scalars(
            text(
                "select pid from pg_stat_activity"
                " where datname = current_database() and pid <> pg_backend_pid()"
            )
        ).all()
    engine.dispose()
    return {pid: process_cpu_seconds(pid) for pid in pids}


def process_cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def phase(target, host: str, emails: list[str], tally: Tally, seconds: float) -> float:
    """Run ``target`` in one thread per client once all have set up; returns the wall time."""
    ready = threading.Barrier(len(emails) + 1)
    # Set once every client is logged in and on its page; read by the clients on every loop.
    deadline = [time.monotonic() + 3600]

    def start(email: str) -> None:
        try:
            target(host, email, tally, deadline, ready)
        except threading.BrokenBarrierError:
            pass
        except Exception as error:  # a failed client is an error to report, not a crash
            tally.fail(f"client {email}: {error!r}")
            ready.abort()

    threads = [threading.Thread(target=start, args=(e,), daemon=True) for e in emails]
    for thread in threads:
        thread.start()
    ready.wait(timeout=300)
    started = time.monotonic()
    deadline[0] = started + seconds
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return time.monotonic() - started


# --- figures -----------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def server_times(access_log: Path) -> dict[str, list[float]]:
    """Milliseconds per kind from gunicorn's access log (the bench tags each post ``?kind=``)."""
    times: dict[str, list[float]] = defaultdict(list)
    for line in access_log.read_text().splitlines():
        match = re.match(r"\S*\?kind=(\w+) (\d+) (\d+)$", line.strip())
        if match and match.group(1) in KINDS:
            times[match.group(1)].append(int(match.group(3)) / 1000)
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--catalogue", choices=tuple(DATABASES), default="demo")
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=20.0, help="per phase (home, explore)")
    parser.add_argument("--port", type=int, default=8150)
    parser.add_argument("--database-url", help="a database for the bench alone")
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "mixmap-interactive"
    )
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 50 or not 1 <= args.seconds <= 300:
        parser.error("--clients is 1..50 and --seconds 1..300")
    database_url = args.database_url or DATABASES[args.catalogue]
    workdir = args.workdir / args.catalogue
    workdir.mkdir(parents=True, exist_ok=True)
    env = server_environment(database_url, workdir)
    prepare(env, args.catalogue, args.data)
    label = uuid.uuid4().hex[:8]
    emails = make_accounts(database_url, args.clients, label)
    access_log = workdir / f"access-{args.port}.log"
    with open("/proc/loadavg") as loadavg:
        print(f"load average before: {loadavg.read().split()[:3]} on {os.cpu_count()} cores")
    server = start_server(env, args.port, access_log)
    host = f"http://{HOST}:{args.port}"
    tally = Tally()
    try:
        cpu_before = worker_cpu_seconds(server.pid)
        postgres_before = postgres_cpu_seconds(database_url)
        clients_before = own_cpu_seconds()
        home_wall = phase(run_home, host, emails, tally, args.seconds)
        # Includes the clients' login and first page (a few requests each); see the docstring.
        cpu = {
            "gunicorn workers": worker_cpu_seconds(server.pid) - cpu_before,
            "PostgreSQL": sum(
                seconds - postgres_before.get(pid, 0.0)
                for pid, seconds in postgres_cpu_seconds(database_url).items()
            ),
            "clients": own_cpu_seconds() - clients_before,
        }
        phase(run_explore, host, emails, tally, args.seconds)
    finally:
        stop_server(server)
    report(args, tally, server_times(access_log), home_wall, cpu)


def report(
    args, tally: Tally, server: dict[str, list[float]], home_wall: float, cpu: dict[str, float]
) -> None:
    print(
        f"\n## {args.catalogue}: {args.clients} clients, {args.seconds:.0f} s per phase, "
        f"gunicorn 2 workers x 4 threads on {HOST}"
    )
    print(
        f"{'kind':<9}{'n':>6}{'server p50':>11}{'p95':>7}{'p99':>7}"
        f"{'client p50':>12}{'p99':>7}  statuses"
    )
    figures: dict[str, float] = {}
    for kind in KINDS:
        times, client = server.get(kind, []), tally.client_ms.get(kind, [])
        if not client:
            continue
        p = [percentile(times, q) for q in (50, 95, 99)]
        figures.update({f"{kind}_p50_ms": p[0], f"{kind}_p99_ms": p[2]})
        statuses = dict(sorted(tally.statuses[kind].items()))
        print(
            f"{kind:<9}{len(times):>6}{p[0]:>11.0f}{p[1]:>7.0f}{p[2]:>7.0f}"
            f"{statistics.median(client):>12.0f}{percentile(client, 99):>7.0f}  {statuses}"
        )
    errors = sum(
        count
        for counts in tally.statuses.values()
        for status, count in counts.items()
        if status >= 400
    ) + sum(1 for f in tally.failures if f.startswith("client "))
    cycles_per_s = tally.cycles / home_wall if home_wall else 0.0
    explore_per_s = len(server.get("explore", [])) / args.seconds
    print(
        f"click-cycles (a like and its list change; a refresh every {REFRESH_EVERY}): "
        f"{tally.cycles} in {home_wall:.1f} s = {cycles_per_s:.1f}/s"
    )
    if tally.cycles:
        per_cycle = {name: seconds / tally.cycles * 1000 for name, seconds in cpu.items()}
        whole = sum(per_cycle.values())
        parts = ", ".join(f"{name} {ms:.1f}" for name, ms in per_cycle.items())
        # Every process of the loop shares the two cores: their CPU per cycle bounds what two
        # cores can serve, whatever the number of clients.
        capacity = 2000 / whole if whole else float("nan")
        figures["cpu_ms_per_cycle"] = whole
        figures["capacity_cycles_per_s"] = capacity
        print(
            f"CPU per cycle: {parts} ms; {whole:.1f} ms in all, so 2 cores serve at most "
            f"~{capacity:.0f} cycles/s"
        )
    print(f"explore filter changes: {explore_per_s:.1f}/s")
    for failure in tally.failures:
        print(f"error: {failure}")
    print(
        f"like_p50_ms={figures.get('like_p50_ms', float('nan')):.0f} "
        f"like_p99_ms={figures.get('like_p99_ms', float('nan')):.0f} "
        f"refresh_p50_ms={figures.get('refresh_p50_ms', float('nan')):.0f} "
        f"refresh_p99_ms={figures.get('refresh_p99_ms', float('nan')):.0f} "
        f"explore_p50_ms={figures.get('explore_p50_ms', float('nan')):.0f} "
        f"explore_p99_ms={figures.get('explore_p99_ms', float('nan')):.0f} "
        f"cycles_per_s={cycles_per_s:.1f} "
        f"cpu_ms_per_cycle={figures.get('cpu_ms_per_cycle', float('nan')):.1f} "
        f"capacity_cycles_per_s={figures.get('capacity_cycles_per_s', float('nan')):.0f} "
        f"errors={errors}"
    )


if __name__ == "__main__":
    main()
