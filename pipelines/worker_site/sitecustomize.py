"""Imported at start-up by each Beam worker process a sedetect job launches (quiet_child.quiet_workers
puts this folder first on PYTHONPATH): the worker's own stderr shows errors only, so importing Beam
does not print its GCP notice ("apitools not found ...") once per worker, nor the harness its
INFO start-up and shut-down lines. Records still reach Beam's log service (the runner) as before.

Python imports the first sitecustomize on the path, so in those workers this one stands in for any
that the interpreter's distribution ships (Debian's only hooks apport)."""
import logging

logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
for _handler in logging.getLogger().handlers:
    _handler.setLevel(logging.ERROR)     # the harness resets the root logger's level to INFO
