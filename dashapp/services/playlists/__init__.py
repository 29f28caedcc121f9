"""Playlists for one user at a time. One module per job:

- ``records``: list, read, create, rename, duplicate, delete (and the types they return);
- ``editing``: the editor's operations, reordering, appending;
- ``generation``: generator specs from the form, generating and saving, "more", smart re-runs;
- ``export``: a playlist as a file;
- ``form_options``: the generator form's dropdown options.

The names below are the service's public face: pages, the API and the CLI import this package.
"""

from __future__ import annotations

from dashapp.services.playlists.editing import (
    NOTHING_TO_CHANGE,
    add_tracks,
    edit_playlist,
    reorder,
)
from dashapp.services.playlists.export import EXPORT_ALIASES, EXPORT_FORMATS, Export, export
from dashapp.services.playlists.form_options import (
    artist_options,
    genre_options,
    genre_slugs,
    track_options,
)
from dashapp.services.playlists.generation import (
    NO_MODEL_MESSAGE,
    default_name,
    generate_playlist,
    generator_kinds,
    parse_spec,
    refresh,
    spec_from_form,
    suggest_more,
)
from dashapp.services.playlists.records import (
    DEFAULT_MAX_PLAYLIST_TRACKS,
    MAX_NAME_LENGTH,
    PlaylistDetail,
    PlaylistNotFound,
    PlaylistReadOnly,
    PlaylistServiceError,
    PlaylistSummary,
    PlaylistTooLong,
    camelot_labels,
    check_length,
    check_name,
    create_playlist,
    delete,
    duplicate,
    flow_of,
    get_playlist,
    list_playlists,
    max_playlist_tracks,
    playlist_page,
    rename,
)

__all__ = [
    "DEFAULT_MAX_PLAYLIST_TRACKS",
    "EXPORT_ALIASES",
    "EXPORT_FORMATS",
    "MAX_NAME_LENGTH",
    "NOTHING_TO_CHANGE",
    "NO_MODEL_MESSAGE",
    "Export",
    "PlaylistDetail",
    "PlaylistNotFound",
    "PlaylistReadOnly",
    "PlaylistServiceError",
    "PlaylistSummary",
    "PlaylistTooLong",
    "add_tracks",
    "artist_options",
    "camelot_labels",
    "check_length",
    "check_name",
    "create_playlist",
    "default_name",
    "delete",
    "duplicate",
    "edit_playlist",
    "export",
    "flow_of",
    "generate_playlist",
    "generator_kinds",
    "genre_options",
    "genre_slugs",
    "get_playlist",
    "list_playlists",
    "max_playlist_tracks",
    "parse_spec",
    "playlist_page",
    "refresh",
    "rename",
    "reorder",
    "spec_from_form",
    "suggest_more",
    "track_options",
]
