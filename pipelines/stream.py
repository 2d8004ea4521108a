"""The streaming job: score mail arriving on a Redis Stream into a verdict stream, until stopped.

    sedetect stream --redis redis://HOST:PORT/0 --in mail:in --out mail:verdicts [--group G]

Only the edges differ from the batch job: ReadRedisStream instead of the archive readers,
WriteRedisStream instead of Parquet; the per-message path is the same ScoreArchive transform.

The command runs the pipeline in bounded-lifetime runs (``--lifetime``), each in its own process,
and restarts it itself: the FnApiRunner keeps memory per bundle that only the end of the process
gives back, and each run loads the current champion model and the analysts' signatures, so a newly
promoted model is picked up within one lifetime. The next run starts and loads its model while the
current one still scores; the current one is then stopped after its bundle in flight. Entries in flight when a run ends (or the
process dies) stay pending in Redis and are re-delivered: at-least-once, see pipelines/redis_io.py.
SIGTERM or Ctrl-C stops cleanly: the bundle in flight is written and acknowledged, then it exits.
"""
from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import threading
import time
from dataclasses import asdict, replace
from typing import Optional

import apache_beam as beam

from features.context import load_org
from pipelines.batch import (_counters, add_scoring_options, beam_options, load_profile,
                             load_signature_bytes, record_signature_matches, scoring_options)
from pipelines.errors import resolve_model
from pipelines.quiet_child import quiet_workers
from pipelines.redis_io import (STOP, ReadRedisStream, StreamSpec, WriteRedisStream,
                                adopt_pending, check_reachable, connect, consumer_names,
                                ensure_group)
from detectors.scoring import ScoringOptions
from pipelines.transforms import ScoreArchive

log = logging.getLogger("sedetect.stream")


def build(p: beam.Pipeline, spec: StreamSpec, out_stream: str, org, bundle_bytes: bytes,
          model_version: str, profile=None, readers: int = 1,
          out_maxlen: Optional[int] = None, signature_bytes: Optional[bytes] = None,
          options: ScoringOptions = ScoringOptions()) -> None:
    """Wire the streaming pipeline onto ``p``: Redis -> ScoreArchive -> Redis."""
    profile_pc = p | "Profile" >> beam.Create([profile]) if profile is not None else None
    _ = (p
         | "ReadRedisStream" >> ReadRedisStream(spec, readers)
         | "ScoreArchive" >> ScoreArchive(org, bundle_bytes, model_version, profile_pc,
                                          signature_bytes, options)
         | "WriteRedisStream" >> WriteRedisStream(spec, out_stream, out_maxlen))


def run_once(spec: StreamSpec, out_stream: str, org, model_uri: Optional[str] = None,
             profile=None, readers: int = 1, out_maxlen: Optional[int] = None,
             beam_args: Optional[list[str]] = None, no_signatures: bool = False,
             options: ScoringOptions = ScoringOptions()) -> dict:
    """One bounded run of the pipeline with the model the URI names now and the miss signatures
    accepted so far. Returns its counters."""
    from detectors.registry import resolve_bundle
    bundle, version = resolve_bundle(model_uri)
    signature_bytes = load_signature_bytes(no_signatures)
    log.info("run starting: model %s, %s -> %s, group %s, consumer %s", version, spec.stream,
             out_stream, spec.group, spec.consumer)
    with quiet_workers(), beam.Pipeline(options=beam_options(beam_args or [])) as p:
        build(p, spec, out_stream, org, bundle.to_bytes(), version, profile, readers, out_maxlen,
              signature_bytes, options)
    result = p.result if hasattr(p, "result") else None
    counters = _counters(result) if result is not None else {}
    counters["model_version"] = version
    counters["signature_matches"] = record_signature_matches(result)
    return counters


class LagMonitor(threading.Thread):
    """Logs every ``every`` seconds: verdicts written per second, how far behind the group is (the
    age of the oldest entry not yet delivered to it), and how many entries are in flight.

    These come from Redis itself (the output stream's entries-added counter, the group's last
    delivered id, the server clock), not from the group's entries-read/lag counters, which Redis
    does not restore exactly after a restart from its append-only file."""

    def __init__(self, url: str, stream: str, group: str, out_stream: str, every: float):
        super().__init__(name="sedetect-lag", daemon=True)
        self.url, self.stream, self.group, self.every = url, stream, group, every
        self.out_stream = out_stream
        self.done = threading.Event()

    def run(self) -> None:
        client = connect(self.url)
        last: Optional[tuple[float, int]] = None
        while not self.done.wait(self.every):
            try:
                info = group_info(client, self.stream, self.group)
                written = _entries_added(client, self.out_stream)
            except Exception as exc:  # noqa: BLE001 - monitoring must never stop the job
                log.warning("lag monitor: %s", exc)
                continue
            now = time.monotonic()
            rate = ((written - last[1]) / (now - last[0])
                    if last and written >= last[1] else float("nan"))
            last = (now, written)
            log.info("%s/%s: %.1f msgs/s scored, %.1f s behind, pending %d", self.stream,
                     self.group, rate, info["behind_s"], info["pending"])
        client.close()


