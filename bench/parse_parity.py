"""Parity gate for speed work on the first stage: does today's ``parse_message`` + ``evaluate``
compute exactly what a reference commit's did?

The reference ``features`` package (and the ``configs`` it reads) is extracted from git
(``git archive``, read-only) into a scratch folder as the package ``features_orig``, its imports
rewritten, and imported beside the working tree's ``features``. Every message then goes through
both, and the script reports:
  - how many ParsedMessages are identical field by field (nested messages, links, attachments,
    addresses and auth included), with the count of messages differing per field;
  - how many messages have identical signal values (every signal's Evidence value per concept,
    abstentions and signal errors included), and identical evidence (value and detail);
  - how many messages get identical lexicon matches (every match of every theme's regex, span
    and text, on ``match_text`` of the message's subject and body): a signal reports only a count
    and three terms, this checks every match;
  - the first differences, each with its source and the old and new value.

Messages: every message of every corpus in --corpora (or the first --n of the round-robin mix),
--synthetic messages from labeling.synthetic, and --hostile messages mutated by tests/hostile.py
(broken bytes, charsets, boundaries and HTML; deep nesting, huge and many headers: the limit
paths). Exit status 1 when anything differs.

    .venv/bin/python bench/parse_parity.py [--n 0] [--synthetic 5000] [--hostile 500]
        [--baseline-rev HEAD]
"""
from __future__ import annotations

import argparse
import dataclasses
import importlib
import io
import random
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, Iterator

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

BASELINE = "features_orig"
_IMPORT_RE = re.compile(r"\b(from|import) features\b")


def snapshot(rev: str, dest: Path) -> Path:
    """``features`` and ``configs`` of ``rev`` under ``dest``, the package renamed ``features_orig``
    (its own imports rewritten to match); returns ``dest`` for sys.path."""
    tar = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", rev, "features",
                          "configs"], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(tar)) as tf:
        tf.extractall(dest, filter="data")
    pkg = dest / BASELINE
    (dest / "features").rename(pkg)
    for py in pkg.rglob("*.py"):
        py.write_text(_IMPORT_RE.sub(rf"\1 {BASELINE}", py.read_text(encoding="utf-8")),
                      encoding="utf-8")
    return dest


class Stage:
    """``parse_message``, ``evaluate`` and a default ``Context`` of one ``features`` package."""

    def __init__(self, package: str) -> None:
        self.parsing = importlib.import_module(f"{package}.parsing")
        context = importlib.import_module(f"{package}.context")
        try:                                    # evaluate moved to features.catalogue
            self.evaluate = importlib.import_module(f"{package}.catalogue").evaluate
        except ImportError:
            self.evaluate = importlib.import_module(f"{package}.signals").evaluate
        self.lexicon = importlib.import_module(f"{package}.lexicon")
        self.ctx = context.Context(context.load_org())
        self.seconds = 0.0

    def theme_matches(self, text: str) -> list:
        """Every match (span, text) of every theme on ``match_text(text)``."""
        lx = self.lexicon
        t = lx.match_text(text)
        return [[(m.span(), m.group(0)) for m in lx.theme_regex(theme).finditer(t)]
                for theme in lx.THEMES]

    def run(self, raw: bytes) -> tuple[Any, dict]:
        """(plain ParsedMessage, {concept: {signal: (value, detail) or None}}), or the ParseError."""
        t = time.perf_counter()
        try:
            msg = self.parsing.parse_message(raw)
        except self.parsing.ParseError as exc:
            self.seconds += time.perf_counter() - t
            return ("ParseError", str(exc)), {}
        evidence = self.evaluate(msg, self.ctx)
        self.seconds += time.perf_counter() - t
        return plain(msg), {c: {k: None if ev is None else (ev.value, ev.detail)
                                for k, ev in cev.items()} for c, cev in evidence.items()}


