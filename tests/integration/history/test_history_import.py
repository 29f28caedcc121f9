"""Importing each history format into the database (SQLite and PostgreSQL): what is stored, what
is refused, and that a re-import stores nothing twice."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from dashapp.services import history_import, insights
from dashapp.services.history_import import HistoryImportError, ingest_listens
from db.importers.history.listen import Listen
from db.queries import listeners
from db.session import session_scope
from tests.integration.history.history_catalogue import (
    HALO,
    HELLO,
    HEY_JUDE,
    YELLOW,
    add_user,
    interaction_count,
    seed_history_catalogue,
    stored_events,
)
from tests.unit.db.importers.history.history_files import (
    Played,
    at,
    lastfm_csv,
    listenbrainz_json,
    listenbrainz_jsonl,
    spotify_account,
    spotify_extended,
    zip_of,
)

PLAYS = [
    Played("Coldplay", "Yellow", at(3, 18, 20), spotify_id=YELLOW),
    Played("ADELE", "Hello - Remastered 2011", at(4, 9, 5), ms=12_000),
    Played("Beyonce", "Halo (feat. Nobody)", at(5, 23, 59), skipped=True),
    Played("the beatles", "Hey Jude", at(6)),
    Played("Nobody Known", "Unreleased Demo", at(7)),
    Played("Nobody Known", "Another Demo", at(8)),
]


@pytest.fixture
def user_id(db) -> int:
    seed_history_catalogue()
    return add_user("listener@example.com")


def _import(user_id: int, name: str, data: bytes) -> history_import.ImportReport:
    return history_import.import_files(user_id, [(name, data)])


def _check_standard_report(report: history_import.ImportReport) -> None:
    assert (report.listens, report.matched, report.unmatched) == (6, 4, 2)
    assert report.top_unmatched_artists == [("Nobody Known", 2)]
    assert report.stored == 4


def test_spotify_extended_import_stores_plays_and_skips(user_id: int) -> None:
    report = _import(
        user_id, "Streaming_History_Audio_2021.json", spotify_extended(PLAYS, podcasts=1)
    )
    _check_standard_report(report)
    assert report.ignored == 1
    assert report.matched_by == {"name": 3, "spotify_id": 1}
    assert (report.plays, report.skips) == (2, 2)
    assert stored_events(user_id) == [
        (YELLOW, "play", "import:spotify"),
        (HELLO, "skip", "import:spotify"),  # 12 s
        (HALO, "skip", "import:spotify"),  # marked skipped
        (HEY_JUDE, "play", "import:spotify"),
    ]


def test_spotify_extended_zip_import(user_id: int) -> None:
    data = zip_of(
        {
            "Spotify Extended Streaming History/Streaming_History_Audio_2021_0.json": (
                spotify_extended(PLAYS[:3])
            ),
            "Spotify Extended Streaming History/Streaming_History_Audio_2021_1.json": (
                spotify_extended(PLAYS[3:])
            ),
        }
    )
    _check_standard_report(_import(user_id, "my_spotify_data.zip", data))


def test_spotify_account_data_import(user_id: int) -> None:
    report = _import(user_id, "StreamingHistory_music_0.json", spotify_account(PLAYS))
    _check_standard_report(report)
    assert {context for _, _, context in stored_events(user_id)} == {"import:spotify_account"}


def test_lastfm_csv_import_with_and_without_header(user_id: int) -> None:
    _check_standard_report(_import(user_id, "scrobbles.csv", lastfm_csv(PLAYS)))
    # The same scrobbles from the other export site: same times, nothing new.
    again = _import(user_id, "scrobbles-2.csv", lastfm_csv(PLAYS, header=True))
    assert (again.stored, again.already_stored) == (0, 4)
    assert [kind for _, kind, _ in stored_events(user_id)] == ["play"] * 4  # no durations


def test_listenbrainz_import_json_and_jsonl(user_id: int) -> None:
    report = _import(user_id, "listens.json", listenbrainz_json(PLAYS))
    _check_standard_report(report)
    assert report.matched_by["spotify_id"] == 1
    other = add_user("other@example.com")
    _check_standard_report(_import(other, "listens.jsonl", listenbrainz_jsonl(PLAYS)))


def test_duplicate_import_is_stored_once(user_id: int) -> None:
    data = spotify_extended(PLAYS + PLAYS[:2])  # the file itself repeats two listens
    first = _import(user_id, "Streaming_History_Audio_2021.json", data)
    assert (first.matched, first.stored, first.already_stored) == (6, 4, 2)
    second = _import(user_id, "Streaming_History_Audio_2021.json", data)
    assert (second.stored, second.already_stored) == (0, 6)
    assert len(stored_events(user_id)) == 4


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("Streaming_History_Audio_2021.json", spotify_extended(PLAYS)[:-40], "not valid JSON"),
        ("scrobbles.csv", lastfm_csv(PLAYS) + b"A,B,C,not a date\n", "is not a date"),
        ("listens.jsonl", listenbrainz_jsonl(PLAYS) + b"{oops\n", "not JSON"),
        ("StreamingHistory_music_0.json", b'[{"endTime": "soon", "msPlayed": 1}]', "endTime"),
    ],
)
def test_broken_files_write_nothing(user_id: int, name: str, data: bytes, message: str) -> None:
    with pytest.raises(HistoryImportError, match=message):
        _import(user_id, name, data)
    assert interaction_count() == 0


def test_one_bad_file_among_several_writes_nothing(user_id: int) -> None:
    files = [
        ("scrobbles.csv", lastfm_csv(PLAYS)),
        ("listens.json", json.dumps([{"listened_at": "never", "track_metadata": {}}]).encode()),
    ]
    with pytest.raises(HistoryImportError, match="listened_at"):
        history_import.import_files(user_id, files)
    assert interaction_count() == 0


def test_ingest_listens_is_the_entry_point_for_api_imports(user_id: int) -> None:
    listens = [
        Listen(datetime(2024, 5, 1, 10, tzinfo=UTC), "Coldplay", "Yellow", "lastfm_api"),
        Listen(datetime(2024, 5, 1, 10, 4, tzinfo=UTC), "Coldplay", "Yelow", "lastfm_api"),
        # The same scrobble fetched again with sub-second noise is the same listen.
        Listen(datetime(2024, 5, 1, 10, 0, 0, 250_000, UTC), "Coldplay", "Yellow", "lastfm_api"),
    ]
    seen: list[float] = []
    report = ingest_listens(user_id, listens, progress=lambda f, _m: seen.append(f))
    assert (report.matched, report.stored, report.already_stored) == (3, 2, 1)
    assert report.matched_by == {"fuzzy": 1, "name": 2}
    assert seen[-1] == 1.0
    assert stored_events(user_id) == [
        (YELLOW, "play", "import:lastfm_api"),
        (YELLOW, "play", "import:lastfm_api"),
    ]


def test_unknown_user_is_refused(db) -> None:
    with pytest.raises(HistoryImportError, match="no longer exists"):
        ingest_listens(999, [Listen(datetime(2024, 1, 1, tzinfo=UTC), "A", "B", "x")])


def test_imported_plays_reach_history_and_insights_at_their_own_time(user_id: int) -> None:
    _import(user_id, "Streaming_History_Audio_2021.json", spotify_extended(PLAYS))
    with session_scope() as session:
        events = listeners.history(session, user_id)
    assert [e.at for e in events] == [p.at for p in PLAYS[:4]]
    assert insights.for_user(user_id).listens == 2  # the two plays; skips are not listening


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("Streaming_History_Audio_2021.json", spotify_extended(PLAYS)),
        ("StreamingHistory_music_0.json", spotify_account(PLAYS)),
        ("scrobbles.csv", lastfm_csv(PLAYS)),
        ("listens.jsonl", listenbrainz_jsonl(PLAYS)),
    ],
)
def test_each_format_imported_twice_is_stored_once(user_id: int, name: str, data: bytes) -> None:
    assert _import(user_id, name, data).stored == 4
    again = _import(user_id, name, data)
    assert (again.stored, again.already_stored) == (0, 4)
    assert interaction_count() == 4
