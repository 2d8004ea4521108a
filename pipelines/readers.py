"""Readers for every archive form a security team keeps mail in.

Every reader yields :class:`RawMessage` records: the bytes of one message and
where they came from.  A message that could not be read completely is still
yielded, with ``error`` set and whatever bytes were read, so a damaged archive
never silently loses mail and never stops a pipeline.

Input forms, auto-detected from a path (:func:`detect_format`):

``eml``      a single file holding one message (any regular file that is not
             mbox, gzip or parquet),
``eml_dir``  a folder searched recursively for ``*.eml`` files (hidden files and
             folders skipped; a Maildir met inside it is read as a Maildir),
``maildir``  a folder with ``cur/`` and ``new/`` (``tmp/`` ignored), plus its
             Maildir++ subfolders ``.Name/cur`` and ``.Name/new``,
``mbox``     a plain mbox, read in splittable byte ranges,
``mbox_gz``  a gzip-compressed mbox, read as one decompressed stream,
``parquet``  a parquet file with a binary or string column ``raw``.

mbox separators: a line beginning ``b"From "`` at the start of the file or
directly after a blank line (``\\n`` or ``\\r\\n``).  The separator line is not
part of the message, the blank line before the next separator is dropped, and
``>From`` quoting is kept as stored.  For well-formed files this gives exactly the
bytes :class:`mailbox.mbox` gives; a body line ``From ...`` that follows a
non-blank line is kept in its message instead of starting a bogus one.

The pure-Python entry points are :func:`plan_inputs` / :func:`read_task` /
:func:`iter_messages`; :class:`ReadArchives` is the Beam transform.

A path with a URI scheme (``gs://``, ``s3://``, any FileSystem registered with Beam) is planned
and read through Beam's ``FileSystems`` (pipelines/storage.py), so workers read the archive
where it lies; local paths keep the local file API.  On such storage a folder is the prefix of
its files (one listing plans it, :func:`plan_listing`); an empty ``new/`` cannot be seen there,
so a folder with ``cur/`` or ``new/`` holding files is a Maildir.
"""
from __future__ import annotations

import logging
import os
import stat
import zlib
from dataclasses import dataclass
from typing import Iterable, Iterator, Optional

import apache_beam as beam
from apache_beam.metrics import Metrics

from pipelines import storage

__all__ = [
    "RawMessage",
    "ReadTask",
    "FORMATS",
    "detect_format",
    "plan_mbox_chunks",
    "read_mbox_range",
    "read_mbox_gz",
    "read_parquet",
    "plan_inputs",
    "plan_input",
    "plan_listing",
    "read_task",
    "iter_messages",
    "ReadArchives",
    "ReadChunks",
]

_log = logging.getLogger(__name__)

FORMATS = ("eml", "eml_dir", "maildir", "mbox", "mbox_gz", "parquet")

DEFAULT_CHUNK_BYTES = 64 << 20
_BLOCK = 1 << 20  # bytes read (or decompressed) per step
_GZ_READ = 64 << 10  # compressed bytes fed to zlib per step
_SEP = b"\nFrom "  # a separator is b"From " at a line start, after a blank line
# Bytes of a stream with no separator yet (an mbox.gz that is not an mbox) kept
# before giving up on it; such a stream's start is yielded as one message.
_MAX_PREAMBLE = 256 << 20
_PARQUET_BATCH_ROWS = 512
_GZIP_MAGIC = b"\x1f\x8b"
_PARQUET_MAGIC = b"PAR1"


@dataclass(frozen=True)
class RawMessage:
    """One message as stored.

    source: the file path; ``"path#OFFSET"`` inside an mbox (byte offset of the
        ``From`` line in the decompressed stream); ``"path#ROW"`` for parquet rows.
    raw: the message bytes (for mbox: without the ``From`` line; ``>From``
        quoting kept as stored).
    error: set when the bytes could not be read completely; ``raw`` then holds
        what was read (may be ``b""``).
    """

    source: str
    raw: bytes
    error: Optional[str] = None


@dataclass(frozen=True)
class ReadTask:
    """One unit of reading work: a file, or a byte range of a plain mbox.

    ``format`` is the reader to use ("eml", "maildir", "mbox", "mbox_gz",
    "parquet"); ``start``/``end`` are the byte range of separators to read for
    "mbox" (``end`` of -1 means the whole file) and unused otherwise.
    """

    format: str
    path: str
    start: int = 0
    end: int = -1


