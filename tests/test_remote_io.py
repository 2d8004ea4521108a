"""Reading and writing storage behind a URI scheme, through Beam's FileSystems.

A real extra FileSystem (tests/tmpfs.py: ``tmpfs://`` on a local folder) stands in for gs:// or
s3://: the readers and the batch job must give the same messages and verdicts as from a local
path, and a remote output is written as shards where it was asked for, with nothing merged.
"""
from __future__ import annotations

import gzip
import io
import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines import readers, storage
from pipelines.readers import ReadArchives, detect_format, iter_messages, plan_inputs
from tests import tmpfs
from tests.test_readers import _build_mbox, _make_maildir

GARBAGE = b"\x00\x01\x02\xff\xfe" * 40


@pytest.fixture
def remote(tmp_path, monkeypatch):
    """A fresh tmpfs root; returns (local folder, tmpfs:// URL of the same folder)."""
    monkeypatch.setenv(tmpfs.ROOT_ENV, str(tmp_path))
    local = tmp_path / "bucket"
    local.mkdir()
    return local, "tmpfs://bucket"


def _as_local(msgs, url: str, local: Path):
    """Messages read remotely, their sources rewritten to the local path (for comparison)."""
    return [(m.source.replace(url, str(local), 1), m.raw, m.error) for m in msgs]


