"""XAS Data Interchange (XDI 1.0) files: ``# XDI/1.0`` header, ``# Column.N: name units``.

Layout (XDI 1.0 specification, github.com/XraySpectroscopy/XAS-Data-Interchange)::

    # XDI/1.0 GSE/1.0
    # Column.1: energy eV
    # Column.2: i0
    # Element.symbol: Cu            (older copies: Scan.element)
    # Element.edge: K               (older copies: Scan.edge)
    # Mono.d_spacing: 3.13553
    # ///                           (end of fields; user comments follow)
    # Cu foil Room Temperature
    #----
    # energy i0 itrans mutrans
      8779.0  149013.7  550643.089065  -1.3070486

μ: a ``mutrans``/``mufluor``/``murefer``/``mu`` column is used as stored (its measurement
recorded); otherwise μ is computed explicitly from the detector columns (transmission
``ln(i0/itrans)``, fluorescence ``ifluor/i0``, reference ``ln(itrans/irefer)``), the formula in
``mu.attrs["formula"]``. Energies in keV or as a monochromator angle (with ``Mono.d_spacing``)
are converted to eV explicitly. Every header field and the user comments are kept in
``attrs["original_metadata"]``.

Our own parser: larch's ``read_xdi`` (ctypes libxdifile) returns a mutable Group; the header
here is plain ``key: value`` text and the numeric block goes through the shared text-table
parser, so decimal commas, any line ends and encodings read the same.
"""

from __future__ import annotations

import re
from pathlib import Path

from ...errors import ReadError
from .. import _source
from .._registry import register_reader
from . import _build, _text

_FIELD = re.compile(r"([A-Za-z][\w-]*)\.([\w-]+)\s*:\s*(.*)")


@_text.quiet_sniff
def _sniff(head: bytes, path: Path) -> bool:
    text, _ = _source.decode(_source.sniff_head(head), path)
    return text.lstrip("\ufeff \t\r\n").startswith("# XDI/")


def _header(path, lines, start):
    """Fields, column names/units and user comments of the header lines before ``start``."""
    fields: dict[str, dict[str, str]] = {}
    columns: dict[int, tuple[str, str | None]] = {}
    comments: list[str] = []
    version = None
    in_comments = False
    for i in range(start):
        text = _text.comment_text(lines[i])
        if text is None:
            if lines[i].strip():
                raise ReadError(path, f"header line without '#': {lines[i].strip()[:60]!r}",
                                f"line {i + 1}")
            continue
        if i == 0 or version is None and text.startswith("XDI/"):
            version = text
            continue
        if text.startswith("///"):
            in_comments = True
            continue
        if re.fullmatch(r"-{2,}.*", text):
            in_comments = False
            continue
        m = None if in_comments else _FIELD.match(text)
        if m is None:
            if text:
                comments.append(text)
            continue
        ns, tag, value = m.group(1), m.group(2), m.group(3).strip()
        fields.setdefault(ns, {})[tag] = value
        if ns.lower() == "column":
            try:
                n = int(tag)
            except ValueError:
                raise ReadError(path, f"Column.{tag}: expected a column number",
                                f"line {i + 1}") from None
            parts = value.split()
            if not parts:
                raise ReadError(path, f"Column.{n} has no name", f"line {i + 1}")
            columns[n] = (parts[0], parts[1] if len(parts) > 1 else None)
    if version is None or not version.startswith("XDI/"):
        raise ReadError(path, "first line is not '# XDI/1.0 ...'", "line 1")
    return version, fields, columns, comments


def _get(fields, *keys):
    for ns, tag in keys:
        for n, tags in fields.items():
            if n.lower() == ns:
                for t, v in tags.items():
                    if t.lower() == tag and v.strip():
                        return v.strip()
    return None


@register_reader("xdi", extensions=(".xdi",), sniff=_sniff, technique="exafs",
                 description="XAS Data Interchange (XDI 1.0) μ(E) file")
def read_xdi(path, *, measurement: str | None = None, element: str | None = None,
             edge: str | None = None):
    """Read an XDI 1.0 file into a μ(E) Dataset (technique ``"exafs"``).

    Parameters
    ----------
    path : str or os.PathLike
        The file (``.gz``/``.bz2``/``.xz`` read transparently).
    measurement : {"transmission", "fluorescence", "reference"}, optional
        Compute μ this way from the detector columns even when a μ column exists; default: the
        file's μ column, else transmission when ``i0`` and ``itrans`` exist, else fluorescence.
    element, edge : str, optional
        Override (or supply) the absorber and edge of the header (``Element.symbol``,
        ``Element.edge``; older copies ``Scan.element``, ``Scan.edge``).

    Returns
    -------
    xarray.Dataset
        ``mu`` (and ``i0``/``itrans``/``ifluor``/``irefer`` when present) on ``energy`` (eV);
        scalar coords ``edge``, ``absorber``, ``edge_energy``, ``measurement``.

    Raises
    ------
    ReadError
        No ``# XDI/`` first line, a damaged or truncated data row, a column count that differs
        from the ``Column.N`` fields, no μ and no channels to compute it from.

    Examples
    --------
    >>> ds = ch.read("cu_metal_rt.xdi")                                  # doctest: +SKIP
    >>> ds.edge.item(), ds.measurement.item()                            # doctest: +SKIP
    ('Cu K', 'transmission')
    """
    text, lines = _text.read_lines(path)
    data, layout = _text.table(path, text, lines)
    version, fields, columns, comments = _header(path, lines, layout.start)
    if not columns:
        raise ReadError(path, "no '# Column.N: name' fields in the XDI header")
    names = {n - 1: name for n, (name, _) in columns.items()}
    if max(names) >= data.shape[1]:
        raise ReadError(path, f"the header declares {max(names) + 1} columns, the data rows have "
                              f"{data.shape[1]}", f"line {layout.start + 1}")
    by_role: dict[str, int] = {}
    mu_cols: list[tuple[int, str]] = []
    for i in sorted(names):
        r = _text.role(names[i])
        if r == "mu":
            mu_cols.append((i, _text.mu_kind(names[i])))
        elif r is not None:
            by_role.setdefault(r, i)
    if "energy" not in by_role:
        if 0 in names and _text.key(names[0]) in ("angle", "theta", "monoangle", "braggangle"):
            by_role["energy"] = 0
        else:
            raise ReadError(path, f"no energy column among {list(names.values())}")
    ie = by_role["energy"]
    units = columns[ie + 1][1]
    if _text.key(names[ie]) in ("angle", "theta", "monoangle", "braggangle") and units is None:
        units = "degrees"
    d_spacing = _build.number(_get(fields, ("mono", "d_spacing")))
    channels = {c: _text.column(data, by_role.get(c)) for c in _build.CHANNELS}
    mu = None
    mu_attrs = {}
    if measurement is None and mu_cols:
        preference = {"transmission": 0, "fluorescence": 1, "mu": 2, "reference": 3}
        i, kind = min(mu_cols, key=lambda c: preference.get(c[1], 9))
        mu, measurement = _text.column(data, i), kind
        mu_attrs = {"column": names[i]}
    metadata = {"xdi_version": version, **fields, "comments": comments}
    return _build.build_mu(
        path, energy=data[:, ie], mu=mu, channels=channels, measurement=measurement,
        energy_units=units, d_spacing=d_spacing, energy_name=names[ie],
        element=element or _get(fields, ("element", "symbol"), ("scan", "element")),
        edge=edge or _get(fields, ("element", "edge"), ("scan", "edge")),
        original_metadata=metadata, mu_attrs=mu_attrs)
