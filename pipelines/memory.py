"""Giving freed native memory back to the system.

Scoring allocates and frees large native buffers (the sentence encoder's tensors, whose shapes
change with every batch; XGBoost's matrices). glibc keeps freed memory in its arenas, so a
long-running job's resident memory climbs though nothing is leaked: measured on the stream job,
2.9 MB/s at 25 msgs/s without trimming, flat within noise with a trim every 5 s. Python's own
objects do not grow (tracemalloc). ``trim_heap`` asks glibc to return what it holds free.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import threading
import time

_LOCK = threading.Lock()
_LAST = [0.0]
_LIBC = None


def _libc():
    global _LIBC
    if _LIBC is None:
        name = ctypes.util.find_library("c")
        try:
            lib = ctypes.CDLL(name) if name else None
            _LIBC = lib if lib is not None and hasattr(lib, "malloc_trim") else False
        except OSError:
            _LIBC = False
    return _LIBC


def trim_heap(min_interval_s: float = 5.0) -> bool:
    """malloc_trim(0), at most once per ``min_interval_s`` per process; False where there is no
    glibc (the call is then a no-op)."""
    lib = _libc()
    if not lib:
        return False
    now = time.monotonic()
    with _LOCK:
        if now - _LAST[0] < min_interval_s:
            return False
        _LAST[0] = now
    lib.malloc_trim(0)
    return True
