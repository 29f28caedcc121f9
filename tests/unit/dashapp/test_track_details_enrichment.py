"""The Explore details card shows what `catalog enrich` stored, and nothing when it did not run."""

from __future__ import annotations

import json

from plotly.utils import PlotlyJSONEncoder

from dashapp.components.track_details import track_details_card
from dashapp.services.enrichment import TrackEnrichmentView
from dashapp.services.explore import TrackDetails

DETAILS = TrackDetails(
    track_id="t1",
    title="Song 2",
    artist="Blur",
    album="Blur",
    release_year=1997,
    genre="rock",
    cluster=0,
    cluster_name="Loud guitars",
    moods=("tense",),
    features={"energy": 0.9},
    popularity=80,
    spotify_url="https://open.spotify.com/track/t1",
)


def rendered(component) -> str:
    return json.dumps(component, cls=PlotlyJSONEncoder)


def test_enriched_details_show_art_preview_genres_moods_and_similar_artists():
    extra = TrackEnrichmentView(
        album_image_url="https://img.example/t1.jpg",
        preview_url="https://preview.example/t1.mp3",
        spotify_url="https://open.spotify.com/track/t1",
        genres=("britpop", "alternative rock"),
        moods=("amped",),
        similar_artists=("Oasis", "Pulp"),
    )
    card = rendered(track_details_card(DETAILS, DETAILS.spotify_url, extra))
    for expected in ("img.example/t1.jpg", "t1.mp3", "britpop", "Amped", "Oasis, Pulp"):
        assert expected in card


def test_details_without_enrichment_have_no_enrichment_section():
    card = rendered(track_details_card(DETAILS, DETAILS.spotify_url))
    assert "details-enrichment" not in card and "Song 2" in card
