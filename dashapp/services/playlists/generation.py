"""Generating playlists: a generator spec from the form's values, a generated playlist saved in
one transaction, "suggest more" and smart re-runs.

The page hands over plain form values (``spec_from_form``); this module builds the
``ml.playlists.GeneratorSpec`` and the ``TrackFilter`` inside it and translates their errors into
``PlaylistServiceError`` messages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from dashapp.services import model_store
from dashapp.services.model_messages import NO_MODEL_YET
from dashapp.services.playlists.editing import append_tracks, sync_items
from dashapp.services.playlists.records import (
    PlaylistDetail,
    PlaylistServiceError,
    check_length,
    check_name,
    detail_of,
    insert_items,
    owned,
)
from dashapp.services.track_filters import TrackFilterError, filter_from_values
from db.models import Playlist, utcnow
from db.queries import playlists as queries
from db.session import session_scope
from ml.playlists import GENERATOR_KINDS, GeneratorSpec, Length, PlaylistError, generate
from music.schema import Exclusions

NO_MODEL_MESSAGE = (
    f"Generators need a trained model and none is serving yet. {NO_MODEL_YET} "
    "Building playlists by hand works meanwhile."
)
DEFAULT_LENGTH = 25  # tracks, when the form leaves the length empty


def _exclusions(session: Session, user_id: int) -> Exclusions:
    tracks, artists = queries.bans_of(session, user_id)
    return Exclusions(track_ids=tracks, artist_ids=artists)


def parse_spec(data: Mapping[str, Any] | GeneratorSpec) -> GeneratorSpec:
    if isinstance(data, GeneratorSpec):
        return data
    try:
        return GeneratorSpec.from_dict(data)
    except PlaylistError as error:
        raise PlaylistServiceError(str(error)) from None


def _run_generator(
    session: Session,
    user_id: int,
    spec: GeneratorSpec,
    model: Any,
    locked: Mapping[int, str] | None = None,
):
    model = model if model is not None else model_store.current()
    if model is None:
        raise PlaylistServiceError(NO_MODEL_MESSAGE)
    try:
        return generate(
            spec,
            model.bundle,
            getattr(model, "recommender", None),
            _exclusions(session, user_id),
            locked=locked,
        )
    except PlaylistError as error:
        raise PlaylistServiceError(str(error)) from None


def generator_kinds() -> dict[str, str]:
    """The generators the form offers ("more" belongs to the editor, not the form)."""
    return {kind: label for kind, label in GENERATOR_KINDS.items() if kind != "more"}


def spec_from_form(
    form: Mapping[str, Any], filters: Mapping[str, Any], staged: Sequence[str]
) -> GeneratorSpec:
    """The generator spec the form's values describe. Genre, mood and activity generators take
    their subject from the filter panel; "tracks" builds from the staged tracks."""
    try:
        track_filter = filter_from_values(filters)
    except TrackFilterError as error:
        raise PlaylistServiceError(str(error)) from None
    kind = form.get("kind") or "mood"
    length = form.get("length")
    options = form.get("options") or []
    track_ids: tuple[str, ...] = ()
    artist_id = None
    if kind == "tracks":
        track_ids = tuple(staged)
    elif kind == "radio" and form.get("track_a"):
        track_ids = (form["track_a"],)
    elif kind == "radio" and form.get("artist") not in (None, ""):
        artist_id = form["artist"]
    elif kind == "path":
        track_ids = tuple(t for t in (form.get("track_a"), form.get("track_b")) if t)
    try:
        return GeneratorSpec(
            kind=str(kind),
            track_ids=track_ids,
            artist_id=int(artist_id) if artist_id is not None else None,
            track_filter=track_filter,
            length=Length.from_dict(
                {form.get("unit") or "tracks": DEFAULT_LENGTH if length in (None, "") else length}
            ),
            adventurousness=float(form.get("adventurousness", 0.5)),
            order="flow" if "flow" in options else "relevance",
        )
    except PlaylistError as error:
        raise PlaylistServiceError(str(error)) from None
    except (TypeError, ValueError) as error:
        raise PlaylistServiceError(f"invalid generator settings: {error}") from None


def generate_playlist(
    user_id: int,
    spec: Mapping[str, Any] | GeneratorSpec,
    name: str | None = None,
    *,
    smart: bool = True,
    model: Any = None,
) -> PlaylistDetail:
    """Run a generator and save the result, in one transaction; a smart playlist keeps the spec
    to re-run later."""
    spec = parse_spec(spec)
    name = check_name(name or default_name(spec))
    with session_scope(write=True) as session:
        result = _run_generator(session, user_id, spec, model)
        if not result.track_ids:
            raise PlaylistServiceError(
                result.note or "no tracks pass these settings: widen the filters"
            )
        check_length(len(result.track_ids))
        playlist = Playlist(
            owner_id=user_id, name=name, generator=spec.to_dict() if smart else None
        )
        session.add(playlist)
        session.flush()
        # The generator picks from the served catalogue, so every id is a stored track.
        insert_items(
            session,
            playlist.id,
            ((position, track_id, False) for position, track_id in enumerate(result.track_ids)),
        )
        return detail_of(session, playlist, result.note)


def default_name(spec: GeneratorSpec) -> str:
    flt = spec.track_filter
    subject = {
        "genre": ", ".join(flt.genres_include).title(),
        "mood": ", ".join(flt.moods).title(),
        "activity": flt.activity.label if flt.activity is not None else "",
        "radio": "Radio",
        "path": "Path",
        "tracks": "Mix",
        "more": "More",
    }[spec.kind]
    return f"{subject} mix · {utcnow():%d %b %H:%M}"


def suggest_more(
    user_id: int,
    playlist_id: int,
    length: Mapping[str, Any] | None = None,
    adventurousness: float = 0.5,
    *,
    model: Any = None,
) -> PlaylistDetail:
    """Append tracks that continue the playlist (never its own songs, never bans)."""
    with session_scope(write=True) as session:
        playlist = owned(session, user_id, playlist_id)
        current = queries.items_frame(session, playlist.id)["track_id"].astype(str).tolist()
        try:
            spec = GeneratorSpec(
                "more",
                tuple(current),
                length=Length.from_dict(length or {"tracks": 10}),
                adventurousness=float(adventurousness),
            )
        except (PlaylistError, TypeError, ValueError) as error:
            raise PlaylistServiceError(str(error)) from None
        result = _run_generator(session, user_id, spec, model)
        append_tracks(session, playlist, result.track_ids)
        return detail_of(session, playlist, result.note)


def refresh(user_id: int, playlist_id: int, *, model: Any = None) -> PlaylistDetail:
    """Re-run a smart playlist's generator; locked tracks stay at their positions."""
    with session_scope(write=True) as session:
        playlist = owned(session, user_id, playlist_id)
        if not playlist.generator:
            raise PlaylistServiceError("this playlist was not generated, so it cannot be re-run")
        spec = parse_spec(playlist.generator)
        items = queries.items_frame(session, playlist.id)
        pinned = items[items["locked"]]
        locked = dict(zip(pinned.index.tolist(), pinned["track_id"].astype(str), strict=True))
        result = _run_generator(session, user_id, spec, model, locked=locked)
        kept = {
            pos: int(item_id) for pos, item_id in zip(pinned.index, pinned["item_id"], strict=True)
        }
        rows = []
        for track_id in result.track_ids:
            match = next((p for p, t in locked.items() if t == track_id and p in kept), None)
            item_id = kept.pop(match) if match is not None else None
            rows.append({"item_id": item_id, "track_id": track_id, "locked": item_id is not None})
        sync_items(session, playlist, pd.DataFrame(rows, columns=["item_id", "track_id", "locked"]))
        return detail_of(session, playlist, result.note)
