"""A real extra Beam FileSystem for tests: ``tmpfs://NAME/...`` is ``$SEDETECT_TMPFS_ROOT/NAME/...``
on local disk, served through Beam's LocalFileSystem.

Importing this module registers the scheme: Beam finds a FileSystem by scheme among
``FileSystem.get_all_subclasses()``. Paths stay ``tmpfs://`` in everything Beam returns (listings,
metadata), so the code under test sees remote storage, not local paths. The root comes from the
environment so that worker processes which import this module find the same folder.
"""
from __future__ import annotations

import os
import posixpath

from apache_beam.io.filesystem import FileMetadata, FileSystem
from apache_beam.io.localfilesystem import LocalFileSystem

SCHEME = "tmpfs"
ROOT_ENV = "SEDETECT_TMPFS_ROOT"
_PREFIX = SCHEME + "://"


def root() -> str:
    return os.environ[ROOT_ENV]


def to_local(path: str) -> str:
    if not path.startswith(_PREFIX):
        raise ValueError(f"not a {SCHEME} path: {path}")
    return os.path.join(root(), path[len(_PREFIX):])


def to_remote(local: str) -> str:
    return _PREFIX + os.path.relpath(local, root()).replace(os.sep, "/")


class TmpFileSystem(FileSystem):
    """tmpfs:// on a local folder; every call delegates to Beam's LocalFileSystem."""

    def __init__(self, pipeline_options=None):
        super().__init__(pipeline_options)
        self._local = LocalFileSystem(pipeline_options)

    @classmethod
    def scheme(cls):
        return SCHEME

    def join(self, basepath, *paths):
        return posixpath.join(basepath, *paths)

    def split(self, path):
        rest = path[len(_PREFIX):]
        head, tail = posixpath.split(rest)
        return _PREFIX + head, tail

    def mkdirs(self, path):
        self._local.mkdirs(to_local(path))

    def has_dirs(self):
        return True

    def _meta(self, m: FileMetadata) -> FileMetadata:
        return FileMetadata(to_remote(m.path), m.size_in_bytes, m.last_updated_in_seconds)

    def _list(self, dir_or_prefix):
        for m in self._local._list(to_local(dir_or_prefix)):
            yield self._meta(m)

    def create(self, path, mime_type="application/octet-stream", compression_type=None):
        kwargs = {} if compression_type is None else {"compression_type": compression_type}
        return self._local.create(to_local(path), mime_type, **kwargs)

    def open(self, path, mime_type="application/octet-stream", compression_type=None):
        kwargs = {} if compression_type is None else {"compression_type": compression_type}
        return self._local.open(to_local(path), mime_type, **kwargs)

    def copy(self, source_file_names, destination_file_names):
        self._local.copy([to_local(p) for p in source_file_names],
                         [to_local(p) for p in destination_file_names])

    def rename(self, source_file_names, destination_file_names):
        self._local.rename([to_local(p) for p in source_file_names],
                           [to_local(p) for p in destination_file_names])

    def exists(self, path):
        return self._local.exists(to_local(path))

    def size(self, path):
        return self._local.size(to_local(path))

    def last_updated(self, path):
        return self._local.last_updated(to_local(path))

    def checksum(self, path):
        return self._local.checksum(to_local(path))

    def metadata(self, path):
        return self._meta(self._local.metadata(to_local(path)))

    def delete(self, paths):
        self._local.delete([to_local(p) for p in paths])
