"""The verdict row: the contract with users' scripts (Parquet schema, and JSON on the bus).

Every input message yields exactly one row: a verdict, or an error row (verdict "error") that names
the source and the reason.
"""
from __future__ import annotations

import hashlib
from typing import Optional

import pyarrow as pa

VERDICTS = ("malicious", "suspicious", "benign", "error")

VERDICT_SCHEMA = pa.schema([
    ("message_key", pa.string()),
    ("source", pa.string()),
    ("message_id", pa.string()),
    ("from_addr", pa.string()),
    ("subject", pa.string()),
    ("verdict", pa.string()),
    ("score", pa.float64()),
    ("impersonation", pa.float64()),
    ("trust", pa.float64()),
    ("payload", pa.float64()),
    ("goal", pa.float64()),
    ("signature_match", pa.float64()),
    ("signature_id", pa.string()),
    ("reasons", pa.list_(pa.string())),
    ("model_version", pa.string()),
    ("error", pa.string()),
])

COLUMNS = tuple(VERDICT_SCHEMA.names)


def message_key(raw: bytes) -> str:
    """Stable identity of a message: SHA-256 of its raw bytes."""
    return hashlib.sha256(raw).hexdigest()


def error_row(source: str, raw: bytes, reason: str, model_version: str = "",
              message_id: str = "", from_addr: str = "", subject: str = "") -> dict:
    return {
        "message_key": message_key(raw or b""), "source": source, "message_id": message_id,
        "from_addr": from_addr, "subject": subject, "verdict": "error", "score": None,
        "impersonation": None, "trust": None, "payload": None, "goal": None,
        "signature_match": None, "signature_id": None, "reasons": [],
        "model_version": model_version, "error": reason,
    }


def verdict_row(key: str, source: str, message_id: str, from_addr: str, subject: str,
                verdict: str, score: float, concepts: dict[str, float], reasons: list[str],
                model_version: str, signature_match: float = 0.0,
                signature_id: Optional[str] = None) -> dict:
    return {
        "message_key": key, "source": source, "message_id": message_id,
        "from_addr": from_addr, "subject": subject, "verdict": verdict, "score": float(score),
        "impersonation": concepts["impersonation"], "trust": concepts["trust"],
        "payload": concepts["payload"], "goal": concepts["goal"],
        "signature_match": float(signature_match), "signature_id": signature_id,
        "reasons": list(reasons), "model_version": model_version, "error": None,
    }
