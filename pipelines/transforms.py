"""The composite transforms shared by the batch and streaming jobs.

    raw messages ─> ParseMessages ─> ExtractConcepts ─> ScoreMessages ─> verdict rows
                       └─ a message that cannot be read or parsed becomes an error row here

Each step only wires a pure function from detectors/scoring.py; errors are counted with Beam
Metrics and become error rows, so rows out == messages in. Error rows (dead letters) ride along
the same single chain, passed through untouched by the later steps, rather than taking a side
output that is flattened back in: the FnApiRunner does not fuse a Flatten, and the streaming job
needs one fused stage from source to sink so that each poll's verdicts are written (and their
entries acknowledged) when its bundle ends.
"""
from __future__ import annotations

import gc
import sys
import time
from typing import Any, Iterable, Optional, Sequence

from pipelines.quiet_child import skip_beam_model_manager
skip_beam_model_manager()        # before Beam's inference module: it would import torch

import apache_beam as beam  # noqa: E402
from apache_beam.metrics import Metrics  # noqa: E402
from apache_beam.ml.inference.base import ModelHandler, PredictionResult, RunInference  # noqa: E402

from detectors.bundle import ModelBundle
from detectors.signatures import SignatureIndex
from features.context import Context, OrgConfig
from features.limits import Limits
from features.profile import CommunicationProfile
from pipelines import storage
from pipelines.memory import trim_heap
from detectors.scoring import (Item, Scorer, ScoringOptions, extract_item, parse_item,
                              signal_errors)

NAMESPACE = "sedetect"
SIGNATURES_NAMESPACE = "signatures"


class _StageTimer:
    """The microseconds a stage spends: a counter (the job's per-stage totals) and a distribution
    (its slowest single message)."""

    def __init__(self, stage: str):
        self.total = Metrics.counter(NAMESPACE, f"us_{stage}")
        self.each = Metrics.distribution(NAMESPACE, f"us_{stage}_per_message")

    def add(self, start_ns: int) -> None:
        us = (time.perf_counter_ns() - start_ns) // 1000
        self.total.inc(us)
        self.each.update(us)


class _ParseFn(beam.DoFn):
    def __init__(self, limits: Limits):
        self.limits = limits
        self.parsed = Metrics.counter(NAMESPACE, "parsed")
        self.read_errors = Metrics.counter(NAMESPACE, "read_errors")
        self.parse_errors = Metrics.counter(NAMESPACE, "parse_errors")
        self.us = _StageTimer("parse")

    def process(self, raw_message) -> Iterable[Any]:
        t = time.perf_counter_ns()
        result = parse_item(raw_message.source, raw_message.raw, raw_message.error, self.limits)
        self.us.add(t)
        if isinstance(result, Item):
            self.parsed.inc()
        else:
            (self.read_errors if raw_message.error else self.parse_errors).inc()
        yield result


class ParseMessages(beam.PTransform):
    """RawMessage -> Item, or an error row (a dict naming the reason) for what cannot be read or
    parsed. Each message is read within ``limits`` (the organisation's ``OrgConfig.limits``)."""

    def __init__(self, limits: Limits = Limits()):
        super().__init__()
        self.limits = limits

    def expand(self, pcoll):
        return pcoll | "Parse" >> beam.ParDo(_ParseFn(self.limits))


def is_error_row(element: Any) -> bool:
    return isinstance(element, dict)


class _ExtractFn(beam.DoFn):
    def __init__(self, org: OrgConfig, fingerprints: bool = False):
        self.org = org
        self.fingerprints = fingerprints
        self.signal_errors = Metrics.counter(NAMESPACE, "signal_errors")
        self.us = _StageTimer("features")

    def process(self, item: Item | dict, profile: Optional[CommunicationProfile] = None):
        if is_error_row(item):
            yield item
            return
        t = time.perf_counter_ns()
        out = extract_item(item, Context(self.org, profile), self.fingerprints)
        self.us.add(t)
        errors = signal_errors(out.evidence)
        if errors:
            self.signal_errors.inc(len(errors))
        yield out


