"""The generator form's values -> GeneratorSpec, built by the service (the page only hands over
the values): every generator kind, the length default, and user errors as service errors."""

from __future__ import annotations

import pytest

from dashapp.services.playlists import PlaylistServiceError, spec_from_form
from ml.playlists import GeneratorSpec

NO_FILTERS: dict = {}


def test_form_values_make_valid_specs():
    form = {
        "kind": "path",
        "track_a": "a",
        "track_b": "b",
        "length": 40,
        "unit": "minutes",
        "adventurousness": 0.2,
        "options": ["flow"],
    }
    spec = spec_from_form(form, {"moods": ["calm"]}, [])
    assert isinstance(spec, GeneratorSpec)
    assert (spec.kind, spec.track_ids, spec.length.minutes) == ("path", ("a", "b"), 40)
    assert spec.order == "flow" and spec.track_filter.moods == ("calm",)
    assert spec.adventurousness == 0.2
    staged = spec_from_form({"kind": "tracks", "length": ""}, NO_FILTERS, ["x", "y"])
    assert staged.track_ids == ("x", "y") and staged.length.tracks == 25
    radio = spec_from_form({"kind": "radio", "artist": 7}, NO_FILTERS, [])
    assert radio.artist_id == 7 and radio.track_ids == ()
    # The stored form round-trips: what a smart playlist keeps is what it re-runs.
    assert GeneratorSpec.from_dict(spec.to_dict()) == spec


def test_form_mistakes_come_back_as_messages():
    with pytest.raises(PlaylistServiceError, match="pick at least one mood"):
        spec_from_form({"kind": "mood"}, NO_FILTERS, [])
    with pytest.raises(PlaylistServiceError, match="stage at least one track"):
        spec_from_form({"kind": "tracks"}, NO_FILTERS, [])
    with pytest.raises(PlaylistServiceError, match="unknown activity"):
        spec_from_form({"kind": "activity"}, {"activity": "juggling"}, [])
    with pytest.raises(PlaylistServiceError):
        spec_from_form({"kind": "mood", "length": "lots"}, {"moods": ["calm"]}, [])
