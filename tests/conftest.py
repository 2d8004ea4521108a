import os
from pathlib import Path

import pytest

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")

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


@pytest.fixture
def redis_server(tmp_path):
    """A real redis-server on a free loopback port (append-only, so restart() keeps the data)."""
    from pipelines.local_redis import LocalRedis
    with LocalRedis(tmp_path / "redis") as server:
        yield server
