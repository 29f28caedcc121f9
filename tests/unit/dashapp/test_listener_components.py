"""Track cards, feedback buttons, charts and the insights arithmetic, without a server."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
from plotly.utils import PlotlyJSONEncoder

from dashapp.auth import safe_next
from dashapp.components import charts, track_card
from dashapp.components.feedback_buttons import BUTTONS, feedback_id
from dashapp.components.track_card import track_list
from dashapp.services import insights
from dashapp.services.recommendations import RecommendedTrack, spotify_url


def rendered_json(component) -> str:
    """A Dash component tree as the browser receives it."""
    return json.dumps(component, cls=PlotlyJSONEncoder)


def recommended(track_id: str, source: str = "tidytuesday") -> RecommendedTrack:
    return RecommendedTrack(
        track_id=track_id,
        name=f"Song {track_id}",
        artist_id=3,
        artist_name="Band",
        genre="rock",
        mood="happy",
        moods=("happy",),
        cluster=1,
        cluster_name="Loud guitars",
        score=0.9,
        reasons=("Because you liked Band.", "It is as energetic as your favourites."),
        spotify_url=spotify_url(track_id, source),
    )


def test_cards_carry_pattern_matching_feedback_buttons_for_their_track():
    rendered = rendered_json(track_list([recommended("a1"), recommended("b2")]))
    for kind, *_ in BUTTONS:
        assert json.dumps(feedback_id("b2", kind)) in rendered
    assert "Because you liked Band." in rendered


def test_every_real_track_gets_a_play_button_and_no_card_embeds_its_own_player():
    rendered = rendered_json(track_list([recommended("a1"), recommended("b2")]))
    for track in ("a1", "b2"):
        assert json.dumps({"type": track_card.PLAY_TYPE, "track": track}) in rendered
    # One player for the page (track_card.player), not an iframe per card.
    assert "Iframe" not in rendered


def test_demo_tracks_get_no_play_button():
    assert spotify_url("x", "demo") is None
    rendered = rendered_json(track_list([recommended("d1", "demo")]))
    assert "spotify" not in rendered.lower() and track_card.PLAY_TYPE not in rendered


def test_a_card_is_a_few_components_not_dozens():
    # Issue 12: 20 cards with ~35 components each took the browser ~1.5 s to render.
    card = track_card.track_card(recommended("a1"), 1)
    assert sum(1 for _ in card._traverse()) + 1 <= 16


def test_hour_weekday_grid_counts_events_in_utc():
    events = pd.DataFrame(
        {
            "at": pd.to_datetime(
                ["2026-11-02 09:10", "2026-11-02 09:50", "2026-11-08 23:00"], utc=True
            )
        }
    )
    grid = insights.hour_weekday(events)
    assert grid.shape == (7, 24)
    assert grid.loc["Mon", 9] == 2 and grid.loc["Sun", 23] == 1
    assert int(grid.to_numpy().sum()) == 3


def test_hour_weekday_and_weeks_follow_the_listeners_time_zone():
    # Sunday 23:00 UTC is Monday 08:00 in Tokyo, and Monday 01:00 UTC is Sunday 20:00 in New York.
    at = pd.Series(pd.to_datetime(["2026-11-08 23:00", "2026-11-09 01:00"], utc=True))
    tokyo = insights.hour_weekday(pd.DataFrame({"at": at}), "Asia/Tokyo")
    assert tokyo.loc["Mon", 8] == 1 and tokyo.loc["Mon", 10] == 1
    new_york = insights.hour_weekday(pd.DataFrame({"at": at}), "America/New_York")
    assert new_york.loc["Sun", 18] == 1 and new_york.loc["Sun", 20] == 1
    assert list(insights.week_start(at, "Asia/Tokyo")) == [datetime(2026, 11, 9)] * 2
    assert list(insights.week_start(at, "America/New_York")) == [datetime(2026, 11, 2)] * 2
    assert "Asia/Tokyo" in charts.hour_weekday(tokyo, "Asia/Tokyo").layout.title.text


def test_an_unknown_or_hostile_time_zone_name_falls_back_to_utc():
    assert insights.time_zone("Europe/Paris") == "Europe/Paris"
    for name in (None, "", "Mars/Olympus", "../../etc/passwd", "x" * 200, 42):
        assert insights.time_zone(name) == "UTC"


def test_a_track_in_two_genres_gives_each_half_a_listen():
    events = pd.DataFrame({"track_id": ["t1", "t2"], "week": [datetime(2026, 1, 5)] * 2})
    _, genres, weights = insights.explode_genres(events, {"t1": ("pop", "rock")})
    totals = pd.Series(weights.to_numpy(), index=genres.to_numpy()).groupby(level=0).sum()
    assert totals.to_dict() == {"pop": 0.5, "rock": 0.5, "unknown": 1.0}


def test_week_start_is_the_monday_of_the_week():
    at = pd.Series(pd.to_datetime(["2026-11-08 23:59", "2026-11-09 00:01"], utc=True))
    assert list(insights.week_start(at)) == [datetime(2026, 11, 2), datetime(2026, 11, 9)]


def test_chart_builders_draw_every_series():
    weekly = pd.DataFrame(
        {"week": [datetime(2026, 1, 5, tzinfo=UTC)] * 2, "label": ["a", "b"], "listens": [2.0, 1.0]}
    )
    assert [t.name for t in charts.stacked_over_time(weekly, "x").data] == ["a", "b"]
    grid = insights.hour_weekday(pd.DataFrame({"at": pd.to_datetime([], utc=True)}))
    assert charts.hour_weekday(grid).data[0].z.shape == (7, 24)
    points = pd.DataFrame({"valence": [0.2], "energy": [0.9]})
    assert len(charts.valence_energy(points, points).data) == 2


def test_safe_next_keeps_local_paths_only():
    assert safe_next("/insights?period=month") == "/insights?period=month"
    for target in (
        None,
        "",
        "//evil.example",
        "https://evil.example",
        "/\\evil",
        "/%0a//evil",
        "/%5C%5Cevil",
        "/login?next=/x",
        "relative",
    ):
        assert safe_next(target) == "/", target