class ExtractConcepts(beam.PTransform):
    """Item -> Item with the four concepts' signals (error rows pass through). ``profile`` is an
    optional PCollection holding one CommunicationProfile, used as a side input; without it
    behavioural signals abstain. With ``fingerprints`` (the job has analysts' signatures) each item
    also carries what signature matching reads (features/fingerprints.py)."""

    def __init__(self, org: OrgConfig, profile=None, fingerprints: bool = False):
        super().__init__()
        self.org = org
        self.profile = profile
        self.fingerprints = fingerprints

    def expand(self, pcoll):
        fn = _ExtractFn(self.org, self.fingerprints)
        if self.profile is None:
            return pcoll | "Signals" >> beam.ParDo(fn)
        return pcoll | "Signals" >> beam.ParDo(fn, profile=beam.pvalue.AsSingleton(self.profile))


class BundleModelHandler(ModelHandler[Item, dict, Scorer]):
    """Batches Items through a ModelBundle; error rows in the batch come out stamped with the model
    version.

    The bundle reaches the workers one of two ways. As bytes inside the handler (``bundle_bytes``):
    any runner's workers can load it without access to the disk or MLflow store it came from.
    Or as the path of a bundle folder on storage every worker reaches (``bundle_uri``: gs://,
    s3://, any scheme Beam's FileSystems knows): the handler stays small and each worker process
    reads the folder once, when RunInference loads the model. Exactly one of the two is given."""

    def __init__(self, bundle_bytes: Optional[bytes], model_version: str,
                 signature_bytes: Optional[bytes] = None, max_batch_size: int = 512,
                 options: ScoringOptions = ScoringOptions(), bundle_uri: Optional[str] = None):
        # Batches of at least 128 (or the rest of a bundle): each batch costs a dozen model calls
        # and an encoder call whatever its size, and Beam's batcher otherwise starts every bundle
        # at 1 and doubles (mean batch 71 messages; 357 this way, and the 5,000-message bench
        # archive scored in 31.4 s instead of 36.8 s).
        super().__init__(min_batch_size=128, max_batch_size=max_batch_size)
        if (bundle_bytes is None) == (bundle_uri is None):
            raise ValueError("give the bundle as bytes or as a folder's URI, not both or neither")
        self.bundle_bytes = bundle_bytes
        self.bundle_uri = bundle_uri
        self.model_version = model_version
        self.signature_bytes = signature_bytes
        self.options = options

    def load_model(self) -> Scorer:
        signatures = (SignatureIndex.from_bytes(self.signature_bytes)
                      if self.signature_bytes else None)
        bundle = (ModelBundle.from_bytes(self.bundle_bytes) if self.bundle_bytes is not None
                  else load_bundle_folder(self.bundle_uri))
        scorer = Scorer(bundle, signatures=signatures, options=self.options)
        # The model, the encoders and every module live as long as the worker: out of the
        # collector's full collections, which otherwise walk them all (pauses of about 200 ms in
        # the stream job, the largest part of its p99 latency). Unfrozen first: a process that
        # loads again (the stream's --in-process runs) collects what the last run left behind.
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        return scorer

    def run_inference(self, batch: Sequence[Item], model: Scorer,
                      inference_args: Optional[dict] = None) -> Iterable[PredictionResult]:
        items = [x for x in batch if not is_error_row(x)]
        before = dict(model.stats)
        rows = model.rows(items, self.model_version) if items else []
        for name, value in model.stats.items():      # this batch's share of the running totals
            if value != before.get(name, 0):
                Metrics.counter(NAMESPACE, name).inc(value - before.get(name, 0))
        trim_heap()        # give the encoder's freed buffers back (see pipelines/memory.py)
        for row in rows:
            if row.get("signature_id"):      # each signature's matches, for the analysts
                Metrics.counter(SIGNATURES_NAMESPACE, row["signature_id"]).inc()
        scored = iter(rows)
        return [PredictionResult(x, x | {"model_version": self.model_version} if is_error_row(x)
                                 else next(scored)) for x in batch]

    def get_num_bytes(self, batch: Sequence[Item]) -> int:
        # The default pickles the whole batch just to count it; text length is a fair proxy.
        return sum(0 if is_error_row(x) else len(x.msg.text) for x in batch)

    def get_metrics_namespace(self) -> str:
        return NAMESPACE


