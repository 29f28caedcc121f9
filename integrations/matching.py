"""Keys for matching a listen (artist, title) from another service to a catalogue track.

The same song is spelt differently across services: case, accents, "feat." credits, remaster and
edit suffixes, bracketed notes. Both sides are reduced to a key with the same rules; equal keys
match. (Fuzzy matching for the history import lives with that import; this is the exact tier.)
"""

from __future__ import annotations

import re
import unicodedata

# "(with X)" only in brackets: a bare "with" is part of titles like "Stay With Me".
_FEATURING = re.compile(
    r"\s*(\b(feat|ft|featuring)\b\.?\s.*|[\(\[]\s*(feat|ft|featuring|with)\b.*)$", re.IGNORECASE
)
_BRACKETS = re.compile(r"\s*[\(\[][^\)\]]*[\)\]]")
_VERSION_SUFFIX = re.compile(
    r"\s+-\s+.*\b(remaster(ed)?|version|edit|mix|live|mono|stereo|single|radio)\b.*$",
    re.IGNORECASE,
)
_NON_WORD = re.compile(r"[^\w]+")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", without_marks).split())


def title_key(title: str) -> str:
    """'Hey Jude - Remastered 2015' and 'hey jude' give the same key."""
    text = _VERSION_SUFFIX.sub("", title or "")
    text = _FEATURING.sub("", text)
    text = _BRACKETS.sub("", text)
    return _fold(text) or _fold(title or "")


def artist_key(artist: str) -> str:
    """The lead artist: 'Beyoncé feat. Jay-Z' and 'beyonce' give the same key."""
    text = _FEATURING.sub("", artist or "")
    return _fold(text) or _fold(artist or "")
