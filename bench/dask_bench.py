"""The job's throughput on Beam's direct runner (1 process, 2 processes) and on Dask (issue 17).

The same N messages (drawn round-robin from the shared corpora, bench/score_throughput.py's
sample, or --synthetic N from the attack generator) in one mbox, read in 2 MB chunks, scored with
the default model three ways, each a `pipelines.batch.score` call in this process:

  direct, 1 process            (no runner flags)
  direct, 2 processes          --direct_running_mode multi_processing --direct_num_workers 2
  Dask, 2 worker processes     --runner pipelines.dask_runner.DaskRunner --dask_workers 2
                               (the runner starts a LocalCluster on loopback and closes it)

and prints each run's wall time and msgs/s (start-up included: the Dask figure includes starting
the cluster and each worker loading torch and the model), and whether its rows equal the
one-process rows key by key (floats within 1e-6). Run it alone: on 2 cores any other job skews
every figure.

    SEDETECT_HOME=/tmp/sehome-bench .venv/bin/python bench/dask_bench.py [--n 2000]
        [--synthetic N] [--chunk-mb 2]
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

RUNS = (
    ("direct, 1 process", []),
    ("direct, 2 processes", ["--direct_running_mode=multi_processing",
                             "--direct_num_workers=2"]),
    ("Dask, 2 workers", ["--runner", "pipelines.dask_runner.DaskRunner", "--dask_workers", "2"]),
)
FLOATS = ("score", "impersonation", "trust", "payload", "goal", "signature_match")


def same_rows(a: list[dict], b: list[dict]) -> bool:
    ka, kb = {r["source"]: r for r in a}, {r["source"]: r for r in b}
    if len(ka) != len(a) or ka.keys() != kb.keys():
        return False
    for key, x in ka.items():
        y = kb[key]
        if {k: v for k, v in x.items() if k not in FLOATS} != \
                {k: v for k, v in y.items() if k not in FLOATS}:
            return False
        for k in FLOATS:
            if (x[k] is None) != (y[k] is None) or (x[k] is not None and abs(x[k] - y[k]) > 1e-6):
                return False
    return True


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="messages from the shared corpora")
    ap.add_argument("--synthetic", type=int, default=None,
                    help="use N synthetic messages instead (no corpora needed)")
    ap.add_argument("--chunk-mb", type=int, default=2)
    ap.add_argument("--corpora", default=str(REPO.parent / "shared" / "corpora"))
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="dask-bench-"))
    try:
        run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(args, tmp: Path) -> None:
    import pyarrow.parquet as pq
    from labeling.synthetic import SyntheticMessage, generate, write_mbox
    from pipelines.batch import score

    mbox = tmp / "sample.mbox"
    if args.synthetic:
        write_mbox(list(generate(args.synthetic, seed=3)), str(mbox))
        what = f"{args.synthetic} synthetic messages"
    else:
        from bench.score_throughput import sample        # round robin over every corpus
        raws = sample(Path(args.corpora), args.n) if Path(args.corpora).is_dir() else []
        if not raws:
            sys.exit(f"no corpora at {args.corpora}: pass --synthetic N")
        write_mbox([SyntheticMessage(r, "benign", "corpora") for r in raws], str(mbox))
        what = f"{len(raws)} messages from the shared corpora"
    print(f"{what}, {mbox.stat().st_size / 1e6:.1f} MB, {args.chunk_mb} MB chunks", flush=True)

    # the registry bootstrap (first use of $SEDETECT_HOME) is not any runner's cost
    warm = tmp / "warm.mbox"
    write_mbox(list(generate(2, seed=1)), str(warm))
    score([str(warm)], str(tmp / "warm.parquet"), quiet=True, beam_args=[])
    reference = None
    for name, beam_args in RUNS:
        out = tmp / (name.replace(" ", "_").replace(",", "") + ".parquet")
        t = time.perf_counter()
        summary = score([str(mbox)], str(out), quiet=True, chunk_bytes=args.chunk_mb << 20,
                        beam_args=beam_args)
        wall = time.perf_counter() - t
        rows = pq.read_table(out).to_pylist()
        if reference is None:
            reference = rows
        same = "reference" if rows is reference else ("identical rows" if same_rows(reference, rows)
                                                     else "ROWS DIFFER")
        print(f"{name:<22} {summary['messages']:>6} msgs  {wall:7.1f} s  "
              f"{summary['messages'] / wall:6.1f} msgs/s  parsed={summary['metrics'].get('parsed')}"
              f"  {same}", flush=True)


if __name__ == "__main__":
    main()
