"""Where the first stage (parse + features) spends its time, per message, on one core.

Times the same messages three ways and prints milliseconds per message:
  (a) the stdlib parser, ``BytesParser(policy=default)`` with the body read: the issue's reference;
  (b) sedetect's ``parse_message``;
  (c) ``evaluate`` (every signal of every concept) on (b)'s output, with ``Context(load_org())``.
With ``--profile``, cProfile runs over (b)+(c) and the top functions by cumulative and by total
time are printed. Each figure is the best of ``--repeat`` passes (the machines are shared and
noisy); the messages are the round-robin mix of bench/score_throughput.py. ``--rev REV`` times
the ``features`` package of a git revision instead of the working tree's (extracted as
bench/parse_parity.py does), for a before/after on the same machine and load.

    .venv/bin/python bench/parse_profile.py [--n 2000] [--repeat 3] [--profile] [--top 25]
        [--rev HEAD]
"""
from __future__ import annotations

import argparse
import cProfile
import email.policy
import gc
import importlib
import pstats
import sys
import tempfile
import time
from email.parser import BytesParser
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.score_throughput import sample  # noqa: E402


PACKAGE = "features"     # the package timed; --rev points it at a snapshot


def _module(name: str):
    return importlib.import_module(f"{PACKAGE}.{name}")


def _evaluate():
    """``evaluate`` wherever the layout keeps it (features.catalogue, or features.signals before
    the import refactor)."""
    try:
        return _module("catalogue").evaluate
    except ImportError:
        return _module("signals").evaluate


def stdlib_parse(msgs: list[bytes]) -> None:
    parser = BytesParser(policy=email.policy.default)
    for raw in msgs:
        body = parser.parsebytes(raw).get_body(("plain", "html"))
        if body is not None:
            try:
                body.get_content()
            except Exception:  # noqa: BLE001 - the reference, not a parser under test
                pass


def first_stage(msgs: list[bytes], ctx) -> tuple[float, float]:
    """Seconds in ``parse_message`` and in ``evaluate``, message after message as the fused Beam
    stages run them (the HTML extractor's small cache then serves the signals' second look)."""
    parsing = _module("parsing")
    ParseError, parse_message = parsing.ParseError, parsing.parse_message
    evaluate = _evaluate()
    clock = time.perf_counter
    parse_s = features_s = 0.0
    for raw in msgs:
        t0 = clock()
        try:
            msg = parse_message(raw)
        except ParseError:
            parse_s += clock() - t0
            continue
        t1 = clock()
        evaluate(msg, ctx)
        t2 = clock()
        parse_s += t1 - t0
        features_s += t2 - t1
    return parse_s, features_s


def best_of(fn, repeat: int) -> tuple[float, ...]:
    """Element-wise best of ``repeat`` runs of ``fn()`` (a tuple of seconds), GC off while timing."""
    best: tuple[float, ...] = ()
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            got = fn()
        finally:
            gc.enable()
        best = tuple(min(a, b) for a, b in zip(best, got)) if best else got
    return best


def _timed(fn):
    def run() -> tuple[float]:
        t = time.perf_counter()
        fn()
        return (time.perf_counter() - t,)
    return run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000, help="messages from the shared corpora")
    ap.add_argument("--corpora", default=str(REPO.parent / "shared" / "corpora"))
    ap.add_argument("--repeat", type=int, default=3, help="timed passes; the best is reported")
    ap.add_argument("--profile", action="store_true", help="cProfile parse_message + evaluate")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--rev", help="time the features package of this git revision")
    args = ap.parse_args()

    global PACKAGE
    scratch = tempfile.TemporaryDirectory(prefix="parse-profile-")
    if args.rev:
        from bench.parse_parity import BASELINE, snapshot
        sys.path.insert(0, str(snapshot(args.rev, Path(scratch.name))))
        PACKAGE = BASELINE
    context = _module("context")
    msgs = sample(Path(args.corpora), args.n)
    ctx = context.Context(context.load_org())
    n = len(msgs)
    print(f"code: {'features at ' + args.rev if args.rev else 'working tree'}; messages: {n} "
          f"from {args.corpora} ({sum(map(len, msgs)) / n / 1024:.1f} KiB mean)")

    first_stage(msgs, ctx)            # warm-up: imports, lru caches of charsets and the lexicon
    ms = 1000 / max(n, 1)
    stdlib = best_of(_timed(lambda: stdlib_parse(msgs)), args.repeat)[0] * ms
    ours, feats = (s * ms for s in best_of(lambda: first_stage(msgs, ctx), args.repeat))
    print(f"(a) stdlib BytesParser(policy=default) + body: {stdlib:6.3f} ms/msg")
    print(f"(b) parse_message:                             {ours:6.3f} ms/msg")
    print(f"(c) evaluate (features):                       {feats:6.3f} ms/msg")
    print(f"    parse + features:                          {ours + feats:6.3f} ms/msg")

    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        first_stage(msgs, ctx)
        prof.disable()
        stats = pstats.Stats(prof, stream=sys.stdout)
        stats.strip_dirs()
        for key in ("cumulative", "tottime"):
            print(f"\n--- top {args.top} by {key} ---")
            stats.sort_stats(key).print_stats(args.top)


if __name__ == "__main__":
    main()
