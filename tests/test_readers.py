"""Tests for pipelines.readers: every archive form, chunked mbox reads, damaged input, Beam."""
from __future__ import annotations

import gzip
import mailbox
import os
import pickle
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines import readers
from pipelines.readers import (
    RawMessage,
    ReadArchives,
    ReadTask,
    detect_format,
    iter_messages,
    plan_inputs,
    plan_mbox_chunks,
    read_mbox_range,
    read_task,
)

# the shared corpora sit next to the repository (../shared/corpora)
CORPORA = str(Path(__file__).resolve().parents[2] / "shared" / "corpora")
BEC = os.path.join(CORPORA, "bec_synthetic_llm.mbox.gz")
NAZARIO = os.path.join(CORPORA, "nazario_phishing_2004_2006.mbox.gz")


# ---------------------------------------------------------------------------
# fixtures
# ---------------------------------------------------------------------------


def _message(i: int) -> bytes:
    """A small message; some bodies hold '>From' quoting and 'From ' not at a line start."""
    lines = [
        f"From: sender{i}@example.com",
        f"To: user{i}@example.org",
        f"Subject: message {i}",
        "",
        f"Hello {i},",
    ]
    if i % 3 == 0:
        lines.append(">From me: this line was quoted by the MTA")
    if i % 4 == 0:
        lines.append(">From here on the body was escaped")
        lines.append("Nothing changes. From here on we talk money.")
    if i % 5 == 0:
        lines += ["", ">>From a doubly quoted line", ""]  # blank lines inside a body
    if i % 7 == 0:
        lines.append("x" * 900)  # long line, crosses small chunk boundaries
    lines.append(f"Bye {i}")
    return ("\n".join(lines) + "\n").encode()


def _build_mbox(n: int = 50) -> tuple[bytes, list[int], list[bytes]]:
    """mbox bytes, the offset of each From line, and each message's expected bytes."""
    out = bytearray()
    offsets, msgs = [], []
    for i in range(n):
        if i:
            out += b"\n"  # the blank line before each separator
        offsets.append(len(out))
        out += f"From MAILER-DAEMON Sun Nov 22 07:35:{i % 60:02d} 2026\n".encode()
        body = _message(i) if i != 17 else b""  # one empty message
        msgs.append(body)
        out += body
    out += b"\n"
    return bytes(out), offsets, msgs


@pytest.fixture
def mbox_data():
    return _build_mbox(50)


@pytest.fixture
def mbox_path(tmp_path, mbox_data):
    p = tmp_path / "box.mbox"
    p.write_bytes(mbox_data[0])
    return str(p)


@pytest.fixture
def gz_path(tmp_path, mbox_data):
    p = tmp_path / "box.mbox.gz"
    p.write_bytes(gzip.compress(mbox_data[0]))
    return str(p)


def _sources_and_raw(msgs):
    return [(m.source, m.raw, m.error) for m in msgs]


# ---------------------------------------------------------------------------
# mbox
# ---------------------------------------------------------------------------


def test_mbox_whole_read_exact(mbox_path, mbox_data):
    _, offsets, expected = mbox_data
    assert detect_format(mbox_path) == "mbox"
    msgs = list(iter_messages([mbox_path]))
    assert len(msgs) == 50
    assert [m.source for m in msgs] == [f"{mbox_path}#{o}" for o in offsets]
    assert [m.raw for m in msgs] == expected
    assert all(m.error is None for m in msgs)
    # quoting is kept as stored, bodies with 'From ' mid-line stay whole
    assert b">From me: this line" in msgs[0].raw
    assert b"Nothing changes. From here on" in msgs[4].raw
    assert msgs[17].raw == b""


def test_mbox_matches_stdlib_mailbox(mbox_path):
    mb = mailbox.mbox(mbox_path, create=False)
    ref = [mb.get_bytes(k) for k in mb.keys()]
    mb.close()
    assert [m.raw for m in iter_messages([mbox_path])] == ref


