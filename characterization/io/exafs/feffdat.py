"""FEFF ``feffNNNN.dat`` scattering-path files (FEFF 6/8, written by feff6l/feff8l and Artemis).

One file holds one path: a header (title lines, potentials, ``Path N``), a dashed rule, the line
``nleg, deg, reff, rnrmav(bohr), edge``, one line per leg atom (x y z ipot Z symbol, the first
the absorber), then seven columns on FEFF's k grid::

    k  real[2*phc]  mag[feff]  phase[feff]  red factor  lambda  real[p]@#

The result is a Dataset of technique ``"feff_paths"`` with one element along ``path`` (so files
of one FEFF run concatenate along ``path``): ``real_phc``, ``mag_feff`` (Å), ``phase_feff``,
``red_factor``, ``mean_free_path`` (Å) and ``real_p`` (1/Å) on ``k`` (1/Å), and per path
``degeneracy``, ``reff`` (Å), ``nleg``, ``rnorman`` (bohr), ``feff_edge`` (eV), ``scatterers``
("Cu", "O-Fe" ...) and ``geometry`` (JSON list of [symbol, x, y, z, ipot]). FEFF's columns are
kept as written (no interpolation onto a fit grid: that is the fit's job, done explicitly).
Absorber and FEFF version are scalar coordinates (``absorber``, ``feff_version``).

This parser is our own: larch's ``read_feffdat`` returns a mutable Group and computes extra
columns on a fixed grid; we keep the file's own numbers and raise ReadError naming the line on
any damage.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import xarray as xr

from ...errors import ReadError
from .. import _source
from .._registry import register_reader

_COLUMNS = (("real_phc", "1", "Real part of 2·phase shift of the central atom"),
            ("mag_feff", "angstrom", "|F_eff(k)|"),
            ("phase_feff", "1", "Phase of F_eff(k)"),
            ("red_factor", "1", "Reduction factor"),
            ("mean_free_path", "angstrom", "Photoelectron mean free path λ(k)"),
            ("real_p", "1/angstrom", "Real part of the complex momentum p(k)"))
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[EeDd][-+]?\d+)?"


def _sniff(head: bytes, path: Path) -> bool:
    text = head.decode("latin-1", "replace").lower()
    return "real[2*phc]" in text or ("nleg, deg, reff" in text and "mag[feff]" in text)


def _floats(line: str, n: int, path, lineno: int) -> list[float]:
    parts = line.replace("D", "E").replace("d", "e").split()
    try:
        values = [float(p) for p in parts[:n]]
    except ValueError:
        values = []
    if len(values) < n:
        raise ReadError(path, f"expected {n} numbers, found {line.strip()[:60]!r}",
                        f"line {lineno + 1}")
    return values


@register_reader("feffdat", extensions=(".dat",), sniff=_sniff, technique="feff_paths",
                 description="FEFF feffNNNN.dat scattering path (FEFF 6/8)")
def read_feffdat(path):
    """Read one FEFF ``feffNNNN.dat`` path file into a ``feff_paths`` Dataset (one path).

    Parameters
    ----------
    path : str or os.PathLike
        The file (``.gz``/``.bz2``/``.xz`` read transparently).

    Returns
    -------
    xarray.Dataset
        Technique ``"feff_paths"``; dims ``path`` (length 1) and ``k``.

    Raises
    ------
    ReadError
        No dashed rule, no path line, truncated atom list or a damaged data row.

    Examples
    --------
    >>> paths = ch.read("feff0001.dat")                                  # doctest: +SKIP
    >>> float(paths.reff[0]), float(paths.degeneracy[0])                  # doctest: +SKIP
    (2.5478, 12.0)
    """
    text, _ = _source.read_text(path)
    lines = text.splitlines()
    rule = next((i for i, s in enumerate(lines) if s.strip().startswith("-----")), None)
    if rule is None or rule + 1 >= len(lines):
        raise ReadError(path, "no dashed rule before the path line: not a feffNNNN.dat file")
    header = lines[:rule]
    nleg, deg, reff, rnorman, edge = _floats(lines[rule + 1], 5, path, rule + 1)
    nleg_i = int(round(nleg))
    if not 2 <= nleg_i <= 16 or deg <= 0 or reff <= 0:
        raise ReadError(path, f"implausible path line (nleg={nleg}, deg={deg}, reff={reff})",
                        f"line {rule + 2}")
    atoms = []
    start = rule + 3                                    # skip the "x y z pot at#" line
    for j in range(nleg_i):
        i = start + j
        if i >= len(lines):
            raise ReadError(path, f"atom list ends after {j} of {nleg_i} legs", f"line {i + 1}")
        x, y, z, ipot, iz = _floats(lines[i], 5, path, i)
        parts = lines[i].split()
        symbol = parts[5] if len(parts) > 5 and parts[5].isalpha() else str(int(iz))
        atoms.append([symbol, x, y, z, int(ipot)])
    col_line = next((i for i in range(start + nleg_i, min(len(lines), start + nleg_i + 3))
                     if "real[2*phc]" in lines[i].lower() or lines[i].split()[:1] == ["k"]), None)
    if col_line is None:
        raise ReadError(path, "no 'k real[2*phc] mag[feff] ...' column line after the atoms",
                        f"line {start + nleg_i + 1}")
    rows = []
    for i in range(col_line + 1, len(lines)):
        if not lines[i].strip():
            continue
        rows.append(_floats(lines[i], 7, path, i))
    data = np.asarray(rows, dtype=float)
    if data.shape[0] < 5 or not np.all(np.isfinite(data)) or np.any(np.diff(data[:, 0]) <= 0):
        raise ReadError(path, "the data block needs at least 5 finite rows with increasing k",
                        f"line {col_line + 2}")
    absorber = atoms[0][0]
    version = ""
    for s in header:
        m = re.search(r"Feff\s*(?:XX)?\s*([0-9][0-9.]*\w*)", s)
        if m:
            version = m.group(1)
            break
    title = header[0].strip() if header else ""
    ipath = next((int(m.group(1)) for s in header
                  if (m := re.match(r"\s*Path\s+(\d+)", s))), 1)
    k = xr.DataArray(data[:, 0], dims="k", attrs={"units": "1/angstrom",
                                                  "long_name": "Photoelectron wavenumber k"})
    ds = xr.Dataset(coords={"k": k, "path": ("path", [ipath], {"units": "", "long_name": "Path"})})
    for j, (name, units, long_name) in enumerate(_COLUMNS, start=1):
        ds[name] = xr.DataArray(data[None, :, j], dims=("path", "k"),
                                attrs={"units": units, "long_name": long_name})
    per_path = {
        "degeneracy": (deg, "1", "Path degeneracy N"),
        "reff": (reff, "angstrom", "Half path length R_eff"),
        "nleg": (nleg_i, "1", "Number of legs"),
        "rnorman": (rnorman, "bohr", "Average Norman radius"),
        "feff_edge": (edge, "eV", "FEFF edge energy shift"),
    }
    for name, (value, units, long_name) in per_path.items():
        ds[name] = xr.DataArray([value], dims="path", attrs={"units": units,
                                                           "long_name": long_name})
    scat = "-".join(a[0] for a in atoms[1:])
    ds["scatterers"] = xr.DataArray([scat], dims="path", attrs={"units": "",
                                                              "long_name": "Scattering atoms"})
    ds["geometry"] = xr.DataArray([json.dumps(atoms)], dims="path",
                                  attrs={"units": "", "long_name": "Path geometry (JSON)"})
    ds = ds.assign_coords(absorber=xr.DataArray(absorber, attrs={"units": "",
                                                                 "long_name": "Absorber"}),
                          feff_version=xr.DataArray(version, attrs={"units": "",
                                                                    "long_name": "FEFF version"}))
    ds.attrs.update(technique="feff_paths", title=title)
    return ds
