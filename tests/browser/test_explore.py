"""Explore journeys in headless Chromium: filter the map, open a track, like it, lasso-stage
tracks (plotly's selection event, as a lasso sends it) and find them staged for the playlists."""

from __future__ import annotations

import time

import numpy as np
import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.keys import Keys

from app import create_app
from dashapp.components.map_figure import trace_rows
from dashapp.components.staging_store import STAGING_STORE_ID
from dashapp.config import Config
from dashapp.services import accounts, explore, model_store
from db.models import Artist, Interaction, Track
from db.session import database, session_scope
from ml.filters import TrackFilter
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
    monkeypatch.setattr(model_store, "current", lambda: model)
    yield server
    database.engine.dispose()


def log_in(dash_duo, server, path: str = "/explore", size=(1400, 1000)) -> None:
    dash_duo.start_server(server.extensions["dash"], navigate=False)
    dash_duo.driver.set_window_size(*size)
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


def drawn_counts(dash_duo) -> list[int] | None:
    """How many points each of the map's point traces draws (plotly's decoded arrays)."""
    return dash_duo.driver.execute_script(
        """
        const gd = document.querySelector('#explore-map .js-plotly-plot');
        if (!gd || !gd._fullData) return null;
        return gd._fullData.filter(t => t.name !== 'Selected track').map(t => t.x.length);
        """
    )


def highlighted(dash_duo) -> int | None:
    """Points in the map's highlight trace (the open track's ring)."""
    return dash_duo.driver.execute_script(
        """
        const gd = document.querySelector('#explore-map .js-plotly-plot');
        const ring = gd && gd._fullData && gd._fullData.find(t => t.name === 'Selected track');
        return ring ? ring.x.length : null;
        """
    )


def expected_traces(model, **view) -> list[list[int]]:
    points = explore.map_points(explore.map_base(model), **view)
    return [rows.tolist() for rows in trace_rows(points)]


def shows(dash_duo, traces: list[list[int]]) -> bool:
    return drawn_counts(dash_duo) == [len(rows) for rows in traces]


def emit(dash_duo, event: str, traces: list[list[int]], rows: list[int]) -> None:
    """Fire a plotly event on the map as a click or a lasso would: each point named by its trace
    and index, like plotly names them."""
    where = {row: (curve, i) for curve, trace in enumerate(traces) for i, row in enumerate(trace)}
    points = [
        {"curveNumber": where[r][0], "pointNumber": where[r][1], "pointIndex": where[r][1]}
        for r in rows
    ]
    dash_duo.driver.execute_script(
        """
        const gd = document.querySelector('#explore-map .js-plotly-plot');
        gd.emit(arguments[0], {points: arguments[1]});
        """,
        event,
        points,
    )


