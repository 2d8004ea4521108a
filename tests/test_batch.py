"""The batch job end to end on a real Beam pipeline: every input form, one row per message."""
import gzip
import json
import mailbox

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.batch import score
from detectors.verdicts import VERDICT_SCHEMA
from detectors.scoring import ScoringOptions

GARBAGE = b"\x00\x01\x02\xff\xfe" * 40


@pytest.fixture(scope="module")
def archives(tmp_path_factory, synthetic_messages, synthetic_mbox):
    """The same 30 messages plus one garbage message in every input form."""
    root = tmp_path_factory.mktemp("archives")
    msgs = [m.raw for m in synthetic_messages[:30]] + [GARBAGE]
    eml_dir = root / "emls" / "nested"
    eml_dir.mkdir(parents=True)
    for i, raw in enumerate(msgs):
        (eml_dir / f"m{i:03d}.eml").write_bytes(raw)
    md = mailbox.Maildir(str(root / "Maildir"), create=True)
    for raw in msgs:
        md.add(raw)
    mbox = root / "mail.mbox"
    from labeling.synthetic import SyntheticMessage, write_mbox
    write_mbox([SyntheticMessage(raw, "benign", "x") for raw in msgs], str(mbox))
    gz = root / "mail.mbox.gz"
    gz.write_bytes(gzip.compress(mbox.read_bytes()))
    pqf = root / "mail.parquet"
    pq.write_table(pa.table({"raw": pa.array(msgs, pa.binary())}), pqf)
    return {"eml": eml_dir / "m000.eml", "eml_dir": root / "emls", "maildir": root / "Maildir",
            "mbox": mbox, "mbox_gz": gz, "parquet": pqf, "n": len(msgs)}


@pytest.mark.parametrize("form", ["eml_dir", "maildir", "mbox", "mbox_gz", "parquet"])
def test_every_form_one_row_per_message(module_home, archives, tmp_path, form):
    out = tmp_path / "v.parquet"
    summary = score([str(archives[form])], str(out), quiet=True)
    table = pq.read_table(out)
    assert table.schema.equals(VERDICT_SCHEMA)
    rows = table.to_pylist()
    assert len(rows) == archives["n"] == summary["messages"]
    errors = [r for r in rows if r["verdict"] == "error"]
    assert len(errors) == 1 and errors[0]["error"].startswith("parse error")
    assert len({r["source"] for r in rows}) == len(rows)
    ok = [r for r in rows if r["verdict"] != "error"]
    assert all(r["model_version"] and 0 <= r["score"] <= 1 for r in ok)
    assert all(r["error"] is None for r in ok)
    if form in ("mbox", "mbox_gz", "parquet"):
        assert all("#" in r["source"] for r in rows)


def test_single_eml_and_jsonl(module_home, archives, tmp_path):
    out = tmp_path / "v.jsonl"
    score([str(archives["eml"])], str(out), quiet=True)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 1 and rows[0]["source"] == str(archives["eml"])
    assert set(rows[0]) == set(VERDICT_SCHEMA.names)


def test_shards_merge_into_one_file_and_leave_nothing_behind(tmp_path):
    """Rows are written a bundle at a time (no grouping of every row in memory) and joined
    afterwards, in shard order; an empty job still writes a file with the schema."""
    from pipelines.batch import merge_shards
    from detectors.verdicts import error_row
    rows = [error_row(f"s#{i}", b"x%d" % i, "parse error: test") for i in range(7)]
    for jsonl, name in ((False, "v.parquet"), (True, "v.jsonl")):
        folder = tmp_path / f"shards-{jsonl}"
        folder.mkdir()
        for k, part in enumerate((rows[:3], rows[3:4], rows[4:])):
            path = folder / f"part-{k:05d}-of-00003"
            if jsonl:
                path.write_text("".join(json.dumps(r) + "\n" for r in part))
            else:
                pq.write_table(pa.Table.from_pylist(part, VERDICT_SCHEMA), path)
        out = tmp_path / name
        merge_shards(folder, str(out), jsonl)
        got = ([json.loads(x) for x in out.read_text().splitlines()] if jsonl
               else pq.read_table(out).to_pylist())
        assert [r["source"] for r in got] == [f"s#{i}" for i in range(7)]
        assert not (set(folder.iterdir()) - set(folder.glob("part-*")))     # nothing half-merged
    empty = tmp_path / "empty"
    empty.mkdir()
    merge_shards(empty, str(tmp_path / "e.parquet"), False)
    assert pq.read_table(tmp_path / "e.parquet").schema.names == VERDICT_SCHEMA.names


