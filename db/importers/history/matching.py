"""Find the catalogue track of each listen: Spotify id, then normalised keys, then fuzzy titles.

Order and guards, each chosen so a wrong match is rarer than a missed one (a wrong match puts a
song the user never heard into their taste; a miss only loses one listen):

1. the Spotify id, when the listen carries one and the catalogue has it (catalogue ids are
   Spotify's);
2. the same artist key and the same light title key, then the same base title key (any version
   of the song); several catalogue tracks on one key: the most popular;
3. fuzzy titles (rapidfuzz ``ratio`` >= ``title_threshold``, or for short titles the edit
   budget of step 4) among that artist's tracks only; a tie between two different titles is
   ambiguous and stays unmatched;
4. when the artist key is not in the catalogue at all, artists within a small edit distance
   are tried with the same title rules (optimal string alignment, so swapping two letters is
   one edit; one edit for names of 4-11 characters, two from 12 on, none below 4); a title
   that fits two of them is ambiguous. When the artist exists but has no such title, its near
   neighbours are tried with exact title keys only;
5. last, when the listen credits several artists ("A feat. B", "A & B"), the first one alone
   (steps 2-3 only: no typo tolerance on a name we cut out of a longer credit).

A title is never matched across artists beyond that edit distance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from db.importers.history.listen import Listen
from db.importers.history.normalise import artist_key, artist_keys, base_title_key, title_key

BY_SPOTIFY_ID = "spotify_id"
BY_NAME = "name"
BY_FUZZY = "fuzzy"
DEFAULT_TITLE_THRESHOLD = 85.0


@dataclass(frozen=True)
class CatalogueEntry:
    track_id: str
    title: str
    artist: str  # the primary artist's name
    artist_names: str = ""  # every credited artist as the catalogue shows them
    popularity: float = 0.0


@dataclass(frozen=True)
class Match:
    track_id: str
    method: str  # BY_SPOTIFY_ID, BY_NAME or BY_FUZZY


@dataclass
class _Artist:
    # light title key -> (popularity, track id) of the best track; the same for base keys.
    light: dict[str, tuple[float, str]] = field(default_factory=dict)
    base: dict[str, tuple[float, str]] = field(default_factory=dict)


def _keep_best(table: dict[str, tuple[float, str]], key: str, candidate: tuple[float, str]) -> None:
    current = table.get(key)
    # Most popular wins; the smaller id breaks ties so the result does not depend on row order.
    if (
        current is None
        or candidate[0] > current[0]
        or (candidate[0] == current[0] and candidate[1] < current[1])
    ):
        table[key] = candidate


def max_edits(key: str) -> int:
    """Typos tolerated in a name or title key of this length: none for very short ones."""
    if len(key) < 4:
        return 0
    return 1 if len(key) < 12 else 2


class CatalogueMatcher:
    """An in-memory index of the catalogue; ``match`` is pure and caches per distinct listen."""

    def __init__(
        self,
        entries: Iterable[CatalogueEntry],
        *,
        title_threshold: float = DEFAULT_TITLE_THRESHOLD,
    ) -> None:
        self.title_threshold = title_threshold
        self._ids: set[str] = set()
        self._artists: dict[str, _Artist] = {}
        for entry in entries:
            self._ids.add(entry.track_id)
            candidate = (float(entry.popularity or 0.0), entry.track_id)
            keys = {artist_key(entry.artist)}
            if entry.artist_names:
                keys.add(artist_key(entry.artist_names))
            light, base = title_key(entry.title), base_title_key(entry.title)
            for key in keys - {""}:
                artist = self._artists.setdefault(key, _Artist())
                _keep_best(artist.light, light, candidate)
                _keep_best(artist.base, base, candidate)
        # Artist keys by length: d edits change the length by at most d, so a typo search
        # only scans names of nearby lengths (a tenth of them, not all).
        self._names_by_length: dict[int, list[str]] = {}
        for name in self._artists:
            self._names_by_length.setdefault(len(name), []).append(name)
        self._cache: dict[tuple[str, str, str | None], Match | None] = {}

    @property
    def track_count(self) -> int:
        return len(self._ids)

    def match(self, listen: Listen) -> Match | None:
        key = (listen.artist, listen.track, listen.spotify_track_id)
        if key not in self._cache:
            self._cache[key] = self._match(listen)
        return self._cache[key]

    def _match(self, listen: Listen) -> Match | None:
        if listen.spotify_track_id and listen.spotify_track_id in self._ids:
            return Match(listen.spotify_track_id, BY_SPOTIFY_ID)
        light, base = title_key(listen.track), base_title_key(listen.track)
        whole, *first_credit = artist_keys(listen.artist)
        found = self._within_artist(whole, light, base)
        if found:
            return found
        # A typo in the whole credit ("Dirty South & Aleso") before the first credited artist
        # alone ("Dirty South"), who is another catalogue artist with their own songs.
        found = self._near_artists(whole, light, base, exact_only=whole in self._artists)
        if found:
            return found
        for key in first_credit:
            found = self._within_artist(key, light, base)
            if found:
                return found
        return None

    def _within_artist(self, key: str, light: str, base: str) -> Match | None:
        artist = self._artists.get(key)
        if artist is None:
            return None
        exact = _exact(artist, light, base)
        if exact:
            return Match(exact, BY_NAME)
        fuzzy = self._fuzzy_title(artist, base)
        return Match(fuzzy, BY_FUZZY) if fuzzy else None

    def _fuzzy_title(self, artist: _Artist, base: str) -> str | None:
        titles = list(artist.base)
        best = process.extract(
            base, titles, scorer=fuzz.ratio, score_cutoff=self.title_threshold, limit=2
        )
        if not best and max_edits(base):
            # Short titles: one typo costs more ratio than the threshold allows ("Miami" vs
            # "Miagi" is 80), so count edits instead, within this artist's songs only.
            best = process.extract(
                base, titles, scorer=OSA.distance, score_cutoff=max_edits(base), limit=2
            )
        if not best:
            return None
        if len(best) == 2 and best[0][1] == best[1][1]:
            return None  # two different titles fit equally well: not ours to guess
        return artist.base[best[0][0]][1]

    def _near_artists(self, key: str, light: str, base: str, *, exact_only: bool) -> Match | None:
        edits = max_edits(key)
        if edits == 0:
            return None
        # ``fuzz.ratio`` with a cut-off is rapidfuzz's fastest scan; d edits (a swap is two
        # indels) keep the ratio at or above this bound, so nothing within d edits is lost.
        floor = 100.0 * (1.0 - 2.0 * edits / max(2 * len(key) - edits, 1)) - 0.01
        nearby = [
            name
            for length in range(len(key) - edits, len(key) + edits + 1)
            for name in self._names_by_length.get(length, ())
        ]
        similar = process.extract(key, nearby, scorer=fuzz.ratio, score_cutoff=floor, limit=50)
        found: list[tuple[int, int, str]] = []  # (edits, exact? 0 : 1, track id)
        for name, _, _ in similar:
            distance = OSA.distance(key, name)
            if name == key or distance > edits:
                continue
            artist = self._artists[name]
            exact = _exact(artist, light, base)
            if exact:
                found.append((int(distance), 0, exact))
            elif not exact_only:
                fuzzy = self._fuzzy_title(artist, base)
                if fuzzy:
                    found.append((int(distance), 1, fuzzy))
        if not found:
            return None
        found.sort()
        if len(found) > 1 and found[0][:2] == found[1][:2] and found[0][2] != found[1][2]:
            return None  # two artists as close, both with the title: ambiguous
        return Match(found[0][2], BY_FUZZY)


def _exact(artist: _Artist, light: str, base: str) -> str | None:
    hit = artist.light.get(light) or artist.base.get(base)
    return hit[1] if hit else None
