"""Text tables of XAS exports: the numeric block and the comment header above it.

The numeric block is found and parsed by :mod:`characterization.io._text_layout` (delimiter and
decimal separator detected together, so decimal-comma exports read; a damaged row is a ReadError
naming its line). The header is every line before the block; comment markers (``#``, ``#%``,
``%``, ``;``) are stripped by :func:`comment_text`. Column names are matched to roles
(energy, μ, detector channels, k, χ) by :func:`role`. Normalised or flattened columns
(``norm``, ``flat`` of Athena's ``.nor`` export) are deliberately no μ alias: reading them as
μ would be a silent wrong answer; ``columns={"mu": "norm"}`` reads them on purpose.
"""

from __future__ import annotations

import functools
import re

import numpy as np

from ...errors import ReadError
from .. import _source
from .._text_layout import detect, parse_fast, parse_slow, split_lines
from .._units import canonical_unit

#: Column-name aliases by role (lower case, spaces/underscores/dots removed).
ALIASES = {
    "energy": ("energy", "e", "ev", "energyev", "energykev", "enc", "energyencoder", "en",
               "ener", "photonenergy", "kev", "energy(ev)", "energy(kev)", "e(ev)", "e(kev)"),
    "mu": ("mu", "xmu", "mutrans", "mut", "mufluor", "muf", "murefer", "mur", "absorption",
           "mue", "mu(e)", "xmu(e)"),
    "i0": ("i0", "io", "mon", "monitor", "izero"),
    "itrans": ("it", "itrans", "i1", "trans", "itr"),
    "ifluor": ("if", "ifluor", "fluo", "fluor", "ifl", "fl", "ifluo"),
    "irefer": ("iref", "irefer", "i2", "ref", "ir"),
    "k": ("k", "wavenumber"),
}
_ROLE = {alias: r for r, names in ALIASES.items() for alias in names}
_BRACKETED = re.compile(r"[^\s(\[]+(?:\s*[(\[][^)\]]*[)\]])?")


def quiet_sniff(sniff):
    """``sniff`` that answers False instead of raising (binary content, odd bytes): the
    registry's contract is that a sniff never raises."""

    @functools.wraps(sniff)
    def wrapped(head: bytes, path) -> bool:
        try:
            return bool(sniff(head, path))
        except Exception:  # noqa: BLE001 - a sniff never raises
            return False

    return wrapped


def key(name: str) -> str:
    """``name`` lower case with spaces, underscores, dots and dashes removed."""
    return re.sub(r"[\s_.\-]", "", str(name).lower())


def role(name: str) -> str | None:
    """Role of a column name (``"energy"``, ``"mu"``, ``"i0"`` ...), or None; units in
    brackets are ignored (``Energy [keV]``, ``I0 (counts)``)."""
    found = _ROLE.get(key(name))
    if found is None:
        found = _ROLE.get(key(re.sub(r"[(\[][^)\]]*[)\]]", "", str(name))))
    return found


def mu_kind(name: str) -> str | None:
    """Measurement a μ column name states: ``mutrans`` -> transmission, ``mufluor`` ->
    fluorescence, ``murefer`` -> reference, other μ names -> ``"mu"``."""
    k = key(name)
    if k in ("mutrans", "mut"):
        return "transmission"
    if k in ("mufluor", "muf"):
        return "fluorescence"
    if k in ("murefer", "mur"):
        return "reference"
    return "mu" if _ROLE.get(k) == "mu" else None


def comment_text(line: str) -> str | None:
    """The text of a comment line without its marker, None for a line that is no comment."""
    s = line.strip().lstrip("\ufeff")
    m = re.match(r"(#+%?|%+|;+|!+)", s)
    return s[m.end():].strip() if m else None


def read_lines(path):
    """``(text, lines)`` of a file (decompressed, decoded, any line ends)."""
    text, _ = _source.read_text(path)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, split_lines(text)


def table(path, text, lines, *, first: int = 0):
    """The numeric block: ``(data (rows, ncols), layout)``.

    Raises ReadError when there is no block of at least 2 numeric columns, or a row inside it
    does not fit (a cut file ends inside a row).
    """
    layout = detect(path, lines, first, None, None)
    data = parse_fast(path, text, lines, layout)
    if data is None:
        data = parse_slow(path, lines, layout)
    if data.shape[0] == 0:
        raise ReadError(path, "no data rows")
    _check_last_line(path, lines, layout)
    return data, layout


def _check_last_line(path, lines, layout):
    """A file cut inside its last row (fewer fields than the others) is refused."""
    last = lines[layout.stop - 1]
    fields = last.split() if layout.delimiter == "whitespace" else last.split(layout.delimiter)
    fields = [f for f in fields if f.strip()]
    if len(fields) < layout.ncols:
        raise ReadError(path, f"the last data row has {len(fields)} of {layout.ncols} columns: "
                              "the file is truncated", f"line {layout.stop}")


def _above(lines, i):
    i -= 1
    while i >= 0 and not lines[i].strip():
        i -= 1
    return i


def _cells(lines, i, layout) -> list[str] | None:
    if i < 0:
        return None
    text = comment_text(lines[i])
    text = lines[i].strip() if text is None else text
    if layout.delimiter not in ("whitespace", None):
        return [t.strip().strip('"') for t in text.split(layout.delimiter)]
    return text.split()


def names_and_units(lines, layout):
    """``(names, units)``: column names as :func:`names_line`; when the line above the data is
    a line of units (``keV``, ``a.u.``, empty cells), the names are the line above it and
    ``units`` one entry per column (None for an empty cell), else ``units`` is None."""
    i = _above(lines, layout.start)
    cells = _cells(lines, i, layout)
    if cells and len(cells) <= layout.ncols and any(cells) and all(
            canonical_unit(c) is not None for c in cells if c):
        units = [c or None for c in cells] + [None] * (layout.ncols - len(cells))
        return names_line(lines, layout, _above(lines, i) + 1), units
    return names_line(lines, layout), None


def names_line(lines, layout, start=None) -> list[str] | None:
    """Column names from the last non-blank line above the data (or above line ``start``)
    when it has one name per column (a comment marker stripped), else None."""
    i = _above(lines, layout.start if start is None else start)
    if i < 0:
        return None
    text = comment_text(lines[i])
    text = lines[i].strip() if text is None else text
    if not text:
        return None
    delim = None if layout.delimiter == "whitespace" else layout.delimiter
    splits = [text.split(sep) if sep else text.split()
              for sep in dict.fromkeys((delim, None, "\t", ",", ";"))]
    splits.append(re.split(r"\s{2,}", text))                      # names with single spaces
    splits.append(_BRACKETED.findall(text))                       # "Energy [keV] I0 (counts)"
    for tokens in splits:
        tokens = [t.strip().strip('"') for t in tokens]
        tokens = [t for t in tokens if t]
        if len(tokens) == layout.ncols:
            if sum(bool(re.fullmatch(r"[-+]?[\d.,]+(?:[eEdD][-+]?\d+)?", t)) for t in tokens) \
                    * 2 > len(tokens):
                return None
            return tokens
    return None


def column(data, index: int | None):
    """A column of ``data`` as float array, None for None."""
    return None if index is None else np.asarray(data[:, index], dtype=float)
