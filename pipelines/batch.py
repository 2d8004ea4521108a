"""The batch job: score mail archives into a Parquet (or JSONL) file of verdict rows.

    sedetect score INPUT... -o OUT.parquet [--model-uri URI] [--profile P] [Beam options]

Only the edges are batch-specific (archive readers, file writers); the per-message path is the
shared ScoreArchive transform.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Optional

import apache_beam as beam
from apache_beam.options.pipeline_options import (PipelineOptions, SetupOptions,
                                                  StandardOptions, WorkerOptions)

from features.context import load_org
from features.profile import CommunicationProfile
from pipelines.errors import UserError, check_output_file, resolve_model
from pipelines.quiet_child import quiet_workers
from pipelines import storage
from pipelines.readers import RawMessage, ReadArchives, ReadTask
from features.text import MINILM_BACKENDS, usable_cores
from detectors.verdicts import VERDICT_SCHEMA
from detectors.scoring import NOT_AN_EMAIL, OVERRIDE_PREFIX, ScoringOptions
from pipelines.transforms import NAMESPACE, SIGNATURES_NAMESPACE, ScoreArchive, ShowProgress


def beam_options(beam_args: list[str]) -> PipelineOptions:
    """Beam options with an offline-safe default runner (a bare Pipeline would try to download
    the Prism runner)."""
    args = list(beam_args)
    if not any(a == "--runner" or a.startswith("--runner=") for a in args):
        args.append("--runner=FnApiRunner")
    return PipelineOptions(args, save_main_session=False)


def add_score_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help=".eml file, folder of .eml (recursive), mbox, mbox.gz, Maildir, or "
                             "Parquet with a binary 'raw' column")
    parser.add_argument("-o", "--output", required=True,
                        help="output file: .parquet (default) or .jsonl")
    parser.add_argument("--model-uri", default=None,
                        help="models:/sedetect@champion (default), models:/NAME/VERSION, or "
                             "a bundle folder: on this machine (sent "
                             "to the workers inside the job), or on storage the workers read "
                             "(gs://BUCKET/bundle: each worker reads it there)")
    parser.add_argument("--config", default=None, help="organisation config (YAML); default: "
                        "the packaged configs/default.yaml")
    parser.add_argument("--profile", default=None,
                        help="communication profile (JSON from `sedetect profile build`); default: "
                             "$SEDETECT_HOME/profile.json when it exists")
    parser.add_argument("--no-profile", action="store_true", help="score without a profile")
    parser.add_argument("--no-signatures", action="store_true",
                        help="ignore the analysts' miss signatures (the model alone)")
    parser.add_argument("--chunk-mb", type=int, default=64,
                        help="split plain mbox files into chunks of at most this size for "
                             "parallel reads (smaller with several local workers, so that each "
                             "gets several)")
    add_scoring_options(parser)
    parser.add_argument("--summary-json", default=None,
                        help="also write the job's summary (counts, per-stage times, embedding "
                             "cache) to this JSON file")


def add_scoring_options(parser: argparse.ArgumentParser) -> None:
    """The speed options every scoring job takes (score, rescore, stream)."""
    parser.add_argument("--no-cascade", action="store_true",
                        help="embed every message, even where the text model cannot change the "
                             "verdict (slower; the verdicts are the same, the scores of those "
                             "messages exact)")
    parser.add_argument("--no-first-stage", action="store_true",
                        help="keep only the exact cascade: run MiniLM for every message whose "
                             "verdict any text score could change, not only for those the first "
                             "stage (static vectors) cannot decide within its calibrated margin "
                             "(slower; the first stage changes at most 0.4%% of a held-out "
                             "source's verdicts, see README, Speed)")
    parser.add_argument("--encoder", choices=MINILM_BACKENDS, default="onnx",
                        help="how MiniLM runs: onnx (exported once per machine on first use, "
                             "more than twice as fast) or torch (the reference); both give the "
                             "same vectors. A model trained on the static encoder reads static "
                             "vectors whatever this says; MiniLM then serves miss signatures only")


def scoring_options(args: argparse.Namespace, beam_args: Optional[list[str]] = None
                    ) -> ScoringOptions:
    return ScoringOptions(cascade=not args.no_cascade, first_stage=not args.no_first_stage,
                          encoder=args.encoder,
                          encoder_threads=threads_per_worker(beam_args or []))


def local_worker_count(beam_args: list[str]) -> int:
    """How many worker processes on this machine the job runs on: the direct runner's in
    multi_processing mode, or the local cluster ``pipelines.dask_runner.DaskRunner`` starts; 1
    otherwise (one process, or a remote runner whose machines we cannot see)."""
    options = beam_options(beam_args)
    local_dask = dask_workers(options)          # the Dask runner's local cluster, if any
    if local_dask is not None:
        return max(1, local_dask)
    opts = options.get_all_options()
    if opts.get("direct_running_mode") != "multi_processing":
        return 1
    return max(1, opts.get("direct_num_workers") or 1)


def threads_per_worker(beam_args: list[str]) -> int:
    """Encoder threads for each local worker process: the cores shared out (0, every core, for
    one worker or a remote runner)."""
    workers = local_worker_count(beam_args)
    return max(1, usable_cores() // workers) if workers > 1 else 0


# Tasks per local worker when plain mbox files are split: enough that one long chunk does not
# leave the other workers idle at the end (5,000 messages, 59 MB, on 2 workers: 28.7 s in 4 MB
# chunks, 27.7 s in 2 MB, 26.5 s in 1 MB).
TASKS_PER_WORKER = 16
MIN_CHUNK_BYTES = 1 << 20


def chunk_for_workers(tasks: list[ReadTask], chunk_bytes: int, workers: int) -> int:
    """The chunk size for plain mbox files, from the reads planned at ``chunk_bytes``: that at
    most, smaller when it would give several local workers fewer than TASKS_PER_WORKER reads each
    (a 59 MB archive in the default 64 MB chunk is one read: one worker works, the others wait)."""
    if workers <= 1:
        return chunk_bytes
    total = sum(t.end - t.start for t in tasks if t.format == "mbox" and t.end >= 0)
    want = total // (TASKS_PER_WORKER * workers)
    return max(MIN_CHUNK_BYTES, min(chunk_bytes, want)) if total else chunk_bytes


def load_profile(path: Optional[str], disabled: bool = False) -> Optional[CommunicationProfile]:
    from detectors.registry import sedetect_home
    if disabled:
        return None
    if path:
        return CommunicationProfile.load(path)
    default = sedetect_home() / "profile.json"
    return CommunicationProfile.load(default) if default.is_file() else None


def is_jsonl(output: str) -> bool:
    return output.endswith(".jsonl") or output.endswith(".json")


def remote_shard_prefix(output: str) -> str:
    """Where the shards of a remote output go: the output without its extension (Beam's sink
    adds ``-SSSSS-of-NNNNN`` and the extension), beside where the one file would be."""
    for ext in (".parquet", ".jsonl", ".json"):
        if output.endswith(ext):
            return output[: -len(ext)]
    return output


def shard_pattern(prefix: str, jsonl: bool) -> str:
    """The glob matching every shard the sink writes under ``prefix``."""
    return f"{prefix}-*-of-*{'.jsonl' if jsonl else '.parquet'}"


def build(p: beam.Pipeline, reader: ReadArchives, shards: str, jsonl: bool, org,
          bundle_bytes: Optional[bytes], model_version: str,
          profile: Optional[CommunicationProfile] = None,
          signature_bytes: Optional[bytes] = None, since: Optional[datetime] = None,
          options: ScoringOptions = ScoringOptions(), bundle_uri: Optional[str] = None) -> None:
    """Wire the batch pipeline onto ``p``: read -> [sent since] -> ScoreArchive -> write. The
    model is ``bundle_bytes``, or ``bundle_uri`` when the workers read it from shared storage
    (``model_for_workers``).

    Rows are written as each bundle of work finishes, one shard file per bundle under the
    ``shards`` prefix (``merge_shards`` joins them into the one output file afterwards). A fixed
    number of shards would make Beam group every row by shard first: all the verdicts of an
    archive in memory at once (a few KB each: tens of GB for ten million messages)."""
    profile_pc = p | "Profile" >> beam.Create([profile]) if profile is not None else None
    raw = p | "ReadArchives" >> reader
    if since is not None:
        raw = raw | "SentSince" >> beam.Filter(sent_since, since)
    rows = (raw
            | "ScoreArchive" >> ScoreArchive(org, bundle_bytes, model_version, profile_pc,
                                             signature_bytes, options, bundle_uri)
            | "Progress" >> beam.ParDo(ShowProgress()))
    if jsonl:
        _ = (rows | "ToJson" >> beam.Map(json.dumps)
             | "WriteJsonl" >> beam.io.WriteToText(shards, file_name_suffix=".jsonl"))
    else:
        _ = rows | "WriteParquet" >> beam.io.WriteToParquet(shards, VERDICT_SCHEMA,
                                                            file_name_suffix=".parquet")


def model_for_workers(model_uri: Optional[str], bundle) -> tuple[Optional[bytes], Optional[str]]:
    """How the resolved bundle reaches the workers: (bundle bytes, bundle URI), one of them
    None, for ``build``. A bundle folder on remote storage (gs://, s3://, any scheme Beam's
    FileSystems knows) goes as its path: the job stays small and each worker process reads the
    folder once, through FileSystems. Anything else (a local folder, a models:/ URI) goes as the
    bundle's bytes, inside the job: workers may see neither this machine's disk nor its MLflow
    store."""
    if model_uri and storage.is_remote(model_uri):
        return None, model_uri
    return bundle.to_bytes(), None


def merge_shards(folder: Path, output: str, jsonl: bool) -> None:
    """Join the shard files into ``output`` in one pass, a row group (or a line) at a time, and
    move it into place in one step; an empty job still writes a file with the schema."""
    parts = sorted(folder.glob("part-*"))
    tmp = folder / ("merged.jsonl" if jsonl else "merged.parquet")
    if jsonl:
        with open(tmp, "wb") as out:
            for part in parts:
                with open(part, "rb") as fh:
                    shutil.copyfileobj(fh, out)
    else:
        import pyarrow.parquet as pq
        with pq.ParquetWriter(tmp, VERDICT_SCHEMA) as writer:
            for part in parts:
                pf = pq.ParquetFile(part)
                for i in range(pf.num_row_groups):
                    writer.write_table(pf.read_row_group(i))
    os.replace(tmp, output)


def sent_since(message: RawMessage, since: datetime) -> bool:
    """Whether the message's Date header is at or after ``since`` (a retro-hunt window). Messages
    without a readable date are kept: nothing is left out for lack of a header. The date selects
    what to re-score; it is never a model feature."""
    from email.parser import BytesHeaderParser
    from email.utils import parsedate_to_datetime
    try:
        value = BytesHeaderParser().parsebytes(message.raw[:65536]).get("Date")
        when = parsedate_to_datetime(str(value)) if value else None
    except (TypeError, ValueError, IndexError):
        return True
    if when is None:
        return True
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when >= since


def summarize(output: str, seconds: float, metrics: Optional[dict] = None,
              files: Optional[list[str]] = None) -> dict:
    """Read the written rows back and count them (a batch at a time): the one-screen summary,
    with the error rows counted by kind (``error_kinds``: "parse error: not an email" -> n).
    ``files``: the shards to read instead of ``output`` (a remote output is not merged)."""
    counts: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for path in files if files is not None else [output]:
        _count_rows(path, is_jsonl(output), counts, kinds)
    n = sum(counts.values())
    return {"messages": n, "verdicts": {v: counts.get(v, 0) for v in
                                        ("malicious", "suspicious", "benign", "error")},
            "error_kinds": dict(kinds.most_common()),
            "seconds": round(seconds, 2), "msgs_per_s": round(n / seconds, 1) if seconds else None,
            "output": output, "metrics": metrics or {}}


def _count_rows(path: str, jsonl: bool, counts: Counter, kinds: Counter) -> None:
    """Add one written file's verdicts and error kinds to the counters."""
    for row in iter_rows(path, jsonl, columns=["verdict", "error"]):
        counts[row["verdict"]] += 1
        if row.get("error"):
            kinds[error_kind(row["error"])] += 1


