"""Crystal structures for FEFF: built-in reference phases, CIF files and structure Datasets.

:func:`characterization.exafs.feff_paths` takes a structure in any of these forms, turned into a
pymatgen ``Structure`` by :func:`load`:

* a pymatgen ``Structure`` (used as given);
* the name of a built-in phase (:data:`BUILTIN`: ``"beta-Sn"``, ``"alpha-Sn"``, ``"SnO2"``,
  ``"Cu"``), built in code from the published cell below — no data file is shipped;
* a path to a CIF file, parsed with pymatgen's ``CifParser`` (symmetry expanded, conventional
  cell, ``primitive=False``);
* a structure Dataset (:func:`to_dataset`: ``lattice(vector, axis)`` in Å,
  ``frac_coords(site, axis)``, ``species(site)``), which is how a structure travels with
  results in netCDF files and through the public-function plumbing.

Built-in phases (conventional cells, every atom listed explicitly, no symmetry operations, so
no space-group *setting* can silently change the cell):

============  =============  ====================================  ==============================
name          space group    cell (Å) and sites                    source
============  =============  ====================================  ==============================
``beta-Sn``   I4_1/amd       a = 5.8318, c = 3.1819; Sn 4a of      Swanson & Tatge (1953);
                             origin choice 1: (0,0,0),             Wyckoff (1963)
                             (0,½,¼), (½,½,½), (½,0,¾)
``alpha-Sn``  Fd-3m          a = 6.4892; diamond, Sn 8a            Thewlis & Davey (1954)
``SnO2``      P4_2/mnm       a = 4.737, c = 3.186; Sn 2a, O 4f     Baur (1956)
                             x = 0.307
``Cu``        Fm-3m          a = 3.6149 (fcc)                      Straumanis & Yu (1969)
============  =============  ====================================  ==============================

**The beta-Sn pitfall.** I4_1/amd has two origin choices in the International Tables. With
origin choice 1 the Sn atoms sit on 4a = (0,0,0); with origin choice 2 (the default of many
programs, including CIF readers that assume the ``:2`` setting) 4a is (0,¾,⅛). A CIF that
writes Sn at (0,0,0) but is expanded with origin-choice-2 operators gives a wrong cell with
wrong Sn–Sn distances — silently. Beta-Sn must have 4 Sn at 3.02 Å and 2 at 3.18 Å; check
:func:`neighbour_shells` of any beta-Sn CIF you use.

No Li–Sn phase is built in: their published cells (Li22Sn5, Li17Sn4, Li7Sn2 ...) are large and
we did not find coordinates we could verify independently; use a CIF from ICSD/COD/Materials
Project (``feff_paths("Li7Sn2.cif", absorber="Sn")``).

References
----------
H. E. Swanson, E. Tatge, *Standard X-ray diffraction powder patterns*, NBS Circular 539, vol. 1
(1953). R. W. G. Wyckoff, *Crystal Structures*, vol. 1, 2nd ed., Interscience (1963).
J. Thewlis, A. R. Davey, Nature 174, 1011 (1954) (alpha-Sn). W. H. Baur, Acta Cryst. 9, 515
(1956) (SnO2). M. E. Straumanis, L. S. Yu, Acta Cryst. A 25, 676 (1969) (Cu).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import xarray as xr

from ..errors import AnalysisError

_HALF, _Q = 0.5, 0.25
#: Fractional coordinates of the four lattice points of a face-centred cubic cell.
_FCC = [(0, 0, 0), (0, _HALF, _HALF), (_HALF, 0, _HALF), (_HALF, _HALF, 0)]


def _pmg():
    try:
        from pymatgen.core import Lattice, Structure
    except ImportError as exc:  # pragma: no cover - pymatgen is a dependency
        raise AnalysisError(f"FEFF structures need pymatgen ({exc}); "
                            "install it with `pip install pymatgen`") from exc
    return Lattice, Structure


def beta_sn(a: float = 5.8318, c: float = 3.1819):
    """beta-Sn (white tin), I4_1/amd, Sn on 4a of origin choice 1 (4 × 3.02 Å, 2 × 3.18 Å).

    Parameters
    ----------
    a, c : float
        Cell edges in Å (Swanson & Tatge 1953; room temperature).

    Returns
    -------
    pymatgen.core.Structure
        Conventional body-centred tetragonal cell, 4 Sn.

    Examples
    --------
    >>> from characterization.exafs import structures
    >>> [round(d, 2) for d, n, _ in structures.neighbour_shells(structures.beta_sn(), "Sn")[:2]]
    [3.02, 3.18]
    """
    Lattice, Structure = _pmg()
    coords = [(0, 0, 0), (0, _HALF, _Q), (_HALF, _HALF, _HALF), (_HALF, 0, 0.75)]
    return Structure(Lattice.tetragonal(a, c), ["Sn"] * 4, coords)


def alpha_sn(a: float = 6.4892):
    """alpha-Sn (grey tin), diamond structure Fd-3m (4 Sn at a·√3/4 = 2.81 Å).

    Parameters
    ----------
    a : float
        Cubic cell edge in Å (Thewlis & Davey 1954).

    Returns
    -------
    pymatgen.core.Structure
        Conventional cubic cell, 8 Sn.
    """
    Lattice, Structure = _pmg()
    coords = _FCC + [(x + _Q, y + _Q, z + _Q) for x, y, z in _FCC]
    return Structure(Lattice.cubic(a), ["Sn"] * 8, coords)


def sno2(a: float = 4.737, c: float = 3.186, x: float = 0.307):
    """SnO2 (cassiterite), rutile P4_2/mnm: Sn 2a, O 4f (x, x, 0); 4 O at 2.05, 2 at 2.06 Å.

    Parameters
    ----------
    a, c : float
        Cell edges in Å (Baur 1956).
    x : float
        Oxygen coordinate of 4f.

    Returns
    -------
    pymatgen.core.Structure
        Conventional cell, 2 Sn + 4 O.
    """
    Lattice, Structure = _pmg()
    coords = [(0, 0, 0), (_HALF, _HALF, _HALF), (x, x, 0), (1 - x, 1 - x, 0),
              (_HALF + x, _HALF - x, _HALF), (_HALF - x, _HALF + x, _HALF)]
    return Structure(Lattice.tetragonal(a, c), ["Sn", "Sn", "O", "O", "O", "O"], coords)


def cu(a: float = 3.6149):
    """Copper, fcc Fm-3m (12 Cu at a/√2 = 2.556 Å).

    Parameters
    ----------
    a : float
        Cubic cell edge in Å (Straumanis & Yu 1969, 20 °C).

    Returns
    -------
    pymatgen.core.Structure
        Conventional cubic cell, 4 Cu.
    """
    Lattice, Structure = _pmg()
    return Structure(Lattice.cubic(a), ["Cu"] * 4, _FCC)


#: Built-in phases by name (case-insensitive; ``"Sn"`` and ``"white tin"`` mean beta-Sn).
BUILTIN = {"beta-sn": beta_sn, "sn": beta_sn, "white tin": beta_sn, "alpha-sn": alpha_sn,
           "grey tin": alpha_sn, "gray tin": alpha_sn, "sno2": sno2, "cassiterite": sno2,
           "cu": cu, "copper": cu}


def is_structure(obj) -> bool:
    """True for a pymatgen-like structure (has ``lattice``, ``frac_coords`` and ``species``)."""
    return all(hasattr(obj, name) for name in ("lattice", "frac_coords", "species")) \
        and not isinstance(obj, xr.Dataset)


def load(structure):
    """A pymatgen ``Structure`` from a Structure, built-in name, CIF path or structure Dataset.

    Parameters
    ----------
    structure : pymatgen.core.Structure, str, os.PathLike or xarray.Dataset
        See the module docstring.

    Returns
    -------
    tuple
        ``(Structure, description)``; the description (``"built-in beta-Sn"``, ``"CIF
        Li7Sn2.cif"``, ...) goes into the provenance.

    Raises
    ------
    AnalysisError
        An unknown name, a missing or unreadable CIF, a CIF without an ordered structure.
    """
    if is_structure(structure):
        return structure, f"Structure {structure.composition.reduced_formula}"
    if isinstance(structure, xr.Dataset):
        return from_dataset(structure), "structure Dataset"
    if isinstance(structure, (str, os.PathLike)):
        name = os.fspath(structure)
        if isinstance(structure, str) and name.strip().lower() in BUILTIN:
            return BUILTIN[name.strip().lower()](), f"built-in {name.strip()}"
        path = Path(name)
        if not path.is_file():
            raise AnalysisError(
                f"{name!r} is neither a built-in structure ({', '.join(sorted(set(BUILTIN)))})"
                " nor an existing CIF file")
        return _read_cif(path), f"CIF {path.name}"
    raise AnalysisError(f"cannot make a crystal structure from {type(structure).__name__}")


def _read_cif(path: Path):
    _pmg()
    import warnings

    from pymatgen.io.cif import CifParser

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = CifParser(path).parse_structures(primitive=False)
    except Exception as exc:  # noqa: BLE001 - pymatgen raises many kinds on a bad CIF
        raise AnalysisError(f"{path}: not a readable CIF ({type(exc).__name__}: {exc})") from exc
    if not parsed:
        raise AnalysisError(f"{path}: the CIF holds no structure")
    return parsed[0]


def to_dataset(structure) -> xr.Dataset:
    """A crystal structure as a Dataset (storable in netCDF, accepted by ``feff_paths``).

    Parameters
    ----------
    structure : pymatgen.core.Structure, str or os.PathLike
        Anything :func:`load` takes.

    Returns
    -------
    xarray.Dataset
        ``lattice(vector, axis)`` (Å, rows are the cell vectors a, b, c in Cartesian
        coordinates), ``frac_coords(site, axis)`` (1), ``species(site)`` (element symbols);
        ``attrs["technique"] = "crystal_structure"``.

    Examples
    --------
    >>> from characterization.exafs import structures
    >>> ds = structures.to_dataset("SnO2")
    >>> list(ds.species.values)
    ['Sn', 'Sn', 'O', 'O', 'O', 'O']
    """
    s, _ = load(structure)
    if not s.is_ordered:
        raise AnalysisError("a structure Dataset needs an ordered structure (one element per "
                            "site); this one has partial occupancies")
    return xr.Dataset(
        {"lattice": (("vector", "axis"), np.array(s.lattice.matrix, dtype=float),
                     {"units": "angstrom", "long_name": "Cell vectors (rows a, b, c)"}),
         "frac_coords": (("site", "axis"), np.array(s.frac_coords, dtype=float),
                         {"units": "1", "long_name": "Fractional coordinates"}),
         "species": ("site", np.array([str(sp.symbol) for sp in s.species]),
                     {"units": "", "long_name": "Element"})},
        coords={"vector": ("vector", ["a", "b", "c"], {"units": "", "long_name": "Cell vector"}),
                "axis": ("axis", ["x", "y", "z"], {"units": "", "long_name": "Axis"})},
        attrs={"technique": "crystal_structure",
               "formula": s.composition.reduced_formula})


def from_dataset(ds: xr.Dataset):
    """The pymatgen ``Structure`` of a structure Dataset (:func:`to_dataset`)."""
    missing = [v for v in ("lattice", "frac_coords", "species") if v not in ds.variables]
    if missing:
        raise AnalysisError(
            "a structure Dataset needs lattice(vector, axis), frac_coords(site, axis) and "
            f"species(site) (missing: {', '.join(missing)}); make one with "
            "characterization.exafs.structures.to_dataset")
    Lattice, Structure = _pmg()
    lattice = np.asarray(ds["lattice"].transpose("vector", "axis").values, dtype=float)
    frac = np.asarray(ds["frac_coords"].transpose("site", "axis").values, dtype=float)
    species = [str(s) for s in ds["species"].values]
    if lattice.shape != (3, 3) or frac.shape != (len(species), 3):
        raise AnalysisError(f"structure Dataset: lattice must be 3×3 and frac_coords "
                            f"(site, 3); got {lattice.shape} and {frac.shape}")
    try:
        return Structure(Lattice(lattice), species, frac)
    except Exception as exc:  # noqa: BLE001 - pymatgen raises ValueError/KeyError on bad species
        raise AnalysisError(f"structure Dataset: {exc}") from exc


def neighbour_shells(structure, absorber: str, *, radius: float = 4.0, site: int = 0,
                     decimals: int = 2) -> list[tuple[float, int, str]]:
    """Coordination shells around one ``absorber`` site: ``[(distance Å, count, element)]``.

    A quick check of a structure before running FEFF (beta-Sn: ``[(3.02, 4, 'Sn'),
    (3.18, 2, 'Sn'), ...]``). ``site`` counts the sites of the absorber element in file order.
    """
    s, _ = load(structure)
    idx = [i for i, sp in enumerate(s.species) if str(getattr(sp, "symbol", sp)) == absorber]
    if not idx:
        raise AnalysisError(f"the structure ({s.composition.reduced_formula}) holds no "
                            f"{absorber} atom")
    centre = s[idx[site]].coords
    shells: dict[tuple[float, str], int] = {}
    for nb in s.get_sites_in_sphere(centre, radius):
        d = float(np.linalg.norm(nb.coords - centre))
        if d < 1e-3:
            continue
        key = (round(d, decimals), str(nb.specie.symbol))
        shells[key] = shells.get(key, 0) + 1
    return [(d, n, el) for (d, el), n in sorted(shells.items())]
