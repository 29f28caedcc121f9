"""The evaluation protocols and harness on the real files, on a slice small enough for CI.

A seeded quarter of the TidyTuesday playlists (with their tracks) keeps this under a minute; the
full run is ``flask --app app ml evaluate`` (docs/EVALUATION.md).
"""

from __future__ import annotations

import numpy as np
import pytest

from db.importers.catalogue import parse_catalogue
from ml.baselines import CooccurrenceBaseline, PopularityBaseline, RandomBaseline
from ml.evaluation import Candidate
from ml.evaluation_run import run_protocol
from ml.mixmap_ranker import train_mixmap
from ml.protocols import lastfm_artists, playlist_continuation
from music.catalogue_frames import CatalogueFrames
from music.hetrec import read_hetrec
from tests.shared_data import HETREC_DIR, TIDYTUESDAY_CSV, require_shared_data

pytestmark = [pytest.mark.realdata]

PLAYLISTS_KEPT = 120
LISTENERS = 25
# One Mixmap setting and a fixed k: the full run tunes these (docs/EVALUATION.md).
QUICK = {"mixmap_grid": ({"artist": 2.0},), "rerank_caps": ()}


def _train(data):
    return train_mixmap(data, n_clusters=20)


@pytest.fixture(scope="module")
def frames() -> CatalogueFrames:
    full = parse_catalogue(require_shared_data(TIDYTUESDAY_CSV)).frames
    rng = np.random.default_rng(0)
    kept = set(rng.choice(sorted(full.playlists["external_id"]), PLAYLISTS_KEPT, replace=False))
    items = full.playlist_items[full.playlist_items["playlist_external_id"].isin(kept)]
    tracks = set(items["track_id"])
    return CatalogueFrames(
        source=full.source,
        tracks=full.tracks[full.tracks["track_id"].isin(tracks)].reset_index(drop=True),
        track_genres=full.track_genres[full.track_genres["track_id"].isin(tracks)],
        playlists=full.playlists[full.playlists["external_id"].isin(kept)],
        playlist_items=items,
    )


def _candidates() -> list[Candidate]:
    return [
        Candidate("random", [lambda: RandomBaseline(0)]),
        Candidate("most popular", [lambda: PopularityBaseline("spotify")]),
        Candidate("item co-occurrence", [lambda: CooccurrenceBaseline(True)]),
    ]


def test_playlist_continuation_on_real_playlists(frames):
    protocol = playlist_continuation(frames, seed=0)  # raises LeakageError on a leak
    listeners = [*protocol.validation, *protocol.test]
    assert len(listeners) == PLAYLISTS_KEPT - sum(
        frames.playlist_items.groupby("playlist_external_id").size() < 5
    )
    # Every track keeps a genre label even when only held-out rows carried one.
    assert (protocol.training.catalogue["genres"].map(len) > 0).all()

    run = run_protocol(
        protocol, "test", sample=LISTENERS, candidates=_candidates(), mixmap_trainer=_train, **QUICK
    )
    scores = {r.model: r.mean("ndcg@10") for r in run.reports}
    for report in run.reports:
        for metric in ("ndcg@10", "r-precision", "recall@10", "recall@50"):
            assert 0.0 <= report.mean(metric) <= 1.0
    assert scores["Mixmap"] > scores["random"]
    assert scores["Mixmap"] > scores["most popular"]


def test_lastfm_users_map_onto_the_real_catalogue(frames):
    hetrec = read_hetrec(require_shared_data(HETREC_DIR))
    protocol = lastfm_artists(frames, hetrec, seed=0)
    assert len(protocol.test) > 50  # the slice still carries many Last.fm users
    run = run_protocol(
        protocol,
        "test",
        sample=LISTENERS,
        candidates=_candidates()[:2],
        mixmap_trainer=_train,
        **QUICK,
    )
    ours, random = run.report("Mixmap"), run.report("random")
    assert ours.mean("recall@50") > random.mean("recall@50")


def test_lastfm_histories_stay_under_the_local_co_listening_cap():
    # The cap on the request-time local co-listening term must not touch what was evaluated:
    # every Last.fm history of both documented seeds is shorter (the playlist context does not
    # use the term).
    from ml.listeners import LOCAL_HISTORY_CAP

    full = parse_catalogue(require_shared_data(TIDYTUESDAY_CSV)).frames
    hetrec = read_hetrec(require_shared_data(HETREC_DIR))
    for seed in (0, 1):
        protocol = lastfm_artists(full, hetrec, seed=seed)
        longest = max(len(one.query.history) for one in protocol.validation + protocol.test)
        assert 0 < longest <= LOCAL_HISTORY_CAP, (seed, longest)
