"""Training pieces that need no corpus: the promotion gate and the fold strategy."""
import numpy as np

from pipelines.train import _folds, promotion_gate


def test_gate_refuses_a_model_worse_on_held_out_sources():
    champion = {"phish": {"label": "malicious", "flagged_rate": 0.80},
                "ham": {"label": "benign", "flagged_rate": 0.010}}
    better = {"phish": {"label": "malicious", "flagged_rate": 0.85},
              "ham": {"label": "benign", "flagged_rate": 0.008}}
    worse_detection = {"phish": {"label": "malicious", "flagged_rate": 0.70},
                       "ham": {"label": "benign", "flagged_rate": 0.008}}
    worse_fp = {"phish": {"label": "malicious", "flagged_rate": 0.90},
                "ham": {"label": "benign", "flagged_rate": 0.030}}
    assert promotion_gate(better, champion) == []
    assert len(promotion_gate(worse_detection, champion)) == 1
    assert "false positives" in promotion_gate(worse_fp, champion)[0]
    assert promotion_gate(worse_fp, {}) == []          # nothing in common: nothing to compare


def test_source_folds_hold_whole_sources_out():
    groups = np.array(["a"] * 5 + ["b"] * 5 + ["c"] * 5 + ["d"] * 5)
    y = np.array([1] * 10 + [0] * 10)
    splits = list(_folds(groups, y, folds=4, seed=0, by_source=True))
    seen = np.concatenate([te for _, te in splits])
    assert sorted(seen) == list(range(20))
    for tr, te in splits:
        assert not set(groups[tr]) & set(groups[te])
    strat = list(_folds(groups, y, folds=4, seed=0))
    assert any(set(groups[tr]) & set(groups[te]) for tr, te in strat)


def test_gate_refuses_a_model_over_a_benign_sources_absolute_limit():
    # labeling/data/corpora.yaml: political_bulk_2019 1%, enron 0.5%, every lookalike family 1%
    ok = {"political_bulk_2019": {"label": "benign", "flagged_rate": 0.009},
          "enron_ham_2001": {"label": "benign", "flagged_rate": 0.004},
          "lookalike.password_reset": {"label": "benign", "flagged_rate": 0.0}}
    assert promotion_gate(ok, {}) == []
    over = dict(ok, enron_ham_2001={"label": "benign", "flagged_rate": 0.02},
                **{"lookalike.password_reset": {"label": "benign", "flagged_rate": 0.05}})
    failures = promotion_gate(over, {})
    assert len(failures) == 2 and all("limit" in f for f in failures)


def test_corpora_labels_are_data_and_an_unknown_corpus_is_an_error(tmp_path):
    import pytest
    from labeling.sources import known_corpora, shared_corpora
    known = known_corpora()
    assert known["political_bulk_2019.mbox.gz"]["label"] == "benign"
    assert known["bounces_dsn.mbox.gz"]["label"] == "benign"
    (tmp_path / "enron_ham_2001.mbox.gz").write_bytes(b"")
    (tmp_path / "phishing_pot_2022_2024.mbox.gz").write_bytes(b"")
    got = {s.name: s for s in shared_corpora(tmp_path)}
    pot = got["phishing_pot_2022_2024"]
    assert pot.names == ("phishing_pot_2022_2023", "phishing_pot_2024")
    assert (pot.split_name(2024), pot.split_name(2022), pot.split_name(0)) == \
        ("phishing_pot_2024", "phishing_pot_2022_2023", "phishing_pot_2022_2023")
    assert got["enron_ham_2001"].names == ("enron_ham_2001",)
    (tmp_path / "new_corpus_2026.mbox.gz").write_bytes(b"")
    with pytest.raises(ValueError, match="new_corpus_2026.mbox.gz"):
        shared_corpora(tmp_path)


def test_heldout_groups_keep_a_template_family_together():
    from pipelines.train import holdout_group, is_synthetic
    assert holdout_group("lookalike.password_reset") == holdout_group("twin.password_reset")
    assert holdout_group("phishing_pot_2024") == "phishing_pot_2024"
    assert is_synthetic("twin.x") and is_synthetic("synthetic.crypto")
    assert not is_synthetic("bounces_dsn")
