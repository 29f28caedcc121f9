"""Names that are true: what a cluster (or family) is called, and how much of it the name covers.

A *term* is a genre label a track carries: any of its top-level genres, any of its subgenres, or
a word shared by several genre labels ("metal" for heavy-metal, death-metal, black-metal...).
A track is covered by a term when it carries it. The rules, in order:

1. one term covering at least ``NAME_MIN_SHARE`` (40 %) of the members names the cluster; a
   second term joins it ("Reggaeton & Latin") only when it also covers 40 % on its own. A genre
   label goes before a shared word, and in a scene a subgenre covering 60 % goes before its
   genre ("Hard Rock" rather than "Rock");
2. otherwise two or three terms that together cover at least ``COMBINED_MIN_SHARE`` (50 %), each
   at least ``PART_MIN_SHARE``, name it ("House, Techno & Trance");
3. otherwise the family's name, when the family's terms cover 40 % of this cluster, plus what sets
   the cluster apart in sound ("Metal & Rock · Mellow");
4. otherwise audio descriptors alone ("High-energy · Danceable · 128 BPM").

So a genre word never names a cluster most of whose members do not carry it, and a mixed cluster
never gets a single-genre name. ``NamedGroup.coverage`` is the share of members the name is true
of: carrying at least one named term, or (descriptors) lying on the named side of the catalogue
median for every named trait. Clashing names get a distinguishing trait, then the median tempo,
then a numeral.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

NAME_MIN_SHARE = 0.40
COMBINED_MIN_SHARE = 0.50
SPECIFIC_MIN_SHARE = 0.60  # a subgenre is preferred to its genre when it covers this much
PART_MIN_SHARE = 0.10
TOP_TERMS = 6  # terms tried in combinations
WORD_MIN_LABELS = 3  # a shared word becomes a term when this many genre labels contain it
# Traits a name can mention: (column, word when high, word when low). Values are raw 0..1 features.
TRAITS: tuple[tuple[str, str | None, str | None], ...] = (
    ("energy", "High-energy", "Mellow"),
    ("valence", "Upbeat", "Dark"),
    ("danceability", "Danceable", None),
    ("acousticness", "Acoustic", "Electric"),
    ("instrumentalness", "Instrumental", None),
    ("speechiness", "Wordy", None),
    ("liveness", "Live", None),
)
TRAIT_MIN_Z = 0.5  # a trait is named when the median sits this many catalogue SDs away
GENRE_DISPLAY = {
    "edm": "EDM",
    "r&b": "R&B",
    "rnb": "R&B",
    "r-n-b": "R&B",
    "dnb": "DnB",
    "idm": "IDM",
    "mpb": "MPB",
    "uk garage": "UK Garage",
    "drum-and-bass": "Drum & Bass",
    "rock-n-roll": "Rock 'n' Roll",
    "hip-hop": "Hip-Hop",
}


@dataclass(frozen=True)
class NamedGroup:
    name: str
    terms: tuple[str, ...]  # the genre terms the name uses (empty: descriptors only)
    coverage: float  # share of members the name is true of
    rule: str  # "genre", "genres", "family" or "sound"


@dataclass(frozen=True)
class TermTable:
    """Which terms each distinct genre combination carries (a few thousand rows at most)."""

    terms: tuple[str, ...]
    carries: np.ndarray  # bool (n_combinations, n_terms)
    combination: np.ndarray  # int64 per track

    @classmethod
    def build(cls, tracks: pd.DataFrame) -> TermTable:
        genres = tracks["genres"].map(_as_tuple) if "genres" in tracks.columns else None
        if genres is None:
            genres = tracks["genre"].map(lambda g: (str(g),))
        subgenres = (
            tracks["subgenres"].map(_as_tuple)
            if "subgenres" in tracks.columns
            else pd.Series([()] * len(tracks))
        )
        keys = pd.Series(
            [tuple(g) + tuple(s) for g, s in zip(genres, subgenres, strict=True)], dtype=object
        )
        codes, distinct = pd.factorize(keys)
        labels = sorted({str(t) for combo in distinct for t in combo if str(t) != "unknown"})
        top_level = sorted({label for label in labels if "/" not in label})
        words: dict[str, int] = {}
        for label in top_level:
            for word in set(_words(label)):
                words[word] = words.get(word, 0) + 1
        shared = sorted(w for w, n in words.items() if n >= WORD_MIN_LABELS)
        terms = tuple(labels) + tuple(f"~{w}" for w in shared)
        index = {t: i for i, t in enumerate(terms)}
        carries = np.zeros((len(distinct), len(terms)), dtype=bool)
        for row, combo in enumerate(distinct):
            for label in combo:
                label = str(label)
                if label in index:
                    carries[row, index[label]] = True
                if "/" not in label:
                    for word in _words(label):
                        if f"~{word}" in index:
                            carries[row, index[f"~{word}"]] = True
        return cls(terms, carries, codes.astype(np.int64))

    def counts(self, members: np.ndarray) -> np.ndarray:
        """Tracks among ``members`` (bool mask) carrying each term."""
        per_combination = np.bincount(self.combination[members], minlength=len(self.carries))
        return per_combination @ self.carries

    def union_share(self, members: np.ndarray, terms: Sequence[int]) -> float:
        per_combination = np.bincount(self.combination[members], minlength=len(self.carries))
        carried = self.carries[:, list(terms)].any(axis=1)
        total = per_combination.sum()
        return float(per_combination[carried].sum() / total) if total else 0.0


def name_groups(
    tracks: pd.DataFrame,
    labels: np.ndarray,
    n_groups: int,
    *,
    table: TermTable | None = None,
    parents: Sequence[NamedGroup] | None = None,
    parent_of: np.ndarray | None = None,
) -> list[NamedGroup]:
    """A true, distinct name per group (rules in the module docstring). ``parents``/``parent_of``
    are the families and each group's family (rule 3); families themselves have none."""
    table = table or TermTable.build(tracks)
    traits = _TraitScale(tracks)
    named: list[NamedGroup] = []
    for group in range(n_groups):
        members = labels == group
        if not members.any():
            named.append(NamedGroup(f"Cluster {group + 1}", (), 0.0, "sound"))
            continue
        choice = _by_genre(table, members, specific=parents is not None)
        if choice is None and parents is not None and parent_of is not None:
            parent = parents[int(parent_of[group])]
            terms = [table.terms.index(t) for t in parent.terms if t in table.terms]
            share = table.union_share(members, terms) if terms else 0.0
            if share >= NAME_MIN_SHARE:
                words = traits.words(members, 1) or ["mixed"]
                choice = NamedGroup(f"{parent.name} · {words[0]}", parent.terms, share, "family")
        if choice is None:
            # At least one trait: the strongest one, even if weak, is still true of most members.
            words = traits.words(members, 2) or traits.words(members, 1, min_z=0.0)
            bpm = traits.tempo(members)
            text = " · ".join([*words, f"{bpm:.0f} BPM"] if bpm else words) or "Mixed"
            choice = NamedGroup(text, (), traits.coverage(members, words), "sound")
        named.append(choice)
    return _make_unique(named, labels, traits)


