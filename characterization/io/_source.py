"""Safe access to the bytes and text of an input file.

Transparent ``.gz`` / ``.bz2`` / ``.xz`` decompression, streamed with a byte budget
(:data:`LIMITS`) against decompression bombs and turned into ReadError on any damage (a corrupted
deflate stream raises ``zlib.error``, a truncated one ``EOFError``), BOM-aware decoding with an
explicit fallback chain (UTF-8, then Windows-1252/latin-1, the encodings vendor software
actually writes), and nothing else: no file is ever written or
modified here.
"""

from __future__ import annotations

import bz2
import dataclasses
import gzip
import lzma
import os
import zlib
from pathlib import Path

from ..errors import ReadError

MiB = 1024 ** 2


@dataclasses.dataclass
class Limits:
    """Byte budgets of the readers: how much a file may expand when decompressed or allocated.

    A file of ``n`` bytes on disk may decompress (``.gz``/``.bz2``/``.xz``, zip members of
    ``.xlsx``/``.rasx``/``.brml``) or declare (netCDF variables) at most
    ``budget(n) = min(ceiling, max(floor, ratio * n))`` bytes. Real exports stay far below
    (numeric text compresses 3–5×, the XML of ``.brml``/``.xlsx`` containers 3–13× in the
    shared test files); a decompression bomb (a ``.gz`` of blanks, a zip member of zeros) or a
    header declaring absurd dimensions is refused with a ReadError before it is held in memory.
    The budget bounds bytes, not the memory a parser needs per byte (about 10× for text of
    short rows), so it is kept small for small files. To read a legitimately larger file,
    decompress it first (plain files are not limited) or raise the limits for the session::

        import characterization as ch
        ch.io.LIMITS.floor = 1024 * ch.io.LIMITS.MiB      # 1 GiB whatever the file size

    Attributes
    ----------
    floor : int
        Bytes always allowed (default 16 MiB).
    ratio : float
        Allowed expansion relative to the size on disk (default 16).
    ceiling : int
        Never more than this (default 4 GiB).
    """

    floor: int = 16 * MiB
    ratio: float = 16.0
    ceiling: int = 4096 * MiB
    MiB = MiB

    def budget(self, stored_bytes: int) -> int:
        """Bytes a file of ``stored_bytes`` on disk may expand to."""
        return int(min(self.ceiling, max(self.floor, self.ratio * max(0, stored_bytes))))


#: The session's byte budgets (see :class:`Limits`).
LIMITS = Limits()

#: Bytes decompressed per step while streaming.
_CHUNK = 1 * MiB

_COMPRESSORS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}


def compression_suffix(path) -> str | None:
    """The compression extension of ``path`` (``".gz"``, ``".bz2"``, ``".xz"``) or None."""
    suffix = Path(path).suffix.lower()
    return suffix if suffix in _COMPRESSORS else None


def logical_suffix(path) -> str:
    """Extension of the file once decompressed: ``a.xy.gz`` -> ``.xy``; lower case."""
    p = Path(path)
    if compression_suffix(p):
        p = p.with_suffix("")
    return p.suffix.lower()


def check_file(path) -> Path:
    """Return ``path`` as a Path, raising ReadError if it is missing, a folder or empty."""
    p = Path(os.fspath(path))
    if not p.exists():
        raise ReadError(p, "no such file")
    if p.is_dir():
        raise ReadError(p, "is a folder, expected a file (use read_many or the CLI for folders)")
    if p.stat().st_size == 0:
        raise ReadError(p, "file is empty")
    return p


def budget(path) -> int:
    """The byte budget (see :class:`Limits`) of the file at ``path``."""
    return LIMITS.budget(Path(path).stat().st_size)


def read_bytes(path, limit: int | None = None) -> bytes:
    """The (decompressed) bytes of ``path``; at most ``limit`` bytes when given.

    A compressed file is decompressed in steps of 1 MiB; past its :func:`budget` (when no
    ``limit`` is given) it is refused with a ReadError before more is held in memory. Any
    decompression failure (corrupted or truncated stream) is a ReadError too.
    """
    p = check_file(path)
    comp = compression_suffix(p)
    try:
        if comp is None:
            with open(p, "rb") as fh:
                return fh.read(limit) if limit is not None else fh.read()
        cap = budget(p) if limit is None else limit
        chunks, total = [], 0
        with _COMPRESSORS[comp](p, "rb") as fh:
            while total <= cap:
                chunk = fh.read(min(_CHUNK, cap + 1 - total))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
    except (OSError, EOFError, ValueError, zlib.error, lzma.LZMAError) as exc:
        raise ReadError(p, f"cannot read {'compressed ' if comp else ''}file ({comp or 'plain'}"
                           f"): {type(exc).__name__}: {exc}; the file is damaged or truncated"
                        ) from None
    if limit is None and total > cap:
        chunks.clear()
        raise ReadError(p, f"decompresses to more than {cap} bytes, the budget for a "
                           f"{p.stat().st_size}-byte file (characterization.io.LIMITS); a "
                           "decompression bomb or an export to decompress before reading")
    data = b"".join(chunks)
    return data[:limit] if limit is not None else data


def decode(data: bytes, path=None) -> tuple[str, str]:
    """Decode ``data``; returns ``(text, encoding)``.

    Order: a BOM (UTF-8/UTF-16) wins; then strict UTF-8; then Windows-1252 (a superset of the
    printable latin-1 that vendor software writes); then latin-1, which cannot fail. Binary data
    (NUL bytes outside a UTF-16 file) raises ReadError instead of decoding to garbage.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    if b"\x00" in data[:8192]:
        raise ReadError(path, "binary content (NUL bytes) where text was expected",
                        f"byte {data.index(0)}")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def read_text(path) -> tuple[str, str]:
    """The decoded text of ``path`` and the encoding used."""
    return decode(read_bytes(path), path)


def head(path, n: int = 8192) -> bytes:
    """The first ``n`` (decompressed) bytes, for content sniffing."""
    return read_bytes(path, limit=n)
