"""The per-message steps, as plain functions: parse, extract, score. Beam transforms
(pipelines/transforms.py) only wire these; training, dissection and the MLflow pyfunc call them
directly, so every path turns a message into a verdict the same way."""
from __future__ import annotations

import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Iterable, Optional, Sequence

import numpy as np

from detectors.bundle import MessageEvidence, ModelBundle
from detectors.signatures import SignatureIndex, apply_match, indicators_of
from features import catalogue as sigreg
from features.context import Context, load_org
from features.fingerprints import fingerprint
from features.limits import Limits, limit_reason, limits_hit
from features.message import ParsedMessage
from features.parsing import ParseError, parse_message
from detectors.verdicts import error_row, message_key, verdict_row

if TYPE_CHECKING:
    from features.text import TextEncoder

NO_HEADERS = "no-headers"      # the parser's defect: no RFC 5322 header block at all
NOT_AN_EMAIL = ("parse error: not an email: no RFC 5322 header block (the first line is neither "
                "a 'Name: value' header nor an mbox 'From ' line)")


# Scorer.stats key of an allow signature's clearing of a message the model called malicious.
OVERRIDE_PREFIX = "allow_overrode_malicious:"


@dataclass(frozen=True)
class ScoringOptions:
    """How the scorer trades speed for exactness; the same for every job (batch, stream)."""
    cascade: bool = True      # skip the encoder where the text model cannot change the verdict
    first_stage: bool = True  # ... and where the first stage (static vectors) decides, within the
    #                           margin the bundle calibrated on held-out sources (<= 0.4% of any
    #                           source's verdicts changed)
    encoder: str = "onnx"     # MiniLM's backend: onnx (default) | torch (reference); same vectors
    encoder_threads: int = 0  # per worker process; 0: every core


@dataclass(frozen=True)
class Item:
    """One message on its way through the pipeline. ``limits`` holds one reason per input limit
    that parsing or extraction hit (features/limits.py): the verdict rests on what was read."""
    key: str
    source: str
    msg: ParsedMessage
    evidence: MessageEvidence = field(default_factory=dict)
    limits: tuple[str, ...] = ()
    fingerprint: Optional[dict] = None    # for signature matching (features/fingerprints.py)


def parse_item(source: str, raw: bytes, read_error: Optional[str] = None,
               limits: Limits = Limits()) -> Item | dict:
    """An Item, or an error row naming the reason (never an exception)."""
    if read_error:
        return error_row(source, raw, f"read error: {read_error}")
    try:
        msg = parse_message(raw, limits=limits)
    except ParseError as exc:
        return error_row(source, raw, f"parse error: {exc}")
    if NO_HEADERS in msg.defects:
        # The parser reads on around a missing header block (features/parsing.py), but a verdict
        # on such input would pass off a text file (a README given as an archive) as benign mail.
        return error_row(source, raw, NOT_AN_EMAIL)
    hit = limits_hit(msg.defects)
    return Item(message_key(raw), source, msg,
                limits=tuple(limit_reason(name, limits, len(raw)) for name in hit))


def extract_item(item: Item, ctx: Context, fingerprints: bool = False) -> Item:
    """The item with its signals, run within the organisation's time budget per message, and,
    when analysts' signatures will be matched, its fingerprint."""
    limits = ctx.org.limits
    evidence = sigreg.evaluate(item.msg, ctx, deadline=time.monotonic() + limits.seconds)
    reasons = item.limits
    if any(sigreg.OUT_OF_TIME in cev for cev in evidence.values()):
        reasons = tuple(dict.fromkeys(reasons + (limit_reason("seconds", limits),)))
    return replace(item, evidence=evidence, limits=reasons,
                   fingerprint=fingerprint(item.msg, ctx) if fingerprints else None)


def signal_errors(evidence: MessageEvidence) -> list[str]:
    """Names of signals that raised on this message (a bug to count, not a reason to drop it)."""
    return [k for cev in evidence.values() for k in cev if k.endswith("!error")]


