"""Put raw messages on a Redis Stream for `sedetect stream` to score.

    sedetect stream-send --redis redis://HOST:PORT/0 --in mail:in FILES... [--rate 20]

Each message becomes one entry whose field ``raw`` holds its bytes; the entry ids are printed
(first and last), so a caller can match verdicts (their ``source`` is the entry id).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Iterable, Optional

from pipelines.readers import RawMessage, iter_messages
from pipelines.redis_io import RAW_FIELD, check_reachable, connect


def send(client, stream: str, messages: Iterable[RawMessage], rate: Optional[float] = None,
         maxlen: Optional[int] = None, batch: int = 100) -> dict:
    """XADD every message; at ``rate`` messages per second when given (steady, not bursty),
    otherwise in pipelined batches. Returns counts and the first/last entry ids."""
    ids: list[str] = []
    incomplete = 0
    pipe = client.pipeline(transaction=False)
    t0 = time.monotonic()
    for n, msg in enumerate(messages):
        incomplete += bool(msg.error)   # sent as read: the job gives it a verdict or an error row
        if rate:
            delay = t0 + n / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            ids.append(_decode(client.xadd(stream, {RAW_FIELD: msg.raw}, maxlen=maxlen,
                                           approximate=True)))
            continue
        pipe.xadd(stream, {RAW_FIELD: msg.raw}, maxlen=maxlen, approximate=True)
        if len(pipe) >= batch:
            ids.extend(_decode(i) for i in pipe.execute())
    if len(pipe):
        ids.extend(_decode(i) for i in pipe.execute())
    seconds = time.monotonic() - t0
    return {"stream": stream, "sent": len(ids), "incomplete": incomplete,
            "first_id": ids[0] if ids else None, "last_id": ids[-1] if ids else None,
            "seconds": round(seconds, 2)}


def _decode(entry_id) -> str:
    return entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)


def run(argv: Optional[list[str]] = None) -> dict:
    parser = argparse.ArgumentParser(prog="sedetect stream-send", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--redis", required=True, help="redis://HOST:PORT/DB")
    parser.add_argument("--in", dest="in_stream", required=True, metavar="STREAM",
                        help="the stream `sedetect stream` reads")
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help=".eml, folder of .eml, mbox, mbox.gz, Maildir or Parquet")
    parser.add_argument("--rate", type=float, default=None, help="messages per second")
    parser.add_argument("--maxlen", type=int, default=None,
                        help="trim the input stream to about this many entries (entries trimmed "
                             "before they are scored get error verdicts)")
    args = parser.parse_args(argv)
    check_reachable(args.redis)
    client = connect(args.redis)
    summary = send(client, args.in_stream, iter_messages(args.files), args.rate, args.maxlen)
    client.close()
    print(json.dumps(summary), file=sys.stdout)
    return summary
