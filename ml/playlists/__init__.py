"""Playlist generation and editing, pure and deterministic: import the public names from here.

- ``spec``: what a generator is asked for (``GeneratorSpec``, ``Length``) and gives back
  (``GeneratedPlaylist``), with ``PlaylistError`` for requests that cannot be met;
- ``candidates``: where candidates come from (``CandidateSource``; ``EmbeddingNeighbours`` when no
  recommender is loaded);
- ``builder``: the rows a playlist may use and the rules every generator keeps;
- ``engine``: ``generate``, the generators themselves;
- ``edits``: the editor's operations on a stored playlist (``edit``, ``EDITS``).

Exclusions (bans and the like) are ``music.schema.Exclusions``, the type ``db`` reads bans into.
"""

from ml.playlists.candidates import CandidateSource, EmbeddingNeighbours, Neighbour, Suggestion
from ml.playlists.edits import EDITS, edit
from ml.playlists.engine import generate, replace_exclusions
from ml.playlists.spec import (
    GENERATOR_KINDS,
    MAX_MINUTES,
    MAX_TRACKS,
    MINUTES_TOLERANCE_MS,
    ORDERS,
    GeneratedPlaylist,
    GeneratorSpec,
    Length,
    PlaylistError,
)

__all__ = [
    "EDITS",
    "GENERATOR_KINDS",
    "MAX_MINUTES",
    "MAX_TRACKS",
    "MINUTES_TOLERANCE_MS",
    "ORDERS",
    "CandidateSource",
    "EmbeddingNeighbours",
    "GeneratedPlaylist",
    "GeneratorSpec",
    "Length",
    "Neighbour",
    "PlaylistError",
    "Suggestion",
    "edit",
    "generate",
    "replace_exclusions",
]
