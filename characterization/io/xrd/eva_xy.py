"""Bruker DIFFRAC.EVA ``.xy`` exports: one header line of ``Key: "value"`` pairs, then 2θ I.

The generic delimited reader reads the numbers but mangles the header (one key ``'Id``) and so
loses the anode; this reader parses the header line
``'Id: "" Comment: "..." Operator: "..." Anode: "Cu" Scantype: "..." TimePerStep: "96" ...``
and takes the wavelength from the anode (Hölzer lines in :data:`characterization.xray_lines.ANODES`). Its sniff is
exclusive: the first line must start with ``'Id:`` and hold an ``Anode:`` key.
``TimePerStep`` is kept in ``original_metadata`` only (EVA does not state its unit).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ...errors import ReadError
from .. import _source
from .._registry import register_reader
from ._build import build_xrd

_PAIR = re.compile(r"(\w+):\s*\"([^\"]*)\"")


def _sniff(head: bytes, path: Path) -> bool:
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    return first.startswith(b"'Id:") and b"Anode:" in first


@register_reader("eva_xy", extensions=(".xy", ".txt"), sniff=_sniff, technique="xrd",
                 description="Bruker DIFFRAC.EVA xy export with an 'Id: ... Anode:' header")
def read_eva_xy(path, *, wavelength: float | None = None):
    """Read a DIFFRAC.EVA ``.xy`` export (header line + two columns) into an XRD Dataset."""
    p = Path(path)
    text, _ = _source.read_text(p)
    lines = text.splitlines()
    meta = dict(_PAIR.findall(lines[0]))
    x, y = [], []
    for i, ln in enumerate(lines[1:], start=2):
        parts = ln.replace(",", " ").split() if "," in ln and "." in ln else ln.split()
        if not parts:
            continue
        if len(parts) < 2:
            raise ReadError(p, f"expected '2θ intensity', found {ln.strip()!r}", f"line {i}")
        try:
            x.append(float(parts[0]))
            y.append(float(parts[1]))
        except ValueError:
            raise ReadError(p, f"expected two numbers, found {ln.strip()!r}",
                            f"line {i}") from None
    anode = meta.get("Anode") or None
    return build_xrd(p, np.array(x), np.array(y), reader="eva_xy", wavelength=wavelength,
                     radiation=anode, metadata=meta)
