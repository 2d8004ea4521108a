"""The streaming job: score mail arriving on a Redis Stream into a verdict stream, until stopped.

    sedetect stream --redis redis://HOST:PORT/0 --in mail:in --out mail:verdicts [--group G]

Only the edges differ from the batch job: ReadRedisStream instead of the archive readers,
WriteRedisStream instead of Parquet; the per-message path is the same ScoreArchive transform.

The command runs the pipeline in bounded-lifetime runs (``--lifetime``) and restarts it itself:
the FnApiRunner leaks a little per bundle, and each restart loads the current champion model, so a
newly promoted model is picked up within one lifetime. Entries in flight when a run ends (or the
process dies) stay pending in Redis and are re-delivered: at-least-once, see pipelines/redis_io.py.
SIGTERM or Ctrl-C stops cleanly: the bundle in flight is written and acknowledged, then it exits.
"""
from __future__ import annotations

import argparse
import logging
import signal
import socket
import threading
import time
from typing import Optional

import apache_beam as beam

from features.context import load_org
from pipelines.batch import _counters, beam_options, load_profile
from pipelines.redis_io import (STOP, ReadRedisStream, StreamSpec, WriteRedisStream, connect,
                                ensure_group)
from pipelines.transforms import ScoreArchive

log = logging.getLogger("sedetect.stream")


def build(p: beam.Pipeline, spec: StreamSpec, out_stream: str, org, bundle_bytes: bytes,
          model_version: str, profile=None, readers: int = 1,
          out_maxlen: Optional[int] = None) -> None:
    """Wire the streaming pipeline onto ``p``: Redis -> ScoreArchive -> Redis."""
    profile_pc = p | "Profile" >> beam.Create([profile]) if profile is not None else None
    _ = (p
         | "ReadRedisStream" >> ReadRedisStream(spec, readers)
         | "ScoreArchive" >> ScoreArchive(org, bundle_bytes, model_version, profile_pc)
         | "WriteRedisStream" >> WriteRedisStream(spec, out_stream, out_maxlen))


def run_once(spec: StreamSpec, out_stream: str, org, model_uri: Optional[str] = None,
             profile=None, readers: int = 1, out_maxlen: Optional[int] = None,
             beam_args: Optional[list[str]] = None) -> dict:
    """One bounded run of the pipeline with the model the URI names now. Returns its counters."""
    from detectors.registry import resolve_bundle
    bundle, version = resolve_bundle(model_uri)
    log.info("run starting: model %s, %s -> %s, group %s, consumer %s", version, spec.stream,
             out_stream, spec.group, spec.consumer)
    with beam.Pipeline(options=beam_options(beam_args or [])) as p:
        build(p, spec, out_stream, org, bundle.to_bytes(), version, profile, readers, out_maxlen)
    counters = _counters(p.result) if hasattr(p, "result") else {}
    counters["model_version"] = version
    return counters


class LagMonitor(threading.Thread):
    """Logs the group's scoring rate, lag and pending count every ``every`` seconds."""

    def __init__(self, url: str, stream: str, group: str, every: float):
        super().__init__(name="sedetect-lag", daemon=True)
        self.url, self.stream, self.group, self.every = url, stream, group, every
        self.done = threading.Event()

    def run(self) -> None:
        client = connect(self.url)
        last: Optional[tuple[float, int]] = None
        while not self.done.wait(self.every):
            try:
                info = group_info(client, self.stream, self.group)
            except Exception as exc:  # noqa: BLE001 - monitoring must never stop the job
                log.warning("lag monitor: %s", exc)
                continue
            scored = info["entries_read"] - info["pending"]
            now = time.monotonic()
            rate = (scored - last[1]) / (now - last[0]) if last else float("nan")
            last = (now, scored)
            log.info("%s/%s: %.1f msgs/s scored, lag %s, pending %d", self.stream, self.group,
                     rate, info["lag"], info["pending"])
        client.close()


def group_info(client, stream: str, group: str) -> dict:
    """entries_read, lag (entries not yet delivered) and pending (delivered, not acknowledged)."""
    for g in client.xinfo_groups(stream):
        name = g["name"].decode() if isinstance(g["name"], bytes) else g["name"]
        if name == group:
            return {"entries_read": int(g.get("entries-read") or 0),
                    "lag": g.get("lag"), "pending": int(g["pending"])}
    raise ValueError(f"no consumer group {group!r} on stream {stream!r}")


