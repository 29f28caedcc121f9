"""``flask history import``, ``flask jobs run-once`` and the worker loop running queued imports."""

from __future__ import annotations

from pathlib import Path

from dashapp.cli import ml as ml_cli
from dashapp.services import history_import
from tests.integration.history.history_catalogue import (
    add_user,
    interaction_count,
    seed_history_catalogue,
)
from tests.unit.db.importers.history.history_files import (
    Played,
    at,
    lastfm_csv,
    spotify_extended,
)

PLAYS = [
    Played("Coldplay", "Yellow", at(3)),
    Played("Adele", "Hello", at(4), ms=5_000),
    Played("Unknown Artist", "Demo", at(5)),
]


def test_history_import_prints_the_report(app, tmp_path: Path) -> None:
    seed_history_catalogue()
    add_user("me@example.com")
    first = tmp_path / "Streaming_History_Audio_2020.json"
    first.write_bytes(spotify_extended(PLAYS[:2]))
    second = tmp_path / "scrobbles.csv"
    second.write_bytes(lastfm_csv(PLAYS[2:]))
    result = app.test_cli_runner().invoke(
        args=["history", "import", "ME@example.com", str(first), str(second)]
    )
    assert result.exit_code == 0, result.output
    assert (
        "3 listens: 2 matched (66.7%; 1 plays, 1 skips), 1 not in the catalogue; "
        "2 new, 0 already imported" in result.output
    )
    assert "Unknown Artist" in result.output.split("Top unmatched artists:")[1]
    assert interaction_count() == 2


def test_history_import_refuses_bad_files_and_unknown_users(app, tmp_path: Path) -> None:
    seed_history_catalogue()
    add_user("me@example.com")
    good = tmp_path / "scrobbles.csv"
    good.write_bytes(lastfm_csv(PLAYS))
    bad = tmp_path / "listens.jsonl"
    bad.write_bytes(b"{not json\n")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["history", "import", "me@example.com", str(good), str(bad)])
    assert result.exit_code == 2
    assert "listens.jsonl, line 1: not JSON" in result.output
    assert "Nothing was imported" in result.output
    assert interaction_count() == 0
    result = runner.invoke(args=["history", "import", "nobody@example.com", str(good)])
    assert result.exit_code != 0 and "no account" in result.output


def test_jobs_run_once_runs_queued_imports(runner) -> None:
    seed_history_catalogue()
    user_id = add_user("me@example.com")
    history_import.submit_upload(user_id, "scrobbles.csv", lastfm_csv(PLAYS))
    result = runner.invoke(args=["jobs", "run-once"])
    assert result.exit_code == 0 and "Ran 1 job." in result.output
    job = history_import.latest_import(user_id)
    assert job is not None and job.status == "done"


def test_the_worker_loop_runs_queued_imports(app, monkeypatch) -> None:
    seed_history_catalogue()
    user_id = add_user("me@example.com")
    history_import.submit_upload(user_id, "scrobbles.csv", lastfm_csv(PLAYS))
    monkeypatch.setattr(ml_cli, "_retrain", lambda *_args, **_kw: None)  # no training here
    result = app.test_cli_runner().invoke(args=["ml", "watch", "--once"])
    assert result.exit_code == 0, result.output
    assert "Ran 1 queued job" in result.output
    assert interaction_count() == 2
