"""Explore journeys in headless Chromium: filter the map, open a track, like it, lasso-stage
tracks (plotly's selection event, as a lasso sends it) and find them staged for the playlists."""

from __future__ import annotations

import time

import pytest
from selenium.common.exceptions import WebDriverException

from app import create_app
from dashapp.config import Config
from dashapp.services import accounts, explore
from db.models import Artist, Interaction, Track
from db.session import database, session_scope
from tests.unit.dashapp.explore_frames import loaded_model

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
N_TRACKS = 300


def seed_catalogue(tracks) -> None:
    """The map's tracks as catalogue rows, so feedback on them can be recorded."""
    with session_scope() as session:
        for artist_id in sorted(tracks["artist_id"].unique()):
            session.add(Artist(id=int(artist_id), name=f"A{artist_id}", name_key=f"a{artist_id}"))
        session.flush()
        for row in tracks.itertuples(index=False):
            session.add(
                Track(
                    id=row.track_id,
                    name=row.name,
                    artist_id=int(row.artist_id),
                    artist_names=row.artist_name,
                    popularity=int(row.popularity),
                    duration_ms=int(row.duration_ms),
                    danceability=row.danceability,
                    energy=row.energy,
                    key=int(row.key),
                    loudness=row.loudness,
                    mode=int(row.mode),
                    speechiness=row.speechiness,
                    acousticness=row.acousticness,
                    instrumentalness=row.instrumentalness,
                    liveness=row.liveness,
                    valence=row.valence,
                    tempo=row.tempo,
                    source="demo",
                )
            )


@pytest.fixture
def model():
    return loaded_model(N_TRACKS, version="browser-explore")


@pytest.fixture
def explore_app(sqlite_database_url, tmp_path, monkeypatch, model):
    server = create_app(Config.for_testing(sqlite_database_url, tmp_path / "models"))
    seed_catalogue(model.bundle.tracks)
    accounts.register("ana@example.com", PASSWORD, "Ana")
    monkeypatch.setattr(explore, "current_model", lambda: model)
    yield server
    database.engine.dispose()


def log_in(dash_duo, server, path: str = "/explore") -> None:
    dash_duo.start_server(server.extensions["dash"], navigate=False)
    dash_duo.driver.set_window_size(1400, 1000)
    dash_duo.driver.get(f"{dash_duo.server.url}/login?next={path}")
    dash_duo.find_element("#email").send_keys("ana@example.com")
    dash_duo.find_element("#password").send_keys(PASSWORD)
    dash_duo.find_element("button[type=submit]").click()


def wait_until(condition, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except WebDriverException:
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def click(dash_duo, selector: str) -> None:
    # A JavaScript click: the card may sit below the fold of the headless window.
    dash_duo.driver.execute_script("arguments[0].click();", dash_duo.find_element(selector))


def drawn_rows(dash_duo) -> list[int]:
    """The catalogue rows plotted by the map's point traces (decoded in the page by plotly)."""
    return dash_duo.driver.execute_script(
        """
        const gd = document.querySelector('#explore-map .js-plotly-plot');
        if (!gd || !gd._fullData) return null;
        const rows = [];
        for (const trace of gd._fullData) {
            if (trace.name === 'Selected track' || !trace.customdata) continue;
            for (const row of trace.customdata) rows.push(Number(row));
        }
        return rows;
        """
    )


def emit(dash_duo, event: str, rows: list[int]) -> None:
    """Fire a plotly event on the map as a click or a lasso would: the points of these rows, each
    named by its trace and index like plotly names them (dcc.Graph reads customdata from there)."""
    dash_duo.driver.execute_script(
        """
        const gd = document.querySelector('#explore-map .js-plotly-plot');
        const wanted = new Set(arguments[1]);
        const points = [];
        gd.data.forEach((trace, curve) => (trace.customdata || []).forEach((row, i) => {
            if (wanted.has(row)) points.push({curveNumber: curve, pointNumber: i, pointIndex: i,
                                              x: 0, y: 0, customdata: row});
        }));
        const order = (p) => arguments[1].indexOf(p.customdata);
        points.sort((a, b) => order(a) - order(b));
        gd.emit(arguments[0], {points: points});
        """,
        event,
        rows,
    )


def test_filter_open_like_and_lasso_stage(dash_duo, explore_app, model):
    tracks = model.bundle.tracks
    log_in(dash_duo, explore_app)
    everything = wait_until(
        lambda: (rows := drawn_rows(dash_duo)) and len(rows) == N_TRACKS and rows
    )
    assert sorted(everything) == list(range(N_TRACKS))
    dash_duo.wait_for_text_to_equal(
        "#explore-status", f"{N_TRACKS} of {N_TRACKS} tracks match.", timeout=10
    )

    # Filter by genre: only rock tracks stay on the map.
    dash_duo.select_dcc_dropdown('[id*="filter-genres_include"]', value="Rock")
    rock = set(tracks.index[tracks["genre"] == "rock"])
    wait_until(lambda: set(drawn_rows(dash_duo) or []) == rock)
    dash_duo.wait_for_contains_text("#explore-status", f"{len(rock)} of {N_TRACKS}", timeout=10)

    # Click a rock track: its card opens with similar tracks; like it.
    row = min(rock)
    emit(dash_duo, "plotly_click", [row])
    dash_duo.wait_for_text_to_equal("#details-title", f"Song {row}", timeout=10)
    assert dash_duo.find_elements("#similar-tracks li")
    wait_until(lambda: dash_duo.find_element("#details-like").is_enabled())
    click(dash_duo, "#details-like")
    dash_duo.wait_for_contains_text("#explore-feedback", f"Liked “Song {row}”", timeout=10)
    with session_scope() as session:
        liked = session.query(Interaction).filter_by(kind="like").one()
        assert (liked.track_id, liked.context) == (tracks["track_id"].iat[row], "explore")

    # Lasso five rock tracks: they are staged, in the session store the playlist page reads.
    chosen = sorted(rock)[:5]
    emit(dash_duo, "plotly_selected", chosen)
    dash_duo.wait_for_text_to_equal("#staging-count", "5 tracks staged.", timeout=10)
    stored = dash_duo.driver.execute_script(
        "return JSON.parse(window.sessionStorage.getItem(arguments[0]));", explore.STAGING_STORE_ID
    )
    assert stored["track_ids"] == [tracks["track_id"].iat[r] for r in chosen]

    # "Show only: staged" draws exactly the staged tracks.
    dash_duo.select_dcc_dropdown("#explore-only", value="Staged tracks")
    wait_until(lambda: sorted(drawn_rows(dash_duo) or []) == chosen)
    # Only network errors are tolerated (the offline test machine cannot reach the style CDN).
    assert [entry for entry in dash_duo.get_logs() if entry.get("source") != "network"] == []


def test_no_model_shows_a_friendly_empty_state(dash_duo, explore_app, monkeypatch):
    monkeypatch.setattr(explore, "current_model", lambda: None)
    log_in(dash_duo, explore_app)
    dash_duo.wait_for_contains_text("#explore-empty", "No map yet", timeout=10)
