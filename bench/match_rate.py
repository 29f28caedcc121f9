"""History matching rate on a listening history generated from the real TidyTuesday playlists.

The catalogue is the TidyTuesday file read through the same parser as ``flask catalog import``;
the history is built at run time from that same file (nothing is written anywhere): listens of
randomly drawn tracks (seeded) whose titles and artists are perturbed the ways services and
users spell them differently. Every listen gets one title perturbation, drawn uniformly from

    case       "HEY JUDE" / "hey jude" / "Hey Jude"
    remaster   "Hey Jude - Remastered 2011"
    feat       "Hey Jude (feat. <another catalogue artist>)"
    accents    accents stripped ("Beyoncé" -> "Beyonce")
    typo       one character deleted, replaced, inserted or two swapped (not the first one)

plus, with probability 0.3, a second one; the artist is left as is (50 %), re-cased, stripped of
accents or given one typo (each 1/6). No listen carries a Spotify id: this measures the text
path (ids, when present, match exactly).

A listen counts as matched when the matcher names any track; ``wrong_artist`` counts matches to
a track of another artist than the listen's original track (the guard says this must be 0);
``wrong_song`` matches to the right artist but a different base title; ``same_track`` the
original track id itself (TidyTuesday lists many songs under several ids, album and single).

    .venv/bin/python bench/match_rate.py --data ../shared/data [--listens 20000] [--seed 7]

The last line is ``match_rate=.. wrong_artist=..`` (targets: >= 0.95 and 0).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import unicodedata
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db.importers.catalogue import parse_catalogue
from db.importers.history.listen import Listen
from db.importers.history.matching import CatalogueEntry, CatalogueMatcher
from db.importers.history.normalise import artist_key, base_title_key

TITLE_PERTURBATIONS = ("case", "remaster", "feat", "accents", "typo")
ARTIST_PERTURBATIONS = ("none", "none", "none", "case", "accents", "typo")
SECOND_TITLE_PERTURBATION = 0.3
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def strip_accents(text: str) -> str:
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


def typo(text: str, rng: random.Random) -> str:
    """One edit at a letter position after the first character (people rarely mistype that)."""
    positions = [i for i, ch in enumerate(text) if i > 0 and ch.isalpha()]
    if not positions:
        return text
    i = rng.choice(positions)
    edit = rng.choice(("delete", "replace", "insert", "swap"))
    if edit == "delete":
        return text[:i] + text[i + 1 :]
    if edit == "replace":
        return text[:i] + rng.choice(LETTERS.replace(text[i].lower(), "")) + text[i + 1 :]
    if edit == "insert":
        return text[:i] + rng.choice(LETTERS) + text[i:]
    if i + 1 < len(text):
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + text[i + 1 :]


def recase(text: str, rng: random.Random) -> str:
    return rng.choice((text.upper(), text.lower(), text.title()))


def perturb_title(title: str, kind: str, artists: list[str], rng: random.Random) -> str:
    if kind == "case":
        return recase(title, rng)
    if kind == "remaster":
        return f"{title} - Remastered {rng.randint(2005, 2021)}"
    if kind == "feat":
        return f"{title} (feat. {rng.choice(artists)})"
    if kind == "accents":
        return strip_accents(title)
    return typo(title, rng)


def perturb_artist(artist: str, kind: str, rng: random.Random) -> str:
    if kind == "case":
        return recase(artist, rng)
    if kind == "accents":
        return strip_accents(artist)
    if kind == "typo":
        return typo(artist, rng)
    return artist


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--listens", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    path = args.data / "tidytuesday" / "spotify_songs.csv"

    started = time.perf_counter()
    tracks = parse_catalogue(path).frames.tracks
    entries = [
        CatalogueEntry(row.track_id, row.name, row.primary_artist, row.artist_names, row.popularity)
        for row in tracks.itertuples(index=False)
    ]
    matcher = CatalogueMatcher(entries)
    built = time.perf_counter()
    print(
        f"catalogue: {len(entries):,} tracks from {path} (index built in {built - started:.1f} s)"
    )

    rng = random.Random(args.seed)
    artists = sorted({entry.artist for entry in entries})
    by_id = {entry.track_id: entry for entry in entries}
    when = datetime(2021, 1, 1, tzinfo=UTC)
    outcomes: Counter[str] = Counter()
    by_kind: dict[str, Counter[str]] = {}
    wrong_examples: list[str] = []
    for _ in range(args.listens):
        original = rng.choice(entries)
        kinds = [rng.choice(TITLE_PERTURBATIONS)]
        if rng.random() < SECOND_TITLE_PERTURBATION:
            kinds.append(rng.choice(TITLE_PERTURBATIONS))
        title = original.title
        for kind in kinds:
            title = perturb_title(title, kind, artists, rng)
        artist_kind = rng.choice(ARTIST_PERTURBATIONS)
        artist = perturb_artist(original.artist, artist_kind, rng)
        found = matcher.match(Listen(when, artist, title, "bench"))
        if found is None:
            outcome = "unmatched"
        else:
            matched = by_id[found.track_id]
            if artist_key(matched.artist) != artist_key(original.artist):
                outcome = "wrong_artist"
                if len(wrong_examples) < 5:
                    wrong_examples.append(
                        f"  {artist!r} / {title!r} -> {matched.artist!r} / {matched.title!r}"
                    )
            elif base_title_key(matched.title) != base_title_key(original.title):
                outcome = "wrong_song"
            elif matched.track_id == original.track_id:
                outcome = "same_track"
            else:
                outcome = "same_song"
        outcomes[outcome] += 1
        for kind in {*kinds, f"artist:{artist_kind}"}:
            by_kind.setdefault(kind, Counter())[outcome] += 1
    elapsed = time.perf_counter() - built

    total = args.listens
    matched_count = total - outcomes["unmatched"]
    print(f"listens: {total:,} generated (seed {args.seed}), matched in {elapsed:.1f} s")
    for kind in sorted(by_kind):
        counts = by_kind[kind]
        n = sum(counts.values())
        print(
            f"  {kind:<16} n={n:>6,}  matched={1 - counts['unmatched'] / n:.3f}  "
            f"wrong_artist={counts['wrong_artist']}"
        )
    if wrong_examples:
        print("wrong-artist examples:")
        print("\n".join(wrong_examples))
    print(
        f"same_track={outcomes['same_track'] / total:.3f} "
        f"same_song_other_id={outcomes['same_song'] / total:.3f} "
        f"wrong_song={outcomes['wrong_song'] / total:.3f}"
    )
    print(f"match_rate={matched_count / total:.4f} wrong_artist={outcomes['wrong_artist']}")


if __name__ == "__main__":
    main()
