"""A decade-sized Spotify history imported the way a user does it: upload -> job -> worker.

Builds a temporary SQLite database (nothing is written to the repository), imports the real
TidyTuesday catalogue into it, generates a Spotify Extended streaming history zip of
``--listens`` streams (a few thousand distinct tracks replayed over ten years, some skipped,
some podcast episodes, split into yearly-sized files the way Spotify does), queues it with
``submit_upload`` exactly as the Profile page does, and runs it with the worker's
``run_pending_jobs`` while another thread polls the job the way the page does.

Then queues the same upload again, which must store nothing. Prints what it measured; the last
line is ``listens=.. job_s=.. reimport_s=.. stored_again=0``.

    .venv/bin/python bench/history_import.py --data ../shared/data [--listens 120000]
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
import tempfile
import threading
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashapp.services import history_import, jobs
from db import migrate
from db.importers.catalogue import import_parsed, parse_catalogue
from db.models import User
from db.session import create_db_engine, database

ROWS_PER_FILE = 15_000  # Spotify splits the extended history into files of about this size


def spotify_zip(tracks: list[tuple[str, str, str]], listens: int, seed: int) -> bytes:
    rng = random.Random(seed)
    favourites = rng.sample(tracks, min(3_000, len(tracks)))
    start = datetime(2014, 1, 1, tzinfo=UTC)
    step = timedelta(days=3_650) / listens
    rows = []
    for i in range(listens):
        ts = (start + step * i).strftime("%Y-%m-%dT%H:%M:%SZ")
        if rng.random() < 0.02:
            rows.append(
                {"ts": ts, "ms_played": 1_200_000, "master_metadata_track_name": None,
                 "episode_name": "Some podcast", "spotify_track_uri": None, "skipped": None}
            )  # fmt: skip
            continue
        track_id, title, artist = rng.choice(favourites)
        skipped = rng.random() < 0.15
        rows.append(
            {
                "ts": ts,
                "ms_played": rng.randint(2_000, 25_000)
                if skipped
                else rng.randint(60_000, 300_000),
                "master_metadata_track_name": title,
                "master_metadata_album_artist_name": artist,
                "master_metadata_album_album_name": "Album",
                "spotify_track_uri": f"spotify:track:{track_id}" if rng.random() < 0.8 else None,
                "reason_end": "fwdbtn" if skipped else "trackdone",
                "skipped": skipped,
            }
        )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, first in enumerate(range(0, len(rows), ROWS_PER_FILE)):
            name = f"Spotify Extended Streaming History/Streaming_History_Audio_{n}.json"
            archive.writestr(name, json.dumps(rows[first : first + ROWS_PER_FILE]))
    return out.getvalue()


def poll(user_id: int, seen: list[tuple[float, str]], stop: threading.Event) -> None:
    """What the Profile page's dcc.Interval does: read the user's latest job every 0.5 s."""
    while not stop.is_set():
        status = history_import.import_status(user_id)
        if status and (not seen or seen[-1] != (status.progress, status.message)):
            seen.append((status.progress, status.message))
        time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--listens", type=int, default=120_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    catalogue_path = args.data / "tidytuesday" / "spotify_songs.csv"

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        engine = create_db_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        database.configure(url)
        started = time.perf_counter()
        parsed = parse_catalogue(catalogue_path)
        with database.session_scope() as session:
            import_parsed(session, catalogue_path, parsed)
            user = User(email="bench@example.com", display_name="Bench", password_hash="x")
            session.add(user)
            session.flush()
            user_id = user.id
        tracks = parsed.frames.tracks
        catalogue = list(
            zip(tracks["track_id"], tracks["name"], tracks["primary_artist"], strict=True)
        )
        took = time.perf_counter() - started
        print(f"catalogue: {len(catalogue):,} tracks imported in {took:.1f} s")

        upload = spotify_zip(catalogue, args.listens, args.seed)
        print(f"upload: {args.listens:,} streams, zip of {len(upload) / 1e6:.1f} MB")
        seconds: dict[str, float] = {}
        for attempt in ("first", "again"):
            history_import.submit_upload(user_id, "my_spotify_data.zip", upload)
            seen: list[tuple[float, str]] = []
            stop = threading.Event()
            poller = threading.Thread(target=poll, args=(user_id, seen, stop))
            poller.start()
            began = time.perf_counter()
            assert jobs.run_pending_jobs() == 1
            elapsed = seconds[attempt] = time.perf_counter() - began
            stop.set()
            poller.join()
            status = history_import.import_status(user_id)
            if status is not None:
                seen.append((status.progress, status.status))
            assert status is not None and status.status == "done", status
            report = status.report
            assert report is not None
            print(f"{attempt}: {status.message}")
            print(f"  job {elapsed:.1f} s; the page saw {len(seen)} progress states:")
            for progress, message in seen:
                print(f"    {progress:4.0%} {message}")
        database.engine.dispose()
    print(
        f"listens={args.listens} job_s={seconds['first']:.1f} reimport_s={seconds['again']:.1f} "
        f"stored_again={report.stored}"
    )


if __name__ == "__main__":
    main()
