"""Bruker DIFFRAC.EVA ``.xy`` exports: one header line of ``Key: "value"`` pairs, then 2θ I.

The generic delimited reader reads the numbers but mangles the header (one key ``'Id``) and so
loses the anode; this reader parses the header line
``'Id: "" Comment: "..." Operator: "..." Anode: "Cu" Scantype: "..." TimePerStep: "96" ...``
and takes the wavelength from the anode (Hölzer lines in
:data:`characterization.xray_lines.ANODES`). Its sniff is exclusive: a line starting with
``'Id:`` and holding an ``Anode:`` key must come before the first data row (within the first
few lines: notes or comments a user added above it are allowed and kept as ``notes``).
``TimePerStep`` is kept in ``original_metadata`` only (EVA does not state its unit).

The numeric block is found and parsed by the delimited-text machinery
(:mod:`characterization.io._text_layout`), so the variants real exports take are read too:
decimal commas (a German or French locale), comma/semicolon/tab/space separators, trailing
empty columns, CR/CRLF line ends, UTF-16 or latin-1 text, ``.gz`` compression.
"""

from __future__ import annotations

import re
from pathlib import Path

from ...errors import ReadError
from .. import _source
from .._registry import register_reader
from .._text_layout import detect, parse_fast, parse_slow
from ._build import build_xrd

_PAIR = re.compile(r"(\w+):\s*\"([^\"]*)\"")
_MAX_LINES_BEFORE_HEADER = 10


def _header_index(lines) -> int | None:
    """Index of the ``'Id: ... Anode: ...`` line among the first lines, before any data."""
    for i, line in enumerate(lines[:_MAX_LINES_BEFORE_HEADER + 1]):
        s = line.strip().lstrip("\ufeff")
        if s.startswith("'Id:") and "Anode:" in s:
            return i
        if re.match(r"^[-+]?\d", s):            # a data row before the header: not EVA
            return None
    return None


def _sniff(head: bytes, path: Path) -> bool:
    try:
        text, _ = _source.decode(head, path)
    except ReadError:
        return False
    return _header_index(text.splitlines()) is not None


@register_reader("eva_xy", extensions=(".xy", ".txt"), sniff=_sniff, technique="xrd",
                 description="Bruker DIFFRAC.EVA xy export with an 'Id: ... Anode:' header")
def read_eva_xy(path, *, wavelength: float | None = None):
    """Read a DIFFRAC.EVA ``.xy`` export (header line + two columns) into an XRD Dataset.

    Parameters
    ----------
    path : str or os.PathLike
        The file (``.gz``/``.bz2``/``.xz`` read transparently).
    wavelength : float, optional
        Kα1 wavelength (Å); default the lines of the header's ``Anode`` (Hölzer et al. 1997),
        or Cu with a warning when the anode is empty.

    Returns
    -------
    xarray.Dataset
        ``intensity`` (count) over ``two_theta`` (deg), ``wavelength``, ``radiation``; the
        header pairs (and any notes above them) in ``attrs["original_metadata"]``.

    Raises
    ------
    ReadError
        No ``'Id: ... Anode:`` header line, no rows of two numbers, a row that does not fit
        (naming its line).
    """
    p = Path(path)
    text, _ = _source.read_text(p)
    lines = text.splitlines(keepends=True)
    h = _header_index(lines)
    if h is None:
        raise ReadError(p, "no DIFFRAC.EVA header line ('Id: ... Anode: ...') before the data",
                        "line 1")
    meta = dict(_PAIR.findall(lines[h]))
    notes = [line.strip() for line in lines[:h] if line.strip()]
    if notes:
        meta["notes"] = notes
    try:
        layout = detect(p, lines, h + 1, None, None)
    except ValueError as exc:
        if isinstance(exc, ReadError):
            raise
        raise ReadError(p, str(exc)) from None
    notes_after = [line.strip() for line in lines[h + 1:layout.start] if line.strip()]
    if notes_after:
        meta["notes"] = meta.get("notes", []) + notes_after
    values = parse_fast(p, text, lines, layout)
    if values is None:
        values = parse_slow(p, lines, layout)
    if values.shape[0] < 2:
        raise ReadError(p, f"only {values.shape[0]} data row found; expected at least 2",
                        f"line {layout.start + 1}")
    anode = meta.get("Anode") or None
    return build_xrd(p, values[:, 0], values[:, 1], reader="eva_xy", wavelength=wavelength,
                     radiation=anode, metadata=meta)
