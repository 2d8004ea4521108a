"""Redis Streams at the edges of the streaming job: a consumer-group source and a verdict sink.

Wire format (the contract with producers and consumers):
    input entry:  field ``raw``     = the raw RFC 5322 message bytes
    output entry: field ``verdict`` = the verdict row as JSON; its ``source`` is the input entry id

Delivery is at-least-once. The sink writes a bundle's verdicts and acknowledges their input entries
in one MULTI/EXEC transaction, so an entry is acknowledged only once its verdict is on the output
stream. Entries read but never acknowledged (the process crashed) stay pending in Redis: the same
consumer re-reads its own pending entries when it starts, and any consumer claims entries that
another consumer has left idle (XAUTOCLAIM). A verdict may therefore be written twice; each carries
``message_key`` and the input entry id, so readers de-duplicate. An entry delivered more than
``max_deliveries`` times without a verdict (a message that kills the worker) becomes an error row
instead of blocking the stream again.

The source is a splittable DoFn (portable to distributed runners). Each call of ``process`` polls
once and then checkpoints (``defer_remainder``), which ends the bundle, so the sink flushes after
every poll: latency is one poll. The FnApiRunner ignores checkpoint delays, so pacing is Redis' own
``BLOCK``.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from typing import Iterator, Optional

import apache_beam as beam
from apache_beam.io.restriction_trackers import OffsetRange, OffsetRestrictionTracker
from apache_beam.metrics import Metrics
from apache_beam.transforms.core import RestrictionProvider

from pipelines.errors import UserError
from pipelines.readers import RawMessage

log = logging.getLogger(__name__)

RAW_FIELD = b"raw"
VERDICT_FIELD = "verdict"
NAMESPACE = "redis"

# Set by `sedetect stream` on SIGTERM/SIGINT: readers stop polling, the bundle in flight is
# written and acknowledged, and the run ends. Distributed runners stop a job with their own drain.
STOP = threading.Event()
# Set at the first poll of a run: the pipeline is built and its models are loaded. A run that
# warms up beside another waits for GO before it reads anything (set by default).
POLLING = threading.Event()
GO = threading.Event()
GO.set()

_END = 2 ** 62            # the source's restriction: one offset per poll, effectively unbounded


@dataclass(frozen=True)
class StreamSpec:
    """Where and how to read. Picklable: it travels to the workers inside the DoFn."""
    url: str
    stream: str
    group: str = "sedetect"
    consumer: str = "sedetect"
    count: int = 64                  # entries per poll
    block_ms: int = 500              # longest wait for new entries in one poll
    min_poll_ms: int = 20            # shortest time between polls that return a partial batch:
    #                                  fewer, fuller bundles (each has a fixed cost) against
    #                                  latency. At 100 msgs/s (bench/stream_bench.py), p99 302 ms
    #                                  at 100, 250-267 at 50, 215 at 30, 194-224 at 20, 251 at 10
    #                                  (bundles too small for their fixed cost); the same RSS
    claim_idle_ms: int = 30_000      # claim other consumers' entries pending longer than this
    claim_every_s: float = 5.0
    max_deliveries: int = 5          # then the entry is an error row ("poison")
    lifetime_s: Optional[float] = None   # end the run after this long (bounded-lifetime runs)
    drain: bool = False              # end the run when the stream has nothing new


def connect(url: str):
    """A client that retries briefly on connection errors (a Redis restart), then raises."""
    import redis
    from redis.backoff import ExponentialBackoff
    from redis.retry import Retry
    return redis.Redis.from_url(
        url, socket_connect_timeout=5, health_check_interval=10,
        retry=Retry(ExponentialBackoff(cap=2.0, base=0.1), 8),
        retry_on_error=[redis.ConnectionError, redis.TimeoutError])


def check_reachable(url: str) -> None:
    """Refuse, at start, a Redis that is not there: one quick PING, no retries (``connect``'s
    retries are for a server that restarts under a running job, not for a wrong URL)."""
    import redis
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=10,
                                      retry=None)
    except ValueError as exc:            # not a redis:// (rediss://, unix://) URL
        raise UserError(f"--redis {url}: {exc}; give redis://HOST:PORT/DB") from None
    try:
        client.ping()
    except redis.AuthenticationError as exc:
        raise UserError(f"Redis at {url} refused the login ({_why(exc)}): give the password in "
                        "the URL, redis://:PASSWORD@HOST:PORT/DB") from None
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        raise UserError(f"cannot reach Redis at {url} ({_why(exc)}): start redis-server there "
                        "or correct --redis") from None
    except redis.exceptions.InvalidResponse as exc:
        raise UserError(f"{url} does not answer as a Redis server ({_why(exc)}): correct "
                        "--redis") from None
    except redis.ResponseError as exc:
        if "NOAUTH" not in str(exc) and "WRONGPASS" not in str(exc):
            raise
        raise UserError(f"Redis at {url} refused the login ({_why(exc)}): give the password in "
                        "the URL, redis://:PASSWORD@HOST:PORT/DB") from None
    finally:
        client.close()


def _why(exc: Exception) -> str:
    return str(exc).strip().rstrip(".")


def ensure_group(client, stream: str, group: str) -> None:
    """Create the consumer group (and the stream) if missing; new groups start at the beginning,
    so entries queued before the first consumer came up are scored too."""
    import redis
    try:
        client.xgroup_create(stream, group, id="0", mkstream=True)
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


def adopt_pending(client, stream: str, group: str, source: str, target: str,
                  batch: int = 1000) -> int:
    """Move the pending entries of consumer ``source`` to ``target`` (XCLAIM, JUSTID: the delivery
    count is kept), so that ``target`` re-reads them at once. Returns how many moved."""
    moved = 0
    while True:
        pending = client.xpending_range(stream, group, "-", "+", batch, consumername=source)
        if not pending:
            return moved
        client.xclaim(stream, group, target, 0, [p["message_id"] for p in pending], justid=True)
        moved += len(pending)


def entry_message(entry_id: bytes | str, fields: Optional[dict], deliveries: int = 1,
                  max_deliveries: int = 0) -> RawMessage:
    """An input entry as a RawMessage whose source is the entry id. What cannot be scored carries
    an ``error`` and becomes an error row downstream: nothing is dropped."""
    eid = entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
    if fields is None:
        return RawMessage(eid, b"", "entry was deleted from the stream before it was scored")
    raw = fields.get(RAW_FIELD)
    if raw is None:
        return RawMessage(eid, b"", f"entry has no {RAW_FIELD.decode()!r} field "
                                    f"(fields: {sorted(k.decode(errors='replace') for k in fields)})")
    if max_deliveries and deliveries > max_deliveries:
        return RawMessage(eid, raw, f"poison: delivered {deliveries} times without a verdict")
    return RawMessage(eid, raw)


class _PollRestrictions(RestrictionProvider):
    def initial_restriction(self, element):
        return OffsetRange(0, _END)

    def create_tracker(self, restriction):
        return OffsetRestrictionTracker(restriction)

    def restriction_size(self, element, restriction):
        return restriction.size()


class _ReadStreamFn(beam.DoFn):
    """Splittable DoFn: each element is a consumer name; each claimed offset is one poll."""

    def __init__(self, spec: StreamSpec):
        self.spec = spec
        self.read = Metrics.counter(NAMESPACE, "entries_read")
        self.claimed = Metrics.counter(NAMESPACE, "entries_claimed")
        self.poison = Metrics.counter(NAMESPACE, "poison_entries")
        self.reconnects = Metrics.counter(NAMESPACE, "read_errors")

    def setup(self):
        self.client = connect(self.spec.url)
        self._deadline = (time.monotonic() + self.spec.lifetime_s
                          if self.spec.lifetime_s else None)
        self._own_pending_done: set[str] = set()
        self._last_claim = 0.0
        self._last_poll: dict[str, float] = {}

    def teardown(self):
        self.client.close()

    @beam.DoFn.unbounded_per_element()
    def process(self, consumer: str,
                tracker=beam.DoFn.RestrictionParam(_PollRestrictions())) -> Iterator[RawMessage]:
        position = tracker.current_restriction().start
        if STOP.is_set() or (self._deadline and time.monotonic() > self._deadline):
            tracker.try_claim(_END)          # marks the restriction done: the run can end
            return
        if not tracker.try_claim(position):
            return
        POLLING.set()
        while not GO.wait(0.2):
            if STOP.is_set():
                tracker.try_claim(_END)
                return
        import redis
        wait = self._last_poll.get(consumer, 0.0) + self.spec.min_poll_ms / 1000 - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        try:
            messages = list(self._poll(consumer))
            # A full batch means a backlog: poll again at once; otherwise pace the next poll.
            self._last_poll[consumer] = (0.0 if len(messages) >= self.spec.count
                                         else time.monotonic())
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            # Redis is away (restarting): nothing was read, so nothing is lost; try again.
            self.reconnects.inc()
            log.warning("redis read failed (%s); retrying", exc)
            time.sleep(1.0)
            tracker.defer_remainder()
            return
        yield from messages
        if self.spec.drain and not messages:
            tracker.try_claim(_END)
            return
        tracker.defer_remainder()        # checkpoint: ends the bundle, so the sink flushes

    # -- one poll -----------------------------------------------------------------------------

    def _poll(self, consumer: str) -> Iterator[RawMessage]:
        spec, client = self.spec, self.client
        if consumer not in self._own_pending_done:
            # Entries this consumer read before a crash: re-deliver them first.
            got = client.xreadgroup(spec.group, consumer, {spec.stream: "0"}, count=spec.count)
            entries = got[0][1] if got else []
            if entries:
                yield from self._with_deliveries(consumer, entries, claimed=True)
                return
            self._own_pending_done.add(consumer)
        now = time.monotonic()
        if now - self._last_claim >= spec.claim_every_s:
            self._last_claim = now
            _, entries, deleted = _autoclaim(client, spec, consumer)
            for eid in deleted:
                self.claimed.inc()
                yield entry_message(eid, None)
            if entries:
                yield from self._with_deliveries(consumer, entries, claimed=True)
                return
        got = client.xreadgroup(spec.group, consumer, {spec.stream: ">"}, count=spec.count,
                                block=spec.block_ms)
        for eid, fields in (got[0][1] if got else []):
            self.read.inc()
            yield entry_message(eid, fields)

    def _with_deliveries(self, consumer: str, entries, claimed: bool) -> Iterator[RawMessage]:
        ids = [eid for eid, _ in entries]
        pending = self.client.xpending_range(self.spec.stream, self.spec.group, min=ids[0],
                                             max=ids[-1], count=len(ids) + 16, consumername=consumer)
        deliveries = {p["message_id"]: p["times_delivered"] for p in pending}
        for eid, fields in entries:
            msg = entry_message(eid, fields or None, deliveries.get(eid, 1),
                                self.spec.max_deliveries)
            self.claimed.inc()
            if msg.error and msg.error.startswith("poison"):
                self.poison.inc()
            yield msg


def _autoclaim(client, spec: StreamSpec, consumer: str):
    """XAUTOCLAIM entries idle longer than claim_idle_ms: (next id, entries, deleted ids)."""
    next_id, entries, *rest = client.xautoclaim(spec.stream, spec.group, consumer,
                                                spec.claim_idle_ms, "0-0", count=spec.count)
    return next_id, entries, (rest[0] if rest else [])


def consumer_names(consumer: str, readers: int) -> list[str]:
    """The consumers one pipeline reads as: CONSUMER, or CONSUMER-0 ... CONSUMER-(N-1)."""
    return [consumer] if readers == 1 else [f"{consumer}-{i}" for i in range(readers)]


class ReadRedisStream(beam.PTransform):
    """Raw messages from a Redis Stream consumer group, as RawMessages whose source is the entry
    id. ``readers`` consumers (named CONSUMER-0, CONSUMER-1, ...) read in parallel."""

    def __init__(self, spec: StreamSpec, readers: int = 1):
        super().__init__()
        self.spec = spec
        self.readers = readers

    def expand(self, pbegin):
        return (pbegin
                | "Consumers" >> beam.Create(consumer_names(self.spec.consumer, self.readers))
                | "Poll" >> beam.ParDo(_ReadStreamFn(self.spec)))


class _WriteVerdictsFn(beam.DoFn):
    """Buffers verdict rows; at the end of each bundle XADDs them and XACKs their input entries in
    one transaction. If Redis is unreachable the bundle fails and its entries stay pending, to be
    re-delivered by the next run: never acknowledged without a verdict."""

    def __init__(self, spec: StreamSpec, out_stream: str, out_maxlen: Optional[int] = None,
                 flush_every: int = 256):
        self.spec = spec
        self.out_stream = out_stream
        self.out_maxlen = out_maxlen
        self.flush_every = flush_every
        self.written = Metrics.counter(NAMESPACE, "verdicts_written")

    def setup(self):
        self.client = connect(self.spec.url)

    def start_bundle(self):
        self._rows: list[dict] = []

    def process(self, row: dict):
        self._rows.append(row)
        if len(self._rows) >= self.flush_every:
            self._flush()

    def finish_bundle(self):
        self._flush()

    def teardown(self):
        self.client.close()

    def _flush(self):
        if not self._rows:
            return
        write_verdicts(self.client, self.spec, self.out_stream, self._rows, self.out_maxlen)
        self.written.inc(len(self._rows))
        self._rows = []


def write_verdicts(client, spec: StreamSpec, out_stream: str, rows: list[dict],
                   out_maxlen: Optional[int] = None) -> None:
    """XADD each verdict, then XACK its input entry, atomically (MULTI/EXEC)."""
    pipe = client.pipeline(transaction=True)
    for row in rows:
        pipe.xadd(out_stream, {VERDICT_FIELD: json.dumps(row, ensure_ascii=False)},
                  maxlen=out_maxlen, approximate=True)
    pipe.xack(spec.stream, spec.group, *[row["source"] for row in rows])
    pipe.execute()


class WriteRedisStream(beam.PTransform):
    """Verdict rows -> the output stream, acknowledging each row's input entry (its ``source``)."""

    def __init__(self, spec: StreamSpec, out_stream: str, out_maxlen: Optional[int] = None):
        super().__init__()
        self.spec = spec
        self.out_stream = out_stream
        self.out_maxlen = out_maxlen

    def expand(self, rows):
        return rows | "XaddXack" >> beam.ParDo(
            _WriteVerdictsFn(self.spec, self.out_stream, self.out_maxlen))