class Scorer:
    """A model bundle, the analysts' miss signatures, and the sentence encoders they read. Built
    once per worker (the Beam ModelHandler's ``load_model``), never per message.

    Signatures compare MiniLM vectors (``encoder``); the text model reads vectors of the space it
    was trained on: MiniLM's (the same vectors serve both) or the static one (``text_encoder``,
    features/text.py). The cascade: MiniLM is the most expensive step by an order of magnitude,
    so a message is run through it only when its text could change its verdict
    (``ModelBundle.text_score_bounds``) or a miss signature could. Each distinct text is embedded
    once (the encoders' caches).
    """

    def __init__(self, bundle: ModelBundle, encoder: Optional["TextEncoder"] = None,
                 signatures: Optional["SignatureIndex"] = None,
                 options: ScoringOptions = ScoringOptions()):
        from features.text import MINILM, STATIC, TextEncoder
        self.bundle = bundle
        self.signatures = signatures if signatures is not None and len(signatures) else None
        self.options = options
        space = bundle.text_head.space if bundle.text_head is not None else None
        if encoder is not None and encoder.space != MINILM:
            raise ValueError(f"the scorer's encoder must write MiniLM vectors, not {encoder.space}")
        if encoder is None and (space == MINILM or self.signatures is not None):
            encoder = TextEncoder(backend=options.encoder, threads=options.encoder_threads)
            encoder.load()           # start-up work now, not in the first message's latency
        self.encoder = encoder
        self.text_encoder = encoder if space == MINILM else None
        if space is not None and space != MINILM:
            self.text_encoder = TextEncoder(backend=space)
            self.text_encoder.load()
        # The learned cascade's first stage reads static vectors (microseconds a text).
        self.fast_encoder = None
        if options.cascade and options.first_stage and space == MINILM \
                and bundle.fast_head is not None and bundle.cascade:
            self.fast_encoder = TextEncoder(backend=STATIC)
            self.fast_encoder.load()
        # Running totals for the job's metrics: microseconds per stage, and what the encoder did.
        self.stats: Counter[str] = Counter()

    def embeddings(self, items: Sequence[Item]) -> tuple[Optional[np.ndarray], Optional[np.ndarray],
                                                         Optional[np.ndarray]]:
        """The text model's embeddings (a NaN row where the cascade skipped the encoder), each
        message's score bounds when the cascade could skip, and the first stage's text scores of
        the messages it decided (NaN elsewhere). The cascade applies to MiniLM only: a static
        vector costs less than the bounds do.

        Two steps: the exact one (``text_score_bounds``: no text score could change the verdict)
        and the learned one (the first stage's text score and the margin either side of it give one
        verdict: ``ModelBundle.first_stage``, its margin calibrated on held-out sources)."""
        if self.text_encoder is None:
            return None, None, None
        need = np.ones(len(items), dtype=bool)
        bounds = text_scores = None
        if self.options.cascade and self.text_encoder is self.encoder:
            evidences = [it.evidence for it in items]
            bounds = self.bundle.text_score_bounds(evidences)
            need = ~self.bundle.decided_without_text(bounds)
            if self.fast_encoder is not None and need.any():
                idx = np.flatnonzero(need)
                F = self._encode(self.fast_encoder, [items[i] for i in idx],
                                 np.ones(len(idx), dtype=bool))
                with self._timed("first_stage"):
                    fast_text = self.bundle.fast_text_scores(F)
                    decided = self.bundle.first_stage([evidences[i] for i in idx], fast_text)
                text_scores = np.full(len(items), np.nan)
                text_scores[idx[decided]] = fast_text[decided]
                need[idx[decided]] = False
                self.stats["first_stage_decided"] += int(decided.sum())
            if self.signatures is not None:
                could = self._signature_could_change(bounds)
                need |= could
                if text_scores is not None:
                    text_scores[could] = np.nan
        return self._encode(self.text_encoder, items, need), bounds, text_scores

    def signature_embeddings(self, items: Sequence[Item], text_embeddings: Optional[np.ndarray],
                             results: Sequence) -> Optional[np.ndarray]:
        """MiniLM vectors for signature matching: the text model's own when it reads MiniLM
        (the cascade already embedded every message a signature could change), otherwise only
        for the messages whose verdict, now known, a signature could still change."""
        if self.signatures is None or self.text_encoder is self.encoder:
            return text_embeddings
        scores = np.array([r.score for r in results])
        could = self._signature_could_change(np.column_stack([scores, scores]))
        return self._encode(self.encoder, items, could)

    def _encode(self, encoder: "TextEncoder", items: Sequence[Item],
                need: np.ndarray) -> np.ndarray:
        from features.text import DIM, MINILM, embedding_text
        E = np.full((len(items), DIM), np.nan, dtype=np.float32)
        idx = np.flatnonzero(need)
        hits, misses = encoder.hits, encoder.misses
        if len(idx):
            with self._timed("embeddings"):
                E[idx] = encoder.encode([embedding_text(items[i].msg) for i in idx])
        if encoder.space == MINILM:     # the job's encoder figures are about the costly one
            self.stats["embedding_cache_hits"] += encoder.hits - hits
            self.stats["embedding_texts_encoded"] += encoder.misses - misses
            self.stats["embeddings_skipped"] += len(items) - len(idx)
        else:
            self.stats["static_texts_encoded"] += encoder.misses - misses
        return E

    @contextmanager
    def _timed(self, stage: str):
        t = time.perf_counter_ns()
        try:
            yield
        finally:
            self.stats[f"us_{stage}"] += (time.perf_counter_ns() - t) // 1000

    def _signature_could_change(self, bounds: np.ndarray) -> np.ndarray:
        """A block signature lifts a verdict to malicious, an allow signature lowers it to
        benign: a message whose verdict one of them could change needs its embedding."""
        kinds = set(self.signatures.kinds)
        could = np.zeros(len(bounds), dtype=bool)
        if "block" in kinds:
            could |= bounds[:, 0] < self.bundle.thresholds["malicious"]
        if "allow" in kinds:
            could |= bounds[:, 1] >= self.bundle.thresholds["suspicious"]
        return could

    def rows(self, items: Sequence[Item], model_version: str) -> list[dict]:
        """Verdict rows for a batch of extracted items; a batch that fails is retried one by one
        so a single bad message becomes one error row, not a lost batch."""
        self.stats["batches"] += 1
        try:
            with self._timed("scoring"):          # embeddings included; see stage_times
                embeddings, bounds, text_scores = self.embeddings(items)
                results = self.bundle.score([it.evidence for it in items], embeddings, bounds,
                                            text_scores)
                matches = self.matches(items, self.signature_embeddings(items, embeddings,
                                                                        results))
        except Exception:  # noqa: BLE001 - isolate the offending message below
            if len(items) == 1:
                import traceback
                it = items[0]
                return [error_row(it.source, b"", "scoring error: " +
                                  traceback.format_exc(limit=1).strip().splitlines()[-1],
                                  model_version, it.msg.message_id, _from(it.msg), it.msg.subject)
                        | {"message_key": it.key}]
            return [row for it in items for row in self.rows([it], model_version)]
        rows = []
        for it, r, match in zip(items, results, matches):
            if match is not None and match.kind == "allow" and r.verdict == "malicious":
                # an allow clearing what the model calls an attack: counted for the analysts
                self.stats[OVERRIDE_PREFIX + match.signature_id] += 1
            score, verdict, reasons = apply_match(r.score, r.verdict, r.reasons, match,
                                                  self.bundle.thresholds)
            rows.append(verdict_row(
                it.key, it.source, it.msg.message_id, _from(it.msg), it.msg.subject, verdict,
                score, r.concepts, [*reasons, *it.limits], model_version,
                signature_match=match.similarity if match else 0.0,
                signature_id=match.signature_id if match else None))
        return rows

    def matches(self, items: Sequence[Item], embeddings: Optional[np.ndarray]) -> list:
        """The best signature match per message: by fingerprints (every message extracted with
        them) and by embedding where the message has one (the cascade embedded every message whose
        verdict a signature could change)."""
        if self.signatures is None:
            return [None] * len(items)
        with self._timed("signatures"):
            return self.signatures.match(
                embeddings, [indicators_of(it.msg) | (it.fingerprint or {}) for it in items])


def _from(msg: ParsedMessage) -> str:
    return msg.from_.address if msg.from_ else ""


def score_raw_messages(raws: Iterable[bytes], bundle: ModelBundle,
                       ctx: Optional[Context] = None, sources: Optional[Sequence[str]] = None,
                       model_version: Optional[str] = None,
                       signatures: Optional[SignatureIndex] = None) -> list[dict]:
    """Score raw messages without Beam (pyfunc serving, dissection, small jobs), in input order."""
    ctx = ctx or Context(load_org())
    version = model_version or bundle.version
    out: list[Optional[dict]] = []
    items: list[tuple[int, Item]] = []
    for i, raw in enumerate(raws):
        parsed = parse_item(sources[i] if sources else f"#{i}", raw, limits=ctx.org.limits)
        if isinstance(parsed, dict):
            out.append(parsed | {"model_version": version})
        else:
            out.append(None)
            items.append((i, extract_item(parsed, ctx, fingerprints=signatures is not None)))
    scorer = Scorer(bundle, signatures=signatures)
    for (i, _), row in zip(items, scorer.rows([it for _, it in items], version)):
        out[i] = row
    return out  # type: ignore[return-value]
