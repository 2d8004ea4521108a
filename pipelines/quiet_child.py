"""Where a spawned worker process of ours starts: the CLI's quiet logging first, then the job.

A spawned process imports its target's module, and the modules of its arguments, before the target
runs. This module imports no Beam and names its target as "module:function", so Beam's import-time
notices ("apitools not found ...") are not printed once per process, and this trampoline depends on
no job module (`sedetect stream` passes "pipelines.stream:_run_child").
"""
from __future__ import annotations

import importlib


def run_quietly(target: str, *args) -> None:
    from pipelines.cli import quiet_libraries
    quiet_libraries()
    module, _, function = target.partition(":")
    getattr(importlib.import_module(module), function)(*args)