def _entries_added(client, stream: str) -> int:
    try:
        return int(client.xinfo_stream(stream)["entries-added"])
    except Exception:  # noqa: BLE001 - no output stream yet
        return 0


def group_info(client, stream: str, group: str) -> dict:
    """pending (delivered, not acknowledged), the last delivered id, and behind_s: the age of the
    oldest entry not yet delivered to the group (0 when it has read everything)."""
    for g in client.xinfo_groups(stream):
        name = g["name"].decode() if isinstance(g["name"], bytes) else g["name"]
        if name != group:
            continue
        last = g["last-delivered-id"]
        last = last.decode() if isinstance(last, bytes) else str(last)
        nxt = client.xrange(stream, min=f"({last}", count=1)
        behind = 0.0
        if nxt:
            secs, micros = client.time()
            behind = max(0.0, secs + micros / 1e6 - int(nxt[0][0].split(b"-")[0]) / 1000)
        return {"pending": int(g["pending"]), "last_delivered": last, "behind_s": behind}
    raise ValueError(f"no consumer group {group!r} on stream {stream!r}")


def stream(spec: StreamSpec, out_stream: str, model_uri: Optional[str] = None,
           config: Optional[str] = None, profile_path: Optional[str] = None,
           no_profile: bool = False, readers: int = 1, out_maxlen: Optional[int] = None,
           runs: int = 0, log_every: float = 30.0, beam_args: Optional[list[str]] = None,
           no_signatures: bool = False, isolate: bool = False,
           options: ScoringOptions = ScoringOptions()) -> list[dict]:
    """Restart bounded runs until stopped (or ``runs`` runs, or once when draining).

    ``isolate`` runs each run in its own process (what `sedetect stream` does): the runner's
    per-bundle memory goes back to the system when a run ends, and the next run's process starts
    and loads its model while the current one is still scoring, so a restart costs no latency.
    Without it the runs share this process (quicker to start; for tests and short drains)."""
    STOP.clear()
    check_reachable(spec.url)             # a wrong URL or a stopped server: refuse at once
    resolve_model(model_uri)              # a wrong model: refuse now, not at every restart
    client = connect(spec.url)
    ensure_group(client, spec.stream, spec.group)
    client.close()
    monitor = (LagMonitor(spec.url, spec.stream, spec.group, out_stream, log_every)
               if log_every > 0 else None)
    if monitor:
        monitor.start()
    job = dict(out_stream=out_stream, model_uri=model_uri, config=config,
               profile_path=profile_path, no_profile=no_profile, readers=readers,
               out_maxlen=out_maxlen, beam_args=beam_args, no_signatures=no_signatures,
               options=options)
    try:
        return (_supervise(spec, job, runs) if isolate else _in_process(spec, job, runs))
    finally:
        if monitor:
            monitor.done.set()


def _in_process(spec: StreamSpec, job: dict, runs: int) -> list[dict]:
    org = load_org(job["config"])
    profile = load_profile(job["profile_path"], job["no_profile"])
    results: list[dict] = []
    backoff = 1.0
    while not STOP.is_set():
        t0 = time.monotonic()
        try:
            results.append(run_once(spec, job["out_stream"], org, job["model_uri"], profile,
                                    job["readers"], job["out_maxlen"], job["beam_args"],
                                    job["no_signatures"], job["options"]))
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
    return results


# -- one process per run --------------------------------------------------------------------------

