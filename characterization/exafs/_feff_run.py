"""FEFF input writing, the subprocess run of larch's bundled binaries, and output parsing.

We write ``feff.inp`` ourselves rather than through ``larch.xrd.structure2feffinp`` or
``larixite``: those take CIF *text*, pick the absorber site and the potential labels by their
own rules and format through templates whose content changes between releases. Here the input
is a pure function of (structure, absorber site, edge, radius, r_max, nleg, program): the
cluster is every atom within ``radius`` of the chosen absorber site (periodic images included),
sorted by distance, coordinates rounded to 1e-5 Å, unique potentials by element (absorber
ipot 0, then the other elements in order of first appearance from the centre, the absorber's
own element included as a scatterer), so the same request gives byte-identical input and the
cache key (:mod:`.feff`) can be computed from it.

FEFF runs through larch's bundled executables (``larch/bin/<platform>/feff6l`` and the six
``feff8l_*`` modules) in a **subprocess** whose working directory is a fresh temporary folder:
FEFF reads and writes fixed file names in its current directory, and larch's own runner
(``larch.xafs.feffrunner``) ``os.chdir``s the calling process, which is unsafe with threads
and dask workers. We never change our own working directory and never run FEFF in a thread.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import warnings
from pathlib import Path

import numpy as np
import xarray as xr

from ..errors import AnalysisError, ReadError

#: Bump when the feff.inp writer changes what it writes (part of the cache key).
WRITER_VERSION = "1"
#: FEFF6 array limits (feff6l: natx = 1000 atoms, nphx = 7 unique potentials).
MAX_ATOMS = 1000
MAX_POTENTIALS = 8
PROGRAMS = ("feff6l", "feff8l")
_FEFF8_MODULES = ("rdinp", "pot", "xsph", "pathfinder", "genfmt", "ff2x")
_HOLES = {"K": 1, "L1": 2, "L2": 3, "L3": 4}


def _bindir() -> Path:
    """larch's folder of bundled executables (``larch/bin/<os><bits>``), found without
    importing larch (which takes about a second)."""
    import importlib.util
    import sys

    spec = importlib.util.find_spec("larch")
    if spec is None or not spec.submodule_search_locations:
        from . import _larch

        _larch.require("larch")                       # raises the "install xraylarch" error
    top = Path(list(spec.submodule_search_locations)[0])
    system = "win" if sys.platform.startswith("win") else \
        "darwin" if sys.platform == "darwin" else "linux"
    bits = "64" if sys.maxsize > 2 ** 32 else "32"
    return top / "bin" / f"{system}{bits}"


def executables(version: str) -> list[Path]:
    """The binaries of ``version`` inside the installed larch package (AnalysisError if absent)."""
    if version not in PROGRAMS:
        raise AnalysisError(f"unknown FEFF version {version!r}; use one of {PROGRAMS}")
    bindir = _bindir()
    names = ["feff6l"] if version == "feff6l" else [f"feff8l_{m}" for m in _FEFF8_MODULES]
    paths = [Path(bindir, n + (".exe" if os.name == "nt" else "")) for n in names]
    missing = [p for p in paths if not (p.is_file() and os.access(p, os.X_OK))]
    if missing:
        raise AnalysisError(
            f"{version}: the FEFF executable {missing[0]} bundled with xraylarch is missing or "
            "not executable; reinstall xraylarch (its wheels ship feff6l and feff8l for "
            "Linux, macOS and Windows)")
    return paths


def absorber_sites(structure, absorber: str) -> list[tuple[int, int]]:
    """Inequivalent sites of ``absorber``: ``[(index of the first site, multiplicity)]``."""
    idx = [i for i, site in enumerate(structure) if site.is_ordered
           and str(site.specie.symbol) == absorber]
    if not idx:
        elements = sorted({str(getattr(sp, "symbol", sp)) for site in structure
                           for sp in site.species})
        raise AnalysisError(
            f"the structure ({structure.composition.reduced_formula}) holds no {absorber} "
            f"atom to use as the absorber (its elements: {', '.join(elements)})")
    try:
        import warnings

        from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)     # spglib's error handling
            groups = SpacegroupAnalyzer(structure, symprec=1e-3).get_symmetrized_structure() \
                .equivalent_indices
    except Exception:  # noqa: BLE001 - spglib can fail on odd cells: treat every site apart
        groups = [[i] for i in range(len(structure))]
    out = [(min(g), len(g)) for g in groups if set(g) & set(idx)]
    return sorted(out)


def cluster(structure, site: int, radius: float) -> tuple[list[str], np.ndarray]:
    """Elements and Cartesian positions (Å, absorber at the origin, sorted by distance)."""
    if not structure.is_ordered:
        raise AnalysisError("FEFF needs an ordered structure (one element per site); this "
                            "one has partial occupancies: order it first (e.g. pymatgen's "
                            "OrderDisorderedStructureTransformation) or pick a supercell")
    centre = structure[site].coords
    atoms = [(str(nb.specie.symbol), np.round(nb.coords - centre, 5))
             for nb in structure.get_sites_in_sphere(centre, radius + 1e-6)]
    xyz = np.array([a[1] for a in atoms], dtype=float)
    dist = np.round(np.linalg.norm(xyz, axis=1), 5)
    order = np.lexsort((xyz[:, 2], xyz[:, 1], xyz[:, 0], [a[0] for a in atoms], dist))
    elements = [atoms[i][0] for i in order]
    xyz = xyz[order] + 0.0                                   # no negative zeros
    if dist[order][0] > 1e-4:
        raise AnalysisError("internal: the absorber is not at the centre of its cluster")
    if len(elements) > MAX_ATOMS:
        raise AnalysisError(f"the cluster of radius {radius} Å holds {len(elements)} atoms; "
                            f"FEFF6 takes at most {MAX_ATOMS}: use a smaller radius")
    if len(elements) < 2:
        raise AnalysisError(f"no neighbour within radius {radius} Å of the absorber")
    return elements, xyz


def feff_input(elements, xyz, *, edge: str, r_max: float, nleg: int, version: str,
               title: str) -> str:
    """The text of ``feff.inp`` for one cluster (see the module docstring)."""
    from pymatgen.core import Element

    edge = edge.upper()
    if edge not in _HOLES:
        raise AnalysisError(f"edge {edge!r}: FEFF paths are computed for K, L1, L2, L3")
    potentials = [("absorber", elements[0])]
    labels = {}
    for el in elements[1:]:
        if el not in labels:
            labels[el] = len(potentials)
            potentials.append(("scatterer", el))
    if len(potentials) > MAX_POTENTIALS:
        raise AnalysisError(f"{len(potentials)} unique potentials; FEFF6 takes at most "
                            f"{MAX_POTENTIALS} (absorber + 7 elements)")
    lines = [f"TITLE {title[:70]}"]
    if version == "feff6l":
        lines += [f"HOLE {_HOLES[edge]} 1.0", "CONTROL 1 1 1 1", "PRINT 1 0 0 0"]
    else:
        lines += [f"EDGE {edge}", "S02 1.0", "CONTROL 1 1 1 1 1 1", "PRINT 1 0 0 0 0 3"]
    lines += [f"RMAX {r_max:.5f}", f"NLEG {int(nleg)}", "", "POTENTIALS",
              "*  ipot   Z  element"]
    for ipot, (_, el) in enumerate(potentials):
        lines.append(f"   {ipot:3d} {Element(el).Z:4d}  {el}")
    lines += ["", "ATOMS", "*   x          y          z      ipot  tag   distance"]
    for i, (el, (x, y, z)) in enumerate(zip(elements, xyz)):
        ipot = 0 if i == 0 else labels[el]
        d = float(np.sqrt(x * x + y * y + z * z))
        lines.append(f"  {x:10.5f} {y:10.5f} {z:10.5f}  {ipot:3d}  {el:<3s} {d:9.5f}")
    lines += ["END", ""]
    return "\n".join(lines)


def run(inp: str, *, version: str, timeout: float) -> xr.Dataset:
    """Run FEFF on ``inp`` in a fresh temporary folder and return its paths as one Dataset."""
    exes = executables(version)
    with tempfile.TemporaryDirectory(prefix="characterization-feff-") as tmp:
        folder = Path(tmp)
        (folder / "feff.inp").write_text(inp)
        log = []
        for exe in exes:
            try:
                proc = subprocess.run([str(exe)], cwd=folder, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                      timeout=timeout, check=False)
            except subprocess.TimeoutExpired:
                raise AnalysisError(f"{exe.name} did not finish within {timeout} s (timeout=); "
                                    "a smaller radius or r_max gives fewer paths") from None
            except OSError as exc:
                raise AnalysisError(f"{exe.name} could not be started: {exc}") from exc
            text = proc.stdout.decode("latin-1", "replace")
            log.append(text)
            if re.search(r"paths found\s+0\b", text, re.I):
                raise AnalysisError("FEFF found no scattering path with a half length within "
                                    "r_max; increase r_max (and radius)")
            if proc.returncode != 0 or re.search(r"fatal error", text, re.I):
                raise AnalysisError(f"{exe.name} failed (exit code {proc.returncode}):\n"
                                    + _tail(text))
        text = "".join(log)
        if re.search(r"path finder limit exceeded", text, re.I):
            warnings.warn("FEFF's path finder hit its internal limit: the path list may be "
                          "incomplete; use a smaller r_max or nleg", RuntimeWarning,
                          stacklevel=4)
        return parse(folder, log=text)


def _tail(text: str, n: int = 12) -> str:
    return "\n".join(text.strip().splitlines()[-n:])


def parse(folder: Path, *, log: str = "") -> xr.Dataset:
    """``files.dat`` and the ``feffNNNN.dat`` files of one run into one feff_paths Dataset."""
    from ..io.exafs.feffdat import read_feffdat

    files = folder / "files.dat"
    if not files.is_file():
        raise AnalysisError("FEFF wrote no files.dat (no path found?):\n" + _tail(log))
    table = []
    started = False
    for line in files.read_text(errors="replace").splitlines():
        if line.strip().startswith("file") and "amp ratio" in line:
            started = True
            continue
        parts = line.split()
        if started and len(parts) >= 6 and parts[0].lower().startswith("feff"):
            table.append((parts[0], float(parts[2]), float(parts[3]), float(parts[5])))
    if not table:
        raise AnalysisError("FEFF found no scattering path within r_max:\n" + _tail(log))
    paths = []
    for name, *_ in table:
        try:
            paths.append(read_feffdat(folder / name))
        except (ReadError, OSError) as exc:
            raise AnalysisError(f"FEFF output {name} is unreadable: {exc}") from exc
    k = paths[0]["k"].values
    for p, (name, *_rest) in zip(paths[1:], table[1:]):
        if p.sizes["k"] != k.size or not np.array_equal(p["k"].values, k):
            raise AnalysisError(f"FEFF output {name} has a k grid different from "
                                f"{table[0][0]}: paths of one run must share it")
    ds = xr.concat(paths, dim="path", data_vars="all", coords="minimal", compat="override",
                   join="override", combine_attrs="override")
    ds["amplitude_ratio"] = xr.DataArray(
        np.array([row[1] for row in table]), dims="path",
        attrs={"units": "percent",
               "long_name": "FEFF amplitude ratio (importance, % of the strongest path)"})
    return ds