def test_filter_open_like_and_lasso_stage(dash_duo, explore_app, model):
    tracks = model.bundle.tracks
    log_in(dash_duo, explore_app)
    everything = expected_traces(model)
    assert sorted(r for trace in everything for r in trace) == list(range(N_TRACKS))
    wait_until(lambda: shows(dash_duo, everything))
    dash_duo.wait_for_text_to_equal(
        "#explore-status", f"{N_TRACKS} of {N_TRACKS} tracks match.", timeout=10
    )

    # Filter by genre: only rock tracks stay on the map.
    dash_duo.select_dcc_dropdown('[id*="filter-genres_include"]', value="Rock")
    rock_traces = expected_traces(model, track_filter=TrackFilter(genres_include=("rock",)))
    rock = sorted(r for trace in rock_traces for r in trace)
    assert rock == sorted(tracks.index[tracks["genre"] == "rock"])
    wait_until(lambda: shows(dash_duo, rock_traces))
    dash_duo.wait_for_contains_text("#explore-status", f"{len(rock)} of {N_TRACKS}", timeout=10)

    # Click a rock track: its card opens with similar tracks; like it.
    row = rock_traces[1][3]
    emit(dash_duo, "plotly_click", rock_traces, [row])
    dash_duo.wait_for_text_to_equal("#details-title", f"Song {row}", timeout=10)
    assert dash_duo.find_elements("#similar-tracks li")
    # The click patches only the highlight ring in; every rock point is still drawn.
    wait_until(lambda: highlighted(dash_duo) == 1)
    assert shows(dash_duo, rock_traces)
    wait_until(lambda: dash_duo.find_element("#details-like").is_enabled())
    click(dash_duo, "#details-like")
    dash_duo.wait_for_contains_text("#explore-feedback", f"Liked “Song {row}”", timeout=10)
    with session_scope() as session:
        liked = session.query(Interaction).filter_by(kind="like").one()
        assert (liked.track_id, liked.context) == (tracks["track_id"].iat[row], "explore")

    # Lasso five rock tracks: they are staged, in the session store the playlist page reads.
    chosen = rock[:5]
    emit(dash_duo, "plotly_selected", rock_traces, chosen)
    dash_duo.wait_for_text_to_equal("#staging-count", "5 tracks staged.", timeout=10)
    stored = dash_duo.driver.execute_script(
        "return JSON.parse(window.sessionStorage.getItem(arguments[0]));", STAGING_STORE_ID
    )
    assert stored["track_ids"] == [tracks["track_id"].iat[r] for r in chosen]

    # "Show only: staged" draws exactly the staged tracks.
    dash_duo.select_dcc_dropdown("#explore-only", value="Staged tracks")
    staged_traces = expected_traces(
        model, track_filter=TrackFilter(genres_include=("rock",)), only_rows=np.array(chosen)
    )
    assert sorted(r for trace in staged_traces for r in trace) == chosen
    wait_until(lambda: shows(dash_duo, staged_traces))
    # Only network errors are tolerated (the offline test machine cannot reach the style CDN).
    assert [entry for entry in dash_duo.get_logs() if entry.get("source") != "network"] == []


def test_no_model_shows_a_friendly_empty_state(dash_duo, explore_app, monkeypatch):
    monkeypatch.setattr(model_store, "current", lambda: None)
    log_in(dash_duo, explore_app)
    dash_duo.wait_for_contains_text("#explore-empty", "No map yet", timeout=10)


LAYOUT = """
    const gd = document.querySelector('#explore-map .js-plotly-plot');
    if (!gd || !gd._fullLayout || !gd._fullLayout.xaxis) return null;
    const l = gd._fullLayout;
    return {x: l.xaxis.range.slice(), y: l.yaxis.range.slice(), dragmode: l.dragmode,
            plot_width: l._size.w, showlegend: l.showlegend};
"""


def map_layout(dash_duo) -> dict | None:
    return dash_duo.driver.execute_script(LAYOUT)


def close_to(a: list[float], b: list[float]) -> bool:
    """The same window: same centre, same size within 15 % (with the map's fixed aspect ratio,
    plotly widens one axis when the legend's width changes the plot area's shape)."""
    span_a, span_b = a[1] - a[0], b[1] - b[0]
    centre_a, centre_b = (a[0] + a[1]) / 2, (b[0] + b[1]) / 2
    return abs(centre_a - centre_b) < 0.02 * span_b and 0.85 < span_a / span_b < 1.15