def _by_genre(table: TermTable, members: np.ndarray, *, specific: bool) -> NamedGroup | None:
    counts = table.counts(members)
    size = int(members.sum())
    share = counts / max(size, 1)
    order = [int(i) for i in np.argsort(-share, kind="stable") if share[i] > 0]
    if not order:
        return None

    # Among true terms, a genre label before a shared word ("Death Metal" before "Metal"), and
    # for scenes (``specific``) a subgenre before its genre ("Hard Rock" before "Rock") when it
    # covers most of the scene (``SPECIFIC_MIN_SHARE``); else the label covering the most.
    def rank(i: int) -> tuple[bool, bool, float]:
        term = table.terms[i]
        narrow = specific and "/" in term and share[i] >= SPECIFIC_MIN_SHARE
        return term.startswith("~"), not narrow, -share[i]

    passing = sorted((i for i in order if share[i] >= NAME_MIN_SHARE), key=rank)
    if passing:
        first = passing[0]
        chosen = [first]
        second = next(
            (
                i
                for i in order[1:]
                if share[i] >= NAME_MIN_SHARE
                and not _overlapping(table.terms[first], table.terms[i])
            ),
            None,
        )
        if second is not None:
            chosen.append(second)
        return _group(table, members, chosen, "genre")
    top = [i for i in order[:TOP_TERMS] if share[i] >= PART_MIN_SHARE]
    for size_of_set in (2, 3):
        best: tuple[float, tuple[int, ...]] | None = None
        for combo in combinations(top, size_of_set):
            if any(_overlapping(table.terms[a], table.terms[b]) for a, b in combinations(combo, 2)):
                continue
            union = table.union_share(members, combo)
            if union >= COMBINED_MIN_SHARE and (best is None or union > best[0]):
                best = (union, combo)
        if best is not None:
            ordered = sorted(best[1], key=lambda i: -share[i])
            return _group(table, members, ordered, "genres")
    return None


def _group(table: TermTable, members: np.ndarray, chosen: list[int], rule: str) -> NamedGroup:
    words = [display_term(table.terms[i]) for i in chosen]
    text = words[0] if len(words) == 1 else f"{', '.join(words[:-1])} & {words[-1]}"
    terms = tuple(table.terms[i] for i in chosen)
    return NamedGroup(text, terms, table.union_share(members, chosen), rule)


