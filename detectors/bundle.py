"""The model bundle: four concept models, the combiner and the verdict thresholds, as one unit.

Stored as a folder of plain files (``bundle.json`` plus one xgboost JSON model per concept; no
pickle), logged to MLflow as one artifact, and shipped in the package as the default
(detectors/default_bundle). ``score`` turns the signals of a batch of messages into verdicts with
reasons; it is what the Beam ModelHandler calls.
"""
from __future__ import annotations

import io
import json
import math
import tarfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from detectors.combiner import Combiner, IdentityCombiner, combiner_from_dict, logit, sigmoid
from detectors.concept_model import ConceptModel
from detectors.text_head import TextHead
from features import catalogue as sigreg
from features.identity import convicting_rule, policy as identity_policy, wording_only
from features.signals import CONCEPTS, ConceptEvidence

FORMAT_VERSION = 1
MAX_REASONS = 5
DEFAULT_BUNDLE_DIR = Path(__file__).resolve().parent / "default_bundle"

MessageEvidence = dict[str, ConceptEvidence]   # concept -> signal name -> Evidence | None


@dataclass
class ScoreResult:
    score: float
    verdict: str
    concepts: dict[str, float]
    reasons: list[str]


def evidence_matrix(evidences: Sequence[MessageEvidence], concept: str,
                    names: Sequence[str]) -> np.ndarray:
    """Signal values of one concept as a float matrix; abstentions are NaN."""
    X = np.full((len(evidences), len(names)), np.nan, dtype=np.float32)
    for i, ev in enumerate(evidences):
        cev = ev.get(concept, {})
        for j, name in enumerate(names):
            e = cev.get(name)
            if e is not None:
                X[i, j] = e.value
    return X


def text_signal_names() -> list[str]:
    """The signals whose value the bundle's text model supplies (one per text-reading concept)."""
    return [s.name for s in sigreg.signals() if s.model_filled]


def with_text_scores(evidences: Sequence[MessageEvidence],
                     text_scores: Optional[np.ndarray]) -> list[MessageEvidence]:
    """Copies of the evidence with the text model's score filled into its signals."""
    if text_scores is None:
        return list(evidences)
    names = text_signal_names()
    out = []
    for ev, s in zip(evidences, text_scores):
        if math.isnan(s):          # not embedded (the cascade): the text signals abstain
            out.append(ev)
            continue
        ev = {c: dict(cev) for c, cev in ev.items()}
        for name in names:
            ev.setdefault(name.split(".")[0], {})[name] = sigreg.Evidence(float(s), f"{s:.2f}")
        out.append(ev)
    return out


def fill_text_columns(matrices: dict[str, np.ndarray], feature_names: dict[str, list[str]],
                      text_scores: np.ndarray) -> dict[str, np.ndarray]:
    """The same fill as ``with_text_scores``, on signal matrices (training tables)."""
    out = dict(matrices)
    for name in text_signal_names():
        concept = name.split(".")[0]
        if name in feature_names[concept]:
            m = out[concept].copy()
            m[:, feature_names[concept].index(name)] = text_scores
            out[concept] = m
    return out


def rule_offsets(evidences: Sequence[MessageEvidence], concept: str) -> tuple[np.ndarray, list]:
    """Fixed logit offsets of the fired rule-only signals (learned=False), and which fired."""
    rules = [s for s in sigreg.signals(concept) if not s.learned and not s.direction]
    off = np.zeros(len(evidences))
    fired: list[list] = [[] for _ in evidences]
    for i, ev in enumerate(evidences):
        cev = ev.get(concept, {})
        for s in rules:
            e = cev.get(s.name)
            if e is not None and e.value > 0:
                off[i] += s.weight
                fired[i].append((s, e))
    return off, fired


