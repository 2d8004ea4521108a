"""The job on Dask (issue 17): ``--runner pipelines.dask_runner.DaskRunner`` against a
dask.distributed LocalCluster of 2 worker processes gives exactly the rows of the one-process
run, and the same Beam counters (pipelines/dask_runner.py reports Metrics).

Two inputs: a synthetic mbox (no corpora needed: runs everywhere CI runs) and, where
../shared/corpora is present, 2,000 real messages drawn round-robin from the shared corpora
(tests/test_distributed.py's sample). Each is scored once on the direct runner (one process) and
once on the cluster, and compared key by key.
"""
from __future__ import annotations

import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import REAL_CHUNK_BYTES, REAL_N, assert_same_rows

pytest.importorskip("dask.distributed")

DASK = "pipelines.dask_runner.DaskRunner"
SYNTH_CHUNK_BYTES = 32 << 10   # synthetic: ~10 read tasks


@pytest.fixture(scope="module")
def cluster():
    """2 worker processes, one thread each, on loopback; no dashboard."""
    from dask.distributed import LocalCluster
    from pipelines.quiet_child import quiet_workers
    with quiet_workers():
        c = LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                         dashboard_address=None,
                         scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})
    yield c
    c.close()


def _score_both(mbox: Path, out: Path, address: str, chunk_bytes: int, direct=None):
    """The archive scored on the direct runner (one process; ``direct``: that run already made,
    as (summary, rows)) and on the cluster."""
    from pipelines.batch import score
    runs = {"direct": direct} if direct else {}
    for name, beam_args in (("direct", []),
                            ("dask", ["--runner", DASK, "--dask_client_address", address])):
        if name in runs:
            continue
        path = out / f"{name}.parquet"
        t = time.perf_counter()
        summary = score([str(mbox)], str(path), quiet=True, chunk_bytes=chunk_bytes,
                        beam_args=beam_args)
        runs[name] = (summary, pq.read_table(path).to_pylist())
        print(f"\n{name}: {summary['messages']} messages in {time.perf_counter() - t:.1f} s, "
              f"metrics {summary['metrics']}")
    return runs


def _assert_same(runs, n: int, out: Path):
    (one, rows_one), (dask, rows_dask) = runs["direct"], runs["dask"]
    assert one["messages"] == dask["messages"] == n
    assert one["verdicts"] == dask["verdicts"]
    # Beam Metrics: reported by the Dask runner too, the same totals
    for name in ("parsed", "parse_errors", "read_errors", "num_inferences", "signal_errors",
                 *(f"verdict_{v}" for v in one["verdicts"])):
        assert one["metrics"].get(name, 0) == dask["metrics"].get(name, 0), name
    assert dask["metrics"].get("num_inferences") == n
    assert_same_rows(rows_one, rows_dask, n)
    # nothing left beside the outputs: no shard folder, no sink temp folder
    left = {p.name for p in out.iterdir()}
    assert "dask.parquet" in left and left <= {"dask.parquet", "direct.parquet"}, left


def test_dask_cluster_rows_equal_one_process_synthetic(home, tmp_path, cluster,
                                                       synthetic_messages):
    from labeling.synthetic import write_mbox
    mbox = tmp_path / "synthetic.mbox"
    write_mbox(synthetic_messages, str(mbox))
    out = tmp_path / "out"
    out.mkdir()
    runs = _score_both(mbox, out, cluster.scheduler_address, SYNTH_CHUNK_BYTES)
    _assert_same(runs, len(synthetic_messages), out)


def test_dask_cluster_rows_equal_one_process_real_mail(home, tmp_path, cluster, real_sample):
    mbox, summary, rows, _ = real_sample
    out = tmp_path / "out"
    out.mkdir()
    runs = _score_both(mbox, out, cluster.scheduler_address, REAL_CHUNK_BYTES,
                       direct=(summary, rows))
    _assert_same(runs, REAL_N, out)


def test_local_cluster_started_by_the_runner(home, tmp_path, synthetic_messages):
    """Without an address the runner starts its own LocalCluster (--dask_workers 2) and closes
    it, leaving no scratch folder behind; the JSONL sink writes every row."""
    import json
    import tempfile
    from labeling.synthetic import write_mbox
    from pipelines.batch import score
    mbox = tmp_path / "s.mbox"
    write_mbox(synthetic_messages[:40], str(mbox))
    before = set(Path(tempfile.gettempdir()).glob("sedetect-dask-*"))
    out = tmp_path / "v.jsonl"
    summary = score([str(mbox)], str(out), quiet=True, chunk_bytes=8 << 10,
                    beam_args=["--runner", DASK, "--dask_workers", "2"])
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert summary["messages"] == len(rows) == 40
    assert len({r["source"] for r in rows}) == 40
    assert summary["metrics"].get("parsed") == 40
    assert set(Path(tempfile.gettempdir()).glob("sedetect-dask-*")) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p != home) == ["s.mbox", "v.jsonl"]


def test_encoder_threads_share_the_local_cluster_cores():
    from pipelines.batch import threads_per_worker
    from features.text import usable_cores
    cores = usable_cores()
    assert threads_per_worker(["--runner", DASK, "--dask_workers", "2"]) == max(1, cores // 2)
    assert threads_per_worker(["--runner", DASK, "--dask_client_address", "h:8786"]) == 0


def test_the_cli_on_dask_prints_only_its_summary(tmp_path, synthetic_messages):
    """`sedetect score ... --runner pipelines.dask_runner.DaskRunner` as a user runs it: the
    cluster's own INFO lines (dask.distributed configures its loggers itself) stay quiet."""
    import json
    import os
    import subprocess
    import sys
    from labeling.synthetic import write_mbox
    from tests.conftest import REPO
    mbox, out = tmp_path / "s.mbox", tmp_path / "v.jsonl"
    write_mbox(synthetic_messages[:20], str(mbox))
    env = dict(os.environ, SEDETECT_HOME=str(tmp_path / "home"))
    proc = subprocess.run([sys.executable, "-m", "pipelines.cli", "score", str(mbox), "-o",
                           str(out), "--runner", DASK, "--dask_workers", "2"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert len([json.loads(x) for x in out.read_text().splitlines()]) == 20