def stream(spec: StreamSpec, out_stream: str, model_uri: Optional[str] = None,
           config: Optional[str] = None, profile_path: Optional[str] = None,
           no_profile: bool = False, readers: int = 1, out_maxlen: Optional[int] = None,
           runs: int = 0, log_every: float = 30.0, beam_args: Optional[list[str]] = None) -> list[dict]:
    """Restart bounded runs until stopped (or ``runs`` runs, or once when draining)."""
    STOP.clear()
    org = load_org(config)
    profile = load_profile(profile_path, no_profile)
    client = connect(spec.url)
    ensure_group(client, spec.stream, spec.group)
    client.close()
    monitor = LagMonitor(spec.url, spec.stream, spec.group, log_every) if log_every > 0 else None
    if monitor:
        monitor.start()
    results: list[dict] = []
    backoff = 1.0
    try:
        while not STOP.is_set():
            t0 = time.monotonic()
            try:
                results.append(run_once(spec, out_stream, org, model_uri, profile, readers,
                                        out_maxlen, beam_args))
                backoff = 1.0
                log.info("run ended after %.0f s: %s", time.monotonic() - t0, results[-1])
            except Exception as exc:  # noqa: BLE001 - unacked entries are re-delivered next run
                log.error("run failed after %.0f s: %s; restarting in %.0f s",
                          time.monotonic() - t0, exc, backoff)
                STOP.wait(backoff)
                backoff = min(backoff * 2, 30.0)
                continue                  # a failed run does not count, even when draining
            if spec.drain or (runs and len(results) >= runs):
                break
    finally:
        if monitor:
            monitor.done.set()
    return results


def _stop_on_signals() -> None:
    def handler(signum, _frame):
        if STOP.is_set():              # a second signal: stop now, pending entries are re-read
            raise SystemExit(128 + signum)
        log.info("%s: finishing the bundle in flight, then stopping",
                 signal.Signals(signum).name)
        STOP.set()
    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def add_stream_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--redis", required=True, help="redis://HOST:PORT/DB")
    parser.add_argument("--in", dest="in_stream", required=True, metavar="STREAM",
                        help="input stream; entries carry the raw message in field 'raw'")
    parser.add_argument("--out", dest="out_stream", required=True, metavar="STREAM",
                        help="output stream; entries carry the verdict row as JSON in 'verdict'")
    parser.add_argument("--group", default="sedetect", help="consumer group (default sedetect)")
    parser.add_argument("--consumer", default=socket.gethostname(),
                        help="consumer name, stable across restarts so a restarted process "
                             "re-reads its own pending entries at once (default: host name); "
                             "give each concurrent process its own")
    parser.add_argument("--readers", type=int, default=1,
                        help="parallel consumers in the pipeline (named CONSUMER-0, -1, ...)")
    parser.add_argument("--count", type=int, default=64, help="entries per poll")
    parser.add_argument("--block-ms", type=int, default=500,
                        help="longest wait for new entries in one poll")
    parser.add_argument("--claim-idle-ms", type=int, default=30_000,
                        help="claim entries another consumer left pending this long")
    parser.add_argument("--max-deliveries", type=int, default=5,
                        help="an entry delivered more often without a verdict becomes an error row")
    parser.add_argument("--lifetime", type=float, default=600.0,
                        help="seconds per pipeline run before the command restarts it")
    parser.add_argument("--runs", type=int, default=0, help="stop after N runs (0: never)")
    parser.add_argument("--drain", action="store_true",
                        help="score what is queued, then exit (no waiting for new mail)")
    parser.add_argument("--out-maxlen", type=int, default=None,
                        help="trim the output stream to about this many entries")
    parser.add_argument("--log-every", type=float, default=30.0,
                        help="seconds between throughput/lag log lines (0: off)")
    parser.add_argument("--model-uri", default=None,
                        help="models:/sedetect@champion (default), re-resolved at every run")
    parser.add_argument("--config", default=None, help="organisation config (YAML)")
    parser.add_argument("--profile", default=None, help="communication profile JSON")
    parser.add_argument("--no-profile", action="store_true", help="score without a profile")


def run(argv: Optional[list[str]] = None) -> list[dict]:
    parser = argparse.ArgumentParser(prog="sedetect stream", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_stream_arguments(parser)
    args, beam_args = parser.parse_known_args(argv)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in ("sedetect.stream", "pipelines.redis_io"):
        logging.getLogger(name).addHandler(handler)
        logging.getLogger(name).setLevel(logging.INFO)
        logging.getLogger(name).propagate = False
    _stop_on_signals()
    spec = StreamSpec(url=args.redis, stream=args.in_stream, group=args.group,
                      consumer=args.consumer, count=args.count, block_ms=args.block_ms,
                      claim_idle_ms=args.claim_idle_ms, max_deliveries=args.max_deliveries,
                      lifetime_s=args.lifetime, drain=args.drain)
    results = stream(spec, args.out_stream, args.model_uri, args.config, args.profile,
                     args.no_profile, args.readers, args.out_maxlen, args.runs, args.log_every,
                     beam_args)
    log.info("stopped after %d run(s)", len(results))
    return results