def identity_matrix(evidences: Sequence[MessageEvidence], names: Sequence[str]) -> np.ndarray:
    """The identity evidence the combiner sees (features/identity.py), one column per signal; an
    abstention is 0 ("no evidence either way"), never a value the model could learn from."""
    X = np.zeros((len(evidences), len(names)), dtype=np.float32)
    for j, name in enumerate(names):
        concept = name.split(".", 1)[0]
        for i, ev in enumerate(evidences):
            e = ev.get(concept, {}).get(name)
            if e is not None:
                X[i, j] = e.value
    return X


def fired_signals(ev: MessageEvidence) -> set[str]:
    """Names of the signals that fired (value > 0) on one message."""
    return {name for cev in ev.values() for name, e in cev.items()
            if e is not None and e.value > 0 and "!" not in name and ":" not in name}


def policy_masks(evidences: Sequence[MessageEvidence]) -> tuple[np.ndarray, np.ndarray]:
    """The identity policy of each message, from one reading of the signals that fired:
    (capped: a proven sender with a coherent identity and no concrete malicious act, whose
    wording alone may not take it over the suspicious threshold; convicted: the index of the
    convicting rule of features/data/identity_policy.yaml it falls under, -1 for none)."""
    fired = [fired_signals(ev) for ev in evidences]
    return (np.array([wording_only(f) for f in fired], dtype=bool),
            np.array([convicting_rule(f) for f in fired], dtype=int))