@pytest.mark.parametrize("chunk", [1, 7, 64, 999, 1000, 4096, 1 << 20])
def test_mbox_chunked_equals_whole(mbox_path, chunk):
    whole = _sources_and_raw(read_mbox_range(mbox_path, 0, None))
    chunks = plan_mbox_chunks(mbox_path, chunk)
    size = os.path.getsize(mbox_path)
    assert chunks[0][0] == 0 and chunks[-1][1] == size
    assert all(a[1] == b[0] for a, b in zip(chunks, chunks[1:]))
    got = []
    for s, e in chunks:
        part = _sources_and_raw(read_mbox_range(mbox_path, s, e))
        # each chunk yields exactly the messages whose From line starts in it
        for src, _, _ in part:
            assert s <= int(src.rsplit("#", 1)[1]) < e
        got += part
    assert got == whole
    tasks = plan_inputs([mbox_path], chunk_bytes=chunk)
    assert len(tasks) == len(chunks)
    assert _sources_and_raw(m for t in tasks for m in read_task(t)) == whole


def test_mbox_separator_needs_blank_line_and_crlf(tmp_path):
    data = (
        b"From a@x Mon Jan  1 00:00:00 2024\r\n"
        b"Subject: one\r\n\r\nbody line\r\nFrom here on, unescaped but after text\r\n"
        b"\r\n"
        b"From b@x Mon Jan  1 00:00:00 2024\r\n"
        b"Subject: two\r\n\r\nsecond\r\n"
        b"\r\n"
    )
    p = tmp_path / "crlf.mbox"
    p.write_bytes(data)
    msgs = list(iter_messages([str(p)]))
    assert [m.raw for m in msgs] == [
        b"Subject: one\r\n\r\nbody line\r\nFrom here on, unescaped but after text\r\n",
        b"Subject: two\r\n\r\nsecond\r\n",
    ]
    second = data.index(b"From b@x")
    assert [m.source for m in msgs] == [f"{p}#0", f"{p}#{second}"]
    for chunk in (1, 5, 40, 77):
        assert _sources_and_raw(iter_messages([str(p)], chunk_bytes=chunk)) == _sources_and_raw(msgs)


def test_mbox_named_file_not_starting_with_from(tmp_path):
    p = tmp_path / "odd.mbox"
    data = b"Subject: stray preamble\n\nbody\n\nFrom x Mon\nSubject: real\n\nhi\n"
    p.write_bytes(data)
    assert detect_format(str(p)) == "mbox"
    msgs = list(iter_messages([str(p)], chunk_bytes=8))
    assert [m.source for m in msgs] == [f"{p}#0", f"{p}#{data.index(b'From x')}"]
    assert msgs[0].raw.startswith(b"Subject: stray preamble")
    assert msgs[1].raw == b"Subject: real\n\nhi\n"


def test_empty_mbox_file(tmp_path):
    p = tmp_path / "empty.mbox"
    p.write_bytes(b"")
    assert plan_inputs([str(p)]) == []
    assert list(iter_messages([str(p)])) == []


# ---------------------------------------------------------------------------
# mbox.gz
# ---------------------------------------------------------------------------


def test_mbox_gz_same_as_plain(gz_path, mbox_path, mbox_data):
    assert detect_format(gz_path) == "mbox_gz"
    tasks = plan_inputs([gz_path], chunk_bytes=100)
    assert tasks == [ReadTask("mbox_gz", gz_path)]  # never split
    gz = list(iter_messages([gz_path]))
    plain = list(iter_messages([mbox_path]))
    assert len(gz) == 50
    assert [m.raw for m in gz] == [m.raw for m in plain]
    assert [m.source for m in gz] == [f"{gz_path}#{o}" for o in mbox_data[1]]
    assert all(m.error is None for m in gz)


def test_mbox_gz_multi_member_and_padding(tmp_path, mbox_data):
    data = mbox_data[0]
    cut = len(data) // 3 + 11  # members need not end at message boundaries
    p = tmp_path / "multi.mbox.gz"
    p.write_bytes(gzip.compress(data[:cut]) + gzip.compress(data[cut:]) + b"\0" * 16)
    msgs = list(iter_messages([str(p)]))
    assert [m.raw for m in msgs] == mbox_data[2]
    assert all(m.error is None for m in msgs)