def _overlapping(a: str, b: str) -> bool:
    """Terms one of which contains the other ("~metal" and "heavy-metal", "rock" and
    "rock/hard rock"): naming both says the same thing twice."""
    wa, wb = a.lstrip("~"), b.lstrip("~")
    return (
        wa in _words(b)
        or wb in _words(a)
        or b.startswith(f"{a}/")
        or a.startswith(f"{b}/")
        or display_term(a) == display_term(b)
    )


def display_term(term: str) -> str:
    """``"~metal"`` -> ``"Metal"``, ``"heavy-metal"`` -> ``"Heavy Metal"``, ``"r-n-b"`` ->
    ``"R&B"``, ``"rock/hard rock"`` -> ``"Hard Rock"``, ``"k-pop"`` -> ``"K-Pop"``."""
    return display_genre(term.lstrip("~"))


def display_genre(slug: str) -> str:
    name = str(slug).rsplit("/", 1)[-1].strip()
    if name.casefold() in GENRE_DISPLAY:
        return GENRE_DISPLAY[name.casefold()]
    prefix = ""
    if len(name) > 2 and name[1] == "-":  # j-pop, k-pop boy group
        prefix, name = f"{name[0].upper()}-", name[2:]
    return prefix + " ".join(word[:1].upper() + word[1:] for word in name.replace("-", " ").split())


def _words(label: str) -> list[str]:
    leaf = label.rsplit("/", 1)[-1]
    return [w for w in leaf.replace("-", " ").split() if len(w) >= 3]


class _TraitScale:
    """Catalogue medians and spreads of the trait columns, for descriptor names."""

    def __init__(self, tracks: pd.DataFrame) -> None:
        self.raw = {
            column: pd.to_numeric(tracks[column], errors="coerce").to_numpy(dtype=np.float64)
            for column, _, _ in TRAITS
            if column in tracks.columns
        }
        self.centre = {c: float(np.nanmedian(v)) for c, v in self.raw.items()}
        self.spread = {c: max(float(np.nanstd(v)), 1e-6) for c, v in self.raw.items()}
        self.tempo_values = (
            pd.to_numeric(tracks["tempo"], errors="coerce").to_numpy(dtype=np.float64)
            if "tempo" in tracks.columns
            else None
        )
        self.word_side = {
            word: (column, sign)
            for column, high, low in TRAITS
            for word, sign in ((high, 1), (low, -1))
            if word
        }

    def words(self, members: np.ndarray, limit: int, min_z: float = TRAIT_MIN_Z) -> list[str]:
        scored = []
        for column, high, low in TRAITS:
            if column not in self.raw:
                continue
            z = (np.nanmedian(self.raw[column][members]) - self.centre[column]) / self.spread[
                column
            ]
            word = high if z > 0 else low
            if word and abs(z) >= min_z:
                scored.append((abs(z), word))
        scored.sort(reverse=True)
        return [word for _, word in scored[:limit]]

    def coverage(self, members: np.ndarray, words: Sequence[str]) -> float:
        """Share of members on the named side of the catalogue median for every named trait."""
        true = np.ones(int(members.sum()), dtype=bool)
        for word in words:
            column, sign = self.word_side[word]
            true &= sign * (self.raw[column][members] - self.centre[column]) > 0
        return float(true.mean()) if len(true) and words else 0.0

    def tempo(self, members: np.ndarray) -> float | None:
        if self.tempo_values is None:
            return None
        values = self.tempo_values[members]
        return float(np.nanmedian(values)) if np.isfinite(values).any() else None


def _make_unique(
    named: list[NamedGroup], labels: np.ndarray, traits: _TraitScale
) -> list[NamedGroup]:
    """Tell clashing names apart: a trait first, then the median tempo, then a numeral."""
    result = list(named)
    for attempt in ("trait", "tempo"):
        counts = pd.Series([g.name for g in result]).value_counts()
        for i, group in enumerate(result):
            if counts[group.name] < 2:
                continue
            members = labels == i
            if attempt == "trait":
                extra = next((w for w in traits.words(members, 3) if w not in group.name), None)
            else:
                bpm = traits.tempo(members)
                extra = f"{bpm:.0f} BPM" if bpm and "BPM" not in group.name else None
            if extra:
                result[i] = NamedGroup(
                    f"{group.name} · {extra}", group.terms, group.coverage, group.rule
                )
    seen: dict[str, int] = {}
    for i, group in enumerate(result):
        seen[group.name] = seen.get(group.name, 0) + 1
        if seen[group.name] > 1:
            result[i] = NamedGroup(
                f"{group.name} {seen[group.name]}", group.terms, group.coverage, group.rule
            )
    return result


def _as_tuple(value: object) -> tuple:
    if isinstance(value, tuple):
        return value
    if isinstance(value, list | np.ndarray):
        return tuple(value)
    return ()
