"""Safe access to the bytes and text of an input file.

Transparent ``.gz`` / ``.bz2`` / ``.xz`` decompression (with a size cap against decompression
bombs), BOM-aware decoding with an explicit fallback chain (UTF-8, then Windows-1252/latin-1, the
encodings vendor software actually writes), and nothing else: no file is ever written or
modified here.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
from pathlib import Path

from ..errors import ReadError

#: Largest decompressed size accepted for a compressed text export (bytes).
MAX_DECOMPRESSED_BYTES = 2 * 1024**3

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


def read_bytes(path, limit: int | None = None) -> bytes:
    """The (decompressed) bytes of ``path``; at most ``limit`` bytes when given."""
    p = check_file(path)
    comp = compression_suffix(p)
    cap = MAX_DECOMPRESSED_BYTES if limit is None else limit
    try:
        if comp is None:
            with open(p, "rb") as fh:
                return fh.read(limit) if limit is not None else fh.read()
        with _COMPRESSORS[comp](p, "rb") as fh:
            data = fh.read(cap + 1)
    except (OSError, EOFError, lzma.LZMAError) as exc:
        raise ReadError(p, f"cannot read {'compressed ' if comp else ''}file: {exc}") from exc
    if limit is None and len(data) > cap:
        raise ReadError(p, f"decompressed size exceeds {cap} bytes; refusing to read")
    return data[:cap] if limit is not None else data


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


def sniff_head(head: bytes) -> bytes:
    """``head`` as content sniffers see it: text stored as UTF-16 with a BOM (Windows
    "Unicode" exports) transcoded to UTF-8, and old-Mac CR-only line ends as LF, so that a
    sniffer's byte or line patterns match whatever encoding and line ends the software wrote.
    Binary heads (NUL bytes, or any LF) are returned unchanged."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head[:len(head) - len(head) % 2].decode("utf-16", errors="replace").encode()
    if b"\r" in head and b"\n" not in head and b"\x00" not in head:
        return head.replace(b"\r", b"\n")
    return head


def head(path, n: int = 8192) -> bytes:
    """The first ``n`` (decompressed) bytes, for content sniffing."""
    return read_bytes(path, limit=n)