def iter_rows(path: str, jsonl: bool, columns: Optional[list[str]] = None) -> Iterator[dict]:
    """The verdict rows of one written file (local, or remote through Beam's FileSystems), a
    Parquet batch or a line at a time; ``columns`` limits what Parquet reads."""
    remote = storage.is_remote(path)
    if jsonl:
        with (storage.text_reader(path) if remote else open(path, encoding="utf-8")) as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)
        return
    import pyarrow.parquet as pq
    with (storage.open_read(path) if remote else open(path, "rb")) as fh:
        for batch in pq.ParquetFile(fh).iter_batches(columns=columns):
            yield from batch.to_pylist()


def error_kind(error: str) -> str:
    """An error row's reason without its details: "parse error: not an email"."""
    return ":".join(error.split(":")[:2]).strip()


def error_note(summary: dict) -> Optional[str]:
    """One line for stderr when some messages could not be scored: how many, the commonest
    reasons, and where the rows saying why are. (The job still succeeds: an error row is the
    designed outcome for such a message; see DESIGN.md.)"""
    n = summary["verdicts"]["error"]
    if not n:
        return None
    kinds = summary.get("error_kinds") or {}
    top = ", ".join(f"{k} ({c})" for k, c in list(kinds.items())[:3])
    more = f", {len(kinds) - 3} other kinds" if len(kinds) > 3 else ""
    fix = (f"; check the inputs: some are not mail (exit code {EXIT_NOT_EMAIL})"
           if exit_code(summary) else "")
    return (f"sedetect score: {n} of {summary['messages']} messages could not be scored: "
            f"{top}{more}; their rows in {summary['output']} have verdict 'error' and say why "
            f"in the 'error' column{fix}")


