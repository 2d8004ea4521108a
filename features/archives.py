"""What a zip attachment holds, read without trusting it. Pure: bytes in, a listing out.

Attackers hide executables in archives because mail filters do not look inside. The listing
comes from the central directory (names, declared sizes, encryption flag), read by hand rather
than with ``zipfile``, which materialises every entry before the first can be looked at (a 26 MB
zip of 300,000 empty names: 5 s and 160 MB). Only members named ``*.zip`` are decompressed, to
be listed in turn, up to ``archive_depth`` levels: every byte they inflate to is counted against
the message's ``decompressed_bytes`` budget as it is produced (declared sizes are never
believed), so a zip bomb stops at the budget. Nothing else is decompressed.
"""
from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from typing import Iterator, Optional

from features.limits import Limits
from features.message import ArchiveMember

_EOCD = struct.Struct("<4s4H2LH")             # end of central directory record (22 bytes)
_EOCD64 = struct.Struct("<4sQ2H2L4Q")         # zip64 end of central directory record (56 bytes)
_LOCATOR64 = struct.Struct("<4sLQL")          # zip64 end of central directory locator (20 bytes)
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")    # central directory file header (46 bytes)
_LOCAL = struct.Struct("<4s2B4HL2L2H")        # local file header (30 bytes)
_EOCD_SIG, _EOCD64_SIG, _LOCATOR64_SIG = b"PK\x05\x06", b"PK\x06\x06", b"PK\x06\x07"
_CENTRAL_SIG, _LOCAL_SIG = b"PK\x01\x02", b"PK\x03\x04"
_MAX_COMMENT = 0xFFFF
_STORED, _DEFLATED = 0, 8
_CHUNK = 1 << 20                              # bytes inflated per step


@dataclass(frozen=True)
class Listing:
    """The members found (nested zips' members after the zip that holds them), the bytes
    inflated to find them, and the names of the limits hit."""
    members: tuple[ArchiveMember, ...] = ()
    inflated: int = 0
    limits: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Entry:
    name: str
    flags: int
    method: int
    compressed: int
    size: int
    offset: int           # of the local header, in the archive's bytes


def is_zip(data: bytes) -> bool:
    """A zip archive (also with data prepended, as self-extractors and scanner-evasion do)."""
    return data.rfind(_EOCD_SIG, max(0, len(data) - _EOCD.size - _MAX_COMMENT)) >= 0


def list_zip(data: bytes, limits: Limits, budget: int) -> Listing:
    """The members of a zip archive, nested zips opened; ``budget`` is what the message may still
    inflate. Broken archives list what could be read; nothing raises."""
    state = _State(limits, budget)
    state.read(data, "", 0)
    return Listing(tuple(state.members), state.inflated, tuple(dict.fromkeys(state.hits)))


class _State:
    def __init__(self, limits: Limits, budget: int) -> None:
        self.limits = limits
        self.left = budget
        self.inflated = 0
        self.members: list[ArchiveMember] = []
        self.hits: list[str] = []

    def read(self, data: bytes, prefix: str, depth: int) -> None:
        """List one archive's members, opening the zips among them."""
        for entry in _entries(data):
            if len(self.members) >= self.limits.archive_members:
                self.hits.append("archive_members")
                return
            encrypted = bool(entry.flags & 0x1)
            self.members.append(ArchiveMember(prefix + entry.name, entry.size, encrypted))
            if encrypted or not entry.name.lower().endswith(".zip"):
                continue
            if depth >= self.limits.archive_depth:
                self.hits.append("archive_depth")
                continue
            inner = self.inflate(data, entry)
            if inner is not None:
                self.read(inner, f"{prefix}{entry.name}/", depth + 1)

    def inflate(self, data: bytes, entry: _Entry) -> Optional[bytes]:
        """A member's bytes, or None when they cannot be read or would exceed the budget."""
        compressed = _member_data(data, entry)
        if compressed is None or entry.method not in (_STORED, _DEFLATED):
            return None
        if entry.size > self.left:               # honest about being too big: do not start
            self.hits.append("decompressed_bytes")
            return None
        if entry.method == _STORED:
            self._spend(len(compressed))
            return None if self.left < 0 else compressed
        inflater = zlib.decompressobj(-15)
        out = bytearray()
        pending = compressed
        try:
            while not inflater.eof:
                piece = inflater.decompress(pending, _CHUNK)
                pending = inflater.unconsumed_tail
                if not piece and not pending:
                    break                          # truncated stream: keep what came out
                out += piece
                self._spend(len(piece))
                if self.left < 0:
                    return None
        except zlib.error:
            return None
        return bytes(out)

    def _spend(self, n: int) -> None:
        self.inflated += n
        self.left -= n
        if self.left < 0:
            self.hits.append("decompressed_bytes")


