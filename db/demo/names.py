"""Artist, title, album and playlist names for the demo catalogue, composed from ``words.py``.

Every function takes the generator and a count and returns a list of strings, so the catalogue
builds a million titles in one pass per style instead of one Python call per track.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from db.demo import words
from music.schema import artist_name_key

Rng = np.random.Generator


def _pick(rng: Rng, options: Sequence[str], n: int) -> np.ndarray:
    return np.asarray(options, dtype=object)[rng.integers(0, len(options), n)]


def _choose_pattern(rng: Rng, n: int, shares: Sequence[float]) -> np.ndarray:
    shares = np.asarray(shares, dtype=float)
    return rng.choice(len(shares), size=n, p=shares / shares.sum())


def coined_words(rng: Rng, n: int, min_syllables: int = 2, max_syllables: int = 3) -> list[str]:
    """Pronounceable made-up words ("Zoveri", "Kalo"): stage names and project aliases."""
    counts = rng.integers(min_syllables, max_syllables + 1, n)
    parts = _pick(rng, words.SYLLABLES, n * max_syllables).reshape(n, max_syllables)
    return ["".join(row[:count]).capitalize() for row, count in zip(parts, counts, strict=True)]


def _person(rng: Rng, n: int) -> list[str]:
    first = _pick(rng, words.FIRST_NAMES, n)
    last = _pick(rng, words.LAST_NAMES, n)
    initial = _pick(rng, list("ABCDEFGHJKLMNPRSTVW"), n)
    pattern = _choose_pattern(rng, n, [0.8, 0.12, 0.08])
    mononym = coined_words(rng, n)
    return [
        f"{f} {la}" if p == 0 else f"{f} {i}. {la}" if p == 1 else m
        for f, la, i, p, m in zip(first, last, initial, pattern, mononym, strict=True)
    ]


def _band(rng: Rng, n: int) -> list[str]:
    adjective = _pick(rng, words.ADJECTIVES, n)
    plural = _pick(rng, words.BAND_NOUNS_PLURAL, n)
    noun = _pick(rng, words.NOUNS, n)
    pattern = _choose_pattern(rng, n, [0.35, 0.2, 0.15, 0.2, 0.1])
    templates = ("The {a} {p}", "{a} {p}", "The {p}", "{n} {p}", "{a} {n}")
    return [
        templates[t].format(a=a, p=p, n=no)
        for a, p, no, t in zip(adjective, plural, noun, pattern, strict=True)
    ]


def _alias(rng: Rng, n: int) -> list[str]:
    coined = coined_words(rng, n)
    adjective = _pick(rng, words.ADJECTIVES, n)
    noun = _pick(rng, words.NOUNS, n)
    pattern = _choose_pattern(rng, n, [0.45, 0.2, 0.15, 0.2])
    return [
        c if t == 0 else c.upper() if t == 1 else f"DJ {c}" if t == 2 else f"{a} {no}"
        for c, a, no, t in zip(coined, adjective, noun, pattern, strict=True)
    ]


def _duo(rng: Rng, n: int) -> list[str]:
    left, right = coined_words(rng, n), coined_words(rng, n)
    joiner = _pick(rng, (" & ", " x ", " and "), n)
    return [f"{a}{j}{b}" for a, j, b in zip(left, joiner, right, strict=True)]


def _rapper(rng: Rng, n: int) -> list[str]:
    prefix = _pick(rng, words.RAPPER_PREFIXES, n)
    coined = coined_words(rng, n, 1, 2)
    with_prefix = rng.random(n) < 0.6
    return [f"{p} {c}" if w else c for p, c, w in zip(prefix, coined, with_prefix, strict=True)]


def _spanish(rng: Rng, n: int) -> list[str]:
    first = _pick(rng, words.SPANISH_FIRST, n)
    last = _pick(rng, words.SPANISH_LAST, n)
    mononym = rng.random(n) < 0.25
    return [f if m else f"{f} {la}" for f, la, m in zip(first, last, mononym, strict=True)]


def _spanish_band(rng: Rng, n: int) -> list[str]:
    last = _pick(rng, words.SPANISH_LAST, n)
    word = _pick(rng, words.SPANISH_WORDS, n)
    pattern = _choose_pattern(rng, n, [0.4, 0.3, 0.3])
    return [
        f"Los {la}" if t == 0 else f"Grupo {w}" if t == 1 else f"La {w}"
        for la, w, t in zip(last, word, pattern, strict=True)
    ]


def _jazz(rng: Rng, n: int) -> list[str]:
    leader = _person(rng, n)
    ensemble = _pick(rng, words.JAZZ_ENSEMBLES, n)
    return [f"{name} {e}" for name, e in zip(leader, ensemble, strict=True)]


def _composer(rng: Rng, n: int) -> list[str]:
    first = _pick(rng, words.FIRST_NAMES, n)
    last = _pick(rng, words.LAST_NAMES, n)
    return [f"{f} {la}" for f, la in zip(first, last, strict=True)]


def _ensemble(rng: Rng, n: int) -> list[str]:
    city = _pick(rng, words.CITY_WORDS, n)
    kind = _pick(rng, words.CLASSICAL_ENSEMBLES, n)
    return [f"{c} {k}" for c, k in zip(city, kind, strict=True)]


def _kpop(rng: Rng, n: int) -> list[str]:
    word = _pick(rng, words.KPOP_WORDS, n)
    suffix = _pick(rng, words.KPOP_SUFFIXES, n)
    upper = rng.random(n) < 0.7
    return [(w.upper() if u else w) + s for w, s, u in zip(word, suffix, upper, strict=True)]


def _lowercase_alias(rng: Rng, n: int) -> list[str]:
    coined = coined_words(rng, n)
    adjective = _pick(rng, words.ADJECTIVES, n)
    noun = _pick(rng, words.NOUNS, n)
    pattern = rng.random(n) < 0.5
    return [
        c.lower() if p else f"{a} {no}".lower()
        for c, a, no, p in zip(coined, adjective, noun, pattern, strict=True)
    ]


ARTIST_STYLES: dict[str, Callable[[Rng, int], list[str]]] = {
    "person": _person,
    "band": _band,
    "alias": _alias,
    "duo": _duo,
    "rapper": _rapper,
    "spanish": _spanish,
    "spanish_band": _spanish_band,
    "jazz": _jazz,
    "composer": _composer,
    "ensemble": _ensemble,
    "kpop": _kpop,
    "lowercase_alias": _lowercase_alias,
}


def _by_style(
    rng: Rng, styles: np.ndarray, makers: dict[str, Callable[[Rng, int], list[str]]]
) -> np.ndarray:
    out = np.empty(len(styles), dtype=object)
    for style in np.unique(styles):
        where = np.flatnonzero(styles == style)
        out[where] = makers[str(style)](rng, len(where))
    return out


def artist_names(rng: Rng, styles: np.ndarray, max_rounds: int = 12) -> np.ndarray:
    """One distinct name per artist (distinct by ``artist_name_key``, the key imports match on).

    Names that collide are redrawn in their style; after ``max_rounds`` the rare leftovers get a
    coined second word. Two demo artists must never merge into one on import.
    """
    names = _by_style(rng, styles, ARTIST_STYLES)
    taken: set[str] = set()
    repeated: list[int] = []
    for position, name in enumerate(names):
        key = artist_name_key(name)
        if key in taken:
            repeated.append(position)
        else:
            taken.add(key)
    for round_no in range(max_rounds + 50):
        if not repeated:
            return names
        where = np.asarray(repeated)
        if round_no < max_rounds:
            fresh = _by_style(rng, styles[where], ARTIST_STYLES)
        else:
            extra = coined_words(rng, len(where))
            fresh = [f"{name} {word}" for name, word in zip(names[where], extra, strict=True)]
        repeated = []
        for position, name in zip(where, fresh, strict=True):
            key = artist_name_key(name)
            if key in taken:
                repeated.append(int(position))
            else:
                taken.add(key)
                names[position] = name
    raise RuntimeError("could not find distinct artist names")  # pragma: no cover - 50 rounds


# --- titles -----------------------------------------------------------------------------------


def _english_titles(rng: Rng, n: int) -> list[str]:
    adjective = _pick(rng, words.ADJECTIVES, n)
    noun = _pick(rng, words.NOUNS, n)
    noun2 = _pick(rng, words.NOUNS, n)
    gerund = _pick(rng, words.GERUNDS, n)
    verb = _pick(rng, words.VERBS, n)
    # Shares: short titles ("Echo", "Hold Me") are realistic but repeat, so they stay rare.
    pattern = _choose_pattern(rng, n, [0.28, 0.03, 0.14, 0.04, 0.12, 0.09, 0.11, 0.1, 0.09])
    templates = (
        "{a} {n}",
        "{n}",
        "{g} {n}",
        "{v} Me",
        "{n} of {m}",
        "The {a} {n}",
        "{v} the {n}",
        "{g} the {a} {n}",
        "{n} in the {m}",
    )
    return [
        templates[t].format(a=a, n=no, m=m, g=g, v=v)
        for a, no, m, g, v, t in zip(adjective, noun, noun2, gerund, verb, pattern, strict=True)
    ]


def _spanish_titles(rng: Rng, n: int) -> list[str]:
    first = _pick(rng, words.SPANISH_WORDS, n)
    second = _pick(rng, words.SPANISH_WORDS, n)
    patterns = [p for p, _ in words.SPANISH_TITLE_PATTERNS]
    pattern = _choose_pattern(rng, n, [share for _, share in words.SPANISH_TITLE_PATTERNS])
    return [patterns[p].format(a=a, b=b) for p, a, b in zip(pattern, first, second, strict=True)]


def _classical_titles(rng: Rng, n: int) -> list[str]:
    form = _pick(rng, words.CLASSICAL_FORMS, n)
    number = rng.integers(1, 25, n)
    pitch = _pick(rng, words.PITCH_NAMES, n)
    mode = _pick(rng, ("major", "minor"), n)
    opus = rng.integers(1, 120, n)
    movement_no = _pick(rng, words.ROMAN, n)
    movement = _pick(rng, words.CLASSICAL_MOVEMENTS, n)
    return [
        f"{f} No. {no} in {p} {m}, Op. {o}: {r}. {mv}"
        for f, no, p, m, o, r, mv in zip(
            form, number, pitch, mode, opus, movement_no, movement, strict=True
        )
    ]


def _electronic_titles(rng: Rng, n: int) -> list[str]:
    base = _english_titles(rng, n)
    coined = coined_words(rng, n)
    mix = _pick(rng, words.MIX_SUFFIXES, n)
    single_word = rng.random(n) < 0.3
    return [(c if s else b) + m for b, c, m, s in zip(base, coined, mix, single_word, strict=True)]


def _lowercase_titles(rng: Rng, n: int) -> list[str]:
    return [t.lower() for t in _english_titles(rng, n)]


TITLE_STYLES: dict[str, Callable[[Rng, int], list[str]]] = {
    "english": _english_titles,
    "spanish": _spanish_titles,
    "classical": _classical_titles,
    "electronic": _electronic_titles,
    "lowercase": _lowercase_titles,
}


def track_titles(rng: Rng, styles: np.ndarray) -> np.ndarray:
    return _by_style(rng, styles, TITLE_STYLES)


def album_names(rng: Rng, styles: np.ndarray, artists: np.ndarray) -> np.ndarray:
    """Album titles: a song-like title, an "... Sessions" collection, or self-titled."""
    n = len(styles)
    songlike = track_titles(rng, np.where(styles == "classical", "english", styles))
    collection = _pick(rng, words.ALBUM_WORDS, n)
    adjective = _pick(rng, words.ADJECTIVES, n)
    edition = _pick(rng, words.EDITION_SUFFIXES, n)
    pattern = _choose_pattern(rng, n, [0.7, 0.2, 0.1])
    names = [
        (s if p == 0 else f"{a} {c}" if p == 1 else str(artist)) + e
        for s, c, a, artist, e, p in zip(
            songlike, collection, adjective, artists, edition, pattern, strict=True
        )
    ]
    classical = styles == "classical"
    if classical.any():
        forms = _pick(rng, words.CLASSICAL_FORMS, int(classical.sum()))
        names = np.asarray(names, dtype=object)
        names[classical] = [
            f"{artist}: {form}s" for artist, form in zip(artists[classical], forms, strict=True)
        ]
    return np.asarray(names, dtype=object)


PLAYLIST_TEMPLATES = (
    "{s} Essentials",
    "Best of {s}",
    "{s} Classics",
    "{a} {s}",
    "{s} for {o}",
    "This Is {s}",
    "{s} Deep Cuts",
    "Fresh {s}",
)
OCCASIONS = (
    "Running",
    "Studying",
    "Late Nights",
    "Sunday Mornings",
    "Road Trips",
    "Cooking",
    "the Gym",
    "Rainy Days",
    "Focus",
    "Parties",
)


def playlist_names(rng: Rng, subgenres: Sequence[str]) -> list[str]:
    n = len(subgenres)
    template = _pick(rng, PLAYLIST_TEMPLATES, n)
    adjective = _pick(rng, words.ADJECTIVES, n)
    occasion = _pick(rng, OCCASIONS, n)
    return [
        t.format(s=_title_case(s), a=a, o=o)
        for t, s, a, o in zip(template, subgenres, adjective, occasion, strict=True)
    ]


def _title_case(text: str) -> str:
    # Acronyms stay upper case; "k-pop" becomes "K-pop" the way Spotify writes it.
    return " ".join(w.upper() if w in {"edm", "r&b"} else w.capitalize() for w in text.split())
