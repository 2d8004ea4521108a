"""The concept models and the combiners are scikit-learn estimators: parameters stored unchanged by
the constructor, fitted state in attributes ending in _, ``get_params``/``set_params`` from
BaseEstimator. So ``sklearn.base.clone`` works and a clone fits to the same predictions, and
scikit-learn's own estimator checks pass (all of them but one, for a stated reason)."""
from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks
from sklearn.utils.validation import check_is_fitted

from detectors.bundle import DEFAULT_BUNDLE_DIR, ModelBundle, identity_matrix
from detectors.combiner import Combiner, IdentityCombiner
from detectors.concept_model import STORED_PARAMS, ConceptModel
from features import catalogue as sigreg
from features.signals import CONCEPTS
from tests.conftest import signal_table

IDENTITY = ["impersonation.identity_proven", "payload.lookalike_link"]


def _estimators():
    return [
        ConceptModel("goal", ["goal.a", "goal.b"], n_estimators=50, max_depth=3, seed=7, n_jobs=1),
        Combiner(C=0.5, class_weight=None),
        IdentityCombiner(IDENTITY, [-1, 1], n_estimators=60, seed=3),
    ]


@pytest.mark.parametrize("est", _estimators(), ids=lambda e: type(e).__name__)
def test_constructor_stores_its_parameters_and_nothing_else(est):
    params = est.get_params(deep=False)
    assert vars(est) == params                      # no other attribute, nothing fitted
    for name, value in params.items():
        assert getattr(est, name) is value
    with pytest.raises(NotFittedError):
        check_is_fitted(est)


@pytest.mark.parametrize("est", _estimators(), ids=lambda e: type(e).__name__)
def test_clone_and_set_params(est):
    twin = clone(est)
    assert type(twin) is type(est) and twin is not est
    assert twin.get_params() == est.get_params()
    change = {"n_estimators": 5} if "n_estimators" in est.get_params() else {"C": 2.0}
    assert twin.set_params(**change) is twin
    assert twin.get_params() != est.get_params()
    assert clone(twin).get_params() == twin.get_params()


@pytest.fixture(scope="module")
def table(synthetic_messages):
    """The training table of the synthetic corpus, its evidence, and its labels."""
    table, evs = signal_table(synthetic_messages)
    assert 0 < table.labels.mean() < 1
    return table, evs


def test_cloned_concept_models_fit_to_the_same_predictions(table):
    tab, _ = table
    y = tab.labels
    for concept in CONCEPTS:
        X = tab.matrices[concept]
        model = ConceptModel(concept, tab.feature_names[concept], n_estimators=80).fit(X, y)
        twin = clone(model)
        with pytest.raises(NotFittedError):
            twin.predict_proba(X)
        assert twin.feature_names is not None and twin.get_params() == model.get_params()
        np.testing.assert_array_equal(twin.fit(X, y).predict_proba(X), model.predict_proba(X))
        assert model.to_bytes() == twin.to_bytes()
        assert list(model.classes_) == [0, 1] and model.n_features_in_ == X.shape[1]


def test_cloned_combiners_fit_to_the_same_predictions(table):
    tab, evs = table
    y = tab.labels
    S = np.column_stack([ConceptModel(c, tab.feature_names[c], n_estimators=60)
                         .fit(tab.matrices[c], y).predict_proba(tab.matrices[c])[:, 1]
                         for c in CONCEPTS])
    names = [s.name for s in sigreg.identity_signals()]
    I = identity_matrix(evs, names)
    ident = IdentityCombiner(names, [sigreg.get(n).direction for n in names],
                             n_estimators=100).fit(S, y, I)
    twin = clone(ident).fit(S, y, I)
    np.testing.assert_array_equal(twin.predict_proba(S, I), ident.predict_proba(S, I))
    assert twin.to_dict() == ident.to_dict()
    logistic = Combiner().fit(S, y)
    np.testing.assert_array_equal(clone(logistic).fit(S, y).predict_proba(S),
                                  logistic.predict_proba(S))