def test_mbox_gz_large_block_boundaries(tmp_path, monkeypatch):
    # messages much larger than the read block, and a highly compressible body
    monkeypatch.setattr(readers, "_BLOCK", 4096)
    monkeypatch.setattr(readers, "_GZ_READ", 333)
    bodies = [b"Subject: big %d\n\n" % i + (b"A" * 70 + b"\n") * (300 + i * 97) for i in range(12)]
    data = b"\n".join(b"From x Mon Jan  1 00:00:00 2024\n" + b for b in bodies)
    p = tmp_path / "big.mbox.gz"
    p.write_bytes(gzip.compress(data))
    assert [m.raw for m in iter_messages([str(p)])] == bodies[:-1] + [bodies[-1]]
    plain = tmp_path / "big.mbox"
    plain.write_bytes(data)
    assert [m.raw for m in iter_messages([str(plain)], chunk_bytes=5000)] == bodies


@pytest.mark.parametrize("fraction", [0.25, 0.5, 0.75, 0.97])
def test_truncated_gzip(tmp_path, gz_path, mbox_data, fraction):
    full = list(iter_messages([gz_path]))
    blob = Path(gz_path).read_bytes()
    p = tmp_path / "cut.mbox.gz"
    p.write_bytes(blob[: int(len(blob) * fraction)])
    msgs = list(iter_messages([str(p)]))  # never raises
    errors = [m for m in msgs if m.error is not None]
    assert len(errors) == 1 and msgs[-1] is errors[0]
    assert errors[0].error.startswith("truncated gzip stream: ")
    complete = msgs[:-1]
    assert len(complete) >= 1
    # complete messages are exactly the first ones of the full read
    assert [(m.raw, m.source.rsplit("#", 1)[1]) for m in complete] == [
        (m.raw, m.source.rsplit("#", 1)[1]) for m in full[: len(complete)]
    ]
    # the partial message is a prefix of the real one, with its right offset
    partial, real = msgs[-1], full[len(complete)]
    assert partial.source.rsplit("#", 1)[1] == real.source.rsplit("#", 1)[1]
    assert (real.raw + b"\n").startswith(partial.raw)


def test_gzip_corrupt_in_middle(tmp_path, mbox_data):
    blob = bytearray(gzip.compress(mbox_data[0], compresslevel=1))
    mid = len(blob) // 2
    blob[mid : mid + 64] = bytes(64)  # zero out part of the deflate stream
    p = tmp_path / "corrupt.mbox.gz"
    p.write_bytes(bytes(blob))
    msgs = list(iter_messages([str(p)]))
    errors = [m for m in msgs if m.error is not None]
    assert len(errors) == 1 and msgs[-1] is errors[0]
    assert errors[0].error.startswith("truncated gzip stream: ")
    # deflate has no per-block check: bytes after the damage may decode to garbage
    # (even extra "messages") until the CRC fails, but what precedes it is intact
    assert msgs[0].raw == mbox_data[2][0] and msgs[0].error is None


def test_gzip_corrupt_from_start(tmp_path):
    p = tmp_path / "bad.mbox.gz"
    p.write_bytes(b"\x1f\x8b" + b"this is not deflate data at all" * 10)
    assert detect_format(str(p)) == "mbox_gz"
    (msg,) = list(iter_messages([str(p)]))
    assert msg.source == str(p) and msg.raw == b""
    assert msg.error.startswith("cannot read gzip: ")
    # a cut inside the gzip header reads nothing either
    q = tmp_path / "header_only.mbox.gz"
    q.write_bytes(gzip.compress(b"From x\n\nhi\n")[:6])
    (msg,) = list(iter_messages([str(q)]))
    assert msg.raw == b"" and msg.error.startswith("cannot read gzip: ")


def test_gzip_of_single_message_is_not_lost(tmp_path):
    raw = b"Subject: hello\n\nnot an mbox, a gzipped eml\n"
    p = tmp_path / "one.eml.gz"
    p.write_bytes(gzip.compress(raw))
    assert list(iter_messages([str(p)])) == [RawMessage(f"{p}#0", raw)]
    e = tmp_path / "empty.mbox.gz"
    e.write_bytes(gzip.compress(b""))
    assert list(iter_messages([str(e)])) == []


# ---------------------------------------------------------------------------
# eml, eml folders, Maildir
# ---------------------------------------------------------------------------


