"""The "what's in it" card of a cluster: size, how true its name is, genres, artists, ranges.

Renders an ``ml.cluster_cards.ClusterCard`` exactly as training stored it; nothing is computed
on the request.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import html

FEATURE_LABELS = {
    "energy": "Energy",
    "danceability": "Danceability",
    "valence": "Positivity",
    "acousticness": "Acousticness",
    "instrumentalness": "Instrumental",
    "speechiness": "Speech",
    "tempo": "Tempo (BPM)",
}
RULE_TEXT = {
    "genre": "named after the genre its tracks carry",
    "genres": "named after the genres that together cover it",
    "family": "named after its family (no genre covers it)",
    "sound": "named by its sound (no genre covers it)",
}


def cluster_card(card: Any) -> dbc.Card:
    """A compact card; ``card`` is a ``ClusterCard``."""
    genres = [
        html.Li(f"{name} · {share * 100:.0f} %", className="small")
        for name, share in card.top_genres
    ]
    artists = ", ".join(f"{name} ({count})" for name, count in card.top_artists)
    ranges = [
        html.Tr(
            [
                html.Td(FEATURE_LABELS.get(column, column), className="pe-2"),
                html.Td(_range(column, low, high)),
            ]
        )
        for column, (low, _median, high) in card.feature_ranges.items()
    ]
    return dbc.Card(
        dbc.CardBody(
            [
                html.H6(f"What's in {card.name}", className="card-title mb-1"),
                html.Div(
                    f"Family: {card.family_name} · {card.size:,} tracks "
                    f"({card.share * 100:.1f} % of the catalogue)",
                    className="small text-muted",
                ),
                html.Div(
                    f"The name is true of {card.coverage * 100:.0f} % of its tracks "
                    f"({RULE_TEXT.get(card.rule, card.rule)}).",
                    className="small mb-1",
                ),
                html.Div("Genres its tracks carry", className="small fw-semibold"),
                html.Ul(genres, className="ps-3 mb-1") if genres else html.Div("—"),
                html.Div("Top artists", className="small fw-semibold"),
                html.Div(artists or "—", className="small mb-1"),
                html.Div("Middle 80 % of its tracks", className="small fw-semibold"),
                html.Table(html.Tbody(ranges), className="small"),
            ]
        ),
        className="mt-3",
        id="cluster-card",
    )


def _range(column: str, low: float, high: float) -> str:
    if column == "tempo":
        return f"{low:.0f} to {high:.0f}"
    return f"{low:.2f} to {high:.2f}"
