import os
from pathlib import Path

import pytest

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")
# Files derived from the MiniLM weights (the static table, the ONNX export) are built once per
# machine cache (features/text.py derived_cache_dir): one per test session, not the user's.
if not os.environ.get("SEDETECT_CACHE"):
    import tempfile
    os.environ["SEDETECT_CACHE"] = tempfile.mkdtemp(prefix="sedetect-test-cache-")

REPO = Path(__file__).resolve().parent.parent
CORPORA = REPO.parent / "shared" / "corpora"


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A fresh, empty SEDETECT_HOME: every test that touches state bootstraps its own."""
    h = tmp_path / "home"
    monkeypatch.setenv("SEDETECT_HOME", str(h))
    return h


@pytest.fixture(scope="session")
def synthetic_messages():
    from labeling.synthetic import generate
    return list(generate(120, seed=3))


@pytest.fixture(scope="session")
def synthetic_mbox(tmp_path_factory, synthetic_messages):
    from labeling.synthetic import write_mbox
    path = tmp_path_factory.mktemp("synth") / "synthetic.mbox"
    write_mbox(synthetic_messages, str(path))
    return path


@pytest.fixture(scope="session")
def default_bundle():
    from detectors.bundle import DEFAULT_BUNDLE_DIR, ModelBundle
    return ModelBundle.load(DEFAULT_BUNDLE_DIR)


def signal_table(messages, embeddings=None, space: str = "minilm"):
    """A training SignalTable of synthetic messages (one source, "synthetic"), parsed and
    extracted here; ``embeddings`` (and their ``space``) feed a text model when given."""
    import numpy as np
    from detectors.bundle import evidence_matrix, rule_offsets
    from features.context import Context, load_org
    from features.parsing import parse_message
    from features.signals import CONCEPTS
    from features.catalogue import evaluate, feature_names
    from pipelines.train import SignalTable
    ctx = Context(load_org())
    evs = [evaluate(parse_message(m.raw), ctx) for m in messages]
    names = {c: feature_names(c) for c in CONCEPTS}
    table = SignalTable(
        keys=np.arange(len(evs)).astype(str), sources=np.array(["synthetic"] * len(evs)),
        labels=np.array([1 if m.label == "malicious" else 0 for m in messages]),
        matrices={c: evidence_matrix(evs, c, names[c]) for c in CONCEPTS},
        offsets=np.column_stack([rule_offsets(evs, c)[0] for c in CONCEPTS]),
        feature_names=names, embeddings=embeddings, space=space)
    return table, evs


def home_with_encoder(tmp_path_factory, backend: str):
    """A module's SEDETECT_HOME, with the encoder's derived file (the ONNX export, the static
    table) made once in the session's machine cache: each takes 15-60 s."""
    from features.text import TextEncoder
    home = tmp_path_factory.mktemp(f"{backend}-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SEDETECT_HOME", str(home))
        TextEncoder(backend=backend).load()
        yield home


@pytest.fixture
def redis_server(tmp_path):
    """A real redis-server on a free loopback port (append-only, so restart() keeps the data)."""
    from pipelines.local_redis import LocalRedis
    with LocalRedis(tmp_path / "redis") as server:
        yield server


ANA, LEAD = "ana-" + "a" * 24, "lead-" + "b" * 24      # two analysts' console tokens


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    """A real `sedetect console` process on a free loopback port, with analysts ana and lead."""
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request
    from pipelines.local_redis import free_port
    home = tmp_path_factory.mktemp("console-home")
    tokens = home / "tokens"
    tokens.write_text(f"# analysts\nana:{ANA}\nlead:{LEAD}:lead\n")
    port = free_port()
    env = os.environ | {"SEDETECT_HOME": str(home), "SEDETECT_CONSOLE_TOKENS": str(tokens)}
    proc = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "console", "--port", str(port),
                             "--max-upload-mb", "1"], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(base + "/api/misses", timeout=1)
        except urllib.error.HTTPError:
            break                          # it answers (401): up
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(proc.stderr.read())
            time.sleep(0.3)
    yield base
    proc.terminate()
    proc.wait(30)


@pytest.fixture(scope="module")
def module_home(tmp_path_factory):
    """A SEDETECT_HOME of the test module's own (state such as the MLflow store kept apart)."""
    home = tmp_path_factory.mktemp("home")
    old = os.environ.get("SEDETECT_HOME")
    os.environ["SEDETECT_HOME"] = str(home)
    yield home
    if old is None:
        os.environ.pop("SEDETECT_HOME", None)
    else:
        os.environ["SEDETECT_HOME"] = old


# -- 2,000 real messages, scored once on one process (tests/test_distributed.py, test_dask.py) ---
REAL_N = 2000
REAL_CHUNK_BYTES = 2 << 20     # a 21 MB mbox in ~11 read tasks, so every worker reads and parses
FLOATS = ("score", "impersonation", "trust", "payload", "goal", "signature_match")


@pytest.fixture(scope="session")
def real_sample(tmp_path_factory):
    """The shared corpora's round-robin sample in one mbox, scored once with the default model on
    one process: (mbox, that run's summary, its rows, its seconds). The multi-process and Dask
    tests compare their runs with it. Skipped where ../shared/corpora is absent."""
    import time
    import pyarrow.parquet as pq
    from labeling.synthetic import SyntheticMessage, write_mbox
    from pipelines.batch import score
    from pipelines.readers import round_robin
    if not any(CORPORA.glob("*.mbox.gz")):
        pytest.skip(f"the shared corpora (*.mbox.gz) are not at {CORPORA}")
    folder = tmp_path_factory.mktemp("real-sample")
    raws = round_robin([str(p) for p in sorted(CORPORA.glob("*.mbox.gz"))], REAL_N)
    assert len(raws) == REAL_N
    mbox = folder / "corpora-sample.mbox"
    write_mbox([SyntheticMessage(raw, "benign", "corpora") for raw in raws], str(mbox))
    old = os.environ.get("SEDETECT_HOME")
    os.environ["SEDETECT_HOME"] = str(folder / "home")
    try:
        t = time.perf_counter()
        summary = score([str(mbox)], str(folder / "one.parquet"), quiet=True,
                        chunk_bytes=REAL_CHUNK_BYTES)
        seconds = time.perf_counter() - t
    finally:
        if old is None:
            os.environ.pop("SEDETECT_HOME", None)
        else:
            os.environ["SEDETECT_HOME"] = old
    print(f"\none process: {REAL_N} messages in {seconds:.1f} s, metrics {summary['metrics']}")
    return mbox, summary, pq.read_table(folder / "one.parquet").to_pylist(), seconds


def assert_same_rows(rows_a: list[dict], rows_b: list[dict], n: int) -> None:
    """The same rows key by key (source: the archive and the message's place in it): other
    columns equal, scores within 1e-6 (embedding batches are cut differently per worker)."""
    assert len(rows_a) == len(rows_b) == n
    a_by_key = {r["source"]: r for r in rows_a}
    b_by_key = {r["source"]: r for r in rows_b}
    assert len(a_by_key) == n and a_by_key.keys() == b_by_key.keys()
    for key, a in a_by_key.items():
        b = b_by_key[key]
        assert {k: v for k, v in a.items() if k not in FLOATS} == \
            {k: v for k, v in b.items() if k not in FLOATS}, key
        for k in FLOATS:
            assert (a[k] is None and b[k] is None) or a[k] == pytest.approx(b[k], abs=1e-6), \
                (key, k)