def stage_times(metrics: dict, messages: int) -> dict:
    """Per-message milliseconds of each stage, summed over workers, and what the encoder did."""
    n = max(messages, 1)
    us = {k: metrics.get(f"us_{k}", 0) for k in ("parse", "features", "scoring", "embeddings")}
    out = {"parse_ms": us["parse"] / n / 1000, "features_ms": us["features"] / n / 1000,
           "embeddings_ms": us["embeddings"] / n / 1000,
           "models_ms": (us["scoring"] - us["embeddings"]) / n / 1000}
    looked_up = metrics.get("embedding_cache_hits", 0) + metrics.get("embedding_texts_encoded", 0)
    out["texts_encoded"] = metrics.get("embedding_texts_encoded", 0)          # by MiniLM
    out["static_texts_encoded"] = metrics.get("static_texts_encoded", 0)
    out["embedding_cache_hit_rate"] = (metrics.get("embedding_cache_hits", 0) / looked_up
                                       if looked_up else None)
    out["skipped_by_cascade"] = metrics.get("embeddings_skipped", 0)
    out["first_stage_decided"] = metrics.get("first_stage_decided", 0)
    # Messages a scoring batch (RunInference's batches): each batch has a fixed cost (a dozen
    # model calls), so small ones cost more a message.
    out["mean_batch"] = round(messages / metrics["batches"], 1) if metrics.get("batches") else None
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in out.items()}