def _member_data(data: bytes, entry: _Entry) -> Optional[bytes]:
    """A member's compressed bytes, from its local header; None when the header is not there."""
    head = data[entry.offset:entry.offset + _LOCAL.size]
    if len(head) < _LOCAL.size or head[:4] != _LOCAL_SIG:
        return None
    fields = _LOCAL.unpack(head)
    start = entry.offset + _LOCAL.size + fields[10] + fields[11]
    return data[start:start + entry.compressed]


def _directory(data: bytes) -> Optional[tuple[int, int]]:
    """(offset of the central directory, bytes prepended to the archive), or None."""
    at = data.rfind(_EOCD_SIG, max(0, len(data) - _EOCD.size - _MAX_COMMENT))
    if at < 0 or len(data) - at < _EOCD.size:
        return None
    _, _, _, _, _, size, offset, _ = _EOCD.unpack_from(data, at)
    end = at
    loc = at - _LOCATOR64.size                 # a zip64 record, when present, precedes the EOCD
    rec = loc - _EOCD64.size
    if rec >= 0 and data[loc:loc + 4] == _LOCATOR64_SIG and data[rec:rec + 4] == _EOCD64_SIG:
        size, offset = _EOCD64.unpack_from(data, rec)[8:10]
        end = rec
    prepended = end - size - offset
    if prepended < 0:
        return None
    return offset + prepended, prepended


def _entries(data: bytes) -> Iterator[_Entry]:
    """The central directory's entries, one at a time (a directory may claim millions)."""
    found = _directory(data)
    if found is None:
        return
    pos, prepended = found
    while data[pos:pos + 4] == _CENTRAL_SIG and pos + _CENTRAL.size <= len(data):
        f = _CENTRAL.unpack_from(data, pos)
        flags, method, compressed, size = f[5], f[6], f[10], f[11]
        name_len, extra_len, comment_len, offset = f[12], f[13], f[14], f[18]
        name_at = pos + _CENTRAL.size
        raw_name = data[name_at:name_at + name_len]
        extra = data[name_at + name_len:name_at + name_len + extra_len]
        size, compressed, offset = _zip64(extra, size, compressed, offset)
        name = raw_name.decode("utf-8" if flags & 0x800 else "cp437", "replace")
        yield _Entry(name, flags, method, compressed, size, offset + prepended)
        pos = name_at + name_len + extra_len + comment_len


def _zip64(extra: bytes, size: int, compressed: int, offset: int) -> tuple[int, int, int]:
    """Sizes and offset from the zip64 extra field, where the 32-bit fields say 0xFFFFFFFF."""
    i = 0
    while i + 4 <= len(extra):
        tag, length = struct.unpack_from("<2H", extra, i)
        if tag == 0x0001:
            values = extra[i + 4:i + 4 + length]
            j = 0
            out = []
            for value in (size, compressed, offset):
                if value == 0xFFFFFFFF and j + 8 <= len(values):
                    value = struct.unpack_from("<Q", values, j)[0]
                    j += 8
                out.append(value)
            return out[0], out[1], out[2]
        i += 4 + length
    return size, compressed, offset
