"""Safe reading of zip-based and XML-based vendor formats (.brml, .rasx, .xrdml).

* zip members whose names point outside the archive (absolute paths, drive letters, ``..``)
  are refused (path traversal); :func:`check_zip` refuses, before any reader opens the archive,
  a container whose members declare more than the byte budget of
  :data:`characterization.io.LIMITS` (zip bombs such as an ``.xlsx`` whose sheet expands to
  GBs); :func:`read_member` streams a member in 1 MiB steps and stops at the budget (a header
  that understates a member's size is caught by :mod:`zipfile`, which stops at the declared
  size and reports the bad CRC);
* XML is parsed with the standard library only after refusing any ``DOCTYPE``/``ENTITY``
  declaration: without a document type declaration no entity can be declared, so nothing but
  the five predefined entities and character references is expanded (no "billion laughs", no
  external entities). UTF-16 documents are checked too.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib

from ..errors import ReadError
from . import _source

ZIP_MAGIC = b"PK\x03\x04"

_DTD = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def checked_members(path, zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The members of ``zf`` by name, after refusing any name outside the archive."""
    for info in zf.infolist():
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or ".." in parts or re.match(r"^[A-Za-z]:", name):
            raise ReadError(path, f"zip member {name!r} points outside the archive "
                                  "(path traversal); refused")
    return {i.filename: i for i in zf.infolist()}


def check_zip(path) -> None:
    """Refuse a zip container whose members would expand past the byte budget.

    Checks the names (path traversal), each member's declared size and their sum against
    :func:`characterization.io._source.budget` of the file. A file that is not a readable zip
    is left to its reader (which says what it expected).
    """
    cap = _source.budget(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return
    with zf:
        infos = list(checked_members(path, zf).values())
    total = 0
    for info in infos:
        total += max(0, info.file_size)
        if info.file_size > cap or total > cap:
            raise ReadError(path, f"zip member {info.filename!r} declares {info.file_size} "
                                  f"bytes uncompressed ({total} with the members before it), "
                                  f"above the {cap}-byte budget for a {_size(path)}-byte file "
                                  "(characterization.io.LIMITS); a zip bomb?")


def _size(path) -> int:
    try:
        return os.stat(path).st_size
    except (OSError, TypeError):
        return 0


def read_member(path, zf: zipfile.ZipFile, info: zipfile.ZipInfo,
                cap: int | None = None) -> bytes:
    """The decompressed bytes of one member, streamed; more than ``cap`` bytes (default: the
    file's byte budget) is refused."""
    if cap is None:
        cap = _source.budget(path) if _size(path) else _source.LIMITS.floor
    if info.file_size > cap:
        raise ReadError(path, f"zip member {info.filename!r} is {info.file_size} bytes "
                              f"uncompressed, above the {cap}-byte budget "
                              "(characterization.io.LIMITS)")
    chunks, total = [], 0
    try:
        with zf.open(info) as fh:
            while total <= cap:
                chunk = fh.read(min(1 << 20, cap + 1 - total))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error,
            NotImplementedError) as exc:
        raise ReadError(path, f"cannot decompress {info.filename!r}: {type(exc).__name__}: "
                              f"{exc}") from None
    if total > cap:
        raise ReadError(path, f"zip member {info.filename!r} decompresses past the "
                              f"{cap}-byte budget (characterization.io.LIMITS)")
    return b"".join(chunks)


def parse_xml_safe(data: bytes, path, what: str = "XML") -> ET.Element:
    """Parse XML ``data`` refusing any DOCTYPE/ENTITY declaration (no entity expansion)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:2] in (b"<\x00", b"\x00<"):
        try:
            text = data.decode("utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff")
                               else ("utf-16-le" if data[:1] == b"<" else "utf-16-be"))
        except UnicodeDecodeError as exc:
            raise ReadError(path, f"{what} is not valid UTF-16: {exc}") from None
    else:
        text = data.decode("latin-1")  # only to search for ASCII markup; not used to parse
    m = _DTD.search(text)
    if m:
        line = text.count("\n", 0, m.start()) + 1
        raise ReadError(path, f"{what} contains a <!{m.group(1).upper()}> declaration; document "
                              "type and entity declarations are refused (no entity expansion)",
                        f"line {line}")
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        line, col = getattr(exc, "position", (None, None))
        raise ReadError(path, f"malformed {what} ({exc}); expected well-formed XML",
                        f"line {line}, column {col}" if line else None) from None