class _Run:
    """One bounded run in a child process. Consecutive runs alternate between two consumer names
    (CONSUMER.0, CONSUMER.1) so that the incoming run, reading its own pending entries at start,
    never re-reads the entries the outgoing run still has in flight."""

    def __init__(self, spec: StreamSpec, job: dict, generation: int, background: bool = False):
        import multiprocessing
        ctx = multiprocessing.get_context("spawn")
        self.generation = generation
        self.spec = replace(spec, consumer=f"{spec.consumer}.{generation % 2}", lifetime_s=None)
        self.ready = ctx.Event()
        self.go = ctx.Event()
        if not background:
            self.go.set()
        from pipelines.quiet_child import run_quietly
        self.proc = ctx.Process(target=run_quietly,
                                args=("pipelines.stream:_run_child_spec", asdict(self.spec), job,
                                      self.ready, self.go, background),
                                name=f"sedetect-stream-{generation}")
        self.proc.start()
        self.ready_at: Optional[float] = None
        log.info("run %d starting in process %d as consumer %s", generation, self.proc.pid,
                 self.spec.consumer)

    def is_ready(self) -> bool:
        if self.ready_at is None and self.ready.is_set():
            self.ready_at = time.monotonic()
        return self.ready_at is not None

    def expired(self, lifetime: Optional[float]) -> bool:
        return bool(lifetime) and self.is_ready() and \
            time.monotonic() - self.ready_at >= lifetime       # type: ignore[operator]

    def foreground(self) -> None:
        """Normal CPU priority, then let it read: it is the run that scores now. (Best effort:
        leaving the idle class needs CAP_SYS_NICE; each thread has its own policy.)"""
        try:
            for tid in os.listdir(f"/proc/{self.proc.pid}/task"):
                os.sched_setscheduler(int(tid), os.SCHED_OTHER, os.sched_param(0))
                os.setpriority(os.PRIO_PROCESS, int(tid), 0)
        except (OSError, PermissionError):
            pass
        self.go.set()

    def stop(self) -> Optional[int]:
        """SIGTERM: the run writes and acknowledges its bundle in flight, then exits."""
        if self.proc.is_alive():
            self.proc.terminate()
        self.proc.join(300)
        if self.proc.is_alive():
            log.error("run %d did not stop in 300 s; killing it (its entries are re-delivered)",
                      self.generation)
            self.proc.kill()
            self.proc.join()
        return self.proc.exitcode


def _run_child_spec(spec: dict, job: dict, ready, go, background: bool = False) -> None:
    """A run process's entry (through pipelines/quiet_child.py): the spec arrives as a plain dict."""
    _run_child(StreamSpec(**spec), job, ready, go, background)


def _run_child(spec: StreamSpec, job: dict, ready, go, background: bool = False) -> None:
    """The child process: one run of the pipeline until SIGTERM (or drained). A successor warms
    up (imports, pipeline, model loads) ``background``: in the idle CPU class, reading nothing
    until ``go``, so that the run still scoring keeps its latency on a small machine."""
    from pipelines.redis_io import GO, POLLING
    if background:
        GO.clear()
        try:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        except (OSError, PermissionError, AttributeError):
            os.nice(19)
    _configure_logging()
    signal.signal(signal.SIGTERM, lambda *_: STOP.set())
    signal.signal(signal.SIGINT, lambda *_: STOP.set())
    parent = os.getppid()

    def watchdog():                    # the supervisor died: stop at once, unacknowledged
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(70)

    def relay():
        POLLING.wait()
        ready.set()
        go.wait()
        GO.set()
    threading.Thread(target=watchdog, daemon=True).start()
    threading.Thread(target=relay, daemon=True).start()
    org = load_org(job["config"])
    profile = load_profile(job["profile_path"], job["no_profile"])
    counters = run_once(spec, job["out_stream"], org, job["model_uri"], profile, job["readers"],
                        job["out_maxlen"], job["beam_args"], job["no_signatures"], job["options"])
    log.info("run ended (consumer %s): %s", spec.consumer, counters)


