"""Where a user's path lives: on this machine, or behind a URI scheme Beam knows (gs://, s3://,
hdfs://, azfs://, or any registered ``apache_beam.io.filesystem.FileSystem``).

Local paths keep the local file API in the callers (readers, batch): its errors, symlinks and
empty folders are what the tests and users rely on. Everything with a scheme goes through Beam's
``FileSystems`` here, so a job reads and writes whatever storage its runner's workers can reach.
Object stores have no folders: a "folder" is the prefix of the files under it, so an empty one
cannot be seen.
"""
from __future__ import annotations

import io
import os
from typing import BinaryIO

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

__all__ = ["use_options", "is_remote", "local_path", "open_read", "create", "write_text",
           "exists", "size", "stamp", "list_files", "match", "read_folder", "text_reader"]

_FILE_SCHEME = "file://"


def use_options(options) -> None:
    """Let the planning on this machine reach storage with the job's options (credentials,
    endpoints such as ``--s3_endpoint_url``), as Beam does for the workers when the Pipeline is
    made."""
    FileSystems.set_options(options)


def is_remote(path: str) -> bool:
    """Whether ``path`` names storage reached through Beam's FileSystems (it has a scheme other
    than ``file``)."""
    return FileSystems.get_scheme(path) not in (None, "file")


def local_path(path: str) -> str:
    """``file:///x`` as ``/x`` (Beam's local file system takes plain paths); others as given."""
    return path[len(_FILE_SCHEME):] if path.startswith(_FILE_SCHEME) else path


def open_read(path: str) -> BinaryIO:
    """A binary read handle on a remote file, bytes as stored (no gzip decoding: the readers
    decode gzip themselves so a damaged stream keeps what came before the damage). Any failure
    of the storage client is an OSError, as the local API's would be."""
    try:
        return FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED)
    except OSError:
        raise
    except Exception as exc:  # noqa: BLE001 - client libraries raise their own types
        raise OSError(f"{type(exc).__name__}: {exc}") from exc


def create(path: str) -> BinaryIO:
    """A binary write handle on a remote file (replaced if present)."""
    return FileSystems.create(path, compression_type=CompressionTypes.UNCOMPRESSED)


def write_text(path: str, text: str) -> None:
    """Write a small text file (a job summary) to remote storage."""
    with create(path) as fh:
        fh.write(text.encode("utf-8"))


def exists(path: str) -> bool:
    return FileSystems.exists(path)


def size(path: str) -> int:
    """Size in bytes of one remote file, from the storage's metadata (no read)."""
    (result,) = FileSystems.match([path], limits=[1])
    if not result.metadata_list:
        raise FileNotFoundError(f"input path does not exist: {path}")
    return result.metadata_list[0].size_in_bytes


def stamp(path: str) -> tuple[int, int]:
    """(size, last modified in ns) of a local or remote file: enough to tell a changed file from
    the one a cache was built on."""
    if is_remote(path):
        return size(path), int(FileSystems.last_updated(path) * 1e9)
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns


def list_files(root: str) -> list[str]:
    """Every file under the folder (prefix) ``root``, recursively, sorted; [] when none.

    One listing call per folder, not one per file, which is what object stores are fast at."""
    pattern = FileSystems.join(root.rstrip("/"), "**")
    try:
        (result,) = FileSystems.match([pattern])
    except OSError:  # BeamIOError: nothing there, or the prefix cannot be listed
        return []
    return sorted(m.path for m in result.metadata_list)


def match(pattern: str) -> list[str]:
    """The files matching a glob pattern, sorted ([] when none)."""
    try:
        (result,) = FileSystems.match([pattern])
    except OSError:
        return []
    return sorted(m.path for m in result.metadata_list)


def read_folder(folder: str) -> dict[str, bytes]:
    """The files directly inside a remote folder (prefix), by name, each read whole: for a small
    folder such as a model bundle. {} when there is none; subfolders are left out. A storage
    that cannot be listed (no client, no credentials) raises OSError, not {}."""
    base = folder.rstrip("/")
    out = {}
    (result,) = FileSystems.match([FileSystems.join(base, "*")])
    for path in sorted(m.path for m in result.metadata_list):
        name = path[len(base) + 1:]
        if path.startswith(base + "/") and name and "/" not in name:
            with open_read(path) as fh:
                out[name] = fh.read()
    return out


def text_reader(path: str) -> io.TextIOWrapper:
    """A UTF-8 text read handle on a remote file."""
    return io.TextIOWrapper(open_read(path), encoding="utf-8")