@dataclass
class ModelBundle:
    models: dict[str, ConceptModel]
    combiner: Combiner | IdentityCombiner
    thresholds: dict[str, float]                  # {"malicious": t, "suspicious": t}
    meta: dict = field(default_factory=dict)      # training sources, metrics, created, version
    text_head: Optional[TextHead] = None          # embedding -> attack wording; None: abstains
    # The learned cascade's first stage: a text head over static vectors (features/text.py), and
    # {"text_margin": m}: its verdict stands without MiniLM when its own text score and those m
    # either side of it give that verdict (m calibrated on held-out sources: pipelines/train.py).
    fast_head: Optional[TextHead] = None
    cascade: dict = field(default_factory=dict)

    @property
    def version(self) -> str:
        return str(self.meta.get("version", "unversioned"))

    # -- scoring --------------------------------------------------------------------------------
    def concept_scores(self, evidences: Sequence[MessageEvidence],
                       with_rules: bool = True) -> np.ndarray:
        """(n, 4) concept probabilities; rule-only signals shift their concept's log-odds."""
        matrices = {c: evidence_matrix(evidences, c, self.models[c].feature_names)
                    for c in CONCEPTS}
        offsets = np.column_stack([rule_offsets(evidences, c)[0] for c in CONCEPTS]) \
            if with_rules else None
        return self.concept_scores_from(matrices, offsets)

    def concept_scores_from(self, matrices: dict[str, np.ndarray],
                            offsets: Optional[np.ndarray] = None) -> np.ndarray:
        """Concept probabilities from signal matrices (columns in each model's feature order)."""
        cols = []
        for k, concept in enumerate(CONCEPTS):
            p = self.models[concept].predict_proba(matrices[concept])[:, 1]
            if offsets is not None:
                p = sigmoid(logit(p) + offsets[:, k])
            cols.append(p)
        return np.column_stack(cols)

    @property
    def identity_names(self) -> list[str]:
        return list(getattr(self.combiner, "identity_names", None) or [])

    @property
    def caps_wording(self) -> bool:
        """Bundles with the identity combiner also cap wording-only verdicts of proven senders."""
        return isinstance(self.combiner, IdentityCombiner)

    def wording_cap(self) -> float:
        """The highest score a wording-only message of a proven, coherent sender may get: just
        under the suspicious threshold."""
        return float(np.nextafter(self.thresholds["suspicious"], 0.0))

    def combine(self, S: np.ndarray, identity: np.ndarray,
                capped: Optional[np.ndarray] = None,
                convicted: Optional[np.ndarray] = None) -> np.ndarray:
        """Final scores from concept scores and identity evidence, with the wording cap applied
        to the rows in ``capped`` and the proven forgeries (``convicted``, from
        ``policy_masks``) raised to the malicious threshold."""
        return self.floor(self.cap(self.combiner.predict_proba(S, identity)[:, 1], capped),
                          convicted)

    def floor(self, scores: np.ndarray, convicted: Optional[np.ndarray]) -> np.ndarray:
        """``scores`` with the convicted rows (a rule index >= 0) raised to at least the malicious
        threshold. Like the wording cap, only bundles with the identity combiner apply it."""
        if convicted is None or not self.caps_wording or not (convicted >= 0).any():
            return scores
        return np.where(convicted >= 0, np.maximum(scores, self.thresholds["malicious"]), scores)

    def cap(self, scores: np.ndarray, capped: Optional[np.ndarray]) -> np.ndarray:
        """``scores`` with the rows in ``capped`` held under the suspicious threshold."""
        if capped is None or not self.caps_wording or not capped.any():
            return scores
        return np.where(capped, np.minimum(scores, self.wording_cap()), scores)

    def verdict_for(self, score: float) -> str:
        if score >= self.thresholds["malicious"]:
            return "malicious"
        if score >= self.thresholds["suspicious"]:
            return "suspicious"
        return "benign"

    @property
    def needs_embeddings(self) -> bool:
        return self.text_head is not None

    # -- the learned cascade: a cheap first stage, and when it must hand on ----------------------
    def fast_text_scores(self, fast_embeddings: np.ndarray) -> np.ndarray:
        """The first stage's text score: the text head over static vectors (features/text.py)."""
        return self.fast_head.predict_proba(np.asarray(fast_embeddings, dtype=np.float32))[:, 1]

    def first_stage(self, evidences: Sequence[MessageEvidence],
                    fast_text: np.ndarray) -> np.ndarray:
        """Which messages the first stage decides: those whose final score gives one verdict at
        the first stage's text score and at ``cascade["text_margin"]`` either side of it. Three
        text scores a message, not every split point of the concept models (hundreds): the final
        score need not be monotone in the text score, so this is a rule calibrated on held-out
        sources (pipelines/train.py ``cascade_margin``: at most 0.4% of any source's verdicts
        differ from MiniLM's), not a bound."""
        margin = float(self.cascade["text_margin"])
        p = np.clip(np.asarray(fast_text, dtype=np.float64), 0.0, 1.0)
        points = np.column_stack([np.clip(p - margin, 0.0, 1.0), p, np.clip(p + margin, 0.0, 1.0)])
        return one_verdict(self._final_at(evidences, points.astype(np.float32)), self.thresholds)

    def score(self, evidences: Sequence[MessageEvidence],
              embeddings: Optional[np.ndarray] = None,
              bounds: Optional[np.ndarray] = None,
              text_scores: Optional[np.ndarray] = None) -> list[ScoreResult]:
        """Verdicts for a batch. ``embeddings`` (n, 384) of each message's current-thread text feed
        the text model; without them, or in a row of NaN, its signals abstain. For a message left
        unembedded by the cascade, ``bounds`` (from ``text_score_bounds``) holds the range its
        full score lies in: the score reported is kept inside it, so the verdict is the one the
        text model would have given. ``text_scores`` (NaN where absent) are text-model scores
        already known for a row - the first stage's, where the cascade decided it - and take the
        place of its embedding."""
        if not evidences:
            return []
        skipped = np.zeros(len(evidences), dtype=bool)
        if self.text_head is not None and embeddings is not None:
            E = np.asarray(embeddings, dtype=np.float32)
            skipped = np.isnan(E).any(axis=1)
            scores = np.full(len(E), np.nan)
            if (~skipped).any():
                scores[~skipped] = self.text_head.predict_proba(E[~skipped])[:, 1]
            if text_scores is not None:
                known = skipped & ~np.isnan(text_scores)
                scores[known] = text_scores[known]
                skipped &= ~known
            evidences = with_text_scores(evidences, scores)
        elif embeddings is None:
            skipped[:] = True
        matrices = {c: evidence_matrix(evidences, c, self.models[c].feature_names)
                    for c in CONCEPTS}
        offsets = np.column_stack([rule_offsets(evidences, c)[0] for c in CONCEPTS])
        S = self.concept_scores_from(matrices, offsets)
        capped, convicted = policy_masks(evidences) if self.caps_wording else (None, None)
        identity = identity_matrix(evidences, self.identity_names)
        raw = self.combiner.predict_proba(S, identity)[:, 1]
        final = self.cap(raw, capped)
        if capped is not None:          # the reason names the cap only where it lowered a score
            capped = capped & (final < raw)
        final = self.floor(final, convicted)
        if capped is not None and convicted is not None:    # a conviction overrides the cap
            capped = capped & (convicted < 0)
        if bounds is not None:
            final = np.where(skipped, np.clip(final, bounds[:, 0], bounds[:, 1]), final)
        reasons = self._reasons(evidences, matrices, capped, convicted)
        out = []
        for i in range(len(evidences)):
            s = float(final[i])
            out.append(ScoreResult(
                score=s, verdict=self.verdict_for(s),
                concepts={c: float(S[i, k]) for k, c in enumerate(CONCEPTS)},
                reasons=reasons[i]))
        return out

    # -- the cascade: which messages the text model could still change ---------------------------
    @cached_property
    def text_grid(self) -> np.ndarray:
        """One text score from each interval between the concept models' splits on the text
        signals. Tree models are constant inside such an interval, so scoring a message at these
        points shows every final score the text model could lead to."""
        points = {0.0}
        for name in text_signal_names():
            model = self.models[name.split(".")[0]]
            if model.booster_ is not None and name in model.feature_names:
                points |= model.split_points(model.feature_names.index(name))
        return np.array(sorted(p for p in points if 0.0 <= p <= 1.0), dtype=np.float32)

    def text_score_bounds(self, evidences: Sequence[MessageEvidence]) -> np.ndarray:
        """(n, 2): the lowest and the highest final score each message could get, over every
        score the text model could give it. Where both give the same verdict, the embedding
        cannot change it: the cascade skips the encoder for that message.

        Most messages are settled by the two ends of the text score's range (0 and 1) giving
        different verdicts: for those the bounds are these two scores (a range already spanning
        two verdicts, not necessarily the widest). Only the others are scored at every point of
        ``text_grid``, which gives their exact range."""
        capped, convicted = policy_masks(evidences)
        ends = self._final_at(evidences, np.array([0.0, 1.0], dtype=np.float32), capped,
                              convicted)
        bounds = np.column_stack([ends.min(axis=1), ends.max(axis=1)])
        maybe = np.flatnonzero(self.decided_without_text(bounds))
        if len(maybe):
            full = self._final_at([evidences[i] for i in maybe], self.text_grid, capped[maybe],
                                  convicted[maybe])
            bounds[maybe] = np.column_stack([full.min(axis=1), full.max(axis=1)])
        return bounds

    def _final_at(self, evidences: Sequence[MessageEvidence], points: np.ndarray,
                  capped: Optional[np.ndarray] = None,
                  convicted: Optional[np.ndarray] = None) -> np.ndarray:
        """(n, k): each message's final score with the text model's score set to each of ``points``
        in turn: k points for every message, or an (n, k) array of each message's own.
        ``capped`` and ``convicted`` (``policy_masks``) when the caller has them."""
        if capped is None or convicted is None:
            capped, convicted = policy_masks(evidences)
        n, k = len(evidences), points.shape[-1]
        per_row = points.reshape(-1) if points.ndim == 2 else np.tile(points, n)
        text_names = set(text_signal_names())
        offsets = np.column_stack([rule_offsets(evidences, c)[0] for c in CONCEPTS])
        cols = []
        for j, concept in enumerate(CONCEPTS):
            model = self.models[concept]
            X = evidence_matrix(evidences, concept, model.feature_names)
            text_cols = [i for i, name in enumerate(model.feature_names) if name in text_names]
            if text_cols:
                X = np.repeat(X, k, axis=0)
                X[:, text_cols] = per_row[:, None]
                p = model.predict_proba(X)[:, 1]
            else:
                p = np.repeat(model.predict_proba(X)[:, 1], k)
            cols.append(sigmoid(logit(p) + np.repeat(offsets[:, j], k)))
        ident = np.repeat(identity_matrix(evidences, self.identity_names), k, axis=0)
        return self.combine(np.column_stack(cols), ident,
                            np.repeat(capped, k) if self.caps_wording else None,
                            np.repeat(convicted, k)).reshape(n, k)

    def decided_without_text(self, bounds: np.ndarray) -> np.ndarray:
        """Which messages get the same verdict at both ends of their bounds."""
        return verdict_band(bounds[:, 0], self.thresholds) == \
            verdict_band(bounds[:, 1], self.thresholds)

    def _reasons(self, evidences: Sequence[MessageEvidence], matrices: dict[str, np.ndarray],
                 capped: Optional[np.ndarray] = None,
                 convicted: Optional[np.ndarray] = None) -> list[list[str]]:
        """The fired signals that pushed the verdict up, strongest first, each naming its concept;
        first of all, the convicting rule that fired, if one did.

        Strength = the signal's contribution to its concept model (tree SHAP, log-odds) - or its fixed
        weight for rule-only signals - times the combiner's weight on that concept. Contributions
        are computed only for messages where a learned signal of the concept fired. Identity
        evidence is said in words too: a proven mismatch among the strongest reasons, a proven
        coherent sender after them (first, when it is what kept wording from convicting).
        """
        ranked: list[list[tuple[float, str]]] = [[] for _ in evidences]
        for k, concept in enumerate(CONCEPTS):
            m = self.models[concept]
            coef = float(self.combiner.concept_weights[k])
            X = matrices[concept]
            fired = np.flatnonzero((X > 0).any(axis=1))
            contrib = m.contributions(X[fired])
            sigs = [sigreg.lookup(n) for n in m.feature_names]
            for row, i in enumerate(fired):
                cev = evidences[i].get(concept, {})
                for j in np.flatnonzero(X[i] > 0):
                    sig = sigs[j]
                    e = cev.get(m.feature_names[j])
                    if sig is None or e is None:
                        continue
                    strength = float(contrib[row, j]) * coef
                    if strength > 0.05:
                        ranked[i].append((strength, sig.explain(e)))
            _, hits = rule_offsets(evidences, concept)
            for i, fired_rules in enumerate(hits):
                for sig, e in fired_rules:
                    ranked[i].append((sig.weight * coef, sig.explain(e)))
        out = []
        idents = sigreg.identity_signals()
        for i, r in enumerate(ranked):
            ev = evidences[i]
            up = [(2.0, sig.explain(e)) for sig in idents if sig.direction > 0
                  for e in [ev.get(sig.concept, {}).get(sig.name)] if e is not None and e.value > 0]
            down = [sig.explain(e) for sig in idents if sig.direction < 0
                    for e in [ev.get(sig.concept, {}).get(sig.name)] if e is not None and e.value > 0]
            texts = [t for _, t in sorted(r + up, key=lambda t: -t[0])]
            coherent = [t for t in down if "coherent" in t] or down[:1]
            if capped is not None and capped[i]:
                texts = [f"{coherent[0]} (wording alone does not convict a proven, coherent "
                         "sender)"] \
                    + texts
            elif coherent:
                texts = texts[:MAX_REASONS - 1] + coherent[:1]
            if convicted is not None and convicted[i] >= 0:
                rule = identity_policy().convicting[convicted[i]]
                texts = [f"impersonation: {rule.sentence} ({rule.name})"] + texts
            out.append(texts[:MAX_REASONS])
        return out

    # -- storage --------------------------------------------------------------------------------
    def to_files(self) -> dict[str, bytes]:
        doc = {
            "format_version": FORMAT_VERSION,
            "concepts": {c: {"feature_names": m.feature_names, "params": m.stored_params(),
                             "base_rate": m.base_rate_} for c, m in self.models.items()},
            "combiner": self.combiner.to_dict(),
            "thresholds": self.thresholds,
            "meta": self.meta,
            "text_head": self.text_head.to_dict() if self.text_head is not None else None,
            "fast_head": self.fast_head.to_dict() if self.fast_head is not None else None,
            "cascade": self.cascade,
        }
        files = {"bundle.json": json.dumps(doc, indent=2, sort_keys=True).encode()}
        for c, m in self.models.items():
            files[f"{c}.xgb.json"] = m.to_bytes()
        return files

    @classmethod
    def from_files(cls, files: dict[str, bytes]) -> "ModelBundle":
        try:
            doc = json.loads(files["bundle.json"])
        except (KeyError, ValueError) as exc:
            raise ValueError(f"not a sedetect model bundle: {exc}") from exc
        if doc.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"unsupported bundle format {doc.get('format_version')}")
        models = {}
        for c in CONCEPTS:
            spec = doc["concepts"][c]
            models[c] = ConceptModel.from_bytes(c, spec["feature_names"], spec["params"],
                                                spec["base_rate"], files.get(f"{c}.xgb.json", b""))
        head = TextHead.from_dict(doc["text_head"]) if doc.get("text_head") else None
        fast = TextHead.from_dict(doc["fast_head"]) if doc.get("fast_head") else None
        return cls(models, combiner_from_dict(doc["combiner"]),
                   {k: float(v) for k, v in doc["thresholds"].items()}, doc.get("meta", {}), head,
                   fast, dict(doc.get("cascade") or {}))

    def save(self, folder: str | Path) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in self.to_files().items():
            (folder / name).write_bytes(data)
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> "ModelBundle":
        folder = Path(folder)
        if not (folder / "bundle.json").is_file():
            raise ValueError(f"{folder} holds no bundle.json: not a sedetect model bundle")
        return cls.from_files({p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()})

    def to_bytes(self) -> bytes:
        """One blob (tar) that travels inside a Beam ModelHandler to any worker."""
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tar:
            for name, data in sorted(self.to_files().items()):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, blob: bytes) -> "ModelBundle":
        with tarfile.open(fileobj=io.BytesIO(blob), mode="r") as tar:
            return cls.from_files({m.name: tar.extractfile(m).read() for m in tar.getmembers()
                                   if m.isfile() and "/" not in m.name})


