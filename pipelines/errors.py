"""Errors a person can act on, and the checks a command makes before its job starts.

A ``UserError`` is something the person running the command can fix: a wrong path, option, URI or
input. The CLI (pipelines/cli.py) prints its message as one line, ``sedetect COMMAND: error:
MESSAGE``, and exits 2; nothing else is printed. Any other exception that escapes a command is a
bug and keeps its traceback.

The checks run before the job does, so a mistake costs nothing: no rows are written and none are
lost. Only the jobs (pipelines/) raise ``UserError``; the layers below raise their own exceptions
and the job that called them says what they mean for the person.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterable, Optional

MODEL_URIS = ("models:/sedetect@champion, models:/sedetect/VERSION or a bundle folder (on this "
              "machine, or on storage such as gs://BUCKET/bundle)")
_MODEL_URI = re.compile(r"^models:/[^/@]+(@[^/@]+|/\d+)$")


class UserError(Exception):
    """Something the user can fix; the message says what is wrong and what to do, in one line."""

    def __init__(self, message: str):
        super().__init__(one_line(message))


def one_line(text: object) -> str:
    """``text`` with its whitespace (newlines included) collapsed: one line on a terminal."""
    return re.sub(r"\s+", " ", str(text)).strip()


def check_output_file(output: str, inputs: Iterable[str] = (), option: str = "-o",
                      example: str = "verdicts.parquet") -> None:
    """Refuse, before any work, an output the job could not write at its end: a folder, a file
    inside something that is not a folder, a folder without write permission, or one of the
    inputs. The output's folder is created when missing. Remote storage (a path with a scheme)
    cannot be probed without credentials the workers may hold and we do not: only the
    output-is-an-input check applies there."""
    from pipelines.storage import is_remote
    if is_remote(output):
        if output in {str(p) for p in inputs}:
            raise UserError(f"{option} {output} is also an input: writing it would destroy the "
                            "mail it reads; name another file")
        return
    path = Path(output)
    if path.is_dir():
        raise UserError(f"{option} {output} is a folder: name a file, e.g. "
                        f"{option} {path / example}")
    folder = path.resolve().parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise UserError(f"cannot write {output}: a parent of it is a file, not a folder") from None
    except OSError as exc:
        raise UserError(f"cannot create the folder {folder} for {output}: "
                        f"{exc.strerror or exc}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(f"cannot write {output}: no write permission on the folder {folder}")
    for p in inputs:
        if not is_remote(str(p)) and Path(p).resolve() == path.resolve():
            raise UserError(f"{option} {output} is also an input: writing it would destroy the "
                            "mail it reads; name another file")


def resolve_model(model_uri: Optional[str] = None):
    """``detectors.registry.resolve_bundle``, with a wrong URI (a malformed one, a folder that
    does not exist or holds no bundle, a model, alias or version the registry does not have)
    turned into a UserError. Returns (bundle, model version).

    A bundle folder on remote storage (gs://, s3://, any scheme Beam's FileSystems knows) is
    read here through FileSystems, so a wrong one fails before the job starts; its version is
    the bundle's own, else the URI."""
    from detectors.registry import resolve_bundle
    from pipelines.storage import is_remote
    if model_uri and is_remote(model_uri):
        return _resolve_remote_bundle(model_uri)
    if model_uri:
        folder = Path(model_uri)
        if folder.is_dir():
            if not (folder / "bundle.json").is_file():
                raise UserError(f"--model-uri {model_uri}: the folder holds no bundle.json, so it "
                                f"is not a sedetect model bundle; use {MODEL_URIS}")
        elif not _MODEL_URI.match(model_uri):
            why = ("no such folder" if not model_uri.startswith("models:/")
                   else "not a registry URI")
            raise UserError(f"--model-uri {model_uri}: {why}; use {MODEL_URIS}")
    try:
        return resolve_bundle(model_uri)
    except Exception as exc:
        if type(exc).__module__.split(".")[0] != "mlflow":
            raise
        message = getattr(exc, "message", None) or str(exc)
        raise UserError(f"--model-uri {model_uri}: {one_line(message).rstrip('.')} in the "
                        f"registry; use {MODEL_URIS}") from None


def _resolve_remote_bundle(model_uri: str):
    """(bundle, version) of a bundle folder on remote storage, or a UserError saying why not."""
    from pipelines.transforms import load_bundle_folder
    try:
        bundle = load_bundle_folder(model_uri)
    except FileNotFoundError:
        raise UserError(f"--model-uri {model_uri}: no bundle.json there (no such folder, or not a "
                        f"sedetect model bundle); use {MODEL_URIS}") from None
    except (OSError, ValueError) as exc:      # no file system for the scheme, a broken bundle
        raise UserError(f"--model-uri {model_uri}: {one_line(exc).rstrip('.')}; use "
                        f"{MODEL_URIS}") from None
    return bundle, str(bundle.meta.get("version") or model_uri)