class _StreamError(Exception):
    """A byte stream ended early; the message is the full error text."""


# ---------------------------------------------------------------------------
# Format detection and planning
# ---------------------------------------------------------------------------


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def _is_maildir(path: str) -> bool:
    return os.path.isdir(os.path.join(path, "cur")) and os.path.isdir(
        os.path.join(path, "new")
    )


def _open(path: str):
    """A binary read handle: the local file API for a local path, Beam's FileSystems for a path
    with a scheme. Raises OSError either way."""
    if storage.is_remote(path):
        return storage.open_read(path)
    return open(path, "rb")


def _head(path: str, n: int = 8) -> Optional[bytes]:
    try:
        with _open(path) as f:
            return _read_exact(f, n)
    except OSError:
        return None


def _read_exact(f, n: int) -> bytes:
    """Up to ``n`` bytes, fewer only at end of file (a network stream may return short reads)."""
    out = bytearray()
    while len(out) < n:
        data = f.read(n - len(out))
        if not data:
            break
        out += data
    return bytes(out)


def detect_format(path: str) -> str:
    """Return one of :data:`FORMATS` for ``path``.

    Files are classified by their first bytes (gzip magic -> mbox_gz, ``PAR1``
    -> parquet, ``From `` -> mbox), then by name (``.gz`` -> mbox_gz,
    ``.parquet``/``.pq`` -> parquet, ``.mbox``/``.mbx`` -> mbox), else eml.  So a
    damaged, empty or unreadable ``x.mbox.gz`` is still read as gzip and its
    read yields an error record.  Raises FileNotFoundError when the path does
    not exist.
    """
    path = storage.local_path(os.fspath(path))
    if storage.is_remote(path):
        listing = storage.list_files(path)
        if listing:
            return "maildir" if _listing_is_maildir(path, listing) else "eml_dir"
        if not storage.exists(path):
            raise FileNotFoundError(f"input path does not exist: {path}")
        return _file_format(path, _head(path))
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise FileNotFoundError(f"input path does not exist: {path}") from None
    if stat.S_ISDIR(st.st_mode):
        return "maildir" if _is_maildir(path) else "eml_dir"
    return _file_format(path, _head(path))


def _file_format(path: str, head: Optional[bytes]) -> str:
    """A file's format from its first bytes, else (unreadable, empty, damaged) from its name."""
    lower = path.lower()
    if head is not None:
        if head.startswith(_GZIP_MAGIC):
            return "mbox_gz"
        if head.startswith(_PARQUET_MAGIC):
            return "parquet"
        if head.startswith(b"From "):
            return "mbox"
    # unreadable, empty or damaged: judge by name, the read reports any error
    if lower.endswith(".gz"):
        return "mbox_gz"
    if lower.endswith((".parquet", ".pq")):
        return "parquet"
    if lower.endswith((".mbox", ".mbx")):
        return "mbox"
    return "eml"


