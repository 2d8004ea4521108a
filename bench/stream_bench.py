"""Streaming benchmark: `sedetect stream` against a real local redis-server.

Pushes N distinct messages at a steady rate onto an input stream, with the stream job running as
its own process (the shipped champion model), and reports:
  - sustained throughput and enqueue-to-verdict latency (p50/p99, from the Redis entry ids: the
    input id is stamped at XADD, the output id when the verdict is written);
  - that every message has exactly one verdict after de-duplication by message_key, and how many
    duplicates there were;
  - RSS of the stream process over the run (start, end, peak);
  - optionally a kill -9 of the stream process part-way (then a restart), and a Redis restart
    under the consumer.

    python bench/stream_bench.py --messages 10000 --rate 12
    python bench/stream_bench.py --messages 10000 --rate 12 --kill-at 0.4 --redis-restart-at 0.7
    python bench/stream_bench.py --messages 3000 --rate 100 -- --encoder torch

Messages: round-robin over the shared corpora (../shared/corpora), else synthetic ones.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipelines.local_redis import LocalRedis          # noqa: E402
from pipelines.redis_io import RAW_FIELD, connect     # noqa: E402
from detectors.verdicts import message_key              # noqa: E402
from pipelines.stream import group_info                # noqa: E402

IN, OUT, GROUP, CONSUMER = "bench:in", "bench:verdicts", "sedetect", "bench"


def load_messages(n: int, corpora: Path, seed: int = 0) -> list[bytes]:
    """n distinct raw messages, round-robin over the corpora so every source is represented."""
    from pipelines.readers import iter_messages
    files = sorted(corpora.glob("*.mbox.gz")) if corpora.is_dir() else []
    if files:
        streams = [iter_messages([str(f)]) for f in files]
        mixed = (m.raw for group in itertools.zip_longest(*streams) for m in group if m)
    else:
        from labeling.synthetic import generate
        mixed = (m.raw for m in generate(2 * n, seed=seed))
    seen, out = set(), []
    for raw in mixed:
        key = message_key(raw)
        if key not in seen:
            seen.add(key)
            out.append(raw)
            if len(out) == n:
                break
    return out


def rss_kb(session: int) -> int | None:
    """Resident memory of the stream job: its supervisor and its run processes together."""
    out = subprocess.run(["ps", "-o", "rss=", "--sid", str(session)], capture_output=True,
                         text=True).stdout.split()
    return sum(int(x) for x in out) if out else None


def ms_of(entry_id: bytes | str) -> int:
    return int((entry_id.decode() if isinstance(entry_id, bytes) else entry_id).split("-")[0])


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q / 100 * (len(s) - 1))))] if s else float("nan")


class StreamProcess:
    def __init__(self, url: str, home: Path, log: Path, lifetime: float, extra: list[str]):
        self.cmd = [sys.executable, "-m", "pipelines.cli", "stream", "--redis", url, "--in", IN,
                    "--out", OUT, "--group", GROUP, "--consumer", CONSUMER,
                    "--lifetime", str(lifetime), "--log-every", "10", *extra]
        self.env = os.environ | {"SEDETECT_HOME": str(home)}
        self.log = log
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        fh = open(self.log, "a")
        self.proc = subprocess.Popen(self.cmd, env=self.env, cwd=REPO, stdout=fh, stderr=fh,
                                     start_new_session=True)

    def kill9(self) -> None:
        """kill -9 of the whole job: the supervisor and the run scoring the mail."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(120)


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(1.0)