def threshold_at_fpr(benign_scores: np.ndarray, fpr: float) -> float:
    """Lowest score threshold whose false-positive rate on these benign scores is <= fpr."""
    s = np.sort(np.asarray(benign_scores, dtype=np.float64))
    if not len(s):
        return 0.5
    k = int(math.floor(len(s) * (1 - fpr)))
    k = min(max(k, 0), len(s) - 1)
    return float(np.nextafter(s[k], 1.0))


def one_verdict(finals: np.ndarray, thresholds: dict) -> np.ndarray:
    """Whether each row of ``finals`` (n, k: a message's final scores at k text scores) gives a
    single verdict. ``thresholds`` may hold one value per row."""
    th = {k: np.asarray(v)[:, None] if np.ndim(v) else v for k, v in thresholds.items()}
    band = verdict_band(finals, th)
    return (band == band[:, :1]).all(axis=1)


def verdict_band(scores: np.ndarray, thresholds: dict) -> np.ndarray:
    """0 benign, 1 suspicious, 2 malicious for each score (``verdict_for``, vectorised);
    ``thresholds`` may hold one value per score."""
    s = np.asarray(scores)
    return (s >= np.asarray(thresholds["suspicious"])).astype(int) + \
        (s >= np.asarray(thresholds["malicious"]))