def test_a_clone_learns_from_its_own_parameters(table):
    tab, _ = table
    X, y = tab.matrices["goal"], tab.labels
    model = ConceptModel("goal", tab.feature_names["goal"], n_estimators=80).fit(X, y)
    shallow = clone(model).set_params(max_depth=1, n_estimators=5).fit(X, y)
    assert not np.array_equal(shallow.predict_proba(X), model.predict_proba(X))


def test_feature_names_must_match_the_columns():
    X = np.random.default_rng(0).random((30, 3))
    y = np.arange(30) % 2
    with pytest.raises(ValueError, match="feature names"):
        ConceptModel("goal", ["a", "b"]).fit(X, y)
    fitted = ConceptModel("goal", ["a", "b", "c"], n_estimators=5).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        fitted.predict_proba(X[:, :2])


def test_one_class_of_zero_one_labels_scores_its_base_rate():
    """A training fold with no attack in it (or nothing but attacks): every row scores the base
    rate, as before these were estimators."""
    X = np.random.default_rng(1).random((40, 3))
    for label in (0, 1):
        m = ConceptModel("goal", ["a", "b", "c"]).fit(X, np.full(40, label))
        assert m.booster_ is None and m.base_rate_ == label
        np.testing.assert_array_equal(m.predict_proba(X)[:, 1], np.full(40, float(label)))


def test_bundle_models_clone_and_their_files_are_unchanged():
    """The shipped bundle loads into fitted estimators whose clones carry the stored parameters,
    and writing it back gives the same bytes: the bundle format did not change."""
    bundle = ModelBundle.load(DEFAULT_BUNDLE_DIR)
    doc = json.loads((DEFAULT_BUNDLE_DIR / "bundle.json").read_bytes())
    for concept, model in bundle.models.items():
        check_is_fitted(model)
        spec = doc["concepts"][concept]
        twin = clone(model)
        assert twin.concept == concept and twin.feature_names == spec["feature_names"]
        assert twin.stored_params() == spec["params"] and set(spec["params"]) == set(STORED_PARAMS)
        with pytest.raises(NotFittedError):
            twin.predict_proba(np.zeros((1, len(spec["feature_names"]))))
    assert clone(bundle.combiner).get_params() == doc["combiner"]["params"]
    files = bundle.to_files()
    for name, data in files.items():
        assert data == (DEFAULT_BUNDLE_DIR / name).read_bytes(), name


def test_stored_params_with_the_concept_and_names_still_load():
    """A bundle.json whose params also name the concept and feature names (as get_params would
    give them) loads to the same model."""
    files = ModelBundle.load(DEFAULT_BUNDLE_DIR).to_files()
    doc = json.loads(files["bundle.json"])
    for concept, spec in doc["concepts"].items():
        spec["params"] |= {"concept": concept, "feature_names": spec["feature_names"]}
    again = ModelBundle.from_files(files | {"bundle.json": json.dumps(doc).encode()})
    assert again.to_files() == files


# scikit-learn's checks feed arbitrary real-valued data (standardised blobs, with negative
# relationships between a column and the label). The identity combiner reads concept
# probabilities through a logit (values outside [0, 1] clip to one end) and constrains every
# concept column to raise the score (monotone: a higher concept score can never make a message
# safer); it cannot fit such data, by design.
_EXPECTED_FAILURES = {
    "IdentityCombiner": {
        "check_classifiers_train": "concept scores are probabilities read through a logit, and "
                                   "each may only raise the attack probability (monotone "
                                   "constraints): blobs with a column that lowers it cannot be fit",
    },
}


@parametrize_with_checks(
    [ConceptModel(n_estimators=20, n_jobs=1), Combiner(), IdentityCombiner(n_estimators=20)],
    expected_failed_checks=lambda est: _EXPECTED_FAILURES.get(type(est).__name__, {}))
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)