def test_score_leaves_no_shards_beside_the_output(module_home, archives, tmp_path):
    out = tmp_path / "v.parquet"
    score([str(archives["mbox"])], str(out), quiet=True)
    assert [p.name for p in tmp_path.iterdir()] == ["v.parquet"]
    assert pq.read_table(out).num_rows == archives["n"]


def test_truncated_gzip_loses_nothing(module_home, archives, tmp_path):
    data = archives["mbox_gz"].read_bytes()
    cut = tmp_path / "cut.mbox.gz"
    cut.write_bytes(data[: len(data) * 2 // 3])
    out = tmp_path / "v.parquet"
    score([str(cut)], str(out), quiet=True)
    rows = pq.read_table(out).to_pylist()
    read_errors = [r for r in rows if (r["error"] or "").startswith("read error")]
    assert len(read_errors) == 1 and "truncated" in read_errors[0]["error"]
    assert 5 < len(rows) < archives["n"]


def test_multi_processing_rows_identical(module_home, archives, tmp_path):
    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    score([str(archives["mbox"]), str(archives["eml_dir"])], str(a), quiet=True)
    score([str(archives["mbox"]), str(archives["eml_dir"])], str(b), quiet=True,
          beam_args=["--direct_running_mode=multi_processing", "--direct_num_workers=2"])
    key = lambda r: r["source"]  # noqa: E731
    ra = sorted(pq.read_table(a).to_pylist(), key=key)
    rb = sorted(pq.read_table(b).to_pylist(), key=key)
    assert len(ra) == 2 * archives["n"]
    floats = ("score", "impersonation", "trust", "payload", "goal", "signature_match")
    # Same rows; scores equal to float precision (embedding batches pad differently per worker).
    assert [{k: v for k, v in r.items() if k not in floats} for r in ra] == \
        [{k: v for k, v in r.items() if k not in floats} for r in rb]
    for x, y in zip(ra, rb):
        for k in floats:
            assert (x[k] is None and y[k] is None) or x[k] == pytest.approx(y[k], abs=1e-6)


def test_model_uri_override_with_bundle_folder(module_home, archives, tmp_path):
    from detectors.bundle import DEFAULT_BUNDLE_DIR
    out = tmp_path / "v.parquet"
    score([str(archives["mbox"])], str(out), model_uri=str(DEFAULT_BUNDLE_DIR), quiet=True)
    versions = set(pq.read_table(out).column("model_version").to_pylist())
    assert len(versions) == 1 and "sedetect/" not in versions.pop()


def test_missing_input_is_a_clear_error(module_home, tmp_path):
    with pytest.raises(FileNotFoundError):
        score([str(tmp_path / "nope.mbox")], str(tmp_path / "v.parquet"), quiet=True)


def test_summary_reports_stage_times_and_the_encoder(module_home, archives, tmp_path):
    """Two copies of every message: each distinct text is embedded at most once, and the
    job's counters say where its time went."""
    out, summary_json = tmp_path / "v.parquet", tmp_path / "summary.json"
    summary = score([str(archives["mbox"]), str(archives["eml_dir"])], str(out), quiet=True,
                    summary_json=str(summary_json))
    st = summary["stages"]
    assert st["parse_ms"] > 0 and st["features_ms"] > 0 and st["models_ms"] > 0
    scored = summary["messages"] - summary["verdicts"]["error"]
    looked_up = scored - st["skipped_by_cascade"]
    assert st["texts_encoded"] <= looked_up // 2 + 1
    if looked_up:
        assert st["embedding_cache_hit_rate"] >= 0.45
    assert json.loads(summary_json.read_text())["stages"] == st


def test_exact_cascade_changes_no_verdict(module_home, archives, tmp_path):
    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    score([str(archives["mbox"])], str(a), quiet=True, options=ScoringOptions(first_stage=False))
    score([str(archives["mbox"])], str(b), quiet=True, options=ScoringOptions(cascade=False))
    va = {r["source"]: r["verdict"] for r in pq.read_table(a).to_pylist()}
    vb = {r["source"]: r["verdict"] for r in pq.read_table(b).to_pylist()}
    assert va == vb and len(va) == archives["n"]


def test_first_stage_decides_messages_and_keeps_verdicts(module_home, archives, tmp_path):
    """The learned first stage skips MiniLM for more messages than the exact cascade alone, and
    changes at most 0.5% of the verdicts (one message of a small archive) against MiniLM on all."""
    a, b, c = tmp_path / "a.parquet", tmp_path / "b.parquet", tmp_path / "c.parquet"
    with_stage = score([str(archives["mbox"])], str(a), quiet=True)
    exact = score([str(archives["mbox"])], str(c), quiet=True, options=ScoringOptions(first_stage=False))
    score([str(archives["mbox"])], str(b), quiet=True, options=ScoringOptions(cascade=False))
    va = {r["source"]: r["verdict"] for r in pq.read_table(a).to_pylist()}
    vb = {r["source"]: r["verdict"] for r in pq.read_table(b).to_pylist()}
    assert va.keys() == vb.keys() and len(va) == archives["n"]
    assert sum(va[k] != vb[k] for k in va) <= max(1, 0.005 * len(va))
    assert with_stage["stages"]["first_stage_decided"] > 0
    assert with_stage["stages"]["skipped_by_cascade"] > exact["stages"]["skipped_by_cascade"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_corrupt_messages_at_random_offsets_lose_nothing(module_home, synthetic_messages,
                                                         tmp_path, seed):
    """An mbox.gz where messages at random positions are garbage (binary junk, NUL bytes, cut
    headers): one row per message, a verdict or an error naming the reason."""
    import random
    rng = random.Random(seed)
    msgs = [m.raw for m in synthetic_messages[:40]]
    junk = [lambda: rng.randbytes(300).replace(b"\n", b" "),
            lambda: b"\x00" * 200,
            lambda: b"Subject: =?utf-8?B?" + rng.randbytes(50).hex().encode(),
            lambda: b"Content-Type: multipart/mixed; boundary=\"\n\n--\n--\n\x00"]
    bad = rng.sample(range(len(msgs)), 10)
    for i in bad:
        msgs[i] = junk[rng.randrange(len(junk))]()
    from labeling.synthetic import SyntheticMessage, write_mbox
    mbox = tmp_path / "m.mbox"
    write_mbox([SyntheticMessage(raw, "benign", "x") for raw in msgs], str(mbox))
    gz = tmp_path / "m.mbox.gz"
    gz.write_bytes(gzip.compress(mbox.read_bytes()))
    out = tmp_path / "v.parquet"
    summary = score([str(gz)], str(out), quiet=True)
    rows = pq.read_table(out).to_pylist()
    assert len(rows) == len(msgs) == summary["messages"]
    assert len({r["source"] for r in rows}) == len(msgs)
    for r in rows:
        assert r["verdict"] in ("malicious", "suspicious", "benign") or r["error"]
    assert not any("internal" in (r["error"] or "") for r in rows)


def test_several_local_workers_get_several_reads_each():
    """A plain mbox smaller than one default chunk is one read: with two local workers one of
    them would wait. The chunk shrinks (never below 1 MB, never above --chunk-mb) so that each
    worker gets TASKS_PER_WORKER reads; one worker or a remote runner keeps the chunk asked for."""
    from pipelines.batch import (MIN_CHUNK_BYTES, TASKS_PER_WORKER, chunk_for_workers,
                                 local_worker_count)
    from pipelines.readers import ReadTask
    mb = 1 << 20
    archive = [ReadTask("mbox", "a.mbox", 0, 59 * mb)]
    assert chunk_for_workers(archive, 64 * mb, 1) == 64 * mb
    assert chunk_for_workers(archive, 64 * mb, 2) == 59 * mb // (2 * TASKS_PER_WORKER)
    assert chunk_for_workers(archive, mb + mb // 2, 2) == mb + mb // 2  # already small enough
    assert chunk_for_workers([ReadTask("mbox", "b.mbox", 0, 3 * mb)], 64 * mb, 2) == MIN_CHUNK_BYTES
    assert chunk_for_workers([ReadTask("mbox_gz", "c.mbox.gz")], 64 * mb, 2) == 64 * mb
    assert local_worker_count([]) == 1
    assert local_worker_count(["--direct_running_mode=multi_processing",
                               "--direct_num_workers=2"]) == 2
    assert local_worker_count(["--direct_num_workers=2"]) == 1       # in-process threads
