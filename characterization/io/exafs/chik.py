"""χ(k) text files (``.chik``, ``.chi``): larch and Athena exports of ``k chi ...`` columns.

The header line names the columns (``# k chi chik chik2 chik3 win energy`` from Athena,
``# k chi mag phase`` ...). The k column is ``k``; χ is the ``chi`` column when present,
otherwise a k-weighted column (``chik``, ``chi*k^2``, ``k2chi`` ...) divided by k^w explicitly
(recorded in ``chi.attrs["k_weight_removed"]``). A file whose columns carry no names is read
only when ``k_weight=`` states what the second column is: a k-weighted χ cannot be told from χ
by its numbers, so it is refused rather than guessed.

Result: ``chi`` (1) on ``k`` (1/Å). The reader is registered under technique ``"exafs"``; the
Dataset is of technique ``"spectrum"`` (see ``_build.build_chi``).
"""

from __future__ import annotations

import re
from pathlib import Path

from ...errors import ReadError
from .. import _source
from .._registry import register_reader
from . import _build, _text


@_text.quiet_sniff
def _sniff(head: bytes, path: Path) -> bool:
    if _source.logical_suffix(path) in (".chik", ".chiq"):
        return True                     # the extension says χ(k); the reader checks the rest
    text, _ = _source.decode(_source.sniff_head(head), path)
    for line in text.splitlines()[:60]:
        c = _text.comment_text(line)
        s = c if c is not None else line.strip()
        tokens = [t for t in re.split(r"[\s,;]+", s) if t]
        if len(tokens) >= 2 and _text.key(tokens[0]) == "k" and \
                _build.chi_weight(tokens[1]) is not None:
            return True
    return False


@register_reader("chik", extensions=(".chik", ".chi", ".chiq"), sniff=_sniff,
                 technique="exafs", description="χ(k) columns (larch/Athena chi export)")
def read_chik(path, *, k_weight: int | None = None, element: str | None = None,
              edge: str | None = None):
    """Read a χ(k) export into a Dataset with ``chi`` on ``k``.

    Parameters
    ----------
    path : str or os.PathLike
        The file (``.gz``/``.bz2``/``.xz`` read transparently).
    k_weight : int, optional
        The k-weight of the χ column of a file without column names (0 for plain χ); with
        names it must agree with the header.
    element, edge : str, optional
        Absorber and edge, stored as scalar coords when given.

    Returns
    -------
    xarray.Dataset
        ``chi`` (1) on ``k`` (1/Å).

    Raises
    ------
    ReadError
        No ``k`` column, no χ column, unnamed columns without ``k_weight=``, a ``k_weight``
        contradicting the header, damaged rows.

    Examples
    --------
    >>> ds = ch.read("cu_metal.chik")                                    # doctest: +SKIP
    >>> ds.chi.attrs["units"]                                            # doctest: +SKIP
    '1'
    """
    text, lines = _text.read_lines(path)
    data, layout = _text.table(path, text, lines)
    names = _text.names_line(lines, layout)
    if names is None:
        if k_weight is None:
            raise ReadError(path, "the columns carry no names, so whether the second column is "
                                  "χ or k-weighted χ is unknown: pass k_weight= (0 for χ)",
                            f"line {layout.start + 1}")
        ik, ichi, weight = 0, 1, int(k_weight)
    else:
        ik = next((i for i, n in enumerate(names) if _text.key(n) == "k"), None)
        if ik is None:
            raise ReadError(path, f"no 'k' column among {names}")
        found = [(i, _build.chi_weight(n)) for i, n in enumerate(names)
                 if i != ik and _build.chi_weight(n) is not None]
        if not found:
            raise ReadError(path, f"no χ column (chi, chik, chi*k^2 ...) among {names}")
        ichi, weight = min(found, key=lambda c: c[1])
        if k_weight is not None and int(k_weight) != weight:
            raise ReadError(path, f"k_weight={k_weight} contradicts the header: column "
                                  f"{names[ichi]!r} has k-weight {weight}")
    comments = [c for c in (_text.comment_text(s) for s in lines[:layout.start]) if c]
    return _build.build_chi(
        path, k=data[:, ik], chi=data[:, ichi], k_weight=weight, element=element, edge=edge,
        original_metadata={"comments": comments, "column_names": names},
        chi_attrs={"column": names[ichi]} if names else {})