def test_zoom_survives_filter_and_colour_changes_and_the_map_pans(dash_duo, explore_app, model):
    log_in(dash_duo, explore_app)
    wait_until(lambda: shows(dash_duo, expected_traces(model)))
    start = wait_until(lambda: map_layout(dash_duo))
    # Dragging pans: selecting is a mode the user picks.
    assert start["dragmode"] == "pan"

    # Zoom in with the mouse wheel over the middle of the map, as a user does.
    (x0, x1) = start["x"]
    plot = dash_duo.find_element("#explore-map .nsewdrag")
    centre = plot.rect["x"] + plot.rect["width"] / 2, plot.rect["y"] + plot.rect["height"] / 2
    for _ in range(3):
        dash_duo.driver.execute_cdp_cmd(
            "Input.dispatchMouseEvent",
            {"type": "mouseWheel", "x": centre[0], "y": centre[1], "deltaX": 0, "deltaY": -200},
        )
        time.sleep(0.3)
    zoomed = wait_until(
        lambda: (view := map_layout(dash_duo)) and view["x"][1] - view["x"][0] < x1 - x0 and view
    )
    time.sleep(1.0)  # plotly settles the wheel zoom; read the final ranges
    zoomed = map_layout(dash_duo)

    # A filter change redraws the points and keeps the zoom.
    dash_duo.select_dcc_dropdown('[id*="filter-genres_include"]', value="Rock")
    rock_traces = expected_traces(model, track_filter=TrackFilter(genres_include=("rock",)))
    wait_until(lambda: shows(dash_duo, rock_traces))
    after_filter = map_layout(dash_duo)
    assert close_to(after_filter["x"], zoomed["x"]) and close_to(after_filter["y"], zoomed["y"])

    # So does a colour change (one trace on a colour scale now).
    dash_duo.select_dcc_dropdown("#explore-colour", value="Energy")
    wait_until(lambda: drawn_counts(dash_duo) == [sum(len(t) for t in rock_traces)])
    after_colour = map_layout(dash_duo)
    assert close_to(after_colour["x"], zoomed["x"]) and close_to(after_colour["y"], zoomed["y"])

    # "Zoom to matches" frames every rock track, closer than the whole map.
    click(dash_duo, "#explore-zoom-matches")
    framed = wait_until(
        lambda: (view := map_layout(dash_duo)) and not close_to(view["x"], zoomed["x"]) and view
    )
    rock_rows = [r for trace in rock_traces for r in trace]
    xy = explore.map_base(model).coords2[rock_rows]
    assert framed["x"][0] <= xy[:, 0].min() and xy[:, 0].max() <= framed["x"][1]
    assert framed["y"][0] <= xy[:, 1].min() and xy[:, 1].max() <= framed["y"][1]

    # Lasso is one click away, and switching keeps the zoom.
    dash_duo.find_element("label[for='_dbcprivate_radioitems_explore-drag_input_lasso']").click()
    wait_until(lambda: map_layout(dash_duo)["dragmode"] == "lasso")
    assert close_to(map_layout(dash_duo)["x"], framed["x"])
    assert [entry for entry in dash_duo.get_logs() if entry.get("source") != "network"] == []


def test_slider_values_show_and_can_be_typed(dash_duo, explore_app, model):
    log_in(dash_duo, explore_app)
    wait_until(lambda: shows(dash_duo, expected_traces(model)))
    energy = '[id*="filter-energy"]'
    low = dash_duo.find_element(f"{energy} .dash-range-slider-min-input")
    high = dash_duo.find_element(f"{energy} .dash-range-slider-max-input")
    wait_until(lambda: low.is_displayed() and high.is_displayed())
    assert (float(low.get_attribute("value")), float(high.get_attribute("value"))) == (0, 1)
    # Type a new low end and leave the box, as a user does.
    low.click()
    low.send_keys(Keys.CONTROL, "a")
    low.send_keys("0.5", Keys.ENTER)
    wait_until(lambda: low.get_attribute("value") == "0.5")
    low.send_keys(Keys.TAB)
    tracks = model.bundle.tracks
    energetic = int((tracks["energy"] >= 0.5).sum())
    dash_duo.wait_for_contains_text(
        "#explore-status", f"{energetic:,} of {N_TRACKS} tracks match.", timeout=10
    )


PHONE = (390, 844)


def test_phone_shows_the_map_first_and_the_filters_in_a_drawer(dash_duo, explore_app, model):
    log_in(dash_duo, explore_app, size=PHONE)
    assert dash_duo.driver.execute_script("return window.innerWidth") <= PHONE[0]
    wait_until(lambda: shows(dash_duo, expected_traces(model)))
    # The plot area itself (legend excluded) is at least 300 px wide; the legend starts hidden.
    layout = wait_until(lambda: map_layout(dash_duo))
    assert layout["plot_width"] >= 300 and layout["showlegend"] is False
    graph = dash_duo.find_element("#explore-map")
    assert graph.rect["y"] < PHONE[1] / 2  # the map starts in the first half of the screen
    drawer = dash_duo.find_element("#explore-filters")
    assert not drawer.is_displayed()

    click(dash_duo, "#explore-filters-open")
    wait_until(drawer.is_displayed)
    dash_duo.select_dcc_dropdown('[id*="filter-genres_include"]', value="Rock")
    click(dash_duo, "#explore-filters-done")
    wait_until(lambda: not drawer.is_displayed())
    rock_traces = expected_traces(model, track_filter=TrackFilter(genres_include=("rock",)))
    wait_until(lambda: shows(dash_duo, rock_traces))
