"""μ(E) column files: ``#%`` key headers (``*.xmu``), ``# energy mu`` 2-column text, and
column tables of named detector channels (energy + I0/It/If/Iref).

Columns are chosen by name: ``columns={"energy": "E", "i0": "I0", "itrans": "It"}`` (keys
``energy``, ``mu``, ``i0``, ``itrans``, ``ifluor``, ``irefer``; values a header name or a
0-based column index), else by common names (energy/e/ev, mu/xmu/mutrans, i0/io/mon,
it/itrans/i1, if/ifluor/fluo, iref/irefer/i2). A file of two unnamed columns is energy and μ.
μ is taken from a μ column, else computed explicitly from the channels (transmission
``ln(i0/itrans)``, fluorescence ``ifluor/i0``, reference ``ln(itrans/irefer)``).

The reader claims a file by content only where the content proves XAS data: ``#%`` header keys
(``#%atom:``/``#%edge:``/``#%cols:``), or a column-names line holding an energy column and a μ
column or I0 with It/If. Other text tables are read with ``format="xas_columns"`` (or
``technique="exafs"``, which restricts the reader choice to EXAFS readers).

Element and edge come from ``#%atom``/``#%edge`` (or ``element=``/``edge=``); when the file
names none they are guessed from the edge energy with a warning (see ``_build.edge_coords``).
"""

from __future__ import annotations

import re
from pathlib import Path

from ...errors import ReadError
from .. import _source
from .._registry import register_reader
from . import _build, _text

_ROLES = ("energy", "mu", "i0", "itrans", "ifluor", "irefer")


def _names_in_head(text: str) -> list[list[str]]:
    out = []
    for line in text.splitlines()[:80]:
        c = _text.comment_text(line)
        s = c if c is not None else line.strip()
        if s and not re.match(r"[-+]?[\d.]", s):
            out.append([t for t in re.split(r"[\s,;]+", s) if t])
    return out


@_text.quiet_sniff
def _sniff(head: bytes, path: Path) -> bool:
    text, _ = _source.decode(_source.sniff_head(head), path)
    if text.lstrip("\ufeff").startswith("# XDI/") or "Athena project file" in text[:200]:
        return False
    if re.search(r"^#%\s*(atom|edge|cols)\s*:", text, re.M | re.I):
        return True
    for tokens in _names_in_head(text):
        roles = {_text.role(t) for t in tokens}
        if "energy" in roles and ("mu" in roles or ("i0" in roles and roles
                                                    & {"itrans", "ifluor"})):
            return len(tokens) <= 12
    return False


def _percent_header(lines, start) -> dict:
    """``#%key: value`` fields and other comment lines above the data."""
    fields, comments = {}, []
    for i in range(start):
        s = lines[i].strip()
        m = re.match(r"#%\s*([\w.-]+)\s*:\s*(.*)", s)
        if m:
            fields[m.group(1).lower()] = m.group(2).strip()
            continue
        c = _text.comment_text(s)
        if c and not re.fullmatch(r"-+", c):
            comments.append(c)
        elif c is None and s:
            comments.append(s)
    return {**fields, "comments": comments}


def _resolve(path, spec, names, ncols, what):
    if isinstance(spec, int) and not isinstance(spec, bool):
        if not -ncols <= spec < ncols:
            raise ReadError(path, f"columns[{what!r}] = {spec}: the file has {ncols} columns")
        return spec % ncols
    if names is None:
        raise ReadError(path, f"columns[{what!r}] = {spec!r}: the file has no column names; "
                              "give a 0-based column index")
    want = _text.key(spec)
    hits = [i for i, n in enumerate(names) if _text.key(n) == want]
    if not hits:
        raise ReadError(path, f"columns[{what!r}] = {spec!r} not among the column names "
                              f"{names}")
    return hits[0]


def _energy_units(name: str | None, header: dict) -> str | None:
    text = (name or "").lower()
    if "kev" in text:
        return "keV"
    return "eV" if "ev" in text else None


