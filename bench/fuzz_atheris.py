"""Coverage-guided fuzzing of the parser and every concept extractor with atheris (libFuzzer).

Not part of the test suite (tests/test_fuzz.py is the quick, hypothesis-driven version). A crash
is any exception other than ``ParseError`` out of ``parse_message``, any signal recorded as an
error (``"<signal>!error"``), or one parse + extract slower than ``--slow`` seconds. The corpus
folder is seeded with the realistic messages and hostile structures of tests/hostile.py on first
use; libFuzzer adds what it finds to it, and writes crashing inputs as ``crash-*`` files.

    .venv/bin/pip install -r requirements-fuzz.txt
    .venv/bin/python bench/fuzz_atheris.py -runs=100000
    .venv/bin/python bench/fuzz_atheris.py -max_total_time=600 [--corpus bench-out/fuzz-corpus]
    .venv/bin/python bench/fuzz_atheris.py bench-out/fuzz-corpus/crash-...   # replay one input

Options before the libFuzzer ones: ``--corpus DIR`` (default bench-out/fuzz-corpus), ``--slow S``
(default 5). Every other argument goes to libFuzzer (-runs, -max_total_time, -max_len, -jobs ...).
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import atheris  # noqa: E402  (after the path set-up; atheris instruments what is imported below)

with atheris.instrument_imports(include=["features"]):
    from features.parsing import ParseError, parse_message
    from features.catalogue import evaluate
from tests import hostile  # noqa: E402

DEFAULT_CORPUS = REPO / "bench-out" / "fuzz-corpus"
SLOW_S = 5.0


class SignalError(Exception):
    """A signal raised on a message the parser accepted."""


class TooSlow(Exception):
    """One parse + extract took longer than the bound."""


def check(data: bytes) -> None:
    """The whole contract for one input; any exception raised here is a crash for libFuzzer."""
    t0 = time.perf_counter()
    try:
        msg = parse_message(data)
    except ParseError:
        return
    evidence = evaluate(msg, hostile.context())
    errors = {k: v.detail for cev in evidence.values() for k, v in cev.items()
              if k.endswith("!error") and v is not None}
    if errors:
        raise SignalError(repr(errors))
    seconds = time.perf_counter() - t0
    if seconds > SLOW_S:
        raise TooSlow(f"{seconds:.2f} s for {len(data)} bytes")


def seed_corpus(folder: Path) -> int:
    """Write the seed messages, one mutation of each kind, and small hostile structures into an
    empty corpus folder; how many files were written."""
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        return 0
    seeds = dict(hostile.SEEDS)
    rng = random.Random(1)
    for name in hostile.MUTATIONS:
        for seed_name, raw in list(hostile.SEEDS.items())[:3]:
            seeds[f"{seed_name}-{name}"] = hostile.mutate(raw, [name], rng)
    seeds["deep-multipart"] = hostile.deep_multipart(60)
    seeds["deep-rfc822"] = hostile.deep_rfc822(8)
    for name, raw in seeds.items():
        (folder / f"seed-{name}.eml").write_bytes(raw)
    return len(seeds)


def main(argv: list[str]) -> None:
    """Seed the corpus and hand over to libFuzzer."""
    global SLOW_S
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--slow", type=float, default=SLOW_S)
    opts, rest = parser.parse_known_args(argv[1:])
    SLOW_S = opts.slow
    replay = [a for a in rest if not a.startswith("-")]
    flags = [a for a in rest if a.startswith("-")]
    if not replay:
        written = seed_corpus(opts.corpus)
        if written:
            print(f"seeded {written} messages into {opts.corpus}", file=sys.stderr)
        replay = [str(opts.corpus)]
        if not any(f.startswith("-max_len") for f in flags):
            flags.append("-max_len=65536")
        if not any(f.startswith("-artifact_prefix") for f in flags):
            flags.append(f"-artifact_prefix={opts.corpus}/")
    hostile.context()                        # load the organisation config before fuzzing starts
    atheris.Setup([argv[0], *flags, *replay], check)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
