"""The static encoder and models trained on it: vectors from the distilled word-piece table, a
text model that records its space, a scorer that never runs MiniLM for such a model (except for
miss signatures, which live in MiniLM's space), and the batch job on a real Beam pipeline."""
import json
import subprocess
import sys

import numpy as np
import pytest

from features.text import DIM, MINILM, STATIC, TextEncoder, static_table_path
from tests.conftest import REPO, home_with_encoder, signal_table
from tests.test_misses import invoice, lure
from tests.test_text_encoder import TEXTS


@pytest.fixture(scope="module")
def static_home(tmp_path_factory):
    yield from home_with_encoder(tmp_path_factory, "static")


@pytest.fixture(scope="module")
def static_bundle(static_home, synthetic_messages):
    """A bundle whose text model reads static vectors, fitted on the synthetic messages."""
    from features.parsing import parse_message
    from features.text import embedding_text
    from pipelines.train import fit_bundle
    texts = [embedding_text(parse_message(m.raw)) for m in synthetic_messages]
    table, _ = signal_table(synthetic_messages, TextEncoder(backend="static").encode(texts), STATIC)
    bundle, _ = fit_bundle(table, folds=3, meta={"version": "static-test"})
    return bundle


def test_static_vectors_are_normalised_and_batch_independent(static_home):
    enc = TextEncoder(backend="static")
    vecs = enc.encode(TEXTS)
    assert vecs.shape == (len(TEXTS), DIM) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    alone = np.vstack([TextEncoder(backend="static").encode([t]) for t in TEXTS])
    np.testing.assert_array_equal(vecs, alone)
    assert enc.space == STATIC and TextEncoder().space == MINILM
    # Related wording is closer than unrelated wording, in its own space.
    a, b, c = enc.encode(["please verify your password now", "confirm your password today",
                          "the kernel patch fixes a refcount leak"])
    assert a @ b > a @ c


def test_text_without_word_pieces_is_the_zero_vector(static_home):
    assert not TextEncoder(backend="static").encode(["\n"]).any()


def test_table_is_built_once_and_loads_without_torch(static_home):
    path = static_table_path()
    assert path.is_file() and [p.name for p in path.parent.glob("minilm-pieces-*")] == [path.name]
    code = ("import sys; from features.text import TextEncoder; "
            "TextEncoder(backend='static').encode(['hello']); "
            "print(sorted({'torch', 'sentence_transformers', 'transformers'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_bundle_keeps_its_space(static_bundle, default_bundle):
    from detectors.bundle import ModelBundle
    assert static_bundle.text_head.space == STATIC
    assert ModelBundle.from_bytes(static_bundle.to_bytes()).text_head.space == STATIC
    assert default_bundle.text_head.space == MINILM      # bundles from before: MiniLM


def test_scorer_reads_static_vectors_and_never_runs_minilm(static_bundle, synthetic_messages):
    from detectors.scoring import Scorer, extract_item, parse_item
    from features.context import Context, load_org
    scorer = Scorer(static_bundle)
    assert scorer.encoder is None and scorer.text_encoder.backend == "static"
    ctx = Context(load_org())
    items = [extract_item(parse_item(f"#{i}", m.raw), ctx)
             for i, m in enumerate(synthetic_messages[:40])]
    rows = scorer.rows(items, "v")
    assert len(rows) == 40 and {r["verdict"] for r in rows} <= {"malicious", "suspicious", "benign"}
    assert scorer.stats["static_texts_encoded"] == 40
    assert scorer.stats["embedding_texts_encoded"] == 0
    # A message's row does not depend on its batch.
    assert [scorer.rows([it], "v")[0]["score"] for it in items[:5]] == \
        [r["score"] for r in rows[:5]]
    y = np.array([m.label == "malicious" for m in synthetic_messages[:40]])
    s = np.array([r["score"] for r in rows])
    assert s[y].mean() > s[~y].mean() + 0.3


def test_scorer_refuses_a_static_encoder_for_minilm_work(static_bundle, static_home):
    from detectors.scoring import Scorer
    with pytest.raises(ValueError, match="MiniLM"):
        Scorer(static_bundle, encoder=TextEncoder(backend="static"))


def test_signatures_still_match_with_a_static_model(static_bundle, tmp_path, static_home):
    """Signatures are MiniLM vectors: the scorer runs MiniLM only for the messages whose verdict
    a signature could still change, and catches the near-duplicates."""
    from labeling.misses import accept, load_signatures
    from labeling.queue import MissQueue
    from detectors.scoring import score_raw_messages
    q = MissQueue(tmp_path / "misses.db")
    s = q.submit(lure(), "malicious", "ana")
    minilm = TextEncoder()
    accept(q, s.id, "lead", encoder=minilm)
    raws = [lure(name="Sam", user="sam"), lure(name="Jo", user="jo"), invoice()]
    rows = score_raw_messages(raws, static_bundle, signatures=load_signatures(q),
                              model_version="t")
    assert [r["signature_id"] for r in rows[:2]] == [f"sig-{s.id}"] * 2
    assert all(r["verdict"] == "malicious" for r in rows[:2])
    assert rows[2]["signature_id"] is None
    q.close()


def test_batch_job_with_a_static_model(static_bundle, static_home, tmp_path, synthetic_mbox):
    from pipelines.batch import score
    folder = static_bundle.save(tmp_path / "bundle")
    out = tmp_path / "v.jsonl"
    summary = score([str(synthetic_mbox)], str(out), model_uri=str(folder), quiet=True,
                    no_profile=True, no_signatures=True)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 120 and all(r["model_version"] == "static-test" for r in rows)
    assert summary["stages"]["texts_encoded"] == 0          # MiniLM never ran
    assert summary["stages"]["static_texts_encoded"] == 120
