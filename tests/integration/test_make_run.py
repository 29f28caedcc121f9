"""`make run` runs the whole learning loop and one Ctrl-C stops all of it.

The real thing, bounded: `make run` (setup, then honcho with Procfile.dev) on a temporary SQLite
database and model folder, a tiny demo catalogue, PCA maps (trained in seconds) and thresholds of
3 events / 0 minutes. The demo listener logs in through the login form, likes three tracks through
the JSON API, and the web process must then serve a model the worker trained from them, which the
navbar's poll names. A SIGINT to the process group (what a terminal's Ctrl-C sends) must leave no
process behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_EMAIL, DEMO_PASSWORD = "demo@mixmap.local", "mixmap-demo"
# Generous for a loaded 2-core machine; a quiet one needs about a third of each.
UP_TIMEOUT = 90.0
RETRAIN_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(what: str, check: Callable[[], Any], timeout: float, log: Path) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(1.0)
    pytest.fail(f"{what} within {timeout:.0f} s; make run's output:\n{tail(log)}")


def tail(log: Path, lines: int = 60) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def served_model(base: str) -> str | None:
    try:
        return requests.get(f"{base}/healthz", timeout=3).json().get("model")
    except (requests.RequestException, ValueError):
        return None


def csrf_headers(session: requests.Session) -> dict[str, str]:
    """The CSRF contract: echo the `_csrf_token` cookie in X-CSRFToken whenever it is set."""
    token = session.cookies.get("_csrf_token")
    return {"X-CSRFToken": token} if token else {}


def log_in(session: requests.Session, base: str) -> None:
    """The Jinja login form, as a browser submits it (its hidden csrf_token included)."""
    form = session.get(f"{base}/login", timeout=10).text
    field = re.search(r'<input[^>]*name="csrf_token"[^>]*>', form)
    token = re.search(r'value="([^"]*)"', field.group(0)).group(1) if field else ""
    response = session.post(
        f"{base}/login",
        data={"csrf_token": token, "email": DEMO_EMAIL, "password": DEMO_PASSWORD},
        headers=csrf_headers(session),
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, (response.status_code, response.text[:500])


def navbar_status(session: requests.Session, base: str) -> dict[str, str] | None:
    """What the navbar's freshness poll gets back, sent the way the page's interval sends it."""
    response = session.post(
        f"{base}/_dash-update-component",
        json={
            "output": "..freshness.children...freshness.title..",
            "outputs": [
                {"id": "freshness", "property": "children"},
                {"id": "freshness", "property": "title"},
            ],
            "inputs": [{"id": "freshness-poll", "property": "n_intervals", "value": 1}],
            "state": [],
            "changedPropIds": ["freshness-poll.n_intervals"],
        },
        headers=csrf_headers(session),
        timeout=10,
    )
    return response.json()["response"]["freshness"] if response.status_code == 200 else None


def track_ids(value: Any) -> Iterator[str]:
    """Every "track_id" in a JSON body, whatever its envelope."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "track_id" and isinstance(item, str):
                yield item
            else:
                yield from track_ids(item)
    elif isinstance(value, list):
        for item in value:
            yield from track_ids(item)


def process_set(make: subprocess.Popen) -> list[psutil.Process]:
    return [psutil.Process(make.pid), *psutil.Process(make.pid).children(recursive=True)]


