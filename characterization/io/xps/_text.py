"""Small helpers shared by the XPS text readers: lines, delimiters, decimal commas, tables.

The vendor exports read here (Avantage CSV, CasaXPS text, SPECS ``.xy``, Scienta ``.txt``) are
short, so a file is decoded whole (:func:`characterization.io._source.read_text`: byte budget,
BOM / UTF-16 / latin-1) and split into lines (CR, LF or CRLF).
"""

from __future__ import annotations

import numpy as np

from ...errors import ReadError
from .. import _source


def lines_of(path) -> list[str]:
    """The decoded lines of ``path`` (any line ends)."""
    text, _ = _source.read_text(path)
    return text.splitlines()


def head_text(head: bytes) -> str:
    """The first bytes of a file as text for a sniff (UTF-16/BOM aware, never raises)."""
    head = _source.sniff_head(head)
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    return head.decode("latin-1")


def delimiter_of(line: str) -> str | None:
    """Tab, ``;`` or ``,`` (in that order of preference) when the line has one; else None
    (whitespace-separated)."""
    for d in ("\t", ";", ","):
        if d in line:
            return d
    return None


def split(line: str, delimiter: str | None) -> list[str]:
    return line.split(delimiter) if delimiter else line.split()


def number(token: str, decimal_comma: bool) -> float:
    """A float from ``token``; empty -> NaN; ValueError when it is not a number."""
    t = token.strip()
    if not t:
        return float("nan")
    if decimal_comma:
        t = t.replace(",", ".")
    return float(t)


def decimal_comma(rows, delimiter: str | None) -> bool:
    """Whether numbers in ``rows`` (lists of tokens) use a decimal comma."""
    if delimiter == ",":
        return False
    comma = dot = 0
    for row in rows[:50]:
        for t in row:
            comma += "," in t
            dot += "." in t
    return comma > 0 and dot == 0


def table(path, lines, start: int, ncols: int, delimiter: str | None, *, what: str,
          min_rows: int = 2):
    """Numeric rows from ``lines[start]`` on, up to a blank or non-numeric line.

    Returns ``(array of shape (rows, ncols), index of the first line after the table)``.
    Empty fields are NaN; a row that is not numeric ends the table. A numeric row with fewer
    fields than ``ncols`` (a file cut inside a row) and fewer than ``min_rows`` rows are
    ReadErrors.
    """
    toks = []
    i = start
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            break
        f = split(line.rstrip(), delimiter)
        toks.append(f)
        i += 1
        if len(toks) >= 50:
            break
    dec = decimal_comma(toks, delimiter)
    rows = []
    i = start
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            break
        f = split(line.rstrip(), delimiter)
        if len(f) > ncols and any(x.strip() for x in f[ncols:]):
            raise ReadError(path, f"{what}: {len(f)} fields where {ncols} columns were "
                                  "declared", f"line {i + 1}")
        try:
            row = [number(x, dec) for x in f[:ncols]]
        except ValueError:
            break
        if len(f) < ncols:
            raise ReadError(path, f"{what}: row has {len(f)} of {ncols} fields (file "
                                  "truncated inside a row?)", f"line {i + 1}")
        rows.append(row)
        i += 1
    if len(rows) < min_rows:
        raise ReadError(path, f"{what}: expected at least {min_rows} rows of {ncols} numbers",
                        f"line {start + 1}")
    return np.array(rows, dtype=np.float64), i
