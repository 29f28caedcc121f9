"""Keys under which a listen's artist and title meet the catalogue's.

Two title keys, because services write the same recording differently:

- ``title_key`` ("light") folds case and accents, drops "feat. X" credits and punctuation, and
  keeps version words: "Song (Live)" and "Song" stay different, so a live recording finds the
  live track when the catalogue has both;
- ``base_title_key`` also drops bracketed text and a " - Remastered 2011" style suffix after a
  spaced dash: the song whatever its version, the fallback when the light key finds nothing.

``artist_key`` folds case, accents, a leading "The", "&"/"and" and punctuation.
"""

from __future__ import annotations

import re
import unicodedata

# "feat. X", "ft X", "featuring X" up to the end or a closing bracket; inside brackets also
# "with X", which outside brackets is part of titles ("Dancing with Myself").
_BRACKETED_CREDIT = re.compile(r"[\(\[]\s*(feat\.?|ft\.?|featuring|with)\s[^\)\]]*[\)\]]")
_CREDIT = re.compile(r"\s(feat\.?|ft\.?|featuring)\s.*$")
_BRACKETS = re.compile(r"[\(\[\{][^\)\]\}]*[\)\]\}]")
# A version suffix: " - Remastered 2011", " \u2013 Live at Wembley" (en dash), " - Radio Edit".
_DASH_SUFFIX = re.compile(r"\s[-\u2010-\u2015]\s.*$")
_NOT_WORD = re.compile(r"[\W_]+")
_AMPERSAND = re.compile(r"\s*(&|\+)\s*")
_LEADING_THE = re.compile(r"^the\s+")
# Separators between credited artists in one artist field ("A & B", "A, B", "A feat. B", "A x B").
_ARTIST_SEPARATORS = re.compile(
    r"\s*(?:,|;|/|&|\+|\bx\b|\band\b|\bfeat\.?|\bft\.?|\bfeaturing\b|\bwith\b)\s*"
)


def fold(text: str) -> str:
    """Case- and accent-folded text: "Beyoncé" -> "beyonce"; full-width letters too."""
    if text.isascii():  # most names: nothing to decompose, skip the per-character pass
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold().replace("\u2019", "'")  # typographic apostrophe


def _words(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", text.replace("'", "")).split())


def title_key(title: str) -> str:
    folded = fold(title)
    folded = _BRACKETED_CREDIT.sub(" ", folded)
    folded = _CREDIT.sub("", folded)
    return _words(_AMPERSAND.sub(" and ", folded)) or _words(fold(title)) or fold(title).strip()


def base_title_key(title: str) -> str:
    folded = fold(title)
    base = _DASH_SUFFIX.sub("", _BRACKETS.sub(" ", folded))
    base = _CREDIT.sub("", base)
    return _words(_AMPERSAND.sub(" and ", base)) or title_key(title)


def artist_key(name: str) -> str:
    folded = _AMPERSAND.sub(" and ", fold(name).strip())
    words = _words(_LEADING_THE.sub("", folded))
    return words or fold(name).strip()


def artist_keys(name: str) -> list[str]:
    """The whole field's key, then the first credited artist's when the field names several."""
    keys = [artist_key(name)]
    first = _ARTIST_SEPARATORS.split(fold(name).strip(), maxsplit=1)[0]
    if first and artist_key(first) not in keys:
        keys.append(artist_key(first))
    return [key for key in keys if key]
