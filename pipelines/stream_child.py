"""Where each run process of `sedetect stream` starts: the CLI's quiet logging first, then Beam.

A spawned process imports its target's module, and the modules of its arguments, before the target
runs; this module and the arguments (plain dicts, ScoringOptions) import no Beam, so Beam's
import-time notices ("apitools not found ...") are not printed once per run.
"""
from __future__ import annotations


def main(spec: dict, job: dict, ready, go, background: bool = False) -> None:
    from pipelines.cli import quiet_libraries
    quiet_libraries()
    from pipelines.redis_io import StreamSpec
    from pipelines.stream import _run_child
    _run_child(StreamSpec(**spec), job, ready, go, background)
