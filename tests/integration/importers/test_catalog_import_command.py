"""``flask catalog import``: good files import once, bad files exit 2 and change nothing."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from db.session import database


def _import(app, *args: str):
    return app.test_cli_runner().invoke(args=["catalog", "import", *map(str, args)])


def _snapshot(snapshot):
    with database.session_scope() as session:
        return snapshot(session)


def test_import_then_re_import_adds_nothing(app, tidytuesday_csv, counts):
    path = tidytuesday_csv()
    first = _import(app, path)
    assert first.exit_code == 0, first.output
    assert "6 tracks in the file; 6 new, 0 updated" in first.stdout
    with database.session_scope() as session:
        after_first = counts(session)
    assert after_first["tracks"] == 6 and after_first["playlists"] == 2

    again = _import(app, path)
    assert again.exit_code == 0, again.output
    assert "0 new, 0 updated; 0 new artists, 0 new genres" in again.stdout
    with database.session_scope() as session:
        assert counts(session) == after_first


def _bad_files(tmp_path: Path, tidytuesday_csv, kaggle_csv, tt_row, kg_row):
    """(kind, path, expected message fragment) for every kind of bad file we recognise."""
    good = tidytuesday_csv([tt_row(i, "pl9") for i in range(3)], name="good.csv")
    text = good.read_text()
    files: list[tuple[str, Path, str]] = []

    def add(kind: str, content: bytes | str, message: str) -> None:
        path = tmp_path / f"{kind}.csv"
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        files.append((kind, path, message))

    files.append(("missing", tmp_path / "nowhere.csv", "does not exist"))
    files.append(("directory", tmp_path, "is a directory, not a CSV file"))
    add("broken_gzip", gzip.compress(text.encode())[:12] + b"garbage", "is not a valid gzip file")
    add("binary", bytes(range(256)) * 8, "is a binary file, not CSV text")
    add("empty", "", "is empty")
    add("header_only", text.splitlines()[0] + "\n", "has a header but no data rows")
    add("truncated", text.rstrip("\n")[:-40], "is cut short")
    add("utf16", text.encode("utf-16"), "is UTF-16 encoded; save it as UTF-8")
    add(
        "latin1",
        text.replace("Song 1", "Café 1").encode("latin-1"),
        "is not UTF-8 text (byte 0xE9 on line 3)",
    )
    add("unknown_schema", "name,age,city\nAda,36,London\n", "has an unrecognised header")
    add(
        "missing_column",
        "\n".join(
            ",".join(f for i, f in enumerate(line.split(",")) if i != 12)  # drops "energy"
            for line in text.splitlines()
        ),
        "lacks required column: energy",
    )
    add(
        "semicolons",
        text.replace(",", ";"),
        "is not comma-separated (its header is split by semicolons)",
    )
    out_of_range = tidytuesday_csv([tt_row(0), tt_row(1, valence="1.5")], name="x1.csv")
    files.append(("out_of_range", out_of_range, "line 3, column valence: 1.5 is above"))
    non_numeric = tidytuesday_csv([tt_row(0, tempo="fast")], name="x2.csv")
    files.append(("non_numeric", non_numeric, "line 2, column tempo: 'fast' is not a number"))
    conflict = kaggle_csv([kg_row(0), kg_row(0, genre="pop", duration_ms="1000")])
    files.append(("conflicting_duplicate", conflict, "track kg0000 has duration_ms 1000"))
    add("open_quote", text + 'tt9,"never closed,\n', "file ends inside a quoted field")
    return files


BAD_KINDS = (
    "missing", "directory", "broken_gzip", "binary", "empty", "header_only", "truncated", "utf16",
    "latin1", "unknown_schema", "missing_column", "semicolons", "out_of_range", "non_numeric",
    "conflicting_duplicate", "open_quote",
)  # fmt: skip


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_bad_file_exits_2_with_one_clear_line_and_changes_nothing(
    app, kind, tmp_path, tidytuesday_csv, kaggle_csv, tt_row, kg_row, snapshot
):
    assert _import(app, tidytuesday_csv()).exit_code == 0  # something to leave untouched
    before = _snapshot(snapshot)
    files = {
        k: (p, m) for k, p, m in _bad_files(tmp_path, tidytuesday_csv, kaggle_csv, tt_row, kg_row)
    }
    path, message = files[kind]

    result = _import(app, path)

    assert result.exit_code == 2, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and message in errors[0], result.stderr
    assert _snapshot(snapshot) == before


def test_bad_files_change_nothing_on_every_backend(
    cli_app, tmp_path, tidytuesday_csv, kaggle_csv, tt_row, kg_row, snapshot
):
    assert _import(cli_app, tidytuesday_csv()).exit_code == 0
    before = _snapshot(snapshot)
    for kind, path, message in _bad_files(tmp_path, tidytuesday_csv, kaggle_csv, tt_row, kg_row):
        if kind in {"out_of_range", "conflicting_duplicate", "latin1"}:
            result = _import(cli_app, path)
            assert result.exit_code == 2 and message in result.stderr, kind
    assert _snapshot(snapshot) == before


def test_skip_invalid_imports_the_valid_rows_and_lists_the_skipped(
    app, tidytuesday_csv, tt_row, counts, tmp_path
):
    rows = [tt_row(0), tt_row(1, energy="2"), tt_row(2), tt_row(3, duration_ms="-5")]
    report_path = tmp_path / "problems.csv"

    result = _import(app, tidytuesday_csv(rows), "--skip-invalid", "--report", report_path)

    assert result.exit_code == 0, result.output
    assert "Skipped 2 invalid rows of 4:" in result.stderr
    assert "line 3, column energy: 2 is above the maximum 1" in result.stderr
    assert "line 5, column duration_ms: -5 is below the minimum 1" in result.stderr
    with database.session_scope() as session:
        assert counts(session)["tracks"] == 2
    assert report_path.read_text().splitlines()[1:] == [
        "3,energy,2 is above the maximum 1",
        "5,duration_ms,-5 is below the minimum 1",
    ]


def test_without_skip_invalid_the_report_lists_every_problem(app, tidytuesday_csv, tt_row):
    rows = [tt_row(0, energy="2"), tt_row(1, key="x")]
    result = _import(app, tidytuesday_csv(rows))
    assert result.exit_code == 2
    assert "2 invalid rows of 2" in result.stderr and "nothing was imported" in result.stderr
    assert "  line 3, column key: 'x' is not a number" in result.stderr.splitlines()


def test_a_kaggle_file_imports_on_every_backend(cli_app, kaggle_csv, kg_row, counts):
    rows = [kg_row(i, genre=g) for i, g in enumerate(["pop", "rock", "pop", "jazz"])]
    rows.append(kg_row(0, genre="rock"))
    result = _import(cli_app, kaggle_csv(rows))
    assert result.exit_code == 0, result.output
    with database.session_scope() as session:
        assert counts(session) | {"artists": 0} == {
            "artists": 0,
            "genres": 3,
            "tracks": 4,
            "track_artists": 8,  # "Singer i;Guest i": two credits per track
            "track_genres": 5,
            "playlists": 0,
            "playlist_items": 0,
        }
