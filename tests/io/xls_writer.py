"""A minimal legacy-Excel (``.xls``, BIFF8 in an OLE2 compound file) writer, for tests only.

``xlwt`` is not a dependency, yet the Micromeritics reader must be tested on ``.xls`` files that
differ from the shared ones the way other labs' exports do (text stored as UTF-16LE, several
sheets, notes, decimal commas). This writer produces just what a reader needs: one worksheet
per ``(name, rows)`` pair, numbers as ``NUMBER`` records and text as ``LABEL`` records (BIFF8
unicode strings, stored either compressed — one byte per character, as Excel does for latin-1
text — or as UTF-16LE). No formats, fonts or formulas.

References: [MS-XLS] (BOF, BOUNDSHEET8, DIMENSIONS, NUMBER, LABEL, EOF records) and [MS-CFB]
(version 3 compound file, 512-byte sectors, no mini stream: the stream is padded to 4096 bytes).

:func:`read_grid` returns a workbook's cells in the same ``[(name, rows)]`` form, so a real
file can be read, transformed as a table and written back.
"""

from __future__ import annotations

import struct

_END = 0xFFFFFFFE      # ENDOFCHAIN
_FREE = 0xFFFFFFFF     # FREESECT / NOSTREAM
_FATSECT = 0xFFFFFFFD
_SECTOR = 512


def _record(kind: int, data: bytes) -> bytes:
    if len(data) > 8224:
        raise ValueError("BIFF record longer than 8224 bytes")
    return struct.pack("<HH", kind, len(data)) + data


def _bof(kind: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x06))


def _unicode(text: str, utf16: bool, length_bytes: int) -> bytes:
    wide = utf16 or any(ord(ch) > 0xFF for ch in text)
    body = text.encode("utf-16-le") if wide else text.encode("latin-1")
    head = struct.pack("<B" if length_bytes == 1 else "<H", len(text))
    return head + bytes([1 if wide else 0]) + body


def _sheet_stream(rows, utf16: bool) -> bytes:
    cells = []
    nrows = len(rows)
    ncols = max((len(r) for r in rows), default=0)
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, str):
                cells.append(_record(0x0204, struct.pack("<HHH", r, c, 0)
                                     + _unicode(v, utf16, 2)))
            else:
                cells.append(_record(0x0203, struct.pack("<HHHd", r, c, 0, float(v))))
    dims = _record(0x0200, struct.pack("<IIHHH", 0, nrows, 0, ncols, 0))
    return _bof(0x0010) + dims + b"".join(cells) + _record(0x000A, b"")


def _workbook_stream(sheets, utf16: bool) -> bytes:
    bodies = [_sheet_stream(rows, utf16) for _, rows in sheets]
    names = [_unicode(name, utf16, 1) for name, _ in sheets]
    head = _bof(0x0005) + _record(0x0042, struct.pack("<H", 1200))
    bound_len = sum(4 + 6 + len(n) for n in names)
    offset = len(head) + bound_len + 4          # + globals EOF
    bound = b""
    for name, body in zip(names, bodies):
        bound += _record(0x0085, struct.pack("<IBB", offset, 0, 0) + name)
        offset += len(body)
    return head + bound + _record(0x000A, b"") + b"".join(bodies)


def _compound_file(stream: bytes, name: str = "Workbook") -> bytes:
    stream = stream + b"\0" * max(0, 4096 - len(stream))
    n = -(-len(stream) // _SECTOR)
    data = stream + b"\0" * (n * _SECTOR - len(stream))
    nfat = 1
    while n + 1 + nfat > 128 * nfat:
        nfat += 1
    if nfat > 109:
        raise ValueError("stream too large for this writer")
    fat = list(range(1, n)) + [_END, _END] + [_FATSECT] * nfat
    fat += [_FREE] * (128 * nfat - len(fat))
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
                         b"\0" * 16, 0x3E, 3, 0xFFFE, 9, 6, b"\0" * 6, 0, nfat, n, 0, 4096,
                         _END, 0, _END, 0)
    header += struct.pack("<109I", *(list(range(n + 1, n + 1 + nfat)) + [_FREE] * (109 - nfat)))

    def entry(entry_name, kind, child, start, size):
        raw = entry_name.encode("utf-16-le") + b"\0\0"
        return struct.pack("<64sHBBIII16sIQQIQ", raw, len(raw), kind, 1, _FREE, _FREE, child,
                           b"\0" * 16, 0, 0, 0, start, size)

    empty = struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, _FREE, _FREE, _FREE, b"\0" * 16,
                        0, 0, 0, 0, 0)
    directory = (entry("Root Entry", 5, 1, _END, 0) + entry(name, 2, _FREE, 0, len(stream))
                 + empty * 2)
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    return header + data + directory + fat_bytes


def write_xls(path, sheets, *, utf16: bool = False) -> None:
    """Write ``sheets`` (a list of ``(name, rows)``; rows are lists of str/float/None).

    ``utf16=True`` stores every string as UTF-16LE instead of one byte per character.
    """
    with open(path, "wb") as fh:
        fh.write(_compound_file(_workbook_stream(sheets, utf16)))


def read_grid(path):
    """The cells of every sheet of an ``.xls`` as ``[(name, rows)]`` (empty cells None)."""
    import xlrd

    book = xlrd.open_workbook(str(path))
    out = []
    for sh in book.sheets():
        rows = []
        for r in range(sh.nrows):
            row = []
            for cell in sh.row(r):
                if cell.ctype == xlrd.XL_CELL_EMPTY or cell.ctype == xlrd.XL_CELL_BLANK:
                    row.append(None)
                elif cell.ctype == xlrd.XL_CELL_TEXT:
                    row.append(cell.value)
                else:
                    row.append(float(cell.value))
            rows.append(row)
        out.append((sh.name, rows))
    return out
