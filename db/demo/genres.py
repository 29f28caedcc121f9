"""Per-genre musical profiles the demo catalogue is drawn from.

Each figure is a typical value for the style, chosen from general musical knowledge so a generated
catalogue clusters the way real music does: classical is acoustic, quiet and instrumental; metal is
loud and dense; hip hop is speechy; house sits at 120-126 BPM and drum and bass at ~174 BPM. The
0..1 features are Beta means (``catalogue.py`` sets the spread); tempo is a normal distribution in
BPM clipped to the style's range; loudness follows energy plus a mastering offset in dB.

A subgenre inherits its genre's profile and overrides the fields that make it distinct.

Why this module passes 400 lines: most of it is the ``GENRES`` table itself, data that reads best
in one place; the code is the two functions at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np
import pandas as pd

# The newest release year in the demo catalogue: fixed, so the output does not depend on the clock.
LATEST_YEAR = 2024


@dataclass(frozen=True)
class Profile:
    danceability: float
    energy: float
    speechiness: float
    acousticness: float
    valence: float
    liveness: float
    instrumental_share: float  # share of tracks with (almost) no vocals
    tempo: float  # BPM, mean
    tempo_sd: float
    tempo_low: float
    tempo_high: float
    loudness_offset: float  # dB above/below the energy→loudness curve (mastering loudness)
    duration_min: float  # median track length, minutes
    era: float  # centre of the artists' debut years
    era_spread: float  # years, standard deviation
    earliest: int  # no release before this year
    major_share: float  # share of tracks in a major key
    explicit_share: float
    triple_share: float  # share in 3/4 (waltzes, ballads, folk dances)
    live_share: float = 0.06  # share of live recordings (high liveness)
    featured_share: float = 0.05  # share of tracks crediting a second artist


@dataclass(frozen=True)
class Genre:
    name: str
    weight: float  # relative share of the catalogue
    profile: Profile
    subgenres: tuple[tuple[str, dict[str, float]], ...]  # (name, overrides of the profile)
    artist_styles: dict[str, float]  # naming style -> share (see names.py)
    title_style: str  # "english", "spanish", "classical", "electronic" or "lowercase"
    neighbours: tuple[str, ...] = field(default=())  # genres a crossover track also carries


def _genre(
    name: str,
    weight: float,
    subgenres: dict[str, dict[str, float]],
    artist_styles: dict[str, float],
    title_style: str,
    neighbours: tuple[str, ...],
    **profile: Any,
) -> Genre:
    return Genre(
        name=name,
        weight=weight,
        profile=Profile(**profile),
        subgenres=tuple(subgenres.items()),
        artist_styles=artist_styles,
        title_style=title_style,
        neighbours=neighbours,
    )


PERSON = {"person": 0.7, "band": 0.3}

GENRES: tuple[Genre, ...] = (
    _genre(
        "pop", 1.4,
        {
            "dance pop": {"danceability": 0.74, "energy": 0.76, "tempo": 122},
            "electropop": {"energy": 0.72, "acousticness": 0.08, "instrumental_share": 0.03},
            "synth pop": {"era": 1986, "era_spread": 8, "energy": 0.68, "valence": 0.58},
            "post-teen pop": {"valence": 0.64, "era": 2010, "era_spread": 5},
        },
        {"person": 0.75, "band": 0.15, "alias": 0.1}, "english", ("edm", "r&b", "k-pop", "indie"),
        danceability=0.68, energy=0.70, speechiness=0.07, acousticness=0.16, valence=0.55,
        liveness=0.16, instrumental_share=0.02, tempo=118, tempo_sd=18, tempo_low=70,
        tempo_high=180, loudness_offset=1.0, duration_min=3.3, era=2012, era_spread=7,
        earliest=1975, major_share=0.62, explicit_share=0.18, triple_share=0.03,
        featured_share=0.12,
    ),
    _genre(
        "rock", 1.2,
        {
            "hard rock": {"energy": 0.86, "valence": 0.48, "loudness_offset": 1.0, "era": 1984},
            "classic rock": {"era": 1972, "era_spread": 6, "energy": 0.66, "acousticness": 0.24,
                             "loudness_offset": -2.5},
            "alternative rock": {"era": 1998, "era_spread": 8, "valence": 0.45},
            "album rock": {"era": 1978, "era_spread": 7, "duration_min": 4.6},
        },
        {"band": 0.75, "person": 0.25}, "english", ("metal", "indie", "punk", "blues"),
        danceability=0.50, energy=0.75, speechiness=0.05, acousticness=0.12, valence=0.52,
        liveness=0.20, instrumental_share=0.04, tempo=126, tempo_sd=24, tempo_low=70,
        tempo_high=200, loudness_offset=0.0, duration_min=4.0, era=1990, era_spread=14,
        earliest=1960, major_share=0.66, explicit_share=0.06, triple_share=0.03, live_share=0.1,
    ),
    _genre(
        "edm", 1.0,
        {
            "house": {"tempo": 124, "tempo_sd": 2.5, "instrumental_share": 0.35,
                      "danceability": 0.76},
            "big room": {"energy": 0.90, "tempo": 128, "tempo_sd": 1.5, "valence": 0.36},
            "electro house": {"energy": 0.88, "tempo": 128, "tempo_sd": 2.0},
            "dubstep": {"tempo": 140, "tempo_sd": 2.0, "energy": 0.88, "danceability": 0.55,
                        "valence": 0.30, "speechiness": 0.09},
        },
        {"alias": 0.7, "duo": 0.2, "person": 0.1}, "electronic", ("pop", "techno", "drum and bass"),
        danceability=0.67, energy=0.82, speechiness=0.07, acousticness=0.05, valence=0.42,
        liveness=0.20, instrumental_share=0.25, tempo=126, tempo_sd=5, tempo_low=110,
        tempo_high=150, loudness_offset=1.8, duration_min=3.6, era=2014, era_spread=4,
        earliest=1995, major_share=0.48, explicit_share=0.08, triple_share=0.0,
        featured_share=0.2,
    ),
    _genre(
        "techno", 0.6,
        {
            "minimal techno": {"energy": 0.62, "tempo": 126, "tempo_sd": 3, "danceability": 0.79},
            "detroit techno": {"era": 1994, "era_spread": 7, "valence": 0.36},
            "industrial techno": {"energy": 0.90, "tempo": 138, "valence": 0.14,
                                  "loudness_offset": 1.5},
        },
        {"alias": 0.85, "duo": 0.15}, "electronic", ("edm", "ambient"),
        danceability=0.70, energy=0.76, speechiness=0.06, acousticness=0.04, valence=0.25,
        liveness=0.14, instrumental_share=0.8, tempo=130, tempo_sd=5, tempo_low=115,
        tempo_high=150, loudness_offset=0.8, duration_min=6.6, era=2010, era_spread=8,
        earliest=1985, major_share=0.35, explicit_share=0.01, triple_share=0.0,
    ),
    _genre(
        "hip hop", 1.2,
        {
            "trap": {"tempo": 140, "tempo_sd": 8, "valence": 0.38, "speechiness": 0.20,
                     "era": 2016, "era_spread": 4},
            "gangster rap": {"era": 1996, "era_spread": 7, "speechiness": 0.28},
            "boom bap": {"tempo": 92, "tempo_sd": 5, "era": 1995, "era_spread": 8,
                         "acousticness": 0.22},
            "southern hip hop": {"era": 2007, "era_spread": 6, "danceability": 0.80},
        },
        {"rapper": 0.75, "person": 0.15, "alias": 0.1}, "english", ("r&b", "pop", "lo-fi"),
        danceability=0.76, energy=0.64, speechiness=0.24, acousticness=0.15, valence=0.48,
        liveness=0.18, instrumental_share=0.02, tempo=110, tempo_sd=22, tempo_low=70,
        tempo_high=170, loudness_offset=0.8, duration_min=3.4, era=2012, era_spread=8,
        earliest=1980, major_share=0.45, explicit_share=0.7, triple_share=0.01,
        featured_share=0.3,
    ),
    _genre(
        "r&b", 0.8,
        {
            "contemporary r&b": {"era": 2016, "era_spread": 4, "valence": 0.40},
            "new jack swing": {"era": 1990, "era_spread": 3, "energy": 0.70, "valence": 0.66,
                               "danceability": 0.74},
            "urban contemporary": {"era": 2004, "era_spread": 7},
        },
        {"person": 0.85, "band": 0.15}, "english", ("hip hop", "soul", "pop"),
        danceability=0.66, energy=0.55, speechiness=0.11, acousticness=0.25, valence=0.50,
        liveness=0.15, instrumental_share=0.02, tempo=104, tempo_sd=22, tempo_low=60,
        tempo_high=160, loudness_offset=0.0, duration_min=3.7, era=2006, era_spread=11,
        earliest=1975, major_share=0.45, explicit_share=0.3, triple_share=0.04,
        featured_share=0.18,
    ),
    _genre(
        "latin", 0.9,
        {
            "reggaeton": {"tempo": 95, "tempo_sd": 4, "danceability": 0.79, "speechiness": 0.12,
                          "explicit_share": 0.35, "era": 2017, "era_spread": 4},
            "latin pop": {},
            "tropical": {"valence": 0.78, "acousticness": 0.30, "era": 2004, "era_spread": 10},
            "bachata": {"tempo": 128, "tempo_sd": 6, "acousticness": 0.42, "energy": 0.60},
        },
        {"spanish": 0.7, "alias": 0.2, "spanish_band": 0.1}, "spanish", ("pop", "reggae"),
        danceability=0.72, energy=0.72, speechiness=0.09, acousticness=0.22, valence=0.65,
        liveness=0.18, instrumental_share=0.02, tempo=112, tempo_sd=22, tempo_low=80,
        tempo_high=180, loudness_offset=1.0, duration_min=3.5, era=2013, era_spread=7,
        earliest=1970, major_share=0.55, explicit_share=0.18, triple_share=0.02,
        featured_share=0.3,
    ),
    _genre(
        "jazz", 0.6,
        {
            "bebop": {"tempo": 190, "tempo_sd": 30, "energy": 0.50, "era": 1953, "era_spread": 5,
                      "liveness": 0.30},
            "cool jazz": {"tempo": 120, "tempo_sd": 25, "energy": 0.30, "era": 1958,
                          "era_spread": 5},
            "smooth jazz": {"era": 1992, "era_spread": 8, "acousticness": 0.45, "energy": 0.45,
                            "instrumental_share": 0.6, "loudness_offset": -1.0},
            "jazz fusion": {"energy": 0.65, "acousticness": 0.28, "era": 1976, "era_spread": 6,
                            "instrumental_share": 0.65},
        },
        {"person": 0.55, "jazz": 0.45}, "english", ("blues", "soul", "funk", "lo-fi"),
        danceability=0.55, energy=0.38, speechiness=0.05, acousticness=0.70, valence=0.50,
        liveness=0.25, instrumental_share=0.5, tempo=118, tempo_sd=35, tempo_low=55,
        tempo_high=250, loudness_offset=-2.5, duration_min=5.2, era=1965, era_spread=14,
        earliest=1940, major_share=0.55, explicit_share=0.0, triple_share=0.08,
        live_share=0.2,
    ),
    _genre(
        "classical", 0.6,
        {
            "baroque": {"energy": 0.25, "valence": 0.45, "tempo": 112},
            "romantic": {"energy": 0.20, "valence": 0.22},
            "modern classical": {"energy": 0.11, "valence": 0.12, "era": 2012, "era_spread": 6,
                                 "acousticness": 0.95},
            "opera": {"instrumental_share": 0.08, "energy": 0.30, "liveness": 0.22,
                      "duration_min": 4.5},
        },
        {"composer": 0.75, "ensemble": 0.25}, "classical", ("ambient",),
        danceability=0.28, energy=0.17, speechiness=0.045, acousticness=0.92, valence=0.25,
        liveness=0.12, instrumental_share=0.9, tempo=105, tempo_sd=28, tempo_low=45,
        tempo_high=200, loudness_offset=-4.0, duration_min=6.5, era=1998, era_spread=14,
        earliest=1950, major_share=0.6, explicit_share=0.0, triple_share=0.22, live_share=0.1,
    ),
    _genre(
        "ambient", 0.45,
        {
            "dark ambient": {"valence": 0.05, "acousticness": 0.55, "energy": 0.22},
            "drone": {"danceability": 0.15, "duration_min": 9.0, "valence": 0.06},
            "new age": {"valence": 0.26, "acousticness": 0.90, "era": 1994, "era_spread": 9},
        },
        {"alias": 0.7, "person": 0.3}, "lowercase", ("classical", "lo-fi", "techno"),
        danceability=0.25, energy=0.14, speechiness=0.045, acousticness=0.80, valence=0.12,
        liveness=0.11, instrumental_share=0.88, tempo=95, tempo_sd=25, tempo_low=50,
        tempo_high=160, loudness_offset=-5.0, duration_min=6.2, era=2010, era_spread=8,
        earliest=1975, major_share=0.5, explicit_share=0.0, triple_share=0.05,
    ),
    _genre(
        "metal", 0.7,
        {
            "heavy metal": {"era": 1985, "era_spread": 7, "energy": 0.88, "valence": 0.38},
            "thrash metal": {"tempo": 172, "tempo_sd": 22, "energy": 0.95, "era": 1988,
                             "era_spread": 7},
            "death metal": {"energy": 0.96, "valence": 0.16, "speechiness": 0.10, "tempo": 150,
                            "tempo_sd": 32},
            "metalcore": {"era": 2010, "era_spread": 5},
        },
        {"band": 0.9, "person": 0.1}, "english", ("rock", "punk"),
        danceability=0.42, energy=0.92, speechiness=0.08, acousticness=0.02, valence=0.30,
        liveness=0.20, instrumental_share=0.12, tempo=128, tempo_sd=30, tempo_low=70,
        tempo_high=220, loudness_offset=1.2, duration_min=4.8, era=2000, era_spread=11,
        earliest=1968, major_share=0.42, explicit_share=0.1, triple_share=0.03, live_share=0.08,
    ),
    _genre(
        "folk", 0.6,
        {
            "indie folk": {"era": 2012, "era_spread": 5},
            "traditional folk": {"era": 1968, "era_spread": 10, "acousticness": 0.88,
                                 "liveness": 0.25},
            "folk rock": {"energy": 0.55, "acousticness": 0.45, "era": 1974, "era_spread": 9},
        },
        PERSON, "english", ("country", "indie"),
        danceability=0.52, energy=0.38, speechiness=0.04, acousticness=0.78, valence=0.45,
        liveness=0.15, instrumental_share=0.05, tempo=112, tempo_sd=25, tempo_low=60,
        tempo_high=180, loudness_offset=-2.0, duration_min=3.8, era=2000, era_spread=16,
        earliest=1955, major_share=0.70, explicit_share=0.02, triple_share=0.15, live_share=0.1,
    ),
    _genre(
        "country", 0.7,
        {
            "contemporary country": {"energy": 0.72, "acousticness": 0.15, "era": 2015,
                                     "era_spread": 4},
            "classic country": {"era": 1970, "era_spread": 9, "acousticness": 0.55,
                                "energy": 0.45, "loudness_offset": -2.5},
            "bluegrass": {"tempo": 145, "tempo_sd": 25, "acousticness": 0.85, "valence": 0.70,
                          "energy": 0.55},
        },
        {"person": 0.8, "band": 0.2}, "english", ("folk", "rock"),
        danceability=0.58, energy=0.62, speechiness=0.04, acousticness=0.30, valence=0.60,
        liveness=0.17, instrumental_share=0.01, tempo=120, tempo_sd=24, tempo_low=70,
        tempo_high=190, loudness_offset=-0.5, duration_min=3.4, era=2005, era_spread=14,
        earliest=1950, major_share=0.85, explicit_share=0.04, triple_share=0.08,
    ),
    _genre(
        "reggae", 0.45,
        {
            "roots reggae": {"era": 1978, "era_spread": 5, "tempo": 80, "tempo_sd": 8},
            "dancehall": {"era": 2008, "era_spread": 7, "energy": 0.70, "speechiness": 0.15,
                          "tempo": 100, "tempo_sd": 8, "explicit_share": 0.3},
            "dub": {"instrumental_share": 0.55, "speechiness": 0.07, "era": 1977,
                    "era_spread": 5},
        },
        {"person": 0.6, "band": 0.3, "alias": 0.1}, "english", ("latin", "hip hop"),
        danceability=0.76, energy=0.55, speechiness=0.12, acousticness=0.18, valence=0.72,
        liveness=0.18, instrumental_share=0.05, tempo=95, tempo_sd=18, tempo_low=60,
        tempo_high=170, loudness_offset=-1.5, duration_min=3.9, era=1990, era_spread=14,
        earliest=1965, major_share=0.6, explicit_share=0.05, triple_share=0.0,
        featured_share=0.12,
    ),
    _genre(
        "k-pop", 0.6,
        {
            "k-pop girl group": {"valence": 0.66},
            "k-pop boy group": {"energy": 0.82, "danceability": 0.66},
            "k-ballad": {"energy": 0.40, "danceability": 0.45, "acousticness": 0.55,
                         "valence": 0.30, "tempo": 85, "tempo_sd": 12},
        },
        {"kpop": 0.85, "person": 0.15}, "english", ("pop",),
        danceability=0.68, energy=0.78, speechiness=0.08, acousticness=0.13, valence=0.60,
        liveness=0.17, instrumental_share=0.01, tempo=122, tempo_sd=20, tempo_low=70,
        tempo_high=180, loudness_offset=1.5, duration_min=3.4, era=2016, era_spread=5,
        earliest=2000, major_share=0.55, explicit_share=0.04, triple_share=0.02,
    ),
    _genre(
        "soul", 0.5,
        {
            "classic soul": {},
            "motown": {"era": 1965, "era_spread": 4, "valence": 0.75, "danceability": 0.65},
            "neo soul": {"era": 2002, "era_spread": 7, "acousticness": 0.35, "valence": 0.50,
                         "energy": 0.48},
        },
        {"person": 0.7, "band": 0.3}, "english", ("r&b", "funk", "jazz"),
        danceability=0.60, energy=0.52, speechiness=0.05, acousticness=0.45, valence=0.64,
        liveness=0.20, instrumental_share=0.02, tempo=110, tempo_sd=22, tempo_low=60,
        tempo_high=180, loudness_offset=-2.5, duration_min=3.1, era=1970, era_spread=9,
        earliest=1955, major_share=0.6, explicit_share=0.0, triple_share=0.06, live_share=0.1,
    ),
    _genre(
        "funk", 0.4,
        {
            "p-funk": {"era": 1977, "era_spread": 4},
            "funk rock": {"energy": 0.80, "era": 1990, "era_spread": 9},
            "boogie": {"era": 1982, "era_spread": 3, "danceability": 0.83},
        },
        {"band": 0.6, "person": 0.4}, "english", ("soul", "disco"),
        danceability=0.80, energy=0.70, speechiness=0.08, acousticness=0.15, valence=0.80,
        liveness=0.20, instrumental_share=0.15, tempo=110, tempo_sd=12, tempo_low=85,
        tempo_high=140, loudness_offset=-1.5, duration_min=4.2, era=1978, era_spread=8,
        earliest=1965, major_share=0.45, explicit_share=0.02, triple_share=0.0,
    ),
    _genre(
        "disco", 0.35,
        {
            "classic disco": {},
            "nu-disco": {"era": 2014, "era_spread": 5, "instrumental_share": 0.3,
                         "loudness_offset": 1.0},
        },
        {"person": 0.5, "band": 0.3, "alias": 0.2}, "english", ("funk", "pop"),
        danceability=0.78, energy=0.72, speechiness=0.06, acousticness=0.12, valence=0.82,
        liveness=0.15, instrumental_share=0.1, tempo=120, tempo_sd=5, tempo_low=105,
        tempo_high=135, loudness_offset=-1.0, duration_min=4.3, era=1978, era_spread=4,
        earliest=1972, major_share=0.55, explicit_share=0.0, triple_share=0.0,
    ),
    _genre(
        "indie", 0.8,
        {
            "indie rock": {"energy": 0.72},
            "indie pop": {"valence": 0.55, "danceability": 0.60},
            "shoegaze": {"energy": 0.70, "valence": 0.25, "instrumental_share": 0.25,
                         "acousticness": 0.05, "era": 1994, "era_spread": 9},
            "dream pop": {"energy": 0.45, "valence": 0.30, "acousticness": 0.35},
        },
        {"band": 0.7, "person": 0.2, "alias": 0.1}, "english", ("rock", "folk", "pop"),
        danceability=0.55, energy=0.60, speechiness=0.05, acousticness=0.30, valence=0.45,
        liveness=0.16, instrumental_share=0.1, tempo=120, tempo_sd=25, tempo_low=65,
        tempo_high=190, loudness_offset=-1.0, duration_min=3.8, era=2009, era_spread=7,
        earliest=1985, major_share=0.62, explicit_share=0.06, triple_share=0.04,
    ),
    _genre(
        "blues", 0.35,
        {
            "delta blues": {"era": 1945, "era_spread": 7, "acousticness": 0.92, "energy": 0.30,
                            "loudness_offset": -4.0},
            "chicago blues": {"era": 1958, "era_spread": 6},
            "blues rock": {"energy": 0.72, "acousticness": 0.18, "era": 1972, "era_spread": 12},
        },
        PERSON, "english", ("jazz", "rock", "soul"),
        danceability=0.52, energy=0.50, speechiness=0.05, acousticness=0.50, valence=0.55,
        liveness=0.28, instrumental_share=0.05, tempo=105, tempo_sd=25, tempo_low=55,
        tempo_high=180, loudness_offset=-2.5, duration_min=4.1, era=1968, era_spread=14,
        earliest=1930, major_share=0.55, explicit_share=0.0, triple_share=0.1, live_share=0.2,
    ),
    _genre(
        "punk", 0.45,
        {
            "pop punk": {"valence": 0.60, "era": 2003, "era_spread": 5},
            "hardcore punk": {"energy": 0.95, "tempo": 185, "tempo_sd": 20, "valence": 0.40,
                              "duration_min": 1.8, "era": 1985, "era_spread": 6},
            "post-punk": {"energy": 0.70, "danceability": 0.55, "valence": 0.40, "tempo": 135,
                          "tempo_sd": 15, "era": 1981, "era_spread": 7},
        },
        {"band": 0.95, "person": 0.05}, "english", ("rock", "metal"),
        danceability=0.48, energy=0.90, speechiness=0.07, acousticness=0.04, valence=0.55,
        liveness=0.25, instrumental_share=0.02, tempo=160, tempo_sd=25, tempo_low=95,
        tempo_high=220, loudness_offset=0.5, duration_min=2.6, era=1994, era_spread=12,
        earliest=1975, major_share=0.7, explicit_share=0.2, triple_share=0.01, live_share=0.1,
    ),
    _genre(
        "lo-fi", 0.4,
        {
            "lo-fi hip hop": {},
            "chillhop": {"valence": 0.56, "danceability": 0.72},
            "lo-fi beats": {"instrumental_share": 0.9, "energy": 0.30},
        },
        {"lowercase_alias": 1.0}, "lowercase", ("hip hop", "jazz", "ambient"),
        danceability=0.68, energy=0.36, speechiness=0.09, acousticness=0.62, valence=0.45,
        liveness=0.12, instrumental_share=0.75, tempo=82, tempo_sd=9, tempo_low=60,
        tempo_high=110, loudness_offset=-4.0, duration_min=2.4, era=2019, era_spread=3,
        earliest=2012, major_share=0.45, explicit_share=0.0, triple_share=0.0, live_share=0.01,
    ),
    _genre(
        "drum and bass", 0.35,
        {
            "liquid funk": {"energy": 0.72, "valence": 0.50},
            "neurofunk": {"energy": 0.93, "valence": 0.20, "loudness_offset": 2.0},
            "jungle": {"era": 1995, "era_spread": 3},
        },
        {"alias": 0.8, "duo": 0.2}, "electronic", ("edm",),
        danceability=0.55, energy=0.86, speechiness=0.08, acousticness=0.04, valence=0.38,
        liveness=0.20, instrumental_share=0.4, tempo=174, tempo_sd=2, tempo_low=160,
        tempo_high=180, loudness_offset=1.5, duration_min=4.9, era=2011, era_spread=9,
        earliest=1992, major_share=0.35, explicit_share=0.05, triple_share=0.0,
    ),
    _genre(
        "afrobeats", 0.4,
        {
            "afropop": {},
            "amapiano": {"tempo": 113, "tempo_sd": 2, "instrumental_share": 0.3,
                         "danceability": 0.83, "duration_min": 5.5, "era": 2021, "era_spread": 2},
            "highlife": {"era": 1975, "era_spread": 10, "acousticness": 0.40},
        },
        {"person": 0.7, "alias": 0.2, "band": 0.1}, "english", ("latin", "r&b", "pop"),
        danceability=0.78, energy=0.68, speechiness=0.11, acousticness=0.22, valence=0.70,
        liveness=0.15, instrumental_share=0.03, tempo=108, tempo_sd=10, tempo_low=90,
        tempo_high=130, loudness_offset=0.0, duration_min=3.3, era=2017, era_spread=4,
        earliest=1960, major_share=0.55, explicit_share=0.12, triple_share=0.0,
        featured_share=0.25,
    ),
)  # fmt: skip

PROFILE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Profile))


def subgenre_table() -> pd.DataFrame:
    """One row per subgenre: its genre, the genre's weight share and every profile field.

    Subgenres split their genre's weight evenly. The row order is the generator's subgenre code.
    """
    rows = []
    for genre_code, genre in enumerate(GENRES):
        for name, overrides in genre.subgenres:
            unknown = set(overrides) - set(PROFILE_FIELDS)
            if unknown:
                raise ValueError(f"{genre.name}/{name}: unknown profile fields {sorted(unknown)}")
            profile = replace(genre.profile, **overrides)
            rows.append(
                {
                    "genre": genre.name,
                    "genre_code": genre_code,
                    "subgenre": name,
                    "weight": genre.weight / len(genre.subgenres),
                    **{f: getattr(profile, f) for f in PROFILE_FIELDS},
                }
            )
    table = pd.DataFrame(rows)
    table["weight"] = table["weight"] / table["weight"].sum()
    return table


def neighbour_codes() -> list[np.ndarray]:
    """For each genre code, the codes of the genres its crossover tracks also carry."""
    code = {genre.name: i for i, genre in enumerate(GENRES)}
    return [np.array([code[n] for n in genre.neighbours], dtype=np.int64) for genre in GENRES]
