"""One model per attack concept, on that concept's own signals only.

A scikit-learn estimator around XGBoost (``sklearn.base.clone`` works): parameters in
``__init__``, ``fit`` / ``predict_proba``, no hidden state beyond what ``fit`` learns. Rows where
every signal of the concept abstained (e.g. no From header at all) carry no evidence for this
concept: they are left out of training and scored as the training base rate, so "evidence
missing" can never become a learned attack indicator.
"""
from __future__ import annotations

import json
from typing import Optional, Sequence

import numpy as np
import xgboost as xgb
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

# The hyperparameters a bundle stores for each concept model (detectors/bundle.py), beside its
# concept, feature names and base rate.
STORED_PARAMS = ("n_estimators", "max_depth", "learning_rate", "subsample", "colsample_bytree",
                 "min_child_weight", "seed", "n_jobs")


class ConceptModel(ClassifierMixin, BaseEstimator):
    """A binary classifier of one concept's signal matrix (NaN: the signal abstained).

    A scikit-learn estimator: the constructor only stores its parameters (so ``clone``,
    ``get_params`` and ``set_params`` work); what ``fit`` learns is in ``booster_`` (None when
    nothing was learnable), ``base_rate_``, ``classes_`` and ``n_features_in_``. Labels are 0/1
    (1: attack); two other labels are read as negative and positive in sorted order."""

    def __init__(self, concept: str = "", feature_names: Optional[Sequence[str]] = None,
                 n_estimators: int = 300, max_depth: int = 4, learning_rate: float = 0.08,
                 subsample: float = 0.9, colsample_bytree: float = 0.9,
                 min_child_weight: float = 2.0, seed: int = 0, n_jobs: int = 2):
        self.concept = concept
        self.feature_names = feature_names
        self.n_estimators = n_estimators
        self.max_depth = max_depth
        self.learning_rate = learning_rate
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.min_child_weight = min_child_weight
        self.seed = seed
        self.n_jobs = n_jobs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # NaN is an abstention, not missing data; values pass to xgboost unchecked, as ever.
        tags.input_tags.allow_nan = True
        tags.classifier_tags.multi_class = False
        return tags

    def stored_params(self) -> dict:
        """The hyperparameters a bundle stores (``from_bytes`` takes them back)."""
        return {k: getattr(self, k) for k in STORED_PARAMS}

    def fit(self, X: np.ndarray, y: np.ndarray) -> "ConceptModel":
        X, y = validate_data(self, X, y, dtype=np.float32, ensure_all_finite=False)
        self.classes_, y = binary_labels(y)
        if self.feature_names is not None and len(self.feature_names) != X.shape[1]:
            raise ValueError(f"X has {X.shape[1]} features, but {len(self.feature_names)} "
                             "feature names were given")
        observed = ~np.all(np.isnan(X), axis=1)
        self.base_rate_ = float(y.mean()) if len(y) else 0.5
        if observed.sum() < 10 or len(np.unique(y[observed])) < 2:
            self.booster_: Optional[xgb.Booster] = None   # nothing learnable: the base rate
            return self
        pos = float(y[observed].sum())
        neg = float(observed.sum() - pos)
        dtrain = xgb.DMatrix(X[observed], label=y[observed], feature_names=self._safe_names(),
                             missing=np.nan)
        params = {
            "objective": "binary:logistic", "eval_metric": "logloss", "tree_method": "hist",
            "max_depth": self.max_depth, "eta": self.learning_rate, "subsample": self.subsample,
            "colsample_bytree": self.colsample_bytree, "min_child_weight": self.min_child_weight,
            "seed": self.seed, "nthread": self.n_jobs,
            "scale_pos_weight": neg / pos if pos else 1.0, "verbosity": 0,
        }
        self.booster_ = xgb.train(params, dtrain, num_boost_round=self.n_estimators)
        return self

    def _names(self) -> list[str]:
        if self.feature_names is not None:
            return list(self.feature_names)
        return [f"x{i}" for i in range(self.n_features_in_)]

    def _safe_names(self) -> list[str]:
        # xgboost forbids some characters in feature names; dots are fine.
        return [n.replace("[", "(").replace("]", ")").replace("<", "lt") for n in self._names()]

    def _check_X(self, X: np.ndarray) -> np.ndarray:
        check_is_fitted(self)
        return validate_data(self, X, reset=False, dtype=np.float32, ensure_all_finite=False,
                             ensure_min_samples=0)

    def _dmatrix(self, X: np.ndarray) -> xgb.DMatrix:
        return xgb.DMatrix(np.asarray(X, dtype=np.float32), feature_names=self._safe_names(),
                           missing=np.nan)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        X = self._check_X(X)
        p = np.full(len(X), self.base_rate_, dtype=np.float64)
        if self.booster_ is not None and len(X):
            observed = ~np.all(np.isnan(X), axis=1)
            if observed.any():     # in place: building a DMatrix costs more than predicting
                p[observed] = self.booster_.inplace_predict(X[observed], missing=np.nan)
        return np.column_stack([1.0 - p, p])

    def predict(self, X: np.ndarray) -> np.ndarray:
        p = self.predict_proba(X)[:, 1]
        return self.classes_[(p > 0.5).astype(int)]

    def contributions(self, X: np.ndarray) -> np.ndarray:
        """Per-signal SHAP contributions (log-odds), shape (n, n_features); zeros without a model."""
        X = self._check_X(X)
        if self.booster_ is None or not len(X):
            return np.zeros((len(X), X.shape[1]))
        return self.booster_.predict(self._dmatrix(X), pred_contribs=True)[:, :-1]

    def split_points(self, feature: int) -> set[float]:
        """The thresholds the trees compare this feature with (a tree goes left when x < t)."""
        check_is_fitted(self)
        if self.booster_ is None:
            return set()
        trees = json.loads(bytes(self.booster_.save_raw(raw_format="json")))[
            "learner"]["gradient_booster"]["model"]["trees"]
        return {float(np.float32(t)) for tree in trees
                for f, t, left in zip(tree["split_indices"], tree["split_conditions"],
                                      tree["left_children"])
                if left != -1 and f == feature}

    # -- storage (xgboost's own JSON format: no pickle in the bundle) ---------------------------
    def to_bytes(self) -> bytes:
        check_is_fitted(self)
        if self.booster_ is None:
            return b""
        return bytes(self.booster_.save_raw(raw_format="json"))

    @classmethod
    def from_bytes(cls, concept: str, feature_names: list[str], params: dict, base_rate: float,
                   data: bytes) -> "ConceptModel":
        """The fitted model a bundle stored: its ``stored_params``, base rate and booster."""
        model = cls(concept, feature_names,
                    **{k: v for k, v in params.items() if k not in ("concept", "feature_names")})
        model.classes_ = np.array([0, 1])
        model.n_features_in_ = len(feature_names)
        model.base_rate_ = base_rate
        model.booster_ = None
        if data:
            booster = xgb.Booster()
            booster.load_model(bytearray(data))
            booster.set_param({"nthread": model.n_jobs})
            model.booster_ = booster
        return model


def binary_labels(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(classes_, y as float32 0/1). 0/1 labels keep their meaning even when a sample holds one
    of them only (its rows then score that base rate); other labels must be exactly two."""
    y_type = type_of_target(y, input_name="y", raise_unknown=True)
    if y_type != "binary":
        raise ValueError(f"Only binary classification is supported. The type of the target is "
                         f"{y_type}.")
    classes = np.unique(y)
    if y.dtype.kind in "biuf" and set(classes.tolist()) <= {0, 1}:
        return np.array([0, 1]), np.asarray(y, dtype=np.float32)
    if len(classes) < 2:
        raise ValueError("y has one class only: a binary classifier needs two")
    return classes, (y == classes[1]).astype(np.float32)
