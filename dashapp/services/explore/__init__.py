"""Explore: the catalogue as a map. One module per job:

- ``base``: the per-model arrays (``MapBase``), built once per model version;
- ``view``: which points a view draws (filters, "show only", decimation, viewport) and the view
  state the page keeps;
- ``staging``: the staging list of tracks picked for a playlist;
- ``search``: the search box;
- ``details``: one track's card, its cluster's card and links.

The names below are the service's public face; pages import this package.
"""

from __future__ import annotations

from dashapp.services.explore.base import (
    ExploreError,
    MapBase,
    build_map_base,
    map_base,
)
from dashapp.services.explore.details import (
    SimilarTrack,
    TrackDetails,
    cluster_card,
    details_for_user,
    spotify_link,
    track_details,
)
from dashapp.services.explore.search import SearchHit, search_tracks
from dashapp.services.explore.staging import (
    STAGING_LIMIT,
    Staging,
    stage_rows,
    staging_from_store,
    unstage,
)
from dashapp.services.explore.view import (
    CATEGORICAL_COLOURINGS,
    COLOURINGS,
    FEATURE_COLOURINGS,
    HOVER_TEXT_LIMIT,
    MAX_POINTS_2D,
    MAX_POINTS_3D,
    SHOW_ONLY,
    Dims,
    MapPoints,
    centre_window,
    map_points,
    matches_bounds,
    my_rows,
    nearest_rows,
    rows_of_category,
    show_only_rows,
    view_points,
    view_spec,
    viewport_from_relayout,
)
from dashapp.services.model_messages import NO_MODEL_YET

NO_MODEL_MESSAGE = f"The map appears once a trained model is serving. {NO_MODEL_YET}"


__all__ = [
    "CATEGORICAL_COLOURINGS",
    "COLOURINGS",
    "FEATURE_COLOURINGS",
    "HOVER_TEXT_LIMIT",
    "MAX_POINTS_2D",
    "MAX_POINTS_3D",
    "NO_MODEL_MESSAGE",
    "SHOW_ONLY",
    "STAGING_LIMIT",
    "Dims",
    "ExploreError",
    "MapBase",
    "MapPoints",
    "SearchHit",
    "SimilarTrack",
    "Staging",
    "TrackDetails",
    "build_map_base",
    "centre_window",
    "cluster_card",
    "details_for_user",
    "map_base",
    "map_points",
    "matches_bounds",
    "my_rows",
    "nearest_rows",
    "rows_of_category",
    "search_tracks",
    "show_only_rows",
    "spotify_link",
    "stage_rows",
    "staging_from_store",
    "track_details",
    "unstage",
    "view_points",
    "view_spec",
    "viewport_from_relayout",
]