def running(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def command_lines(make: subprocess.Popen) -> list[str]:
    lines = []
    for process in process_set(make):
        with contextlib.suppress(psutil.NoSuchProcess, psutil.ZombieProcess):
            if running(process):
                lines.append(" ".join(process.cmdline()))
    return lines


def gunicorn_lines(commands: list[str]) -> list[str]:
    return [c for c in commands if "gunicorn app:server" in c and "sh -c" not in c]


def test_make_run_retrains_from_feedback_and_one_ctrl_c_stops_everything(tmp_path):
    make_binary = shutil.which("make")
    assert make_binary, "make is needed to run `make run`"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "make_run.log"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("MIXMAP_") and key not in {"DATABASE_URL", "DYNO", "PORT"}
    }
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'mixmap.db'}",
        "MIXMAP_MODEL_DIR": str(tmp_path / "models"),
        "SECRET_KEY": "make-run-test-secret",
        "MIXMAP_TRAIN_EMBEDDING": "pca",
        "MIXMAP_RETRAIN_CHECK_SECONDS": "1",
        # Every candidate passes: this test is about the process set; the gate has its own tests.
        "MIXMAP_GATE_TOLERANCE": "1",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "2",
        "PYTHONUNBUFFERED": "1",
    }
    venv = sys.prefix  # the virtualenv running the tests; `-o` keeps make from reinstalling it
    command = [
        make_binary,
        "--no-print-directory",
        "-o",
        f"{venv}/.runtime",
        "run",
        f"VENV={venv}",
        f"PORT={port}",
        "DEMO_TRACKS=200",
        "DEMO_LISTENERS=5",
        # The README's way to change make run's thresholds: on make's command line.
        "MIXMAP_RETRAIN_AFTER_EVENTS=3",
        "MIXMAP_RETRAIN_MIN_MINUTES=0",
        "MIXMAP_MODEL_RELOAD_SECONDS=1",
    ]
    with log.open("wb") as output:
        # A session of its own, like a terminal's foreground job: Ctrl-C signals the whole group.
        make = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    processes: list[psutil.Process] = []
    try:
        first = wait_for("no model served", lambda: served_model(base), UP_TIMEOUT, log)
        wait_for(
            "the worker did not start", lambda: "Watching for 3 new" in log.read_text(), 30, log
        )

        # The master and WEB_CONCURRENCY=2 workers. One worker answering does not mean the other
        # has been forked yet (or re-forked, when a slow CI machine let it miss a heartbeat): poll.
        commands = wait_for(
            "gunicorn did not run a master and two workers",
            lambda: (found := command_lines(make)) and len(gunicorn_lines(found)) == 3 and found,
            30,
            log,
        )
        assert any("flask --app app ml watch" in c and "sh -c" not in c for c in commands)
        processes = process_set(make)

        session = requests.Session()
        log_in(session, base)
        recommendations = session.get(f"{base}/api/v1/recommendations?k=5", timeout=30)
        assert recommendations.status_code == 200, recommendations.text[:500]
        liked = list(dict.fromkeys(track_ids(recommendations.json())))[:3]
        assert len(liked) == 3, recommendations.text[:500]
        for track_id in liked:
            response = session.post(
                f"{base}/api/v1/feedback",
                json={"track_id": track_id, "kind": "like"},
                headers=csrf_headers(session),
                timeout=10,
            )
            assert response.status_code in (200, 201), response.text[:500]

        retrained = wait_for(
            "the web process did not serve a retrained model",
            lambda: (model := served_model(base)) not in (None, first) and model,
            RETRAIN_TIMEOUT,
            log,
        )
        assert "Retraining: 3 new feedback events" in log.read_text()
        # The open page's navbar learns it from its poll, no reload (either gunicorn worker).
        wait_for(
            "the navbar did not name the retrained model",
            lambda: (navbar_status(session, base) or {}).get("title") == f"model {retrained}",
            15,
            log,
        )
        assert "0 new feedback events since" in navbar_status(session, base)["children"]

        os.killpg(make.pid, signal.SIGINT)  # one Ctrl-C
        make.wait(timeout=STOP_TIMEOUT)
        _, alive = psutil.wait_procs(processes, timeout=5)
        left = [p for p in alive if running(p)]
        assert not left, [(p.pid, p.cmdline()) for p in left]
        # Both shut down on honcho's SIGTERM rather than being killed mid-work. (Honcho's SIGKILL
        # 5 s later may still cut a loaded machine's interpreter teardown short: harmless.)
        output_text = log.read_text()
        assert "Stopped watching." in output_text, tail(log)
        assert "Shutting down: Master" in output_text, tail(log)
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0  # nothing listens any more
    finally:
        # Whatever failed above, leave nothing running (honcho's children have groups of their own).
        with contextlib.suppress(psutil.NoSuchProcess):
            processes += process_set(make)
        for process in processes:
            with contextlib.suppress(psutil.NoSuchProcess):
                if running(process):
                    process.kill()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(make.pid, signal.SIGKILL)
        make.wait(timeout=10)