def plan_mbox_chunks(path: str, chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> list[tuple[int, int]]:
    """Split a plain mbox into byte ranges ``[(start, end), ...]`` covering the file.

    Each range is read with :func:`read_mbox_range`, which yields the messages
    whose separator line starts inside it, so the ranges together yield every
    message exactly once.  An empty file has no ranges.
    """
    if chunk_bytes <= 0:
        raise ValueError(f"chunk_bytes must be positive, got {chunk_bytes}")
    size = storage.size(path) if storage.is_remote(path) else os.path.getsize(path)
    return [(s, min(s + chunk_bytes, size)) for s in range(0, size, chunk_bytes)]


def _maildir_files(root: str) -> list[str]:
    """Message files of a Maildir and of its Maildir++ subfolders, sorted."""
    folders = [root]
    try:
        names = sorted(os.listdir(root))
    except OSError:
        names = []
    for name in names:
        sub = os.path.join(root, name)
        if name.startswith(".") and name not in (".", "..") and _is_maildir(sub):
            folders.append(sub)
    files: list[str] = []
    for folder in folders:
        for box in ("cur", "new"):
            d = os.path.join(folder, box)
            try:
                entries = sorted(os.scandir(d), key=lambda e: e.name)
            except OSError as e:
                _log.warning("cannot list maildir folder %s: %s", d, e)
                continue
            for entry in entries:
                if _is_hidden(entry.name):
                    continue
                try:
                    if entry.is_file():
                        files.append(entry.path)
                except OSError:
                    files.append(entry.path)  # reading it reports the error
    return files


def _eml_dir_tasks(root: str) -> list[ReadTask]:
    """``*.eml`` files under ``root`` (recursive, hidden skipped, sorted by path).

    A Maildir found inside the folder is read as a Maildir rather than skipped
    (its files have no ``.eml`` suffix).
    """
    tasks: list[tuple[str, ReadTask]] = []

    def onerror(err: OSError) -> None:
        _log.warning("cannot list folder %s: %s", err.filename, err)

    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror):
        keep = []
        for d in sorted(dirnames):
            if _is_hidden(d):
                continue
            sub = os.path.join(dirpath, d)
            if _is_maildir(sub):
                for f in _maildir_files(sub):
                    tasks.append((f, ReadTask("maildir", f)))
            else:
                keep.append(d)
        dirnames[:] = keep
        for name in filenames:
            if _is_hidden(name) or not name.lower().endswith(".eml"):
                continue
            p = os.path.join(dirpath, name)
            if os.path.isfile(p) or not os.path.exists(p):
                tasks.append((p, ReadTask("eml", p)))
    tasks.sort(key=lambda t: t[0])
    return [t for _, t in tasks]


