"""`catalog import` and `setup --catalog` on files as people have them: .csv.gz, .zip, bad rows,
and multi-artist Kaggle rows becoming one ordered credit per artist."""

from __future__ import annotations

import csv
import gzip
import io
import zipfile

import pytest
from sqlalchemy import select

from dashapp.cli import setup as setup_cli
from db.models import Artist, Track, TrackArtist
from db.session import database
from tests.integration.importers.catalogue_files import KAGGLE_HEADER, kaggle_row


def _import(app, *args: str):
    return app.test_cli_runner().invoke(args=["catalog", "import", *map(str, args)])


def _kaggle_bytes(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(KAGGLE_HEADER)
    for row in rows:
        writer.writerow([row.get(column, "") for column in KAGGLE_HEADER])
    return buffer.getvalue().encode()


def _credits(session) -> dict[str, list[str]]:
    rows = session.execute(
        select(TrackArtist.track_id, Artist.name)
        .join(Artist, Artist.id == TrackArtist.artist_id)
        .order_by(TrackArtist.track_id, TrackArtist.position)
    ).all()
    credits: dict[str, list[str]] = {}
    for track_id, name in rows:
        credits.setdefault(track_id, []).append(name)
    return credits


@pytest.mark.parametrize("kind", ["csv.gz", "zip"])
def test_kaggle_gzip_and_zip_import_like_the_csv(cli_app, tmp_path, kind):
    data = _kaggle_bytes([kaggle_row(i) for i in range(5)])
    path = tmp_path / f"dataset.{kind}"
    if kind == "csv.gz":
        path.write_bytes(gzip.compress(data))
    else:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("dataset.csv", data)
    result = _import(cli_app, path)
    assert result.exit_code == 0, result.output
    assert "5 tracks in the file; 5 new" in result.stdout
    with database.session_scope() as session:
        assert session.query(Track).count() == 5


def test_a_zip_with_several_csv_files_exits_2_and_writes_nothing(cli_app, tmp_path, counts):
    path = tmp_path / "two.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.csv", _kaggle_bytes([kaggle_row(1)]))
        archive.writestr("b.csv", _kaggle_bytes([kaggle_row(2)]))
    result = _import(cli_app, path)
    assert result.exit_code == 2
    assert "two.zip holds 2 files (a.csv, b.csv)" in result.output
    with database.session_scope() as session:
        assert set(counts(session).values()) == {0}


def test_every_artist_of_a_multi_artist_row_is_credited_in_order(cli_app, kaggle_csv):
    rows = [
        kaggle_row(1, artists="Shakira;Bizarrap"),
        kaggle_row(2, artists="Bizarrap;Quevedo; Shakira "),
        kaggle_row(3, artists="Solo"),
        kaggle_row(4, artists="Echo;ECHO;Other"),  # one artist spelled twice is credited once
    ]
    result = _import(cli_app, kaggle_csv(rows))
    assert result.exit_code == 0, result.output
    with database.session_scope() as session:
        assert _credits(session) == {
            "kg0001": ["Shakira", "Bizarrap"],
            "kg0002": ["Bizarrap", "Quevedo", "Shakira"],
            "kg0003": ["Solo"],
            "kg0004": ["Echo", "Other"],
        }
        primary = dict(session.execute(select(Track.id, Artist.name).join(Track.artist)).all())
        # The primary artist stays tracks.artist_id, the first credit, for every existing query.
        assert primary == {"kg0001": "Shakira", "kg0002": "Bizarrap", "kg0003": "Solo",
                           "kg0004": "Echo"}  # fmt: skip
        assert session.query(Artist).count() == 6
        popularity = dict(session.execute(select(Artist.name, Artist.popularity)).all())
        # A featured artist's popularity is the mean of every track crediting it (1 and 2 here).
        assert popularity["Quevedo"] == 2 and popularity["Shakira"] == 1.5


def test_re_import_keeps_credits_and_a_changed_credit_list_is_rewritten(cli_app, kaggle_csv):
    rows = [kaggle_row(1, artists="A;B;C"), kaggle_row(2, artists="D")]
    assert _import(cli_app, kaggle_csv(rows)).exit_code == 0
    again = _import(cli_app, kaggle_csv(rows))
    assert again.exit_code == 0 and again.stdout.rstrip().endswith(", 0 artist credits")
    changed = [kaggle_row(1, artists="A;C;B"), kaggle_row(2, artists="D")]
    assert _import(cli_app, kaggle_csv(changed)).exit_code == 0
    with database.session_scope() as session:
        assert _credits(session) == {"kg0001": ["A", "C", "B"], "kg0002": ["D"]}


def test_a_long_title_is_data_not_an_error(cli_app, kaggle_csv):
    title = "Fascinados (feat. " + ", ".join(f"Guest {i}" for i in range(60)) + ")"
    assert 500 < len(title) <= 1000
    result = _import(cli_app, kaggle_csv([kaggle_row(1, track_name=title)]))
    assert result.exit_code == 0, result.output
    with database.session_scope() as session:
        assert session.scalar(select(Track.name)) == title


def test_import_is_strict_but_setup_skips_a_zero_duration_row_with_a_summary(
    cli_app, tmp_path, monkeypatch
):
    rows = [kaggle_row(i) for i in range(4)] + [kaggle_row(4, duration_ms=0)]
    path = tmp_path / "dataset.csv.gz"
    path.write_bytes(gzip.compress(_kaggle_bytes(rows)))

    strict = _import(cli_app, path)
    assert strict.exit_code == 2
    assert "1 invalid row of 5" in strict.output and "duration_ms" in strict.output
    with database.session_scope() as session:
        assert session.query(Track).count() == 0

    monkeypatch.setattr(setup_cli, "_ensure_model", lambda *_args: None)  # no training here
    result = cli_app.test_cli_runner().invoke(args=["setup", "--catalog", str(path)])
    assert result.exit_code == 0, result.output
    assert "Skipped 1 invalid rows of 5:" in result.output
    assert "line 6, column duration_ms: 0 is below the minimum 1" in result.output
    with database.session_scope() as session:
        assert sorted(session.scalars(select(Track.id))) == [f"kg{i:04d}" for i in range(4)]


def test_artist_pickers_offer_only_artists_leading_a_track(cli_app, kaggle_csv):
    """Favourites and artist generators key on tracks.artist_id; a guest-only artist would do
    nothing there, so the pickers do not offer one."""
    from db.queries import playlists as playlist_queries
    from db.queries import preference_options

    rows = [kaggle_row(1, artists="Shakira;Quevedo"), kaggle_row(2, artists="Bizarrap;Shakira")]
    assert _import(cli_app, kaggle_csv(rows)).exit_code == 0
    with database.session_scope() as session:
        assert session.query(Artist).count() == 3
        picked = {choice.label for choice in preference_options.search_artists(session, "")}
        assert picked == {"Shakira", "Bizarrap"}
        assert playlist_queries.search_artists(session, "que") == []
