"""Which phrases of a missed attack are distinctive against benign mail: candidate lexicon entries
for the next model.

A set of word bigrams seen in benign mail is kept as a hashed bit set (2^23 bits, 1 MB, shipped
gzipped in labeling/data/); a phrase is a run of consecutive words whose every bigram is absent
from it. Hash collisions can only hide a distinctive phrase, never invent one.

    python -m pipelines.phrases_job --corpora ../shared/corpora   # rebuild from the benign corpora
"""
from __future__ import annotations

import gzip
import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

import numpy as np

BITS = 1 << 23
DATA = Path(__file__).resolve().parent / "data" / "benign_bigrams.bits.gz"
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _slot(a: str, b: str) -> int:
    return int.from_bytes(hashlib.blake2b(f"{a} {b}".encode(), digest_size=8).digest(),
                          "little") % BITS


class BenignBigrams:
    def __init__(self, bits: Optional[np.ndarray] = None):
        self.bits = bits if bits is not None else np.zeros(BITS // 8, dtype=np.uint8)

    def add(self, text: str) -> None:
        w = words(text)
        for a, b in zip(w, w[1:]):
            s = _slot(a, b)
            self.bits[s >> 3] |= 1 << (s & 7)

    def __contains__(self, pair: tuple[str, str]) -> bool:
        s = _slot(*pair)
        return bool(self.bits[s >> 3] & (1 << (s & 7)))

    def fill(self) -> float:
        return float(np.unpackbits(self.bits).mean())

    def save(self, path: Path = DATA) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(path, "wb", compresslevel=9) as fh:
            fh.write(self.bits.tobytes())

    @classmethod
    def load(cls, path: Path = DATA) -> "BenignBigrams":
        with gzip.open(path, "rb") as fh:
            return cls(np.frombuffer(fh.read(), dtype=np.uint8).copy())


@lru_cache(maxsize=1)
def shipped() -> Optional[BenignBigrams]:
    return BenignBigrams.load() if DATA.is_file() else None


def distinctive_phrases(text: str, benign: Optional[BenignBigrams] = None, min_words: int = 3,
                        limit: int = 10) -> list[str]:
    """Runs of at least ``min_words`` words none of whose bigrams occur in benign mail, longest
    first."""
    benign = benign or shipped()
    if benign is None:
        return []
    w = words(text)
    runs, start = [], None
    for i in range(len(w) - 1):
        novel = (w[i], w[i + 1]) not in benign
        if novel and start is None:
            start = i
        if not novel and start is not None:
            runs.append(w[start:i + 1])
            start = None
    if start is not None:
        runs.append(w[start:])
    seen, out = set(), []
    for run in sorted((r for r in runs if len(r) >= min_words), key=len, reverse=True):
        phrase = " ".join(run[:12])
        if phrase not in seen:
            seen.add(phrase)
            out.append(phrase)
    return out[:limit]


def build(raws: Iterable[bytes]) -> BenignBigrams:
    """The bigram table of these raw benign messages (subject and body); unparseable ones are
    skipped. Reading the corpora is pipelines/phrases_job.py's part."""
    from features.parsing import ParseError, parse_message
    table = BenignBigrams()
    for raw in raws:
        try:
            msg = parse_message(raw)
        except ParseError:
            continue
        table.add(f"{msg.subject}\n{msg.text}")
    return table