@register_reader("xas_columns", extensions=(".xmu", ".dat", ".txt", ".csv", ".nor", ".mu"),
                 sniff=_sniff, technique="exafs",
                 description="μ(E) column text: #% header (.xmu), 'energy mu', or named "
                             "I0/It/If channels")
def read_xas_columns(path, *, columns: dict | None = None, measurement: str | None = None,
                     element: str | None = None, edge: str | None = None,
                     energy_units: str | None = None):
    """Read a μ(E) column file into a Dataset (technique ``"exafs"``).

    Parameters
    ----------
    path : str or os.PathLike
        The file (``.gz``/``.bz2``/``.xz`` read transparently).
    columns : dict, optional
        Role -> column name or 0-based index: ``{"energy": "E", "i0": "I0", "itrans": "It"}``.
        Roles not given are found by common names.
    measurement : {"transmission", "fluorescence", "reference"}, optional
        Compute μ this way from the channels even when a μ column exists.
    element, edge : str, optional
        Absorber and edge; default from ``#%atom``/``#%edge``, else guessed with a warning.
    energy_units : {"eV", "keV"}, optional
        Units of the energy column; default from its name (``E(keV)``), else eV, or keV with a
        warning when every energy is below 100.

    Returns
    -------
    xarray.Dataset
        ``mu`` (and channels) on ``energy`` (eV), scalar coords ``edge``, ``absorber``,
        ``edge_energy``, ``measurement``.

    Raises
    ------
    ReadError
        No numeric block, a damaged or truncated row, names in ``columns`` not in the file,
        more than two unnamed columns without ``columns=``, no μ and no channels.

    Examples
    --------
    >>> ds = ch.read("cu_10k.xmu")                                       # doctest: +SKIP
    >>> ds.edge.item()                                                   # doctest: +SKIP
    'Cu K'
    """
    text, lines = _text.read_lines(path)
    data, layout = _text.table(path, text, lines)
    names, col_units = _text.names_and_units(lines, layout)
    header = _percent_header(lines, layout.start)
    ncols = data.shape[1]
    columns = dict(columns or {})
    unknown = set(columns) - set(_ROLES)
    if unknown:
        raise ReadError(path, f"columns= keys {sorted(unknown)} unknown; roles are {_ROLES}")
    idx = {r: _resolve(path, spec, names, ncols, r) for r, spec in columns.items()}
    mu_kind = None
    if names is not None:
        for i, n in enumerate(names):
            r = _text.role(n)
            if r is not None and r not in idx and i not in idx.values():
                idx[r] = i
                if r == "mu":
                    mu_kind = _text.mu_kind(n)
    elif ncols == 2 and not columns:
        idx = {"energy": 0, "mu": 1}
    if "energy" not in idx:
        if names is None and ncols > 2:
            raise ReadError(path, f"{ncols} unnamed columns: name them with columns="
                                  "{'energy': 0, 'mu': 1} or {'energy': 0, 'i0': 1, "
                                  "'itrans': 2}")
        raise ReadError(path, f"no energy column among {names}; pass columns={{'energy': ...}}")
    if "mu" not in idx and not {"i0", "itrans", "ifluor", "irefer"} & set(idx):
        raise ReadError(path, f"no μ column and no detector channels among {names}; pass "
                              "columns=")
    channels = {c: _text.column(data, idx.get(c)) for c in _build.CHANNELS}
    mu = None if measurement is not None or "mu" not in idx else data[:, idx["mu"]]
    if mu is not None:
        measurement = mu_kind if mu_kind not in (None, "mu") else "mu"
    units = (energy_units or (col_units[idx["energy"]] if col_units else None)
             or _energy_units(names[idx["energy"]] if names else None, header))
    metadata = {**header, "column_names": names}
    cols = {"column": names[idx["mu"]]} if (mu is not None and names) else {}
    return _build.build_mu(
        path, energy=data[:, idx["energy"]], mu=mu, channels=channels, measurement=measurement,
        energy_units=units, energy_name=names[idx["energy"]] if names else None,
        element=element or header.get("atom"),
        edge=edge or header.get("edge"), original_metadata=metadata, mu_attrs=cols)
