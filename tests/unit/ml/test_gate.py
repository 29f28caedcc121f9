"""The quality gate: the holdout it builds, the metrics it computes, the decision, the diff."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd

from ml.gate import (
    PopularityRanker,
    cluster_moves,
    decide,
    decide_on_check,
    evaluate_holdout,
    list_metrics,
    playlist_holdout,
    split_holdout,
    top_list_changes,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def events_frame(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(who, track, kind, T0 + timedelta(minutes=minute)) for who, track, kind, minute in rows],
        columns=["listener", "track_id", "kind", "at"],
    )


def test_the_holdout_is_each_listeners_newest_positive_feedback_and_leaves_training():
    rows = [("user:1", f"t{i}", "like", i) for i in range(10)]
    rows += [("user:1", "t99", "skip", 20)]  # after the cutoff: not trained on either
    rows += [("user:2", "t1", "like", 1), ("user:2", "t2", "like", 2)]  # too few positives
    rows += [("playlist:7", f"t{i}", "like", 0) for i in range(10)]  # curated: never held out
    events = events_frame(rows)

    train, holdout = split_holdout(events, fraction=0.2, min_positives=5)

    assert list(holdout.answers) == ["user:1"]
    assert holdout.answers["user:1"] == frozenset({"t8", "t9"})
    assert [e.track_id for e in holdout.histories["user:1"]] == [f"t{i}" for i in range(8)]
    trained = set(zip(train["listener"], train["track_id"], strict=True))
    assert ("user:1", "t8") not in trained and ("user:1", "t99") not in trained
    assert ("user:1", "t7") in trained and ("user:2", "t2") in trained
    assert sum(train["listener"] == "playlist:7") == 10


def test_list_metrics_reward_answers_near_the_top():
    answers = frozenset({"a", "b"})
    top = list_metrics(["a", "b", "c"], answers, k=10)
    late = list_metrics(["c", "d", "a"], answers, k=10)
    assert top["ndcg@10"] == 1.0 and top["recall@10"] == 1.0 and top["hit@10"] == 1.0
    assert 0 < late["ndcg@10"] < top["ndcg@10"] and late["recall@10"] == 0.5


class FixedRanker:
    def __init__(self, tracks: list[str]) -> None:
        self.tracks = tracks

    def recommend(self, history, *, k=20):
        heard = {event.track_id for event in history}
        return [t for t in self.tracks if t not in heard][:k]


def test_evaluate_and_decide_reject_a_worse_candidate_and_keep_a_comparable_one():
    rows = [("user:1", f"t{i}", "like", i) for i in range(10)]
    _, holdout = split_holdout(events_frame(rows), fraction=0.2, min_positives=5)
    good = evaluate_holdout(FixedRanker(["t8", "t9", "x"]), holdout)
    bad = evaluate_holdout(FixedRanker(["x", "y", "z"]), holdout)
    assert good["ndcg@10"] == 1.0 and bad["ndcg@10"] == 0.0 and good["listeners"] == 1

    rejected = decide(good, bad, (bad, good), tolerance=0.02)
    assert not rejected.activate and "worse than its 1.0000" in rejected.reason
    worse_than_popular = decide(bad, good, None, tolerance=0.02)
    assert not worse_than_popular.activate and "popularity baseline" in worse_than_popular.reason
    kept = decide(good, bad, (good | {"ndcg@10": 0.99}, good), tolerance=0.02)
    assert kept.activate and "tolerance 0.02" in kept.reason
    assert "no feedback newer" in decide(good, bad, None, tolerance=0.02).reason
    assert decide({}, {}, None, tolerance=0.02).activate  # no holdout: nothing to compare


def test_only_answers_newer_than_the_active_model_compare_it_fairly():
    rows = [("user:1", f"t{i}", "like", i) for i in range(10)]
    rows += [("user:2", f"t{i}", "like", i) for i in range(10)]
    rows += [("user:2", "t50", "like", 30), ("user:2", "t51", "like", 31)]
    _, holdout = split_holdout(events_frame(rows), fraction=0.2, min_positives=5)
    assert set(holdout.answers) == {"user:1", "user:2"}
    newer = holdout.newer_than(T0 + timedelta(minutes=20))
    assert newer.answers == {"user:2": frozenset({"t50", "t51"})}
    assert len(newer.histories["user:2"]) == 10


def test_popularity_ranker_skips_what_the_listener_heard():
    tracks = pd.DataFrame({"track_id": ["a", "b", "c"], "popularity": [10, 90, 50]})
    rows = [("user:1", "b", "like", 0)]
    _, holdout = split_holdout(events_frame(rows), min_positives=1)
    assert PopularityRanker(tracks).recommend([], k=2) == ["b", "c"]
    assert holdout.answers == {}  # one event: no earlier history to replay


def test_cluster_moves_match_old_clusters_to_new_ones_and_count_what_split():
    old = pd.DataFrame({"track_id": list("abcdefgh"), "cluster": [0, 0, 0, 0, 1, 1, 1, 1]})
    # Cluster 0 kept together under a new number; cluster 1 split in half.
    new = pd.DataFrame({"track_id": list("abcdefgh"), "cluster": [2, 2, 2, 2, 0, 0, 1, 1]})
    moves = cluster_moves(old, new, ["calm", "loud"], ["loud A", "loud B", "calm"])
    assert moves["common_tracks"] == 8 and moves["tracks_moved"] == 2
    assert moves["clusters_moved_count"] == 1
    assert moves["clusters_moved"][0]["cluster"] == "loud"
    assert moves["clusters_moved"][0]["kept"] == 0.5


def test_top_list_changes_count_listeners_whose_top_ten_differs():
    histories = {"user:1": [], "user:2": []}
    same = top_list_changes(FixedRanker(list("abc")), FixedRanker(list("cba")), histories, k=3)
    assert same["top10_changed"] == 0 and same["mean_top10_overlap"] == 1.0
    other = top_list_changes(FixedRanker(list("abc")), FixedRanker(list("abd")), histories, k=3)
    assert other["top10_changed"] == 2 and other["listeners"] == 2


def test_the_real_data_check_asks_each_playlist_for_its_second_half():
    playlists = pd.DataFrame(
        {
            "playlist_id": ["p"] * 8 + ["small"] * 3,
            "track_id": [f"t{i}" for i in range(8)] + ["t0", "t1", "t2"],
        }
    )
    check = playlist_holdout(playlists, [f"t{i}" for i in range(7)], min_tracks=6)
    assert list(check.answers) == ["playlist:p"]  # "small" and the unknown t7 are left out
    assert [e.track_id for e in check.histories["playlist:p"]] == ["t0", "t1", "t2"]
    assert check.answers["playlist:p"] == frozenset({"t3", "t4", "t5", "t6"})
    worse = decide_on_check("real-data check", {"ndcg@10": 0.1}, {"ndcg@10": 0.3}, 0.02)
    assert worse is not None and not worse.activate and "real-data check" in worse.reason
    assert decide_on_check("real-data check", {"ndcg@10": 0.3}, {"ndcg@10": 0.3}, 0.0) is None
