"""The model bundle: training on a signal table, storage round trips, verdicts and reasons."""
import numpy as np
import pytest

from detectors.bundle import ModelBundle, threshold_at_fpr
from features.context import Context, load_org
from features.parsing import parse_message
from features.signals import CONCEPTS
from features.catalogue import evaluate
from tests.conftest import signal_table


def _evidence(messages):
    ctx = Context(load_org())
    return [evaluate(parse_message(m.raw), ctx) for m in messages]


@pytest.fixture(scope="module")
def small_bundle(synthetic_messages):
    from pipelines.train import fit_bundle
    table, evs = signal_table(synthetic_messages)
    bundle, oof = fit_bundle(table, folds=3)
    return bundle, evs


def test_threshold_at_fpr_holds_the_rate():
    benign = np.linspace(0, 1, 1000)
    t = threshold_at_fpr(benign, 0.01)
    assert (benign >= t).mean() <= 0.01
    assert (benign >= t).mean() >= 0.009


def test_bundle_separates_synthetic_attacks(small_bundle, synthetic_messages):
    bundle, evs = small_bundle
    results = bundle.score(evs)
    scores = np.array([r.score for r in results])
    y = np.array([m.label == "malicious" for m in synthetic_messages])
    assert scores[y].mean() > scores[~y].mean() + 0.3
    for r in results:
        assert set(r.concepts) == set(CONCEPTS)
        assert r.verdict in ("malicious", "suspicious", "benign")
        assert 0.0 <= r.score <= 1.0


def test_reasons_name_their_concept(small_bundle):
    bundle, evs = small_bundle
    flagged = [r for r in bundle.score(evs) if r.verdict != "benign"]
    assert flagged
    for r in flagged:
        assert r.reasons, "a flagged message must be explained"
        assert all(reason.split(":")[0] in CONCEPTS for reason in r.reasons)


def test_storage_round_trips(small_bundle, tmp_path):
    bundle, evs = small_bundle
    before = [r.score for r in bundle.score(evs)]
    folder_copy = ModelBundle.load(bundle.save(tmp_path / "b"))
    blob_copy = ModelBundle.from_bytes(bundle.to_bytes())
    assert [r.score for r in folder_copy.score(evs)] == pytest.approx(before)
    assert [r.score for r in blob_copy.score(evs)] == pytest.approx(before)
    assert blob_copy.thresholds == bundle.thresholds


def test_not_a_bundle_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="not a sedetect model bundle"):
        ModelBundle.load(tmp_path)


def test_default_bundle_ships_and_scores(default_bundle, synthetic_messages):
    evs = _evidence(synthetic_messages[:20])
    results = default_bundle.score(evs)
    assert len(results) == 20
    assert default_bundle.thresholds["suspicious"] <= default_bundle.thresholds["malicious"]


def _text_scored(bundle, evs, text_scores):
    """Full scores with the text model's output forced to ``text_scores`` (no encoder needed)."""
    from detectors.bundle import with_text_scores
    head = bundle.text_head
    bundle.text_head = None          # score() would otherwise want embeddings
    try:
        return [r.score for r in bundle.score(with_text_scores(evs, text_scores), embeddings=None)]
    finally:
        bundle.text_head = head


def test_cascade_bounds_hold_every_text_score(default_bundle, synthetic_messages):
    """Whatever the text model says, the full score lies within the cascade's bounds; so where
    the bounds agree on a verdict, skipping the encoder cannot change it."""
    evs = _evidence(synthetic_messages[:200])
    bounds = default_bundle.text_score_bounds(evs)
    assert (bounds[:, 0] <= bounds[:, 1]).all()
    decided = default_bundle.decided_without_text(bounds)
    assert 0 < decided.sum() < len(evs)       # this sample has both kinds
    rng = np.random.default_rng(0)
    for s in [np.zeros(len(evs)), np.ones(len(evs)), rng.random(len(evs)),
              rng.choice(default_bundle.text_grid, len(evs))]:
        full = np.array(_text_scored(default_bundle, evs, s))[decided]
        assert (full >= bounds[decided, 0]).all() and (full <= bounds[decided, 1]).all()
    skipped = np.full((len(evs), 384), np.nan, dtype=np.float32)
    cascade = default_bundle.score(evs, skipped, bounds)
    truth = _text_scored(default_bundle, evs, rng.random(len(evs)))
    for i in np.flatnonzero(decided):
        assert cascade[i].verdict == default_bundle.verdict_for(truth[i])
        assert bounds[i, 0] <= cascade[i].score <= bounds[i, 1]


def test_text_grid_covers_every_split(default_bundle):
    grid = default_bundle.text_grid
    assert grid[0] == 0.0 and (np.diff(grid) > 0).all() and grid[-1] <= 1.0
    goal = default_bundle.models["goal"]
    splits = goal.split_points(goal.feature_names.index("goal.text_semantics"))
    assert splits and splits <= set(grid.tolist())
