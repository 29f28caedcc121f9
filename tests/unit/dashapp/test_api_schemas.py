"""The API's request models: one per editor operation, bounds, and strict types."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from dashapp.api import schemas
from ml.playlists import EDITS


def test_every_editor_operation_has_a_request_model():
    described = {m.model_fields["operation"].annotation.__args__[0] for m in schemas.EDIT_MODELS}
    assert described == set(EDITS)


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x", "description": 5},  # strict: no coercion to str
        {"name": "x", "track_ids": "t0000"},  # a string is not a list
        {"name": True},
        {"name": "a\x00b"},
        {"name": "x" * 201},
        {"name": "x", "track_ids": ["t"] * (schemas.MAX_TRACK_IDS + 1)},
        {"name": "x", "colour": "red"},
    ],
)
def test_playlist_create_refuses(body):
    with pytest.raises(ValidationError):
        schemas.PlaylistCreate.model_validate(body)


def test_numbers_refuse_infinity_and_huge_ids():
    with pytest.raises(ValidationError):
        schemas.Lock.model_validate({"operation": "lock", "position": float("inf"), "locked": True})
    with pytest.raises(ValidationError):
        schemas.BanBody.model_validate({"artist_id": 2**63})
    assert schemas.BanBody.model_validate({"artist_id": 2**63 - 1}).artist_id == 2**63 - 1


def test_query_strings_are_parsed_from_text_within_bounds():
    assert schemas.RecommendationsQuery.model_validate({"k": "7"}).k == 7
    for bad in ({"k": "0"}, {"k": "101"}, {"k": "1e400"}, {"adventurousness": "nan"}):
        with pytest.raises(ValidationError):
            schemas.RecommendationsQuery.model_validate(bad)


def test_the_generator_spec_leaves_out_what_is_not_the_spec():
    body = schemas.PlaylistGenerate.model_validate(
        {"name": "Calm", "smart": False, "kind": "mood", "filter": {"moods": ["calm"]}}
    )
    spec = body.spec()
    assert "name" not in spec and "smart" not in spec
    assert spec["kind"] == "mood" and spec["filter"]["moods"] == ["calm"]
