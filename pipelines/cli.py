"""The ``sedetect`` command line. Each subcommand lives in its own job module; this only
dispatches, so ``sedetect --help`` stays fast."""
from __future__ import annotations

import os
import sys

from pipelines.errors import UserError, one_line
from pipelines.quiet_child import quiet_libraries

COMMANDS = {
    "score": ("pipelines.batch", "score mail archives into verdict rows (Parquet or JSONL)"),
    "stream": ("pipelines.stream", "score mail from a Redis Stream into a verdict stream, until stopped"),
    "stream-send": ("pipelines.stream_send", "put .eml/mbox messages on a Redis Stream (field 'raw')"),
    "train": ("pipelines.train", "train concept models and combiner on labelled mail; register in MLflow"),
    "profile": ("pipelines.profile_job", "profile build ARCHIVE...: learn who writes to whom"),
    "evaluate": ("pipelines.evaluate", "score labelled mail; report ROC, detection at 1%/0.1% FP, per source and concept"),
    "heuristics": ("pipelines.heuristics_job", "labelling functions: coverage, overlap, conflicts, accuracy"),
    "synth": ("labeling.synthetic", "generate synthetic attacks and benign look-alikes (mbox + manifest)"),
    "miss": ("pipelines.miss_job", "submit|list|show|accept|reject: analysts' missed attacks and false positives"),
    "rescore": ("pipelines.rescore", "retro-hunt: re-score past mail (--since DATE) and list what is now flagged"),
    "console": ("pipelines.console_job", "serve the analyst console and HTTP API (token sign-in)"),
    "demo": ("pipelines.demo", "score a generated demo archive with the champion model"),
}

USAGE = "usage: sedetect COMMAND [ARGS]\n\ncommands:\n" + "\n".join(
    f"  {name:<12} {help_}" for name, (_, help_) in COMMANDS.items()) + \
    "\n\n`sedetect COMMAND --help` documents each; Beam options (--runner, --direct_num_workers, " \
    "--direct_running_mode, ...) pass through to the pipeline.\nState lives in $SEDETECT_HOME " \
    "(default ~/.local/share/sedetect)."


def _quiet_imports() -> None:
    """Offline by construction (no telemetry, no model hub), and quiet where the user did nothing
    wrong: libraries' warnings and log records below ERROR (Beam's import-time GCP notices, MLflow's
    hints) are not shown; ours are. ``python -W ...`` or PYTHONWARNINGS shows every warning."""
    # dask.distributed configures its own loggers at INFO when imported (the Dask runner): its
    # config, read from the environment, says errors only.
    for key, value in (("MLFLOW_DISABLE_TELEMETRY", "true"), ("DO_NOT_TRACK", "1"),
                       ("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"),
                       ("DASK_LOGGING__DISTRIBUTED", "error")):
        os.environ.setdefault(key, value)
    quiet_libraries()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    command, rest = argv[0], argv[1:]
    if command not in COMMANDS:
        print(f"sedetect: unknown command {command!r}\n\n{USAGE}", file=sys.stderr)
        return 2
    if command == "profile":
        if not rest or rest[0] != "build":
            print("usage: sedetect profile build ARCHIVE... [-o PROFILE.json]", file=sys.stderr)
            return 2
        rest = rest[1:]
    _quiet_imports()
    import importlib
    module = importlib.import_module(COMMANDS[command][0])
    try:
        rc = module.run(rest)
    except UserError as exc:
        print(f"sedetect {command}: error: {exc}", file=sys.stderr)
        return 2
    except (FileNotFoundError, ValueError) as exc:
        print(f"sedetect {command}: {one_line(exc)}", file=sys.stderr)
        return 1
    if isinstance(rc, dict):             # a job's summary may carry its exit code
        return int(rc.get("exit_code", 0))
    return rc if isinstance(rc, int) else 0


if __name__ == "__main__":
    sys.exit(main())