def print_summary(summary: dict, model_version: str, stream=sys.stdout) -> None:
    v = summary["verdicts"]
    n = summary["messages"] or 1
    lines = [
        "", f"sedetect score: {summary['messages']} messages in {summary['seconds']} s "
            f"({summary['msgs_per_s']} msgs/s), model {model_version}",
        *(f"  {name:<11}{v[name]:>8}  {100 * v[name] / n:5.1f}%" for name in v),
        f"  output     {summary['output']}",
    ]
    if summary.get("shards") is not None:
        lines.append(f"  written as {len(summary['shards'])} shard files, not merged into one "
                     "(remote storage: joining them would pull every row through this machine)")
    m = summary.get("metrics") or {}
    if any(m.get(k) for k in ("read_errors", "parse_errors", "signal_errors")):
        lines.append(f"  errors: read {m.get('read_errors', 0)}, parse {m.get('parse_errors', 0)}, "
                     f"signal {m.get('signal_errors', 0)}")
    st = summary.get("stages")
    if st and summary["messages"]:
        hit = st["embedding_cache_hit_rate"]
        lines.append(f"  ms/message: parse {st['parse_ms']:.2f}, features {st['features_ms']:.2f}, "
                     f"embeddings {st['embeddings_ms']:.2f}, models {st['models_ms']:.2f}")
        lines.append(f"  embeddings: {st['texts_encoded']} texts encoded by MiniLM, cache hit "
                     f"rate {'-' if hit is None else f'{hit:.1%}'}, {st['skipped_by_cascade']} "
                     f"messages decided without one ({st['first_stage_decided']} of them by the "
                     f"first stage)"
                     + (f"; {st['static_texts_encoded']} static" if st["static_texts_encoded"]
                        else ""))
    print("\n".join(lines), file=stream)


