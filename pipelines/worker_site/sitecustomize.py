"""Imported at start-up by each Python process a sedetect job launches (Beam's worker processes,
spawned pool workers: quiet_child.quiet_workers puts this folder first on their PYTHONPATH). Their
stderr shows errors and sedetect's own warnings only, as the CLI's does: importing Beam does not
print its GCP notice ("apitools not found ...") once per process, nor Beam's harness its INFO and
WARNING start-up and shut-down lines. Records still reach Beam's log service (the runner). Nor do
they import torch through Beam's inference module (quiet_child.skip_beam_model_manager).

Python imports the first sitecustomize on the path, so in those processes this one stands in for
any that the interpreter's distribution ships (Debian's only hooks apport)."""
import logging

try:
    from pipelines.quiet_child import OWN_PACKAGES, skip_beam_model_manager
    skip_beam_model_manager()              # workers unpickle RunInference: no torch import
except ImportError:                        # not started by sedetect after all
    OWN_PACKAGES = ()


class _ErrorsAndOurs(logging.Filter):
    # A filter, not a level: Beam's harness resets the root logger's level to INFO.
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR or (
            record.levelno >= logging.WARNING and record.name.partition(".")[0] in OWN_PACKAGES)


logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
for _handler in logging.getLogger().handlers:
    _handler.addFilter(_ErrorsAndOurs())
