"""``sedetect heuristics``: apply every labelling function (labeling/heuristics.py) to labelled
archives and print the analysis (coverage, overlaps, conflicts, accuracy where the label is known).
Reading the archives is this job's part; the functions and their analysis are labeling's."""
from __future__ import annotations

import argparse
import itertools
import json
import sys
from typing import Optional

import numpy as np

from detectors.verdicts import message_key
from features.context import Context
from features.parsing import ParseError, parse_message
from features.catalogue import evaluate
from labeling.heuristics import (ABSTAIN, ATTACK, BENIGN, GOLD, LabelledMatrix, _pct, analyze,
                                 apply, format_summary, format_table, labeling_functions,
                                 per_source, summary)
from pipelines.readers import iter_messages


def _label_task(args) -> tuple[np.ndarray, list[str], int]:
    path, limit, org = args
    ctx = Context(org)
    pairs, keys, errors = [], [], 0
    for rm in itertools.islice(iter_messages([path]), limit):
        if rm.error:
            errors += 1
            continue
        try:
            msg = parse_message(rm.raw)
        except ParseError:
            errors += 1
            continue
        pairs.append((msg, evaluate(msg, ctx)))
        keys.append(message_key(rm.raw))
    return apply(pairs, ctx), keys, errors


def label_sources(sources, org, limit: Optional[int] = None, workers: int = 1) -> LabelledMatrix:
    """Read, parse, evaluate and label the first ``limit`` messages of each labelled source."""
    jobs = [(s.path, limit, org) for s in sources]
    if workers > 1 and len(jobs) > 1:
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context
        from pipelines.quiet_child import quiet_workers
        with quiet_workers(), ProcessPoolExecutor(max_workers=min(workers, len(jobs)),
                                                  mp_context=get_context("spawn")) as pool:
            results = list(pool.map(_label_task, jobs))
    else:
        results = [_label_task(j) for j in jobs]
    n_lfs = len(labeling_functions())
    mats, gold, names, seen, dup = [], [], [], set(), 0
    for src, (m, keys, _) in zip(sources, results):
        keep = []
        for i, k in enumerate(keys):
            if k in seen:
                dup += 1
            else:
                seen.add(k)
                keep.append(i)
        mats.append(m[keep])
        gold += [GOLD[src.label]] * len(keep)
        names += [src.name] * len(keep)
    L = np.vstack(mats).astype(np.int8) if mats else np.zeros((0, n_lfs), np.int8)
    return LabelledMatrix(L, np.asarray(gold, dtype=np.int8), np.asarray(names, dtype=object),
                          sum(r[2] for r in results), dup)



def run(argv: Optional[list[str]] = None) -> dict:
    """``sedetect heuristics``."""
    import os

    from features.context import load_org
    from labeling.sources import add_source_arguments, gather_sources

    parser = argparse.ArgumentParser(
        prog="sedetect heuristics",
        description="Analyse the labelling functions (cold-start weak labellers) on labelled mail: "
                    "coverage, overlaps, conflicts and, on malicious/benign sources, accuracy.")
    add_source_arguments(parser)   # spam is counted but has no gold label
    parser.add_argument("--limit", type=int, default=None,
                        help="read at most N messages of each source")
    parser.add_argument("--config", help="organisation config (YAML); the default one otherwise")
    parser.add_argument("--workers", type=int, default=min(os.cpu_count() or 1, 8))
    parser.add_argument("--json", action="store_true", help="print the records as JSON")
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        raise ValueError("--limit must be at least 1")

    sources = gather_sources(args.labelled, args.corpora)
    org = load_org(args.config)
    lm = label_sources(sources, org, args.limit, args.workers)
    lfs = labeling_functions()
    records = analyze(lm.L, lm.gold, lfs)
    summ = summary(lm.L, lfs, lm.gold) | {"unreadable": lm.unreadable, "duplicates": lm.duplicates}
    by_source = per_source(lm, lfs)
    result = {"labeling_functions": records, "summary": summ, "sources": by_source}
    if args.json:
        print(json.dumps(result, indent=1))
        return result
    print(format_table(records))
    print()
    print(format_summary(summ))
    print("majority vote per source (attack / benign / no label %):")
    gold_word = {ATTACK: "malicious", BENIGN: "benign", ABSTAIN: "no gold"}
    width = max([len(n) for n in by_source] + [6])
    for name, r in by_source.items():
        print(f"  {name:<{width}} {gold_word[r['gold']]:<9} {r['messages']:>6}  "
              f"{_pct(r['attack']):>5} / {_pct(r['benign']):>5} / {_pct(r['unlabelled']):>5}")
    if lm.unreadable or lm.duplicates:
        print(f"{lm.unreadable} messages could not be read or parsed; "
              f"{lm.duplicates} exact duplicates counted once")
    return result


if __name__ == "__main__":
    run(sys.argv[1:])
