"""Where sedetect keeps its state: one folder, ``SEDETECT_HOME`` (default
``~/.local/share/sedetect``).

Kept apart from the registry so that light code (the ONNX text encoder's cache) can find the folder
without importing the bundle and, with it, scikit-learn (~2 s of start-up).
"""
from __future__ import annotations

import os
from pathlib import Path


def sedetect_home() -> Path:
    home = Path(os.environ.get("SEDETECT_HOME") or Path.home() / ".local" / "share" / "sedetect")
    home.mkdir(parents=True, exist_ok=True)
    return home