def _counters(result, namespace: str = NAMESPACE) -> dict:
    try:
        res = result.metrics().query(beam.metrics.MetricsFilter().with_namespace(namespace))
        return {c.key.metric.name: c.committed or c.attempted or 0 for c in res["counters"]}
    except Exception:  # noqa: BLE001 - metrics are a nicety; some runners do not report them
        return {}


def _slowest(result) -> dict:
    """The slowest single message's parse and feature time (ms), from the stage distributions."""
    try:
        res = result.metrics().query(beam.metrics.MetricsFilter().with_namespace(NAMESPACE))
        out = {}
        for d in res["distributions"]:
            name = d.key.metric.name
            if name.endswith("_per_message"):
                value = d.committed or d.attempted
                if value is not None and value.count:
                    stage = name.removeprefix("us_").removesuffix("_per_message")
                    out[f"{stage}_ms"] = max(out.get(f"{stage}_ms", 0.0), value.max / 1000)
        return out
    except Exception:  # noqa: BLE001 - as above
        return {}


def load_signature_bytes(disabled: bool = False) -> Optional[bytes]:
    """The analysts' active miss signatures, serialised for the workers (None when there are none)."""
    if disabled:
        return None
    from labeling.misses import load_signatures
    index = load_signatures()
    return index.to_bytes() if index is not None else None


def record_signature_matches(result) -> dict:
    """After a job: add each signature's matches (Beam counters) to the miss queue, and each
    allow signature's clearing of messages the model called malicious."""
    from labeling.misses import record_matches
    counts = _counters(result, SIGNATURES_NAMESPACE) if result is not None else {}
    scoring = _counters(result) if result is not None else {}
    overrides = {k[len(OVERRIDE_PREFIX):]: v for k, v in scoring.items()
                 if k.startswith(OVERRIDE_PREFIX)}
    record_matches(counts, overrides=overrides)
    return counts


# Runners whose workers never see this machine's disk: every input and the output must be remote.
REMOTE_ONLY_RUNNERS = ("DataflowRunner", "TestDataflowRunner")


# Runners that lose rows of this job: Beam 2.77's own DaskRunner gathers a DoFn's outputs before
# calling finish_bundle, so what a DoFn emits there is dropped (RunInference's last batch: 72 of
# 200 rows lost, measured), and its file sinks write empty files. Refused rather than run; the
# corrected subclass, pipelines.dask_runner.DaskRunner (DASK_RUNNER), runs the job on Dask.
LOSSY_RUNNERS = ("DaskRunner", "apache_beam.runners.dask.dask_runner.DaskRunner")
DASK_RUNNER = "pipelines.dask_runner.DaskRunner"


def runner_path(opts: PipelineOptions) -> str:
    """The runner's fully qualified class name, as Beam resolves ``--runner`` (a short name such
    as ``DaskRunner`` through its table of known runners, a dotted one as given)."""
    runner = opts.view_as(StandardOptions).runner
    if not isinstance(runner, str):
        return f"{type(runner).__module__}.{type(runner).__qualname__}"
    from apache_beam.runners.runner import _RUNNER_MAP
    return _RUNNER_MAP.get(runner.lower(), _RUNNER_MAP.get(runner.lower() + "runner", runner))


def dask_workers(opts: PipelineOptions) -> Optional[int]:
    """With ``--runner pipelines.dask_runner.DaskRunner``: the worker processes of the local
    cluster it starts (None when it submits to a named scheduler); None for any other runner."""
    if runner_path(opts) != DASK_RUNNER:
        return None
    from pipelines.dask_runner import local_workers     # imports dask: only when chosen
    return local_workers(opts)


def runner_name(opts: PipelineOptions) -> str:
    """The runner's class name, also for a fully qualified one (``pkg.module.DaskRunner``)."""
    runner = opts.view_as(StandardOptions).runner
    return runner.rsplit(".", 1)[-1] if isinstance(runner, str) else type(runner).__name__