def plan_inputs(paths: Iterable[str], chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> list[ReadTask]:
    """Turn input paths into read tasks, in input order.

    One task per eml file, per maildir file, per plain-mbox chunk of
    ``chunk_bytes``, per mbox.gz file and per parquet file.  Raises
    FileNotFoundError for a path that does not exist.
    """
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    tasks: list[ReadTask] = []
    for p in paths:
        found = plan_input(p, chunk_bytes)
        if not found and _is_folder(os.fsdecode(os.fspath(p))):
            _log.warning("no .eml files found under %s", os.fsdecode(p))
        tasks.extend(found)
    return tasks


def plan_input(path, chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> list[ReadTask]:
    """The read tasks of one input path (see :func:`plan_inputs`); an empty list for a folder
    with no messages in it, or an empty mbox."""
    p = os.fspath(path)
    if isinstance(p, bytes):
        p = os.fsdecode(p)
    p = storage.local_path(p)
    if storage.is_remote(p) and any(c in p for c in "*?["):
        # a remote glob (no shell expands it): each matching file is one input
        matched = storage.match(p)
        if not matched:
            raise FileNotFoundError(f"input path does not exist: no file matches {p}")
        return [t for m in matched for t in plan_input(m, chunk_bytes)]
    fmt = detect_format(p)
    if fmt in ("eml_dir", "maildir") and storage.is_remote(p):
        return plan_listing(p, storage.list_files(p))
    if fmt == "eml":
        return [ReadTask("eml", p)]
    if fmt == "eml_dir":
        return _eml_dir_tasks(p)
    if fmt == "maildir":
        return [ReadTask("maildir", f) for f in _maildir_files(p)]
    if fmt == "mbox":
        try:
            chunks = plan_mbox_chunks(p, chunk_bytes)
        except OSError:
            chunks = [(0, -1)]  # unreadable: the read reports it
        return [ReadTask("mbox", p, s, e) for s, e in chunks]
    return [ReadTask(fmt, p)]  # mbox_gz, parquet: not splittable


def _is_folder(path: str) -> bool:
    """A local folder, or a remote prefix with files under it."""
    path = storage.local_path(path)
    if storage.is_remote(path):
        return bool(storage.list_files(path))
    return os.path.isdir(path)


def _children(root: str, files: list[str]) -> dict[str, tuple[set[str], list[str]]]:
    """A listing as a tree: folder (relative, "" for root) -> (subfolder names, file names)."""
    tree: dict[str, tuple[set[str], list[str]]] = {"": (set(), [])}
    prefix = root.rstrip("/") + "/"
    for f in files:
        if not f.startswith(prefix):
            continue
        parts = f[len(prefix):].split("/")
        folder = ""
        for name in parts[:-1]:
            tree[folder][0].add(name)
            folder = f"{folder}/{name}" if folder else name
            tree.setdefault(folder, (set(), []))
        tree[folder][1].append(parts[-1])
    return tree


def _listing_is_maildir(root: str, files: list[str]) -> bool:
    return _tree_is_maildir(_children(root, files), "")


def _tree_is_maildir(tree: dict, rel: str) -> bool:
    subs = tree.get(rel, (set(), []))[0]
    return "cur" in subs or "new" in subs


def plan_listing(root: str, files: list[str]) -> list[ReadTask]:
    """Read tasks of a remote folder from one recursive listing of it (pure; see
    :func:`plan_input`): the same rules as a local folder (Maildir at the root or met inside,
    Maildir++ ``.Name`` subfolders, ``*.eml`` elsewhere, hidden names skipped, sorted by path),
    except that a Maildir is a folder with ``cur/`` or ``new/`` holding files (an empty folder
    does not exist on an object store)."""
    root = root.rstrip("/")
    tree = _children(root, files)

    def path_of(rel: str, name: str) -> str:
        return "/".join(x for x in (root, rel, name) if x)

    def maildir_files(rel: str) -> list[str]:
        subs = [(f"{rel}/{n}" if rel else n) for n in sorted(tree[rel][0]) if n.startswith(".")]
        folders = [rel] + [sub for sub in subs if _tree_is_maildir(tree, sub)]
        out: list[str] = []
        for folder in folders:
            for box in ("cur", "new"):
                sub = f"{folder}/{box}" if folder else box
                names = sorted(tree.get(sub, (set(), []))[1])
                out.extend(path_of(sub, n) for n in names if not _is_hidden(n))
        return out

    if _tree_is_maildir(tree, ""):
        return [ReadTask("maildir", f) for f in maildir_files("")]
    tasks: list[ReadTask] = []

    def walk(rel: str) -> None:
        subs, names = tree[rel]
        for d in sorted(subs):
            if _is_hidden(d):
                continue
            sub = f"{rel}/{d}" if rel else d
            if _tree_is_maildir(tree, sub):
                tasks.extend(ReadTask("maildir", f) for f in maildir_files(sub))
            else:
                walk(sub)
        tasks.extend(ReadTask("eml", path_of(rel, n)) for n in names
                     if not _is_hidden(n) and n.lower().endswith(".eml"))

    walk("")
    return sorted(tasks, key=lambda t: t.path)


# ---------------------------------------------------------------------------
# mbox splitting
# ---------------------------------------------------------------------------


def _strip_final_blank(content: bytearray, start: int) -> bytes:
    """content[start:] without a final blank line (as at the end of an mbox)."""
    n = len(content)
    if n - start >= 2 and content[n - 1] == 10 and content[n - 2] == 10:
        return bytes(content[start : n - 1])
    if n - start >= 3 and content[n - 3 : n] == b"\n\r\n":
        return bytes(content[start : n - 2])
    if n - start == 1 and content[n - 1] == 10:
        return b""
    if n - start == 2 and content[n - 2 : n] == b"\r\n":
        return b""
    return bytes(content[start:])


def _split_mbox(
    blocks: Iterator[bytes],
    origin: int,
    context: bytes,
    end: Optional[int],
) -> Iterator[tuple[Optional[int], bytes, Optional[str]]]:
    """Split an mbox byte stream into ``(offset, raw, error)`` triples.

    ``blocks`` yields the stream from offset ``origin`` on and may raise
    :class:`_StreamError`; ``context`` is the 3 bytes before ``origin``
    (``b"\\n\\n\\n"`` at the stream start, so a ``From`` line at offset 0 counts as
    a separator).  Yields the messages whose separator starts in
    ``[origin, end)`` (``end`` None: no limit).  At offset 0, bytes before the
    first separator (a stream that is not an mbox) are yielded as one message
    when they are not just whitespace.  After a stream error the message being
    read is yielded with the error; if nothing was read, ``offset`` is None.
    """
    assert len(context) == 3
    buf = bytearray(context)
    base = origin - 3  # stream offset of buf[0]
    scan = 0  # buf index from which to look for _SEP
    sep = -1  # buf index of the current message's From line, -1 before the first
    body = -1  # buf index where its content starts, -1 until the From line is read
    pending_preamble = origin == 0
    eof = False
    error: Optional[str] = None

    while True:
        need_more = False
        if sep >= 0 and body < 0:
            nl = buf.find(b"\n", sep)
            if nl >= 0:
                body = nl + 1
                scan = max(scan, nl)
            elif eof:
                body = len(buf)
            else:
                need_more = True
        if not need_more:
            i = buf.find(_SEP, scan)
            while i >= 0:
                # line start i+1 must be in range and follow a blank line
                if base + i + 1 >= origin and (
                    buf[i - 1] == 10 or (buf[i - 1] == 13 and buf[i - 2] == 10)
                ):
                    break
                i = buf.find(_SEP, i + 1)
            if i >= 0:
                p = i + 1
                blank = i if buf[i - 1] == 10 else i - 1  # start of the blank line
                if sep >= 0:
                    yield base + sep, bytes(buf[body:blank]), None
                elif pending_preamble:
                    pre = bytes(buf[3:blank]) if blank > 3 else b""
                    if pre.strip():
                        yield origin, pre, None
                pending_preamble = False
                if end is not None and base + p >= end:
                    return
                sep, body, scan = p, -1, p
                continue
            if eof:
                if sep >= 0:
                    if error is None:
                        yield base + sep, _strip_final_blank(buf, body), None
                    else:
                        yield base + sep, bytes(buf[body:]), error
                elif pending_preamble and (error is not None or bytes(buf[3:]).strip()):
                    yield (origin if len(buf) > 3 else None), bytes(buf[3:]), error
                elif error is not None:
                    yield None, b"", error
                return
            scan = max(scan, len(buf) - len(_SEP) + 1)
            if sep < 0 and not pending_preamble and end is not None and base + scan - 1 >= end:
                return  # no separator starts in range
        # read the next block, first dropping what is no longer needed
        if pending_preamble and sep < 0:
            if len(buf) - 3 > _MAX_PREAMBLE:
                yield origin, bytes(buf[3 : 3 + _MAX_PREAMBLE]), (
                    f"not an mbox: no 'From ' separator in the first {_MAX_PREAMBLE} bytes"
                )
                return
            keep = 0
        else:
            keep = max(0, (min(sep, scan) if sep >= 0 else scan) - 3)
        if keep:
            del buf[:keep]
            base += keep
            scan -= keep
            if sep >= 0:
                sep -= keep
            if body >= 0:
                body -= keep
        try:
            block = next(blocks, None)
        except _StreamError as e:
            block, error = None, str(e)
        if block is None:
            eof = True
        else:
            buf += block


def _file_blocks(f, block: Optional[int] = None) -> Iterator[bytes]:
    block = block or _BLOCK
    try:
        while True:
            data = f.read(block)
            if not data:
                return
            yield data
    except OSError as e:
        raise _StreamError(f"read error: {e}") from e


def _gzip_blocks(f, block: Optional[int] = None, read_size: Optional[int] = None) -> Iterator[bytes]:
    """Decompressed blocks of a (possibly multi-member) gzip file.

    Raises _StreamError "cannot read gzip: ..." when nothing could be
    decompressed, "truncated gzip stream: ..." when the stream breaks later.
    Every byte decompressed before the break is yielded first.
    """
    block = block or _BLOCK
    read_size = read_size or _GZ_READ
    produced = 0
    d = zlib.decompressobj(zlib.MAX_WBITS | 16)
    member_started = False
    members_done = 0
    try:
        while True:
            data = f.read(read_size)
            if not data:
                if member_started and not d.eof:
                    raise EOFError(
                        "compressed file ended before the end-of-stream marker was reached"
                    )
                if members_done == 0 and not member_started:
                    raise EOFError("empty file")
                return
            while True:
                if not member_started:
                    data = data.lstrip(b"\0")  # zero padding between/after members
                    if not data:
                        break
                    member_started = True
                saved = d.copy()
                try:
                    out = d.decompress(data, block)
                except zlib.error as err:
                    # zlib drops the output of a failing call: redo it byte by
                    # byte from the saved state to keep everything before the
                    # damage, then report the error
                    for k in range(len(data)):
                        try:
                            piece = saved.decompress(data[k : k + 1])
                        except zlib.error:
                            break
                        if piece:
                            produced += len(piece)
                            yield piece
                        if saved.eof:
                            break
                    raise err
                if out:
                    produced += len(out)
                    yield out
                if d.eof:  # member done; the rest may start another member
                    data = d.unused_data
                    d = zlib.decompressobj(zlib.MAX_WBITS | 16)
                    member_started = False
                    members_done += 1
                    continue
                data = d.unconsumed_tail
                if not data and len(out) < block:
                    break  # input used up and no output left buffered
    except (EOFError, zlib.error, OSError) as e:
        reason = f"{type(e).__name__}: {e}"
        if produced == 0:
            raise _StreamError(f"cannot read gzip: {reason}") from e
        raise _StreamError(f"truncated gzip stream: {reason}") from e


def _context_before(f, start: int) -> bytes:
    """The 3 bytes before ``start`` (virtual newlines before the file start); leaves ``f`` at
    ``start``. A stream that cannot seek (some remote handles) is read up to there instead."""
    lo = max(0, start - 3)
    if _seekable(f):
        f.seek(lo)
    else:
        skipped = 0
        while skipped < lo:
            data = f.read(min(_BLOCK, lo - skipped))
            if not data:
                break
            skipped += len(data)
    ctx = _read_exact(f, start - lo)
    if len(ctx) != start - lo:
        raise OSError(f"short read at offset {lo}")
    return (b"\n\n\n" + ctx)[-3:]


def _seekable(f) -> bool:
    try:
        return bool(f.seekable())
    except (AttributeError, OSError, ValueError):
        return False


def read_mbox_range(path: str, start: int = 0, end: Optional[int] = None) -> Iterator[RawMessage]:
    """Messages of a plain mbox whose ``From`` line starts in ``[start, end)``.

    Scans forward from ``start`` to the first separator and reads past ``end``
    to finish the last message.  ``end`` None or negative: to the end of file.
    """
    if end is not None and end < 0:
        end = None
    try:
        f = _open(path)
    except OSError as e:
        yield RawMessage(path, b"", f"cannot read file: {e}")
        return
    with f:
        try:
            context = _context_before(f, start)
        except OSError as e:
            yield RawMessage(path, b"", f"cannot read file: {e}")
            return
        for off, raw, err in _split_mbox(_file_blocks(f), start, context, end):
            yield RawMessage(path if off is None else f"{path}#{off}", raw, err)


def read_mbox_gz(path: str) -> Iterator[RawMessage]:
    """Messages of a gzip-compressed mbox, decompressed as a stream.

    Offsets in sources are offsets in the decompressed stream.  A truncated or
    corrupt stream yields every complete message, then the partial one with
    ``error="truncated gzip stream: ..."``; a stream unreadable from the start
    yields one record with ``error="cannot read gzip: ..."``.
    """
    try:
        f = _open(path)
    except OSError as e:
        yield RawMessage(path, b"", f"cannot read file: {e}")
        return
    with f:
        for off, raw, err in _split_mbox(_gzip_blocks(f), 0, b"\n\n\n", None):
            yield RawMessage(path if off is None else f"{path}#{off}", raw, err)


# ---------------------------------------------------------------------------
# Other readers
# ---------------------------------------------------------------------------


def _read_whole(path: str) -> RawMessage:
    try:
        with _open(path) as f:
            return RawMessage(path, f.read())
    except OSError as e:
        return RawMessage(path, b"", f"cannot read file: {e}")


def read_parquet(path: str, column: str = "raw") -> Iterator[RawMessage]:
    """Rows of a parquet file's ``raw`` column, streamed batch by batch."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    handle = None
    try:
        # a remote file is handed to pyarrow as a seekable Python file object
        handle = storage.open_read(path) if storage.is_remote(path) else None
        pf = pq.ParquetFile(handle if handle is not None else path)
        schema = pf.schema_arrow
    except Exception as e:  # noqa: BLE001 - any failure becomes an error record
        if handle is not None:
            handle.close()
        yield RawMessage(path, b"", f"cannot read parquet: {type(e).__name__}: {e}")
        return
    try:
        if column not in schema.names:
            yield RawMessage(path, b"", f"parquet file has no '{column}' column")
            return
        typ = schema.field(column).type
        if pa.types.is_dictionary(typ):
            typ = typ.value_type
        if not (
            pa.types.is_binary(typ)
            or pa.types.is_large_binary(typ)
            or pa.types.is_string(typ)
            or pa.types.is_large_string(typ)
            or pa.types.is_fixed_size_binary(typ)
            or getattr(pa.types, "is_binary_view", lambda t: False)(typ)
            or getattr(pa.types, "is_string_view", lambda t: False)(typ)
        ):
            yield RawMessage(path, b"", f"parquet column '{column}' has unsupported type {typ}")
            return
        row = 0
        try:
            for batch in pf.iter_batches(batch_size=_PARQUET_BATCH_ROWS, columns=[column]):
                for value in batch.column(0).to_pylist():
                    src = f"{path}#{row}"
                    row += 1
                    if value is None:
                        yield RawMessage(src, b"", "null raw value")
                    elif isinstance(value, str):
                        yield RawMessage(src, value.encode("utf-8", "surrogateescape"))
                    else:
                        yield RawMessage(src, bytes(value))
        except Exception as e:  # noqa: BLE001
            yield RawMessage(
                f"{path}#{row}", b"", f"parquet read error after {row} rows: {type(e).__name__}: {e}"
            )
    finally:
        pf.close()
        if handle is not None:
            handle.close()


def read_task(task: ReadTask) -> Iterator[RawMessage]:
    """Read one :class:`ReadTask` (pure Python, no Beam)."""
    fmt = task.format
    if fmt in ("eml", "maildir"):
        yield _read_whole(task.path)
    elif fmt == "mbox":
        yield from read_mbox_range(task.path, task.start, None if task.end < 0 else task.end)
    elif fmt == "mbox_gz":
        yield from read_mbox_gz(task.path)
    elif fmt == "parquet":
        yield from read_parquet(task.path)
    else:
        raise ValueError(f"unknown read task format: {fmt!r}")


def iter_messages(paths: Iterable[str], chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> Iterator[RawMessage]:
    """Every message of every input, in order (for non-Beam code).

    Planning happens before the first message is yielded, so a missing path
    raises FileNotFoundError at the first ``next()``.
    """
    for task in plan_inputs(paths, chunk_bytes):
        yield from read_task(task)


def round_robin(paths: Iterable[str], n: int) -> list[bytes]:
    """The first ``n`` readable messages taken one from each input in turn (an input that runs
    out leaves the round): a sample that mixes sources, for benchmarks and tests."""
    streams = [iter_messages([p]) for p in paths]
    out: list[bytes] = []
    try:
        while streams and len(out) < n:
            for stream in list(streams):
                message = next(stream, None)
                if message is None:
                    streams.remove(stream)
                elif message.error is None:
                    out.append(message.raw)
                    if len(out) == n:
                        break
    finally:
        for stream in streams:
            stream.close()
    return out


# ---------------------------------------------------------------------------
# Beam
# ---------------------------------------------------------------------------


class ReadChunks(beam.DoFn):
    """Reads one ReadTask; counts ``readers/messages`` and ``readers/read_errors``."""

    def __init__(self):
        super().__init__()
        self.messages = Metrics.counter("readers", "messages")
        self.read_errors = Metrics.counter("readers", "read_errors")

    def process(self, task: ReadTask) -> Iterator[RawMessage]:
        for msg in read_task(task):
            self.messages.inc()
            if msg.error is not None:
                self.read_errors.inc()
            yield msg


class ReadArchives(beam.PTransform):
    """PBegin -> PCollection[RawMessage] for the given input paths.

    Plans the reads when constructed (a missing path raises FileNotFoundError
    before the pipeline starts; ``empty`` lists the input folders that hold no
    message, for the job to refuse), then spreads the tasks over workers.
    """

    def __init__(self, paths: Iterable[str], chunk_bytes: int = DEFAULT_CHUNK_BYTES):
        super().__init__()
        if isinstance(paths, (str, bytes, os.PathLike)):
            paths = [paths]
        self.paths = [os.fspath(p) for p in paths]
        self.chunk_bytes = chunk_bytes
        self.tasks: list[ReadTask] = []
        self.empty: list[str] = []      # input folders holding no message (an empty mbox
        for p in self.paths:            # file is no mistake: a day without mail)
            found = plan_input(p, chunk_bytes)
            if not found and _is_folder(p):
                self.empty.append(p)
            self.tasks.extend(found)

    def expand(self, pbegin):
        return (
            pbegin
            | "PlanReads" >> beam.Create(self.tasks)
            | "Reshuffle" >> beam.Reshuffle()
            | "ReadChunks" >> beam.ParDo(ReadChunks())
        )