def test_single_eml_and_unknown_file(tmp_path):
    p = tmp_path / "a.eml"
    p.write_bytes(b"Subject: a\n\nbody\n")
    q = tmp_path / "message.txt"  # any regular file is one message
    q.write_bytes(b"Subject: q\n\nFrom is not at the very start\n")
    assert detect_format(str(p)) == "eml" and detect_format(str(q)) == "eml"
    assert list(iter_messages([str(p), str(q)])) == [
        RawMessage(str(p), b"Subject: a\n\nbody\n"),
        RawMessage(str(q), b"Subject: q\n\nFrom is not at the very start\n"),
    ]


def test_eml_dir_recursive_sorted_skips_hidden(tmp_path):
    root = tmp_path / "emls"
    (root / "b" / "deep").mkdir(parents=True)
    (root / ".hidden_dir").mkdir()
    files = {
        "z.eml": b"Z",
        "a.eml": b"A",
        "b/m.EML": b"M",
        "b/deep/x.eml": b"X",
        "b/notes.txt": b"skip me",
        ".hidden.eml": b"skip me",
        ".hidden_dir/h.eml": b"skip me",
    }
    for name, data in files.items():
        (root / name).write_bytes(data)
    assert detect_format(str(root)) == "eml_dir"
    tasks = plan_inputs([str(root)])
    want = sorted(str(root / n) for n in ("z.eml", "a.eml", "b/m.EML", "b/deep/x.eml"))
    assert [t.path for t in tasks] == want
    assert {t.format for t in tasks} == {"eml"}
    msgs = list(iter_messages([str(root)]))
    assert [m.source for m in msgs] == want
    assert sorted(m.raw for m in msgs) == [b"A", b"M", b"X", b"Z"]


def _make_maildir(root):
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True)
    (root / "cur" / "1700000000.1.host:2,S").write_bytes(b"Subject: cur1\n\n1\n")
    (root / "cur" / "1700000001.2.host:2,").write_bytes(b"Subject: cur2\n\n2\n")
    (root / "new" / "1700000002.3.host").write_bytes(b"Subject: new1\n\n3\n")
    (root / "tmp" / "1700000003.4.host").write_bytes(b"being delivered")
    (root / "cur" / ".DS_Store").write_bytes(b"junk")
    (root / "dovecot-uidlist").write_bytes(b"not a message")
    for sub in ("cur", "new", "tmp"):
        (root / ".Sent" / sub).mkdir(parents=True)
    (root / ".Sent" / "cur" / "1700000004.5.host:2,S").write_bytes(b"Subject: sent\n\n4\n")
    (root / ".Archive.2023" / "new").mkdir(parents=True)
    (root / ".Archive.2023" / "cur").mkdir()
    (root / ".Archive.2023" / "new" / "1700000005.6.host").write_bytes(b"Subject: arch\n\n5\n")


def test_maildir(tmp_path):
    root = tmp_path / "Maildir"
    _make_maildir(root)
    assert detect_format(str(root)) == "maildir"
    tasks = plan_inputs([str(root)])
    assert {t.format for t in tasks} == {"maildir"}
    msgs = list(iter_messages([str(root)]))
    assert sorted(m.raw.split(b"\n")[0] for m in msgs) == [
        b"Subject: arch",
        b"Subject: cur1",
        b"Subject: cur2",
        b"Subject: new1",
        b"Subject: sent",
    ]
    assert all(m.error is None and os.path.isfile(m.source) for m in msgs)
    assert not any("/tmp/" in m.source[len(str(root)) :] for m in msgs)


def test_maildir_inside_eml_folder_is_read(tmp_path):
    root = tmp_path / "export"
    (root).mkdir()
    (root / "a.eml").write_bytes(b"A")
    _make_maildir(root / "alice")
    msgs = list(iter_messages([str(root)]))
    assert len(msgs) == 6
    assert msgs[0].raw == b"A"


# ---------------------------------------------------------------------------
# parquet
# ---------------------------------------------------------------------------