def check_runner(opts: PipelineOptions, inputs: list[str], output: str) -> None:
    """Refuse, before any work, a runner known to lose rows (LOSSY_RUNNERS), and a Dataflow job
    that could not run: a local input or output (its workers read and write only cloud storage),
    or no way to put sedetect on the workers.
    Flink and Spark clusters may mount a shared folder, so local paths stay allowed there."""
    name = runner_name(opts)
    if runner_path(opts) in LOSSY_RUNNERS:
        raise UserError(f"--runner {opts.view_as(StandardOptions).runner}: Beam's own Dask "
                        "runner drops what a DoFn emits when a bundle finishes (the last batch "
                        "of verdicts) and its file sinks write nothing, so rows would be lost; "
                        f"use --runner {DASK_RUNNER} (the same runner, corrected; "
                        "--dask_client_address HOST:PORT or --dask_workers N), "
                        "--direct_running_mode multi_processing, FlinkRunner or SparkRunner")
    if name not in REMOTE_ONLY_RUNNERS:
        return
    local = [p for p in [*inputs, output] if not storage.is_remote(str(p))]
    if local:
        raise UserError(f"--runner {name}: {local[0]} is on this machine, which the workers "
                        "cannot read or write; copy the archive to gs://BUCKET/... and name a "
                        "gs:// output")
    setup = opts.view_as(SetupOptions)
    if not (setup.setup_file or opts.view_as(WorkerOptions).sdk_container_image):
        raise UserError(f"--runner {name}: the workers need the sedetect package; pass "
                        "--setup_file ./setup.py (and --requirements_file requirements.txt) or "
                        "--sdk_container_image IMAGE")


def check_no_old_shards(output: str) -> None:
    """Refuse a remote output whose shard names are taken: the new shards would be counted (and
    read by others) together with the old ones, as a remote output is never merged into one
    file that could replace the old."""
    if not storage.is_remote(output):
        return
    old = storage.match(shard_pattern(remote_shard_prefix(output), is_jsonl(output)))
    if old:
        raise UserError(f"-o {output}: {len(old)} shard files of an earlier job are there "
                        f"({old[0]}, ...); delete them or name another output")


def build_only(inputs: list[str], output: str, beam_args: list[str],
               model_uri: Optional[str] = None, config: Optional[str] = None,
               chunk_bytes: int = 64 << 20,
               options: ScoringOptions = ScoringOptions()) -> beam.Pipeline:
    """The batch pipeline built onto the runner ``beam_args`` name and validated, not submitted:
    a dry check, on a machine without the cluster, that a distributed runner's options hold
    together and the graph (the model bundle included: as bytes, or as its remote folder's path,
    see ``model_for_workers``) is complete. Beam validates the
    options when the Pipeline is made (no network: only a cloud client library, when installed,
    looks at the bucket); an invalid set is a UserError with Beam's reasons."""
    opts = beam_options(beam_args)
    check_runner(opts, inputs, output)
    storage.use_options(opts)
    reader = ReadArchives(inputs, chunk_bytes)
    check_inputs(reader)
    bundle, version = resolve_model(model_uri)
    try:
        p = beam.Pipeline(options=opts)
    except ValueError as exc:
        raise UserError(f"--runner {runner_name(opts)}: {exc}") from None
    bundle_bytes, bundle_uri = model_for_workers(model_uri, bundle)
    build(p, reader, remote_shard_prefix(output), is_jsonl(output), load_org(config),
          bundle_bytes, version, options=options, bundle_uri=bundle_uri)
    return p


def check_inputs(reader: ReadArchives) -> None:
    """Refuse an input folder that holds no message: most often the wrong folder, which would
    otherwise give an empty output and a zero exit."""
    if reader.empty:
        raise UserError(f"no messages found under {reader.empty[0]}: a folder is searched "
                        "recursively for *.eml files and Maildirs (cur/, new/); give such a "
                        "folder, or an mbox, mbox.gz or Parquet file")