def _supervise(spec: StreamSpec, job: dict, runs: int) -> list[dict]:
    client = connect(spec.url)
    for old, new in zip(consumer_names(f"{spec.consumer}.1", job["readers"]),
                        consumer_names(f"{spec.consumer}.0", job["readers"])):
        moved = adopt_pending(client, spec.stream, spec.group, old, new)
        if moved:
            log.info("adopted %d pending entries of %s", moved, old)
    client.close()
    generation, ended, backoff = 0, [], 1.0
    run = _Run(spec, job, generation)
    while True:
        while not STOP.is_set() and run.proc.is_alive() and not run.expired(spec.lifetime_s):
            STOP.wait(0.5)
        if STOP.is_set():
            ended.append({"generation": run.generation, "exit": run.stop()})
            return ended
        if not run.proc.is_alive():
            code = run.proc.exitcode
            ended.append({"generation": run.generation, "exit": code})
            if code == 0 and (spec.drain or (runs and len(ended) >= runs)):
                return ended
            if code != 0:
                log.error("run %d exited with %s; restarting in %.0f s", run.generation, code,
                          backoff)
                STOP.wait(backoff)
                backoff = min(backoff * 2, 30.0)
                if STOP.is_set():
                    return ended
                run = _Run(spec, job, run.generation)      # same name: re-reads its pending
            else:
                generation += 1
                run = _Run(spec, job, generation)
            continue
        backoff = 1.0
        generation += 1                       # lifetime reached: hand over to a warm successor
        successor = _Run(spec, job, generation, background=True)
        while successor.proc.is_alive() and not successor.is_ready() and not STOP.is_set():
            time.sleep(0.2)
        if not successor.is_ready():          # stopping, or it failed to start: the current
            successor.stop()                  # run goes on
            if STOP.is_set():
                continue
            log.error("run %d failed to start; run %d goes on, next try in %.0f s",
                      successor.generation, run.generation, backoff)
            STOP.wait(backoff)
            backoff = min(backoff * 2, 300.0)
            continue
        successor.foreground()
        ended.append({"generation": run.generation, "exit": run.stop()})
        log.info("handed over from run %d to run %d", run.generation, successor.generation)
        run = successor
        if runs and len(ended) >= runs:
            ended.append({"generation": run.generation, "exit": run.stop()})
            return ended


def _configure_logging() -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in ("sedetect.stream", "pipelines.redis_io"):
        logging.getLogger(name).handlers[:] = [handler]
        logging.getLogger(name).setLevel(logging.INFO)
        logging.getLogger(name).propagate = False


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
    parser.add_argument("--min-poll-ms", type=int, default=StreamSpec.min_poll_ms,
                        help="shortest time between polls that return a partial batch: lower "
                             "for less latency, higher for fuller batches (less CPU a message)")
    parser.add_argument("--claim-idle-ms", type=int, default=30_000,
                        help="claim entries another consumer left pending this long")
    parser.add_argument("--max-deliveries", type=int, default=5,
                        help="an entry delivered more often without a verdict becomes an error row")
    parser.add_argument("--lifetime", type=float, default=600.0,
                        help="seconds per pipeline run before the command restarts it")
    parser.add_argument("--runs", type=int, default=0, help="stop after N runs (0: never)")
    parser.add_argument("--drain", action="store_true",
                        help="score what is queued, then exit (no waiting for new mail)")
    parser.add_argument("--in-process", action="store_true",
                        help="restart runs inside this process instead of a process per run: "
                             "less memory and no overlap, but scoring pauses at each restart and "
                             "memory is only bounded as far as the allocator gives it back")
    parser.add_argument("--out-maxlen", type=int, default=None,
                        help="trim the output stream to about this many entries")
    parser.add_argument("--log-every", type=float, default=30.0,
                        help="seconds between log lines of throughput, lag (seconds behind) and "
                             "pending entries (0: off)")
    parser.add_argument("--model-uri", default=None,
                        help="models:/sedetect@champion (default), models:/sedetect/VERSION, ...; "
                             "re-resolved at every run")
    parser.add_argument("--config", default=None, help="organisation config (YAML)")
    parser.add_argument("--profile", default=None, help="communication profile JSON")
    parser.add_argument("--no-profile", action="store_true", help="score without a profile")
    parser.add_argument("--no-signatures", action="store_true",
                        help="ignore the analysts' miss signatures (re-read at every run)")
    add_scoring_options(parser)


def run(argv: Optional[list[str]] = None) -> list[dict]:
    parser = argparse.ArgumentParser(prog="sedetect stream", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_stream_arguments(parser)
    args, beam_args = parser.parse_known_args(argv)
    _configure_logging()
    _stop_on_signals()
    spec = StreamSpec(url=args.redis, stream=args.in_stream, group=args.group,
                      consumer=args.consumer, count=args.count, block_ms=args.block_ms,
                      min_poll_ms=args.min_poll_ms,
                      claim_idle_ms=args.claim_idle_ms, max_deliveries=args.max_deliveries,
                      lifetime_s=args.lifetime, drain=args.drain)
    results = stream(spec, args.out_stream, args.model_uri, args.config, args.profile,
                     args.no_profile, args.readers, args.out_maxlen, args.runs, args.log_every,
                     beam_args, args.no_signatures, isolate=not args.in_process,
                     options=scoring_options(args, beam_args))
    log.info("stopped after %d run(s)", len(results))
    return results