def test_parquet_binary_with_null(tmp_path):
    values = [b"Subject: p%d\n\nx\n" % i for i in range(1300)]
    values[5] = None
    p = tmp_path / "msgs.parquet"
    table = pa.table({"id": list(range(1300)), "raw": pa.array(values, type=pa.binary())})
    pq.write_table(table, p, row_group_size=300)  # several row groups
    assert detect_format(str(p)) == "parquet"
    msgs = list(iter_messages([str(p)]))
    assert len(msgs) == 1300
    assert [m.source for m in msgs] == [f"{p}#{i}" for i in range(1300)]
    assert msgs[5] == RawMessage(f"{p}#5", b"", "null raw value")
    assert [m.raw for m in msgs if m.error is None] == [v for v in values if v is not None]


def test_parquet_string_column_and_missing_column(tmp_path):
    s = tmp_path / "str.parquet"
    pq.write_table(pa.table({"raw": ["Subject: ünï\n\nhi\n", None]}), s)
    assert list(iter_messages([str(s)])) == [
        RawMessage(f"{s}#0", "Subject: ünï\n\nhi\n".encode()),
        RawMessage(f"{s}#1", b"", "null raw value"),
    ]
    n = tmp_path / "noraw.parquet"
    pq.write_table(pa.table({"body": [b"x"]}), n)
    assert list(iter_messages([str(n)])) == [
        RawMessage(str(n), b"", "parquet file has no 'raw' column")
    ]


def test_corrupt_parquet(tmp_path):
    p = tmp_path / "broken.parquet"
    p.write_bytes(b"PAR1" + b"garbage" * 20)
    (msg,) = list(iter_messages([str(p)]))
    assert msg.source == str(p) and msg.raw == b"" and msg.error.startswith("cannot read parquet")


# ---------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------


def test_missing_path_raises_at_planning(tmp_path):
    missing = str(tmp_path / "nope.mbox")
    with pytest.raises(FileNotFoundError):
        detect_format(missing)
    with pytest.raises(FileNotFoundError):
        plan_inputs([missing])
    with pytest.raises(FileNotFoundError):
        ReadArchives([missing])
    with pytest.raises(FileNotFoundError):
        next(iter_messages([missing]))


def test_vanished_and_unreadable_files_give_error_records(tmp_path, mbox_path, gz_path):
    e = tmp_path / "gone.eml"
    e.write_bytes(b"x")
    pq_path = tmp_path / "gone.parquet"
    pq.write_table(pa.table({"raw": [b"x"]}), pq_path)
    tasks = plan_inputs([str(e), mbox_path, gz_path, str(pq_path)], chunk_bytes=1 << 20)
    for path in (e, pq_path, mbox_path, gz_path):
        os.remove(path)
    msgs = [m for t in tasks for m in read_task(t)]
    assert len(msgs) == 4
    assert all(m.raw == b"" and m.error for m in msgs)
    assert [m.source for m in msgs] == [str(e), mbox_path, gz_path, str(pq_path)]
    # a directory where a file was expected
    d = tmp_path / "adir"
    d.mkdir()
    (msg,) = list(read_task(ReadTask("eml", str(d))))
    assert msg.error.startswith("cannot read file")


def test_permission_denied(tmp_path, monkeypatch, mbox_path, gz_path):
    p = tmp_path / "secret.eml"
    p.write_bytes(b"x")
    paths = [str(p), mbox_path, gz_path]
    tasks = plan_inputs(paths)
    if os.geteuid() == 0:  # root reads mode-000 files: simulate the refusal

        def deny(path, *args, **kwargs):
            raise PermissionError(13, "Permission denied", str(path))

        monkeypatch.setattr(readers, "open", deny, raising=False)
    else:
        for q in paths:
            os.chmod(q, 0)
    try:
        msgs = [m for t in tasks for m in read_task(t)]
    finally:
        for q in paths:
            os.chmod(q, 0o600)
    assert [m.source for m in msgs] == paths
    assert all(m.raw == b"" and "Permission denied" in m.error for m in msgs)


def test_objects_pickle(mbox_path):
    task = plan_inputs([mbox_path])[0]
    assert pickle.loads(pickle.dumps(task)) == task
    msg = next(read_task(task))
    assert pickle.loads(pickle.dumps(msg)) == msg
    from apache_beam.internal import pickler

    t = ReadArchives([mbox_path], chunk_bytes=1000)
    assert pickler.loads(pickler.dumps(t)).tasks == t.tasks
    pickler.loads(pickler.dumps(readers.ReadChunks()))


