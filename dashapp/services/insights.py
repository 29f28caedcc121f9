"""A listener's patterns: what they played, by genre, artist, cluster and mood, and when.

"Listening" is plays, likes and favourites (skips and bans are verdicts, not listening). Times are
bucketed by ISO week (weeks start on Monday) and shown, like the hour-by-weekday heatmap, in the
listener's time zone as their browser reports it (UTC when it names no zone we know). Clusters
and the map need the served model; every other figure comes from the database alone, so a user
sees most of their insights before any model is trained.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from dashapp.services import model_store
from db.queries import listeners, population
from db.session import session_scope
from ml.moods import mood_flags
from music.moods import MOOD_LABELS, MOODS

# The 0..1 audio features; tempo and loudness have other scales and would flatten the chart.
PROFILE_FEATURES: tuple[str, ...] = (
    "danceability",
    "energy",
    "valence",
    "acousticness",
    "instrumentalness",
    "speechiness",
    "liveness",
)
TOP_LABELS = 8  # series per "over time" chart; the rest are summed as "Other"
OTHER = "Other"
CATALOGUE_SAMPLE = 2_000  # background points for the mood scatter and the map
WEEKDAYS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Insights:
    listens: int
    genres_by_week: pd.DataFrame  # week, label, listens
    artists_by_week: pd.DataFrame
    clusters_by_week: pd.DataFrame | None  # None without a model
    moods: pd.DataFrame  # mood, label, listens (a track counts for every mood it carries)
    mood_points: pd.DataFrame  # valence, energy of each distinct track listened to
    catalogue_points: pd.DataFrame  # valence, energy of a catalogue sample
    feature_profile: pd.DataFrame  # feature, you, everyone
    hour_weekday: pd.DataFrame  # 7 rows (Mon..Sun) x 24 columns (hours, in time_zone)
    map_you: pd.DataFrame | None = None  # x, y of listened tracks on the model's 2-D map
    map_catalogue: pd.DataFrame | None = None
    top_genres: list[tuple[str, float]] = field(default_factory=list)  # (label, share)
    top_clusters: list[tuple[str, float]] = field(default_factory=list)
    model_version: str | None = None
    time_zone: str = "UTC"

    @property
    def is_empty(self) -> bool:
        return self.listens == 0


def time_zone(name: str | None) -> str:
    """``name`` when it is an IANA zone this machine knows, else "UTC"."""
    if not name or not isinstance(name, str) or len(name) > 64:
        return "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return name


def week_start(at: pd.Series, zone: str = "UTC") -> pd.Series:
    """The Monday (00:00, in ``zone``) of each timestamp's week."""
    day = at.dt.tz_convert(zone).dt.tz_localize(None).dt.normalize()
    return day - pd.to_timedelta(day.dt.day_of_week, unit="D")


def counts_by_week(
    weeks: pd.Series, labels: pd.Series, weights: pd.Series | None = None, top: int = TOP_LABELS
) -> pd.DataFrame:
    """Listens per (week, label); labels outside the ``top`` by total become "Other"."""
    frame = pd.DataFrame(
        {
            "week": weeks.to_numpy(),
            "label": labels.astype("str").to_numpy(),
            "listens": 1.0 if weights is None else weights.to_numpy(dtype="float64"),
        }
    )
    if frame.empty:
        return pd.DataFrame(columns=["week", "label", "listens"])
    totals = frame.groupby("label")["listens"].sum().sort_values(ascending=False, kind="stable")
    keep = set(totals.index[:top])
    frame["label"] = frame["label"].where(frame["label"].isin(keep), OTHER)
    grouped = frame.groupby(["week", "label"], as_index=False)["listens"].sum()
    return grouped.sort_values(["week", "listens"], ascending=[True, False], ignore_index=True)


def shares(
    labels: pd.Series, weights: pd.Series | None = None, top: int = 5
) -> list[tuple[str, float]]:
    """The ``top`` labels by (weighted) share of the total, largest first."""
    if labels.empty:
        return []
    values = pd.Series(
        1.0 if weights is None else weights.to_numpy(dtype="float64"),
        index=labels.astype("str").to_numpy(),
    )
    totals = values.groupby(level=0).sum().sort_values(ascending=False, kind="stable")
    return [(str(label), float(v / totals.sum())) for label, v in totals.iloc[:top].items()]