def _archives(root: Path) -> list[str]:
    """Every input form under ``root``; returns the names to read."""
    data, _, _ = _build_mbox(50)
    (root / "box.mbox").write_bytes(data)
    (root / "box.mbox.gz").write_bytes(gzip.compress(data))
    blob = gzip.compress(data)
    (root / "cut.mbox.gz").write_bytes(blob[: len(blob) // 2])
    pq.write_table(pa.table({"raw": pa.array([b"Subject: a\n\nx\n", None], pa.binary())}),
                   root / "m.parquet")
    _make_maildir(root / "Maildir")
    emls = root / "emls"
    (emls / "b" / "deep").mkdir(parents=True)
    (emls / ".hidden_dir").mkdir()
    for name, raw in {"z.eml": b"Z", "a.eml": b"A", "b/m.EML": b"M", "b/deep/x.eml": b"X",
                      "b/notes.txt": b"skip", ".hidden.eml": b"skip",
                      ".hidden_dir/h.eml": b"skip"}.items():
        (emls / name).write_bytes(raw)
    _make_maildir(emls / "alice")                 # a Maildir met inside an eml folder
    return ["box.mbox", "box.mbox.gz", "cut.mbox.gz", "m.parquet", "Maildir", "emls"]


def test_scheme_is_registered_and_remote(remote):
    local, url = remote
    (local / "x.eml").write_bytes(b"Subject: x\n\nhi\n")
    assert storage.is_remote(f"{url}/x.eml") and not storage.is_remote(str(local / "x.eml"))
    assert storage.list_files(url) == [f"{url}/x.eml"]
    assert storage.size(f"{url}/x.eml") == 15


@pytest.mark.parametrize("chunk", [300, 1000, 1 << 20])
def test_every_form_reads_the_same_as_local(remote, chunk):
    local, url = remote
    names = _archives(local)
    for name in names:
        assert detect_format(f"{url}/{name}") == detect_format(str(local / name)), name
    want = [(m.source, m.raw, m.error) for m in iter_messages([str(local / n) for n in names],
                                                              chunk)]
    got = list(iter_messages([f"{url}/{n}" for n in names], chunk))
    assert all(m.source.startswith(url) for m in got)
    assert _as_local(got, url, local) == want
    assert sum(e is not None for _, _, e in want) == 2   # the cut gzip's last message, null row


def test_plan_is_the_same_task_list(remote):
    local, url = remote
    names = _archives(local)
    want = [(t.format, t.path, t.start, t.end) for t in plan_inputs([str(local / n)
                                                                     for n in names], 700)]
    got = [(t.format, t.path.replace(url, str(local), 1), t.start, t.end)
           for t in plan_inputs([f"{url}/{n}" for n in names], 700)]
    assert got == want


class _Unseekable(io.RawIOBase):
    """A stream that reads forward only, as some remote handles do."""

    def __init__(self, inner):
        self._inner = inner

    def readable(self):
        return True

    def seekable(self):
        return False

    def readinto(self, b):
        data = self._inner.read(min(len(b), 777))   # short reads too
        b[: len(data)] = data
        return len(data)

    def close(self):
        self._inner.close()
        super().close()


def test_chunks_read_from_a_stream_that_cannot_seek(remote, monkeypatch):
    local, url = remote
    _archives(local)
    want = _as_local(iter_messages([f"{url}/box.mbox"], 500), url, local)
    real = storage.open_read
    monkeypatch.setattr(storage, "open_read", lambda p: io.BufferedReader(_Unseekable(real(p))))
    got = _as_local(iter_messages([f"{url}/box.mbox"], 500), url, local)
    assert got == want and len(got) == 50


def test_missing_remote_path_fails_at_planning(remote):
    _, url = remote
    with pytest.raises(FileNotFoundError, match="does not exist"):
        ReadArchives([f"{url}/nope.mbox"])


def test_remote_folder_without_messages_is_reported_empty(remote):
    local, url = remote
    (local / "docs").mkdir()
    (local / "docs" / "notes.txt").write_bytes(b"no mail")
    assert ReadArchives([f"{url}/docs"]).empty == [f"{url}/docs"]


def test_plan_listing_maildir_needs_only_one_of_cur_new():
    """On an object store an empty new/ does not exist: cur/ alone makes a Maildir."""
    files = ["gs://b/box/cur/1:2,S", "gs://b/box/cur/.junk", "gs://b/box/tmp/3",
             "gs://b/box/.Sent/cur/2:2,S", "gs://b/box/dovecot-uidlist"]
    tasks = readers.plan_listing("gs://b/box/", files)
    assert [(t.format, t.path) for t in tasks] == [("maildir", "gs://b/box/cur/1:2,S"),
                                                   ("maildir", "gs://b/box/.Sent/cur/2:2,S")]


# ---------------------------------------------------------------------------
# the batch job end to end
# ---------------------------------------------------------------------------


def _rows(table_rows, url: str, local: Path):
    keep = ("message_key", "verdict", "score", "impersonation", "trust", "payload", "goal",
            "reasons", "error")
    return sorted((r["source"].replace(url, str(local), 1),) + tuple(r[k] for k in keep)
                  for r in table_rows)


@pytest.fixture
def small_mbox(synthetic_messages):
    from labeling.synthetic import SyntheticMessage, write_mbox
    msgs = [m.raw for m in synthetic_messages[:12]] + [GARBAGE]

    def write(path: Path) -> int:
        write_mbox([SyntheticMessage(raw, "benign", "x") for raw in msgs], str(path))
        return len(msgs)
    return write


def test_score_remote_archive_to_remote_output(home, remote, small_mbox):
    from detectors.bundle import DEFAULT_BUNDLE_DIR
    from pipelines.batch import run
    local, url = remote
    n = small_mbox(local / "archive.mbox")
    model = ["--model-uri", str(DEFAULT_BUNDLE_DIR), "--no-signatures"]
    here = run([str(local / "archive.mbox"), "-o", str(local / "here.parquet"), *model])
    there = run([f"{url}/archive.mbox", "-o", f"{url}/out/verdicts", "--chunk-mb", "1",
                 "--summary-json", f"{url}/out/summary.json", *model])
    # written where asked, as shards, never merged, nothing else left in the output folder
    shards = sorted(p.name for p in (local / "out").iterdir())
    assert shards and all(s.startswith("verdicts-") and s.endswith(".parquet")
                          for s in shards if s != "summary.json")
    assert there["shards"] == [f"{url}/out/{s}" for s in shards if s != "summary.json"]
    assert there["output"] == f"{url}/out/verdicts-*-of-*.parquet"
    rows = [r for s in there["shards"] for r in pq.read_table(tmpfs.to_local(s)).to_pylist()]
    assert len(rows) == n == there["messages"] == here["messages"]
    assert all(r["source"].startswith(f"{url}/archive.mbox#") for r in rows)
    assert _rows(rows, url, local) == _rows(pq.read_table(local / "here.parquet").to_pylist(),
                                            url, local)
    assert there["verdicts"] == here["verdicts"] and there["verdicts"]["error"] == 1
    assert json.loads((local / "out" / "summary.json").read_text())["messages"] == n


def test_score_remote_jsonl_output(home, remote, small_mbox, tmp_path):
    from detectors.bundle import DEFAULT_BUNDLE_DIR
    from pipelines.batch import score
    local, url = remote
    n = small_mbox(local / "archive.mbox")
    summary = score([str(local / "archive.mbox")], f"{url}/out/v.jsonl", quiet=True,
                    model_uri=str(DEFAULT_BUNDLE_DIR), no_signatures=True)
    assert summary["output"] == f"{url}/out/v-*-of-*.jsonl"
    lines = [json.loads(line) for s in summary["shards"]
             for line in Path(tmpfs.to_local(s)).read_text().splitlines()]
    assert len(lines) == n == summary["messages"]
    shutil.rmtree(local / "out")


# ---------------------------------------------------------------------------
# no local file calls on user paths in pipelines/ (outside the justified ones)
# ---------------------------------------------------------------------------

# Calls that would tie a job to this machine's disk when given a user's path. Any use in
# pipelines/ must be listed below with why it is fine; a new one fails the test until it goes
# through pipelines/storage.py (Beam's FileSystems) or is justified here.
LOCAL_FILE_CALLS = {"open", "io.open", "Path", "os.walk", "os.stat", "os.listdir", "os.scandir",
                    "os.path.getsize"}

ALLOWED = {
    # local paths keep the local file API (exact errors, symlinks, empty folders); remote paths
    # go through storage before these are reached
    ("readers.py", "_open", "open"): "local branch of the one read entry point",
    ("readers.py", "detect_format", "os.stat"): "local branch; remote lists through storage",
    ("readers.py", "plan_mbox_chunks", "os.path.getsize"): "local branch; remote: storage.size",
    ("readers.py", "_maildir_files", "os.listdir"): "local Maildir; remote: plan_listing",
    ("readers.py", "_maildir_files", "os.scandir"): "local Maildir; remote: plan_listing",
    ("readers.py", "_eml_dir_tasks", "os.walk"): "local folder; remote: plan_listing",
    ("storage.py", "stamp", "os.stat"): "local branch of the size/mtime stamp",
    # the local output: shards merged beside it, rows read back, the summary file
    ("batch.py", "merge_shards", "open"): "the local merge (remote outputs are not merged)",
    ("batch.py", "iter_rows", "open"): "local branch; remote rows read through storage",
    ("batch.py", "score", "Path"): "local output branch: shard folder beside the output, the "
                                   "local --summary-json",
    ("errors.py", "check_output_file", "Path"): "local output checks; remote returns first",
    ("errors.py", "resolve_model", "Path"): "a model bundle folder on this machine (the bundle "
                                            "travels to workers as bytes); a remote one is "
                                            "read through storage",
    # not user archives: this machine's own state, reports and code
    ("quiet_child.py", "<module>", "Path"): "the package's own folders (worker_site, source)",
    ("demo.py", "run", "Path"): "the demo's local work folder",
    ("evaluate.py", "_pinned", "Path"): "a model bundle folder on this machine",
    ("evaluate.py", "evaluate", "Path"): "the local report folder (HTML/JSON for a person)",
    ("local_redis.py", "LocalRedis.__init__", "Path"): "the local redis-server's data folder",
    ("stream.py", "_Run.foreground", "os.listdir"): "/proc of our own child process",
    ("train.py", "_table_cache_key", "Path"): "the features/ source folder (cache key)",
    ("train.py", "train", "Path"): "a temporary folder for the held-out bundle",
}


def _call_name(func) -> str | None:
    import ast
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        base = _call_name(func.value)
        return f"{base}.{func.attr}" if base else None
    return None


def _local_file_calls() -> set[tuple[str, str, str]]:
    """(module file, enclosing function, call) of every local file call in pipelines/*.py."""
    import ast
    found: set[tuple[str, str, str]] = set()
    root = Path(__file__).resolve().parent.parent / "pipelines"
    for path in sorted(root.glob("*.py")):

        def visit(node, scope):
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    visit(child, scope + [child.name])
                    continue
                if isinstance(child, ast.Call) and _call_name(child.func) in LOCAL_FILE_CALLS:
                    found.add((path.name, ".".join(scope) or "<module>",
                               _call_name(child.func)))
                visit(child, scope)

        visit(ast.parse(path.read_text()), [])
    return found


def test_pipelines_make_no_new_local_file_calls():
    found = _local_file_calls()
    new = sorted(found - ALLOWED.keys())
    assert not new, ("local file calls in pipelines/ that a remote path would break; use "
                     f"pipelines/storage.py or justify them in ALLOWED: {new}")
    stale = sorted(ALLOWED.keys() - found)
    assert not stale, f"ALLOWED lists calls that are gone; remove them: {stale}"


# ---------------------------------------------------------------------------
# distributed runners: options and graph checked, nothing submitted
# ---------------------------------------------------------------------------

DATAFLOW = ["--runner", "DataflowRunner", "--project", "my-project", "--region", "europe-west1",
            "--temp_location", "gs://my-bucket/tmp", "--setup_file", "./setup.py"]


def _labels(p) -> set[str]:
    from apache_beam.pipeline import PipelineVisitor

    class Labels(PipelineVisitor):
        def __init__(self):
            self.labels = set()

        def enter_composite_transform(self, node):
            self.labels.add(node.full_label)

    v = Labels()
    p.visit(v)
    return v.labels


@pytest.fixture
def remote_mbox(remote):
    local, url = remote
    data, _, _ = _build_mbox(20)
    (local / "a.mbox").write_bytes(data)
    return url


def _dry(inputs, output, beam_args):
    from detectors.bundle import DEFAULT_BUNDLE_DIR
    from pipelines.batch import build_only
    return build_only(inputs, output, beam_args, model_uri=str(DEFAULT_BUNDLE_DIR))


def test_dataflow_options_validate_and_graph_builds_without_submitting(remote_mbox):
    from apache_beam.options.pipeline_options import (GoogleCloudOptions, SetupOptions,
                                                      StandardOptions)
    from apache_beam.options.pipeline_options_validator import PipelineOptionsValidator
    p = _dry([f"{remote_mbox}/a.mbox"], "gs://my-bucket/out/verdicts.parquet", DATAFLOW)
    assert type(p.runner).__name__ == "DataflowRunner"
    gcp = p.options.view_as(GoogleCloudOptions)
    assert (gcp.project, gcp.region) == ("my-project", "europe-west1")
    assert gcp.temp_location == "gs://my-bucket/tmp"
    assert gcp.staging_location == "gs://my-bucket/tmp"    # Beam fills it from temp_location
    assert p.options.view_as(SetupOptions).setup_file == "./setup.py"
    assert p.options.view_as(StandardOptions).runner == "DataflowRunner"
    assert PipelineOptionsValidator(p.options, p.runner).validate() == []
    assert {"ReadArchives", "ScoreArchive", "WriteParquet"} <= _labels(p)
    proto = p.to_runner_api()           # every DoFn (bundle bytes included) pickles
    assert len(proto.components.transforms) > 10


@pytest.mark.parametrize("args, words", [
    (["--project", "p", "--region", "r", "--temp_location", "gs://b/tmp"],
     ["Invalid Project ID (p)", "Invalid GCS bucket (gs://b/tmp)"]),
    (["--project", "my-project", "--temp_location", "gs://my-bucket/tmp"],
     ["Missing required option: region"]),
    (["--project", "my-project", "--region", "europe-west1", "--temp_location", "/tmp/x"],
     ["Invalid GCS path (/tmp/x)"]),
])
def test_dataflow_option_mistakes_are_user_errors(remote_mbox, args, words):
    from pipelines.errors import UserError
    with pytest.raises(UserError) as err:
        _dry([f"{remote_mbox}/a.mbox"], "gs://my-bucket/out/v.parquet",
             ["--runner", "DataflowRunner", "--setup_file", "./setup.py", *args])
    assert all(w in str(err.value) for w in words), str(err.value)


def test_dataflow_refuses_local_paths_and_a_missing_package(remote_mbox, tmp_path):
    from pipelines.errors import UserError
    with pytest.raises(UserError, match="is on this machine"):
        _dry([f"{remote_mbox}/a.mbox"], str(tmp_path / "v.parquet"), DATAFLOW)
    with pytest.raises(UserError, match="--setup_file ./setup.py"):
        _dry([f"{remote_mbox}/a.mbox"], "gs://my-bucket/out/v.parquet",
             [a for a in DATAFLOW if a not in ("--setup_file", "./setup.py")])


@pytest.mark.parametrize("runner, args, view, field, value", [
    ("FlinkRunner", ["--flink_master", "flink-host:8081", "--environment_type", "PROCESS",
                     "--environment_config", '{"command": "/opt/apache/beam/boot"}'],
     "FlinkRunnerOptions", "flink_master", "flink-host:8081"),
    ("SparkRunner", ["--spark_master_url", "spark://spark-host:7077",
                     "--environment_type", "DOCKER"],
     "SparkRunnerOptions", "spark_master_url", "spark://spark-host:7077"),
])
def test_portable_runners_build_without_submitting(remote_mbox, tmp_path, runner, args, view,
                                                   field, value):
    from apache_beam.options import pipeline_options as po
    from apache_beam.options.pipeline_options_validator import PipelineOptionsValidator
    p = _dry([f"{remote_mbox}/a.mbox"], f"{remote_mbox}/out/v.parquet",
             ["--runner", runner, "--setup_file", "./setup.py", *args])
    assert type(p.runner).__name__ == runner
    assert getattr(p.options.view_as(getattr(po, view)), field) == value
    assert p.options.view_as(po.PortableOptions).environment_type == args[3]
    assert PipelineOptionsValidator(p.options, p.runner).validate() == []
    assert {"ReadArchives", "ScoreArchive", "WriteParquet"} <= _labels(p)
    p.to_runner_api()


def test_remote_glob_is_expanded_at_planning(remote):
    local, url = remote
    _archives(local)
    got = [t.path for t in plan_inputs([f"{url}/*.mbox.gz"])]
    assert got == [f"{url}/box.mbox.gz", f"{url}/cut.mbox.gz"]
    with pytest.raises(FileNotFoundError, match="no file matches"):
        plan_inputs([f"{url}/*.nothing"])


def test_dask_runner_is_refused_before_it_loses_rows(remote_mbox):
    """Beam 2.77's own DaskRunner drops elements emitted in finish_bundle (RunInference's last
    batch) and writes empty files from its file sinks: the job refuses it instead of losing rows,
    and names the corrected runner (pipelines/dask_runner.py, tested in tests/test_dask.py)."""
    from pipelines.errors import UserError
    for runner in ("DaskRunner", "apache_beam.runners.dask.dask_runner.DaskRunner"):
        with pytest.raises(UserError, match="rows would be lost.*pipelines.dask_runner.DaskRunner"):
            _dry([f"{remote_mbox}/a.mbox"], f"{remote_mbox}/out/v.parquet", ["--runner", runner])


def test_remote_output_with_old_shards_is_refused(remote):
    from pipelines.batch import check_no_old_shards
    from pipelines.errors import UserError
    local, url = remote
    check_no_old_shards(f"{url}/out/verdicts.parquet")          # nothing there yet
    (local / "out").mkdir()
    (local / "out" / "verdicts-00000-of-00001.parquet").write_bytes(b"PAR1")
    with pytest.raises(UserError, match="earlier job"):
        check_no_old_shards(f"{url}/out/verdicts.parquet")
    check_no_old_shards(f"{url}/out/verdicts.jsonl")            # other extension: free


# ---------------------------------------------------------------------------
# the model bundle on shared storage: the job carries its path, each worker reads it
# ---------------------------------------------------------------------------


@pytest.fixture
def remote_bundle(remote):
    """The packaged default bundle copied to tmpfs://bucket/models/bundle."""
    from detectors.bundle import DEFAULT_BUNDLE_DIR
    local, url = remote
    shutil.copytree(DEFAULT_BUNDLE_DIR, local / "models" / "bundle")
    return f"{url}/models/bundle"


def _handlers(p):
    """The BundleModelHandler of every ScoreMessages transform in a built pipeline."""
    from apache_beam.pipeline import PipelineVisitor
    from pipelines.transforms import ScoreMessages

    class Handlers(PipelineVisitor):
        def __init__(self):
            self.found = []

        def enter_composite_transform(self, node):
            if isinstance(node.transform, ScoreMessages):
                self.found.append(node.transform.handler)

    v = Handlers()
    p.visit(v)
    return v.found


def test_score_with_the_bundle_on_remote_storage(home, remote, remote_bundle, small_mbox):
    """--model-uri tmpfs://.../bundle: the same rows as the local packaged bundle; the workers
    read the folder through Beam's FileSystems (the handler holds its path, not its bytes)."""
    from detectors.bundle import DEFAULT_BUNDLE_DIR
    from pipelines.batch import score
    local, url = remote
    n = small_mbox(local / "archive.mbox")
    kw = {"quiet": True, "no_signatures": True}
    here = score([str(local / "archive.mbox")], str(local / "here.parquet"),
                 model_uri=str(DEFAULT_BUNDLE_DIR), **kw)
    there = score([str(local / "archive.mbox")], str(local / "there.parquet"),
                  model_uri=remote_bundle, **kw)
    a = sorted(pq.read_table(local / "here.parquet").to_pylist(), key=lambda r: r["source"])
    b = sorted(pq.read_table(local / "there.parquet").to_pylist(), key=lambda r: r["source"])
    assert len(a) == len(b) == n and here["verdicts"] == there["verdicts"]
    assert {r["model_version"] for r in b} == {remote_bundle} == {there["model_version"]}
    drop = lambda r: {k: v for k, v in r.items() if k != "model_version"}  # noqa: E731
    assert [drop(r) for r in a] == [drop(r) for r in b]


def test_remote_bundle_travels_as_its_path_not_its_bytes(remote_mbox, remote_bundle):
    """build_only (the dry Dataflow build) with a remote bundle: the handler carries the path, a
    few hundred bytes pickled, and the job's graph is smaller by the bundle; with a local folder
    the bytes travel, as before (the 2 MB bundle is ~0.5 MB pickled: Beam compresses)."""
    from apache_beam.internal import pickler
    from detectors.bundle import DEFAULT_BUNDLE_DIR
    from pipelines.batch import build_only
    from pipelines.transforms import BundleModelHandler
    args = ([f"{remote_mbox}/a.mbox"], "gs://my-bucket/out/v.parquet", DATAFLOW)
    by_path = build_only(*args, model_uri=remote_bundle)
    by_bytes = build_only(*args, model_uri=str(DEFAULT_BUNDLE_DIR))
    (h,) = _handlers(by_path)
    assert h.bundle_bytes is None and h.bundle_uri == remote_bundle
    (hb,) = _handlers(by_bytes)
    assert hb.bundle_uri is None and len(hb.bundle_bytes) > 1_000_000
    assert len(pickler.dumps(h)) < 2_000 and len(pickler.dumps(hb)) > 300_000
    graph = {name: len(p.to_runner_api().SerializeToString())
             for name, p in (("path", by_path), ("bytes", by_bytes))}
    assert graph["bytes"] - graph["path"] > 300_000, graph
    # a worker's load: the bundle read through FileSystems, scoring like the packaged one
    model = BundleModelHandler(None, "v", bundle_uri=remote_bundle).load_model()
    assert model.bundle.to_files() == BundleModelHandler(
        hb.bundle_bytes, "v").load_model().bundle.to_files()


@pytest.mark.parametrize("where", ["models/nope", "models/empty", "models"])
def test_missing_remote_bundle_is_one_line_before_the_job(home, remote, remote_bundle,
                                                          small_mbox, where):
    """A remote --model-uri that holds no bundle: one UserError line, nothing written."""
    from pipelines.batch import score
    from pipelines.errors import MODEL_URIS, UserError
    local, url = remote
    small_mbox(local / "archive.mbox")
    (local / "models" / "empty").mkdir()
    (local / "models" / "empty" / "notes.txt").write_text("not a bundle")
    uri = f"{url}/{where}"
    with pytest.raises(UserError) as err:
        score([str(local / "archive.mbox")], str(local / "v.parquet"), quiet=True,
              model_uri=uri, no_signatures=True)
    msg = str(err.value)
    assert msg.startswith(f"--model-uri {uri}: no bundle.json there") and MODEL_URIS in msg
    assert "\n" not in msg
    assert not (local / "v.parquet").exists()
    assert not any(p.name.startswith(".v.parquet") for p in local.iterdir())
