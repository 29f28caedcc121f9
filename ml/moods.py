"""Moods derived from audio features: one primary mood per track plus any number of mood tags.

Primary mood: the quadrant of Russell's circumplex model of affect (Russell 1980, "A circumplex
model of affect", J. Personality and Social Psychology 39(6):1161-1178), with Spotify's ``valence``
as the pleasure axis and ``energy`` as the arousal axis, split at the middle of each 0..1 scale:

    energy >= 0.5, valence >= 0.5  happy   (happy / energetic)
    energy >= 0.5, valence <  0.5  tense   (angry / tense)
    energy <  0.5, valence <  0.5  sad
    energy <  0.5, valence >= 0.5  calm    (calm / peaceful)

Tags, with their thresholds and where each comes from. Spotify's audio-features reference
(developer.spotify.com, "Get Track's Audio Features") defines the scales; it publishes a cut-off
only for instrumentalness. The other cut-offs are ours, set against the real TidyTuesday catalogue
(percentiles of ../shared/data/tidytuesday/spotify_songs.csv, 28,356 tracks) so that each tag
marks a recognisable minority rather than half the catalogue:

    instrumental  instrumentalness > 0.5   Spotify: "values above 0.5 are intended to represent
                                           instrumental tracks" (9 % of TidyTuesday)
    acoustic      acousticness > 0.5       Spotify: a 0..1 confidence the track is acoustic; above
                                           0.5 = more likely acoustic than not (11 %)
    danceable     danceability >= 0.75     Spotify gives no cut-off; 0.75 is about TidyTuesday's
                                           upper quartile (0.76)
    amped         energy >= 0.8 and tempo >= 120 BPM
                                           energy's upper third (75th pct 0.84) at a driving tempo;
                                           120 BPM is where dance and workout music starts
    chill         energy < 0.5 and tempo < 110 BPM
                                           low intensity at a relaxed pace (energy's 10th-25th pct
                                           is 0.44-0.58)

Everything is vectorised: flags are computed as a boolean matrix, packed into bit masks, and the
tuple of tags is built once per distinct mask (at most 2^9), then gathered.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from music.moods import MOODS, QUADRANT_MOODS

ENERGY_SPLIT = 0.5
VALENCE_SPLIT = 0.5
INSTRUMENTAL_MIN = 0.5  # exclusive
ACOUSTIC_MIN = 0.5  # exclusive
DANCEABLE_MIN = 0.75
AMPED_ENERGY_MIN = 0.8
AMPED_TEMPO_MIN = 120.0
CHILL_ENERGY_MAX = 0.5  # exclusive
CHILL_TEMPO_MAX = 110.0  # exclusive


def mood_flags(frame: pd.DataFrame) -> np.ndarray:
    """Boolean matrix (n_tracks, len(MOODS)): which moods each track carries, in ``MOODS`` order."""
    energy = _column(frame, "energy")
    valence = _column(frame, "valence")
    tempo = _column(frame, "tempo")
    high_energy = energy >= ENERGY_SPLIT
    positive = valence >= VALENCE_SPLIT
    flags = np.column_stack(
        [
            high_energy & positive,  # happy
            high_energy & ~positive,  # tense
            ~high_energy & ~positive,  # sad
            ~high_energy & positive,  # calm
            (energy < CHILL_ENERGY_MAX) & (tempo < CHILL_TEMPO_MAX),  # chill
            (energy >= AMPED_ENERGY_MIN) & (tempo >= AMPED_TEMPO_MIN),  # amped
            _column(frame, "danceability") >= DANCEABLE_MIN,  # danceable
            _column(frame, "acousticness") > ACOUSTIC_MIN,  # acoustic
            _column(frame, "instrumentalness") > INSTRUMENTAL_MIN,  # instrumental
        ]
    )
    return flags.reshape(len(frame), len(MOODS))


def mood_bits(frame: pd.DataFrame) -> np.ndarray:
    """One uint16 per track, bit i set when the track carries ``MOODS[i]`` (for fast filters)."""
    return pack_mood_flags(mood_flags(frame))


def pack_mood_flags(flags: np.ndarray) -> np.ndarray:
    weights = (1 << np.arange(len(MOODS))).astype(np.uint16)
    return (flags.astype(np.uint16) * weights).sum(axis=1).astype(np.uint16)


def moods_mask(names: tuple[str, ...] | list[str]) -> int:
    """The bit mask of some mood names; unknown names raise ValueError with the valid ones."""
    unknown = [name for name in names if name not in MOODS]
    if unknown:
        raise ValueError(f"unknown mood {unknown[0]!r}: choose from {', '.join(MOODS)}")
    return sum(1 << MOODS.index(name) for name in names)


def assign_moods(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(primary mood, tuple of every mood incl. the primary one), both indexed like ``frame``."""
    flags = mood_flags(frame)
    primary_codes = np.argmax(flags[:, : len(QUADRANT_MOODS)], axis=1)
    primary = pd.Series(
        np.asarray(QUADRANT_MOODS, dtype=object)[primary_codes],
        index=frame.index,
        name="mood",
        dtype="str",
    )
    bits = pack_mood_flags(flags)
    distinct, inverse = np.unique(bits, return_inverse=True)
    tuples = np.empty(len(distinct), dtype=object)
    for i, mask in enumerate(distinct):
        tuples[i] = tuple(name for bit, name in enumerate(MOODS) if int(mask) >> bit & 1)
    return primary, pd.Series(tuples[inverse], index=frame.index, name="moods", dtype=object)


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
