"""How sedetect's processes start: quietly where the user did nothing wrong, and without imports
they do not use. The CLI's own set-up (`quiet_libraries`), the trampoline where a spawned child of
ours starts (`run_quietly`), `quiet_workers` for the processes that Beam or a process pool launch,
and `skip_beam_model_manager` (no torch in a scoring process).

A spawned process imports its target's module, and the modules of its arguments, before the target
runs. This module imports no Beam and names its target as "module:function", so Beam's import-time
notices ("apitools not found ...") are not printed once per process, and this trampoline depends on
no job module (`sedetect stream` passes "pipelines.stream:_run_child").

Beam's own worker processes (``--direct_running_mode multi_processing``) start from Beam's command
line, not ours; `quiet_workers` gives them the same quiet start through PYTHONPATH.
"""
from __future__ import annotations

import importlib
import logging
import os
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

WORKER_SITE = Path(__file__).with_name("worker_site")
# Our own code: its warnings and log records are for the user; the libraries' are not.
OWN_PACKAGES = ("features", "detectors", "labeling", "pipelines", "sedetect")
_ROOT = Path(__file__).resolve().parent.parent
_OWN_FILES = tuple(str(_ROOT / name) + os.sep for name in OWN_PACKAGES)


def skip_beam_model_manager() -> None:
    """Keep torch out of scoring processes. Beam's RunInference module imports its GPU model
    manager, and with it torch (about a second of every start-up here), whenever torch is
    installed; sedetect never uses the manager (``use_model_manager`` stays False) and runs
    MiniLM on onnxruntime. Beam's ``ml/inference/base.py`` falls back to ``ModelManager = None``
    when that import fails, which a ``None`` in sys.modules makes it do. Call before Beam's
    inference module is imported; torch itself stays importable (the ONNX export needs it once)."""
    sys.modules.setdefault("apache_beam.ml.inference.model_manager", None)


def quiet_libraries() -> None:
    """Logging and warnings as the CLI shows them (also called in the streaming job's child
    processes, before they import Beam)."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(logging.ERROR)
    for name in OWN_PACKAGES:
        logging.getLogger(name).setLevel(logging.WARNING)
    if not sys.warnoptions:
        warnings.showwarning = _show_own_warnings


_show_warning = warnings.showwarning


def _show_own_warnings(message, category, filename, lineno, file=None, line=None) -> None:
    if str(filename).startswith(_OWN_FILES):
        _show_warning(message, category, filename, lineno, file, line)


def run_quietly(target: str, *args) -> None:
    quiet_libraries()
    module, _, function = target.partition(":")
    getattr(importlib.import_module(module), function)(*args)


@contextmanager
def quiet_workers() -> Iterator[None]:
    """While a pipeline runs or a process pool works, the Python processes it launches (Beam's
    workers, spawned pool workers: they inherit our environment) find worker_site/sitecustomize.py
    first on their path and show only errors and our own warnings."""
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join([str(WORKER_SITE)] + ([old] if old else []))
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old
