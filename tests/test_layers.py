"""The import contracts of .importlinter hold: features <- detectors <- labeling <- pipelines, and no
import cycle inside a package. `make test` runs `lint-imports` too; this keeps a plain `pytest` run
honest."""
from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_import_contracts_hold():
    from importlinter.cli import lint_imports
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        code = lint_imports(config_filename=str(REPO / ".importlinter"), no_cache=True)
    finally:
        os.chdir(cwd)
    assert code == 0, "lint-imports found an upward import or a cycle (run `.venv/bin/lint-imports`)"
