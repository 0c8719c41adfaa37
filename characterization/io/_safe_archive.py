"""Safe reading of zip-based and XML-based vendor formats (.brml, .rasx, .xrdml).

* zip members whose names point outside the archive (absolute paths, drive letters, ``..``)
  are refused (path traversal), and no member is decompressed past a size cap, checked while
  reading (a zip header may lie about sizes);
* XML is parsed with the standard library only after refusing any ``DOCTYPE``/``ENTITY``
  declaration: without a document type declaration no entity can be declared, so nothing but
  the five predefined entities and character references is expanded (no "billion laughs", no
  external entities). UTF-16 documents are checked too.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile

from ..errors import ReadError

#: Largest uncompressed size accepted for one zip member (bytes).
MAX_MEMBER_BYTES = 512 * 1024**2

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


def read_member(path, zf: zipfile.ZipFile, info: zipfile.ZipInfo,
                cap: int = MAX_MEMBER_BYTES) -> bytes:
    """The decompressed bytes of one member, refusing more than ``cap`` bytes."""
    if info.file_size > cap:
        raise ReadError(path, f"zip member {info.filename!r} is {info.file_size} bytes "
                              f"uncompressed, above the {cap}-byte cap")
    try:
        with zf.open(info) as fh:
            data = fh.read(cap + 1)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ReadError(path, f"cannot decompress {info.filename!r}: {exc}") from None
    if len(data) > cap:
        raise ReadError(path, f"zip member {info.filename!r} decompresses past the "
                              f"{cap}-byte cap")
    return data


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