def run(argv: Optional[list[str]] = None) -> dict:
    parser = argparse.ArgumentParser(prog="sedetect score", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_score_arguments(parser)
    args, beam_args = parser.parse_known_args(argv)
    summary = score(args.inputs, args.output, model_uri=args.model_uri, config=args.config,
                    profile_path=args.profile, no_profile=args.no_profile,
                    no_signatures=args.no_signatures,
                    chunk_bytes=args.chunk_mb << 20, beam_args=beam_args,
                    options=scoring_options(args, beam_args), summary_json=args.summary_json)
    note = error_note(summary)
    if note:
        print(note, file=sys.stderr)
    summary["exit_code"] = exit_code(summary)
    return summary


# The job ran and every row is written, but some inputs were not email at all (a README given as
# an archive): a mistake in what the user passed, so the exit says so. Unreadable or hostile mail
# inside a real archive is ordinary and exits 0; its error rows say why.
EXIT_NOT_EMAIL = 3


def exit_code(summary: dict) -> int:
    kind = error_kind(NOT_AN_EMAIL)
    return EXIT_NOT_EMAIL if (summary.get("error_kinds") or {}).get(kind) else 0


def score(inputs: list[str], output: str, model_uri: Optional[str] = None,
          config: Optional[str] = None, profile_path: Optional[str] = None,
          no_profile: bool = False, chunk_bytes: int = 64 << 20,
          beam_args: Optional[list[str]] = None, quiet: bool = False,
          no_signatures: bool = False, since: Optional[datetime] = None,
          options: ScoringOptions = ScoringOptions(),
          summary_json: Optional[str] = None) -> dict:
    t0 = time.perf_counter()
    # Everything a person can get wrong is checked before the job starts (pipelines/errors.py).
    opts = beam_options(beam_args or [])
    check_runner(opts, inputs, output)
    storage.use_options(opts)
    reader = ReadArchives(inputs, chunk_bytes)     # plans the reads: a missing path fails here
    smaller = chunk_for_workers(reader.tasks, chunk_bytes, local_worker_count(beam_args or []))
    if smaller != chunk_bytes:
        reader = ReadArchives(inputs, smaller)
    check_inputs(reader)
    check_output_file(output, inputs)
    check_no_old_shards(output)
    if summary_json:
        check_output_file(summary_json, inputs, "--summary-json", "summary.json")
    org = load_org(config)
    bundle, version = resolve_model(model_uri)
    bundle_bytes, bundle_uri = model_for_workers(model_uri, bundle)
    profile = load_profile(profile_path, no_profile)
    signature_bytes = load_signature_bytes(no_signatures)
    jsonl = is_jsonl(output)
    shards: Optional[list[str]] = None
    if storage.is_remote(output):
        # Remote: the workers write the shards where the output goes; no merge (see
        # print_summary). The summary reads the shards back through Beam's FileSystems.
        prefix = remote_shard_prefix(output)
        with quiet_workers(), beam.Pipeline(options=opts) as p:
            build(p, reader, prefix, jsonl, org, bundle_bytes, version,
                  profile, signature_bytes, since, options, bundle_uri)
        shards = storage.match(shard_pattern(prefix, jsonl))
        output = shard_pattern(prefix, jsonl)
    else:
        out_dir = Path(output).resolve().parent
        # Shards beside the output: the same file system, so the merged file moves into place.
        folder = Path(tempfile.mkdtemp(dir=out_dir, prefix=f".{Path(output).name}.shards-"))
        try:
            with quiet_workers(), beam.Pipeline(options=opts) as p:
                build(p, reader, str(folder / "part"), jsonl, org, bundle_bytes,
                      version, profile, signature_bytes, since, options, bundle_uri)
            merge_shards(folder, output, jsonl)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    result = p.result if hasattr(p, "result") else None
    summary = summarize(output, time.perf_counter() - t0, _counters(result) if result else {},
                        files=shards)
    if shards is not None:
        summary["shards"] = shards
    summary["model_version"] = version
    summary["profile"] = bool(profile)
    summary["signature_matches"] = record_signature_matches(result)
    summary["stages"] = stage_times(summary["metrics"], summary["messages"])
    summary["slowest"] = _slowest(result) if result is not None else {}
    if summary_json:
        if storage.is_remote(summary_json):
            storage.write_text(summary_json, json.dumps(summary, indent=2))
        else:
            Path(summary_json).write_text(json.dumps(summary, indent=2))
    if not quiet:
        print_summary(summary, version)
    return summary