# ---------------------------------------------------------------------------
# Beam
# ---------------------------------------------------------------------------


def test_beam_read_archives_matches_iter_messages(tmp_path, mbox_path, gz_path):
    import apache_beam as beam
    from apache_beam.metrics.metric import MetricsFilter
    from apache_beam.options.pipeline_options import PipelineOptions
    from apache_beam.testing.util import assert_that, equal_to

    blob = Path(gz_path).read_bytes()
    cut = tmp_path / "cut.mbox.gz"
    cut.write_bytes(blob[: len(blob) // 2])
    maildir = tmp_path / "Maildir"
    _make_maildir(maildir)
    emls = tmp_path / "emls"
    emls.mkdir()
    for i in range(3):
        (emls / f"{i}.eml").write_bytes(b"Subject: %d\n\nhi\n" % i)
    pqf = tmp_path / "m.parquet"
    pq.write_table(pa.table({"raw": [b"one", None, b"three"]}), pqf)
    paths = [mbox_path, gz_path, str(cut), str(maildir), str(emls), str(pqf)]

    expected = [(m.source, m.raw, m.error) for m in iter_messages(paths)]
    assert len(expected) == len(set(e[0] for e in expected))  # sources are unique
    n_errors = sum(e[2] is not None for e in expected)
    assert n_errors == 2  # the truncated gzip's last message and the null parquet row

    p = beam.Pipeline(options=PipelineOptions(["--runner=FnApiRunner"]))
    out = p | ReadArchives(paths, chunk_bytes=1000) | beam.Map(lambda m: (m.source, m.raw, m.error))
    assert_that(out, equal_to(expected))
    result = p.run()
    result.wait_until_finish()

    counters = {
        c.key.metric.name: c.committed
        for c in result.metrics().query(MetricsFilter().with_namespace("readers"))["counters"]
    }
    assert counters == {"messages": len(expected), "read_errors": n_errors}


def test_read_archives_expand_shape(mbox_path):
    import apache_beam as beam
    from apache_beam.options.pipeline_options import PipelineOptions
    from apache_beam.pipeline import PipelineVisitor

    class Labels(PipelineVisitor):
        def __init__(self):
            self.labels = set()

        def enter_composite_transform(self, node):
            self.labels.add(node.full_label)

        def visit_transform(self, node):
            self.labels.add(node.full_label)

    p = beam.Pipeline(options=PipelineOptions(["--runner=FnApiRunner"]))
    _ = p | "Read" >> ReadArchives(mbox_path, chunk_bytes=2000)
    v = Labels()
    p.visit(v)
    assert {"Read/PlanReads", "Read/Reshuffle", "Read/ReadChunks"} <= v.labels


# ---------------------------------------------------------------------------
# real corpora
# ---------------------------------------------------------------------------


@pytest.mark.skipif(not os.path.exists(BEC), reason="corpus not present")
def test_real_corpus_bec_count():
    msgs = list(iter_messages([BEC]))
    assert len(msgs) == 276
    assert all(m.error is None for m in msgs)
    assert msgs[0].source == f"{BEC}#0"
    assert all(m.raw.startswith(b"Subject: ") for m in msgs)


@pytest.mark.skipif(not os.path.exists(NAZARIO), reason="corpus not present")
def test_real_corpus_nazario_matches_mailbox(tmp_path):
    plain = tmp_path / "nazario.mbox"
    with gzip.open(NAZARIO, "rb") as src, open(plain, "wb") as dst:
        shutil.copyfileobj(src, dst)
    mb = mailbox.mbox(str(plain), create=False)
    ref = [mb.get_bytes(k) for k in mb.keys()]
    mb.close()
    gz = list(iter_messages([NAZARIO]))
    assert len(gz) == len(ref) == 987
    assert [m.raw for m in gz] == ref
    # the decompressed copy read in small chunks gives the same messages and offsets
    chunked = list(iter_messages([str(plain)], chunk_bytes=256 << 10))
    assert [m.raw for m in chunked] == ref
    assert [m.source.rsplit("#", 1)[1] for m in chunked] == [m.source.rsplit("#", 1)[1] for m in gz]