def explode_genres(
    events: pd.DataFrame, genres_of: dict[str, tuple[str, ...]]
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(week, genre, weight) per event and genre; a track in n genres gives each 1/n of a listen."""
    genres = events["track_id"].map(lambda t: genres_of.get(t) or ("unknown",))
    exploded = pd.DataFrame({"week": events["week"], "genre": genres}).explode("genre")
    weight = 1.0 / genres.map(len).reindex(exploded.index)
    return exploded["week"], exploded["genre"].astype("str"), weight


def mood_counts(events: pd.DataFrame) -> pd.DataFrame:
    """How many of the listens carry each mood, in ``MOODS`` order with labels."""
    flags = mood_flags(events) if not events.empty else np.zeros((0, len(MOODS)), dtype=bool)
    counts = flags.sum(axis=0)
    return pd.DataFrame(
        {
            "mood": list(MOODS),
            "label": [MOOD_LABELS.get(m, m) for m in MOODS],
            "listens": counts.astype("int64"),
        }
    )


def hour_weekday(events: pd.DataFrame, zone: str = "UTC") -> pd.DataFrame:
    """Listens per weekday (rows) and hour of day (columns) in ``zone``."""
    grid = pd.DataFrame(0, index=list(WEEKDAYS), columns=list(range(24)), dtype="int64")
    if events.empty:
        return grid
    at = events["at"].dt.tz_convert(zone)
    counts = pd.crosstab(at.dt.day_of_week, at.dt.hour)
    for weekday, row in counts.iterrows():
        for hour, value in row.items():
            grid.iat[int(weekday), int(hour)] = int(value)
    return grid


def feature_profile(events: pd.DataFrame, everyone: dict[str, float]) -> pd.DataFrame:
    """The user's mean of each profile feature beside everyone's."""
    features = [f for f in PROFILE_FEATURES if f in everyone]
    you = [float(events[f].mean()) if not events.empty else np.nan for f in features]
    return pd.DataFrame(
        {"feature": features, "you": you, "everyone": [everyone[f] for f in features]}
    )


def for_user(user_id: int, zone_name: str | None = None) -> Insights:
    """Everything the Insights page draws for this user (plain frames; no figures here).

    ``zone_name`` is the listener's IANA time zone for the weeks and the hour heatmap.
    """
    zone = time_zone(zone_name)
    with session_scope() as session:
        events = listeners.listening_events(session, user_id)
        genres_of = listeners.listened_track_genres(session, user_id) if len(events) else {}
        everyone = population.feature_means(session, PROFILE_FEATURES)
        sample = population.feature_sample(session, ("valence", "energy"), CATALOGUE_SAMPLE)
    events["week"] = (
        week_start(events["at"], zone) if len(events) else pd.Series(dtype="datetime64[ns]")
    )
    genre_weeks, genre_labels, genre_weights = explode_genres(events, genres_of)
    distinct = events.drop_duplicates("track_id")
    insights = Insights(
        listens=len(events),
        genres_by_week=counts_by_week(genre_weeks, genre_labels, genre_weights),
        artists_by_week=counts_by_week(events["week"], events["artist_name"]),
        clusters_by_week=None,
        moods=mood_counts(events),
        mood_points=distinct[["valence", "energy"]].reset_index(drop=True),
        catalogue_points=sample,
        feature_profile=feature_profile(events, everyone),
        hour_weekday=hour_weekday(events, zone),
        top_genres=shares(genre_labels, genre_weights),
        time_zone=zone,
    )
    return _with_model_views(insights, events)


@dataclass(frozen=True)
class TasteSummary:
    listens: int
    top_genres: list[tuple[str, float]]
    top_clusters: list[tuple[str, float]]


def taste_summary(user_id: int) -> TasteSummary:
    """The user's top genres and clusters only (Home's side panel): no catalogue-wide reads."""
    with session_scope() as session:
        events = listeners.listening_events(session, user_id)
        genres_of = listeners.listened_track_genres(session, user_id) if len(events) else {}
    if events.empty:
        return TasteSummary(0, [], [])
    events["week"] = week_start(events["at"])
    _, genre_labels, genre_weights = explode_genres(events, genres_of)
    top_clusters: list[tuple[str, float]] = []
    model = model_store.current()
    if model is not None:
        tracks = model.catalogue
        names = list(model.bundle.cluster_names)
        known = events.loc[events["track_id"].isin(tracks.index), "track_id"]
        clusters = tracks.loc[known, "cluster"].astype("int64")
        top_clusters = shares(
            pd.Series([names[c] if 0 <= c < len(names) else f"Cluster {c}" for c in clusters])
        )
    return TasteSummary(len(events), shares(genre_labels, genre_weights), top_clusters)


def _with_model_views(insights: Insights, events: pd.DataFrame) -> Insights:
    model = model_store.current()
    if model is None:
        return insights
    tracks = model.catalogue
    names = list(model.bundle.cluster_names)
    known = events[events["track_id"].isin(tracks.index)]
    clusters = tracks.loc[known["track_id"], "cluster"].astype("int64").to_numpy()
    labels = pd.Series(
        [names[c] if 0 <= c < len(names) else f"Cluster {c}" for c in clusters], dtype="str"
    )
    weeks = known["week"].reset_index(drop=True)
    listened = tracks.loc[known["track_id"].drop_duplicates()]
    background = tracks.sample(min(CATALOGUE_SAMPLE, len(tracks)), random_state=0)
    return Insights(
        **{
            **insights.__dict__,
            "clusters_by_week": counts_by_week(weeks, labels),
            "top_clusters": shares(labels),
            "map_you": listened[["x2", "y2"]].rename(columns={"x2": "x", "y2": "y"}),
            "map_catalogue": background[["x2", "y2"]].rename(columns={"x2": "x", "y2": "y"}),
            "model_version": model.version,
        }
    )