def plain(obj: Any) -> Any:
    """Dataclasses and named tuples as (class name, fields...) tuples, recursively: comparable
    across the two packages' classes."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return (type(obj).__name__,) + tuple((f.name, plain(getattr(obj, f.name)))
                                             for f in dataclasses.fields(obj))
    if isinstance(obj, (list, tuple)):
        return tuple(plain(x) for x in obj)
    return obj


def messages(corpora: Path, n: int, synthetic: int, hostile: int) -> Iterator[tuple[str, bytes]]:
    """(source, raw): every corpus message (or the first ``n`` of the round-robin mix of
    bench/score_throughput.py), then the synthetic ones, then the hostile ones."""
    if n:
        from bench.score_throughput import sample
        for raw in sample(corpora, n):
            yield "corpora-mix", raw
    else:
        from labeling.sources import shared_corpora
        from pipelines.readers import iter_messages
        for src in shared_corpora(corpora):
            for rm in iter_messages([src.path]):
                if rm.error is None:
                    yield src.name, rm.raw
    if synthetic:
        from labeling.synthetic import generate
        for m in generate(synthetic, seed=11, attack_share=0.5):
            yield "synthetic", m.raw
    if hostile:
        sys.path.insert(0, str(REPO / "tests"))
        import hostile as h                   # tests/hostile.py: the fuzz tests' mutations
        rng = random.Random(13)
        seeds, light, heavy = sorted(h.SEEDS), sorted(h.MUTATIONS), sorted(h.HEAVY_MUTATIONS)
        for i in range(hostile):
            names = rng.sample(light, rng.randint(1, 4))
            if i % 10 == 0:                   # one in ten also gets one heavy mutation
                names.append(rng.choice(heavy))
            yield "hostile", h.mutate(h.SEEDS[rng.choice(seeds)], names, rng)


def short(value: Any, limit: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


def first_difference(a: Any, b: Any) -> tuple[Any, Any]:
    """The innermost differing pair of two plain values (for a readable report)."""
    while isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
        diff = [(x, y) for x, y in zip(a, b) if x != y]
        if len(diff) != 1:
            break
        a, b = diff[0]
    return a, b


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpora", default=str(REPO.parent / "shared" / "corpora"))
    ap.add_argument("--n", type=int, default=0,
                    help="only the first N messages of the corpora mix (0: every message)")
    ap.add_argument("--synthetic", type=int, default=5000, help="generated messages to add")
    ap.add_argument("--hostile", type=int, default=500, help="mutated hostile messages to add")
    ap.add_argument("--baseline-rev", default="HEAD", help="git revision of the reference code")
    ap.add_argument("--show", type=int, default=20, help="differences listed")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="parse-parity-") as tmp:
        sys.path.insert(0, str(snapshot(args.baseline_rev, Path(tmp))))
        old, new = Stage(BASELINE), Stage("features")

        total = errors = same_msg = same_values = same_evidence = same_lexicon = 0
        per_source: Counter = Counter()
        field_diffs: Counter = Counter()
        signal_diffs: Counter = Counter()
        shown: list[str] = []
        for source, raw in messages(Path(args.corpora), args.n, args.synthetic, args.hostile):
            total += 1
            per_source[source] += 1
            (pm_old, ev_old), (pm_new, ev_new) = old.run(raw), new.run(raw)
            errors += pm_old[0] == "ParseError"
            where = f"{source} #{per_source[source]}"
            if pm_old == pm_new:
                same_msg += 1
            else:
                fields_old = dict(pm_old[1:]) if pm_old[0] != "ParseError" else {"error": pm_old}
                fields_new = dict(pm_new[1:]) if pm_new[0] != "ParseError" else {"error": pm_new}
                for name in dict.fromkeys([*fields_old, *fields_new]):
                    if fields_old.get(name) != fields_new.get(name):
                        field_diffs[name] += 1
                        if len(shown) < args.show:
                            a, b = first_difference(fields_old.get(name), fields_new.get(name))
                            shown.append(f"{where}: ParsedMessage.{name}: {short(a)} -> {short(b)}")
            values_old = {(c, k): e and e[0] for c, cev in ev_old.items() for k, e in cev.items()}
            values_new = {(c, k): e and e[0] for c, cev in ev_new.items() for k, e in cev.items()}
            same_values += values_old == values_new
            text = raw[:20_000].decode("utf-8", "replace") if pm_old[0] == "ParseError" else \
                f"{dict(pm_old[1:])['subject']}\n{dict(pm_old[1:])['text'][:20_000]}"
            lex_old, lex_new = old.theme_matches(text), new.theme_matches(text)
            same_lexicon += lex_old == lex_new
            if lex_old != lex_new and len(shown) < args.show:
                shown.append(f"{where}: lexicon matches differ")
            same_evidence += ev_old == ev_new
            if ev_old != ev_new:
                flat_old = {(c, k): e for c, cev in ev_old.items() for k, e in cev.items()}
                flat_new = {(c, k): e for c, cev in ev_new.items() for k, e in cev.items()}
                for key in dict.fromkeys([*flat_old, *flat_new]):
                    if flat_old.get(key) != flat_new.get(key):
                        signal_diffs[key[1]] += 1
                        if len(shown) < args.show:
                            shown.append(f"{where}: {key[1]}: {short(flat_old.get(key))} -> "
                                         f"{short(flat_new.get(key))}")

    print(f"baseline: features at {args.baseline_rev}; messages: {total} "
          f"({', '.join(f'{k} {v}' for k, v in per_source.items())}); ParseError: {errors}")
    print(f"ParsedMessage identical:     {same_msg}/{total} ({same_msg / max(total, 1):.4%})")
    for name, n in field_diffs.most_common():
        print(f"  {name}: differs in {n}")
    print(f"signal values identical:     {same_values}/{total} ({same_values / max(total, 1):.4%})")
    print(f"evidence (value + detail):   {same_evidence}/{total} "
          f"({same_evidence / max(total, 1):.4%})")
    for name, n in signal_diffs.most_common():
        print(f"  {name}: differs in {n}")
    print(f"lexicon matches identical:   {same_lexicon}/{total} "
          f"({same_lexicon / max(total, 1):.4%})")
    print(f"time, parse + evaluate (indicative, both run here): baseline "
          f"{1000 * old.seconds / max(total, 1):.3f} ms/msg, working tree "
          f"{1000 * new.seconds / max(total, 1):.3f} ms/msg")
    if shown:
        print(f"first {len(shown)} differences:")
        for line in shown:
            print("  " + line)
    sys.exit(0 if same_msg == same_evidence == same_lexicon == total else 1)


if __name__ == "__main__":
    main()
