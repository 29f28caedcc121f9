"""The app served the way production serves it, for the benches that load it over HTTP.

`bench/interactive.py` and `bench/load.py` both need a PostgreSQL database of their own and
gunicorn with `gunicorn.conf.py` on loopback, started and stopped the same way.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def app_environment(
    database_url: str, workdir: Path, secret_key: str, **settings: str
) -> dict[str, str]:
    """This process's environment plus what a bench's app needs: its database, a model folder of
    its own, two web workers unless WEB_CONCURRENCY says otherwise, quiet logs; ``settings`` on
    top."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=secret_key,
        MIXMAP_MODEL_DIR=str(workdir / "models"),
        WEB_CONCURRENCY=env.get("WEB_CONCURRENCY", "2"),
        LOG_LEVEL="warning",
        **settings,
    )
    return env


def create_postgres_database(url: str) -> None:
    """The bench's own PostgreSQL database, created on first use (never one the app uses)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            text("select 1 from pg_database where datname = :name"), {"name": target.database}
        )
        if not exists:
            connection.execute(text(f'create database "{target.database}"'))
    admin.dispose()


def start_gunicorn(
    env: dict[str, str],
    host: str,
    port: int,
    output: Path,
    extra_args: tuple[str, ...] = (),
    timeout_s: float = 180,
) -> subprocess.Popen:
    """gunicorn with the production settings on ``host:port``, once it answers ``/healthz``;
    its output goes to ``output``."""
    log = open(output, "ab")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "app:server", "--config", "gunicorn.conf.py"),
            *("--bind", f"{host}:{port}", *extra_args),
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{host}:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit(f"gunicorn did not answer /healthz on port {port}; see {output}")


def stop_server(process: subprocess.Popen) -> None:
    """SIGTERM (gunicorn's graceful stop), SIGKILL after 30 s."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
