"""The ONNX text encoder (the default): the torch encoder's shape, order and cache behaviour, the
same vectors, one export per cache folder, and no torch at load time once the export exists."""
import subprocess
import sys

import numpy as np
import pytest

import features.text as text
from features.text import DIM, TextEncoder, onnx_path
from tests.conftest import REPO, home_with_encoder

TEXTS = [
    "Invoice overdue\nPlease wire the outstanding amount to the new account below today.",
    "Re: minutes\nThanks all, the minutes from Tuesday's meeting are attached.",
    "Account suspended\nUnusual sign-in activity: verify your password here to restore access.",
    "Quick favour\nAre you at your desk? I need you to buy gift cards for a client, keep it quiet.",
    "[PATCH net] sctp: fix a refcount leak\nThe asoc is held but never put on the error path.",
    "Lunch\nPizza on Friday?",
]


@pytest.fixture(scope="module")
def onnx_home(tmp_path_factory):
    yield from home_with_encoder(tmp_path_factory, "onnx")


def test_onnx_vectors_are_the_torch_reference_vectors(onnx_home):
    vecs = TextEncoder().encode(TEXTS)             # the default backend is onnx
    assert vecs.shape == (len(TEXTS), DIM) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    ref = TextEncoder(backend="torch").encode(TEXTS)
    np.testing.assert_allclose(vecs, ref, atol=1e-5)


def test_onnx_keeps_input_order_and_caches(onnx_home):
    enc = TextEncoder(backend="onnx")
    batch = enc.encode(TEXTS)
    assert (enc.misses, enc.hits) == (len(TEXTS), 0)
    # Each text alone gives its row of the batch (padding is masked; float rounding only).
    alone = np.vstack([TextEncoder(backend="onnx").encode([t]) for t in TEXTS])
    np.testing.assert_allclose(batch, alone, atol=1e-6)
    again = enc.encode(TEXTS[::-1] + TEXTS[:2])
    assert (enc.misses, enc.hits) == (len(TEXTS), len(TEXTS) + 2)
    np.testing.assert_array_equal(again, np.vstack([batch[::-1], batch[:2]]))


def test_second_encoder_reuses_the_export(onnx_home, monkeypatch):
    path = onnx_path()
    mtime = path.stat().st_mtime_ns

    def no_export(dest):
        raise AssertionError(f"exported again to {dest}")
    monkeypatch.setattr(text, "export_onnx", no_export)
    assert TextEncoder(backend="onnx").encode(TEXTS[:1]).shape == (1, DIM)
    assert path.stat().st_mtime_ns == mtime
    # No export temp left over beside it (the machine cache also holds the static table).
    assert [p.name for p in path.parent.iterdir() if "fp32" in p.name or p.name.startswith(".")] \
        == [path.name]


def test_onnx_load_imports_no_torch(onnx_home):
    code = ("import sys; from features.text import TextEncoder; "
            "TextEncoder().load(); "
            "print(sorted({'torch', 'sentence_transformers', 'transformers'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="backend"):
        TextEncoder(backend="onnx-int8")