def load_bundle_folder(uri: str) -> ModelBundle:
    """A bundle folder on storage reached through Beam's FileSystems, read with the bundle's own
    loader (``ModelBundle.from_files``, as ``ModelBundle.load`` does for a local folder)."""
    files = storage.read_folder(uri)
    if "bundle.json" not in files:
        raise FileNotFoundError(f"{uri} holds no bundle.json: not a sedetect model bundle folder")
    return ModelBundle.from_files(files)


class _CountVerdicts(beam.DoFn):
    def __init__(self):
        self.counters = {v: Metrics.counter(NAMESPACE, f"verdict_{v}")
                         for v in ("malicious", "suspicious", "benign", "error")}

    def process(self, row: dict):
        self.counters[row["verdict"]].inc()
        yield row


class ScoreMessages(beam.PTransform):
    """Item (with signals) -> verdict row, through RunInference and the model bundle."""

    def __init__(self, bundle_bytes: Optional[bytes], model_version: str,
                 signature_bytes: Optional[bytes] = None,
                 options: ScoringOptions = ScoringOptions(), bundle_uri: Optional[str] = None):
        super().__init__()
        self.handler = BundleModelHandler(bundle_bytes, model_version, signature_bytes,
                                          options=options, bundle_uri=bundle_uri)

    def expand(self, pcoll):
        return (pcoll
                | "RunInference" >> RunInference(self.handler)
                | "ToRows" >> beam.Map(lambda pr: pr.inference))


class ScoreArchive(beam.PTransform):
    """The whole per-message path: RawMessage -> exactly one verdict or error row each. The
    bundle is given as bytes, or as ``bundle_uri`` (see BundleModelHandler)."""

    def __init__(self, org: OrgConfig, bundle_bytes: Optional[bytes], model_version: str,
                 profile=None, signature_bytes: Optional[bytes] = None,
                 options: ScoringOptions = ScoringOptions(), bundle_uri: Optional[str] = None):
        super().__init__()
        self.org = org
        self.bundle_bytes = bundle_bytes
        self.bundle_uri = bundle_uri
        self.model_version = model_version
        self.profile = profile
        self.signature_bytes = signature_bytes
        self.options = options

    def expand(self, raw_messages):
        return (raw_messages
                | "ParseMessages" >> ParseMessages(self.org.limits)
                | "ExtractConcepts" >> ExtractConcepts(self.org, self.profile,
                                                       bool(self.signature_bytes))
                | "ScoreMessages" >> ScoreMessages(self.bundle_bytes, self.model_version,
                                                   self.signature_bytes, self.options,
                                                   self.bundle_uri)
                | "CountVerdicts" >> beam.ParDo(_CountVerdicts()))


class ShowProgress(beam.DoFn):
    """A progress bar on a terminal (stderr); a no-op elsewhere. One bar per worker process."""

    def __init__(self, total: Optional[int] = None):
        self.total = total
        self._bar = None

    def setup(self):
        if sys.stderr.isatty():
            from tqdm import tqdm
            self._bar = tqdm(total=self.total, unit="msg", desc="scoring", file=sys.stderr,
                             mininterval=0.5, leave=False)

    def process(self, row):
        if self._bar is not None:
            self._bar.update(1)
        yield row

    def teardown(self):
        if self._bar is not None:
            self._bar.close()