def retrying(fn, *args, **kw):
    """Call fn, retrying while Redis is down (the producer side of a Redis restart)."""
    import redis
    while True:
        try:
            return fn(*args, **kw)
        except (redis.ConnectionError, redis.TimeoutError):
            time.sleep(0.2)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--messages", type=int, default=10_000)
    ap.add_argument("--rate", type=float, default=12.0, help="messages per second, steady")
    ap.add_argument("--corpora", default=str(REPO.parent / "shared" / "corpora"))
    ap.add_argument("--kill-at", type=float, default=None,
                    help="kill -9 the stream process after this fraction was sent, then restart it")
    ap.add_argument("--redis-restart-at", type=float, default=None,
                    help="restart redis-server after this fraction was sent")
    ap.add_argument("--lifetime", type=float, default=600.0, help="the job's --lifetime")
    ap.add_argument("--in-process", action="store_true",
                    help="run the job with --in-process (runs share one process)")
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--json", default=None, help="write the summary here too")
    ap.add_argument("job_args", nargs="*",
                    help="more flags for `sedetect stream` (after --), e.g. --encoder torch")
    args = ap.parse_args(argv)

    work = Path(args.workdir or tempfile.mkdtemp(prefix="stream-bench-"))
    t_load = time.monotonic()
    warmup = load_messages(20, Path("/nonexistent"), seed=99)     # synthetic, not counted
    raws = load_messages(args.messages, Path(args.corpora))
    raws = [r for r in raws if message_key(r) not in {message_key(w) for w in warmup}]
    print(f"loaded {len(raws)} distinct messages in {time.monotonic() - t_load:.0f} s", flush=True)

    server = LocalRedis(work / "redis").start()
    client = connect(server.url)
    job = StreamProcess(server.url, work / "home", work / "stream.log", args.lifetime,
                        (["--in-process"] if args.in_process else []) + args.job_args)
    t_start = time.monotonic()
    job.start()
    for raw in warmup:                 # model load and first bundle: not part of the figures
        client.xadd(IN, {RAW_FIELD: raw})
    wait_for(lambda: client.exists(OUT) and client.xlen(OUT) >= len(warmup), 600, "warm-up")
    startup_s = time.monotonic() - t_start
    print(f"stream job warm after {startup_s:.1f} s", flush=True)

    samples: list[dict] = []
    done = threading.Event()

    def sample():
        mon = connect(server.url)
        while not done.wait(5.0):
            pid = job.proc.pid if job.proc else None
            try:
                g = group_info(mon, IN, GROUP)
                behind, pending = round(g["behind_s"], 2), g["pending"]
            except Exception:  # noqa: BLE001 - Redis may be restarting
                behind = pending = None
            samples.append({"t": round(time.monotonic() - t_start, 1), "rss_kb": rss_kb(pid),
                            "behind_s": behind, "pending": pending})
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()

    events = []
    kill_at = int(args.kill_at * len(raws)) if args.kill_at is not None else None
    restart_at = int(args.redis_restart_at * len(raws)) if args.redis_restart_at is not None else None
    first_id = None
    t0 = time.monotonic()
    for i, raw in enumerate(raws):
        if i == kill_at:
            job.kill9()
            events.append({"event": "kill -9 stream job", "sent": i,
                           "t": round(time.monotonic() - t_start, 1)})
            job.start()
        if i == restart_at:
            threading.Thread(target=server.restart, kwargs={"down_s": 2.0}).start()
            events.append({"event": "redis-server restart (2 s down)", "sent": i,
                           "t": round(time.monotonic() - t_start, 1)})
            time.sleep(0.1)
        delay = t0 + i / args.rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        eid = retrying(client.xadd, IN, {RAW_FIELD: raw})
        first_id = first_id or eid
    send_s = time.monotonic() - t0
    print(f"sent {len(raws)} in {send_s:.0f} s ({len(raws) / send_s:.1f} msgs/s)", flush=True)

    want = {message_key(r) for r in raws}

    seen: set = set()
    cursor = ["0-0"]

    def all_seen() -> bool:          # incremental: re-reading 10k verdicts would steal the CPU
        for eid, f in retrying(client.xrange, OUT, min=f"({cursor[0]}", count=1000):
            cursor[0] = eid.decode()
            seen.add(json.loads(f[b"verdict"])["message_key"])
        return want <= seen
    try:
        wait_for(all_seen, 1800, "every verdict")
    except TimeoutError:
        pass
    drain_s = time.monotonic() - t0
    rc = job.stop()
    done.set()

    rows = [(eid, json.loads(f[b"verdict"])) for eid, f in client.xrange(OUT, min=first_id)]
    first_verdict: dict[str, tuple] = {}
    for eid, row in rows:
        first_verdict.setdefault(row["message_key"], (eid, row))
    got = set(first_verdict) & want
    latencies = [ms_of(eid) - ms_of(row["source"]) for k, (eid, row) in first_verdict.items()
                 if k in want]
    rss = [s["rss_kb"] for s in samples if s["rss_kb"]]
    summary = {
        "messages": len(raws), "offered_rate": args.rate,
        "verdicts_written": len(rows), "distinct_messages_with_verdict": len(got),
        "missing": len(want - got), "duplicates": len(rows) - len(first_verdict),
        "errors": sum(r["verdict"] == "error" for _, r in first_verdict.values()),
        "sustained_msgs_per_s": round(len(got) / drain_s, 2),
        "latency_ms": {"p50": pct(latencies, 50), "p90": pct(latencies, 90),
                       "p99": pct(latencies, 99), "max": max(latencies, default=None)},
        "startup_s": round(startup_s, 1), "run_s": round(drain_s, 1),
        "rss_mb": {"start": round(rss[0] / 1024, 1) if rss else None,
                   "end": round(rss[-1] / 1024, 1) if rss else None,
                   "peak": round(max(rss) / 1024, 1) if rss else None},
        "max_behind_s": max((s["behind_s"] or 0) for s in samples) if samples else None,
        "max_pending": max((s["pending"] or 0) for s in samples) if samples else None,
        "events": events, "stream_exit_code": rc,
        "model_versions": sorted({r["model_version"] for _, r in rows}),
        "workdir": str(work),
    }
    (work / "samples.json").write_text(json.dumps(samples))
    print(json.dumps(summary, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2))
    client.close()
    server.stop()
    return summary


if __name__ == "__main__":
    main()
