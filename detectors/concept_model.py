"""One model per attack concept, on that concept's own signals only.

A thin scikit-learn-style estimator around XGBoost: parameters in ``__init__``, ``fit`` /
``predict_proba``, no hidden state beyond what ``fit`` learns. Rows where every signal of the
concept abstained (e.g. no From header at all) carry no evidence for this concept: they are left out
of training and scored as the training base rate, so "evidence missing" can never become a learned
attack indicator.
"""
from __future__ import annotations

import json
from typing import Optional

import numpy as np
import xgboost as xgb


class ConceptModel:
    def __init__(self, concept: str, feature_names: list[str], n_estimators: int = 300,
                 max_depth: int = 4, learning_rate: float = 0.08, subsample: float = 0.9,
                 colsample_bytree: float = 0.9, min_child_weight: float = 2.0, seed: int = 0,
                 n_jobs: int = 2):
        self.concept = concept
        self.feature_names = list(feature_names)
        self.n_estimators = n_estimators
        self.max_depth = max_depth
        self.learning_rate = learning_rate
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.min_child_weight = min_child_weight
        self.seed = seed
        self.n_jobs = n_jobs
        self.booster_: Optional[xgb.Booster] = None
        self.base_rate_: float = 0.5

    def get_params(self) -> dict:
        return {k: getattr(self, k) for k in ("n_estimators", "max_depth", "learning_rate",
                                              "subsample", "colsample_bytree",
                                              "min_child_weight", "seed", "n_jobs")}

    def fit(self, X: np.ndarray, y: np.ndarray) -> "ConceptModel":
        X = np.asarray(X, dtype=np.float32)
        y = np.asarray(y, dtype=np.float32)
        observed = ~np.all(np.isnan(X), axis=1)
        self.base_rate_ = float(y.mean()) if len(y) else 0.5
        if observed.sum() < 10 or len(np.unique(y[observed])) < 2:
            self.booster_ = None      # nothing learnable: every row scores the base rate
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

    def _safe_names(self) -> list[str]:
        # xgboost forbids some characters in feature names; dots are fine.
        return [n.replace("[", "(").replace("]", ")").replace("<", "lt") for n in self.feature_names]

    def _dmatrix(self, X: np.ndarray) -> xgb.DMatrix:
        return xgb.DMatrix(np.asarray(X, dtype=np.float32), feature_names=self._safe_names(),
                           missing=np.nan)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float32)
        p = np.full(len(X), self.base_rate_, dtype=np.float64)
        if self.booster_ is not None and len(X):
            observed = ~np.all(np.isnan(X), axis=1)
            if observed.any():     # in place: building a DMatrix costs more than predicting
                p[observed] = self.booster_.inplace_predict(X[observed], missing=np.nan)
        return np.column_stack([1.0 - p, p])

    def contributions(self, X: np.ndarray) -> np.ndarray:
        """Per-signal SHAP contributions (log-odds), shape (n, n_features); zeros without a model."""
        X = np.asarray(X, dtype=np.float32)
        if self.booster_ is None or not len(X):
            return np.zeros((len(X), len(self.feature_names)))
        return self.booster_.predict(self._dmatrix(X), pred_contribs=True)[:, :-1]

    def split_points(self, feature: int) -> set[float]:
        """The thresholds the trees compare this feature with (a tree goes left when x < t)."""
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
        if self.booster_ is None:
            return b""
        return bytes(self.booster_.save_raw(raw_format="json"))

    @classmethod
    def from_bytes(cls, concept: str, feature_names: list[str], params: dict, base_rate: float,
                   data: bytes) -> "ConceptModel":
        model = cls(concept, feature_names, **params)
        model.base_rate_ = base_rate
        if data:
            booster = xgb.Booster()
            booster.load_model(bytearray(data))
            booster.set_param({"nthread": model.n_jobs})
            model.booster_ = booster
        return model
