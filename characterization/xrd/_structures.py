r"""Built-in reference crystal structures for phase identification, and how phases are named.

Each built-in phase is made with :meth:`pymatgen.core.Structure.from_spacegroup` from literature
lattice constants and Wyckoff positions (pymatgen's default settings of the space groups, i.e.
origin choice 1 for Fd-3m and I4_1/amd; every structure's atom count is checked in the tests).

Phase, space group, lattice (Å), atoms (Wyckoff) and source:

* **Si** — Fd-3m (227), a = 5.43102; Si 8a (0,0,0). NIST SRM 640 (a at 22.5 °C). Isotropic
  Debye–Waller factor B = 0.46 Å² (room temperature; Flensburg & Stewart, Phys. Rev. B 60
  (1999) 284).
* **CoSi2** — Fm-3m (225), CaF2 type, a = 5.365; Co 4a (0,0,0), Si 8c (¼,¼,¼). a is the
  commonly tabulated room-temperature value (not re-checked against a primary source here).
* **beta-Sn** — I4_1/amd (141), a = 5.8318, c = 3.1819; Sn 4a (0,0,0), origin choice 1.
  Swanson & Tatge, NBS Circular 539 vol. 1 (1953).
* **graphite** — P6_3/mmc (194), 2H (Bernal) stacking, a = 2.464, c = 6.711; C 2b (0,0,¼),
  C 2c (⅓,⅔,¼). Trucano & Chen, Nature 258 (1975) 136 (structure); a, c typical values.
* **LiC6** — P6/mmm (191), stage-1 (AA stacking), a = 4.305, c = 3.706; Li 1a (0,0,0),
  C 6k (⅓,0,½). Guérard & Hérold, Carbon 13 (1975) 337.
* **LaB6** — Pm-3m (221), a = 4.15692; La 1a (0,0,0), B 6f (x,½,½), x = 0.1996. NIST SRM
  660c (a); refinements give x = 0.199–0.200 (line positions do not depend on it).
* **CeO2** — Fm-3m (225), fluorite, a = 5.4113; Ce 4a (0,0,0), O 8c (¼,¼,¼). NIST SRM 674b.
* **rutile** — P4_2/mnm (136), a = 4.5937, c = 2.9587; Ti 2a (0,0,0), O 4f (x,x,0),
  x = 0.3048. Howard, Sabine & Dickson, Acta Cryst. B 47 (1991) 462.
* **anatase** — I4_1/amd (141), a = 3.7852, c = 9.5139; Ti 4a (0,0,0), O 8e (0,0,z),
  z = 0.2081 (origin choice 1). Horn, Schwerdtfeger & Meagher, Z. Kristallogr. 136 (1972) 273.
* **Cu** — Fm-3m (225), a = 3.6149; Cu 4a (0,0,0). Swanson & Tatge, NBS Circ. 539 vol. 1.
* **NaCl** — Fm-3m (225), a = 5.6402; Na 4a (0,0,0), Cl 4b (½,½,½). Swanson & Fuyat, NBS
  Circ. 539 vol. 2 (1953).

Li15Si4 (I-43d, a ≈ 10.685 Å) is **not** included: its Wyckoff positions could not be
established reliably here. Use a CIF (``get_structure("Li15Si4.cif")``) instead.

Only Si has an isotropic Debye–Waller factor; the other phases are computed with B = 0, which
overestimates high-angle intensities by a few per cent to ~20 % (intensities here are for
phase identification, not for quantification).

Phases are given as a built-in name or alias (case-insensitive) or a :class:`pymatgen.core.
Structure` (named by its reduced formula, or by the key when phases are given as a mapping
``{"name": Structure}``). Analysis opens no files: read a CIF with pymatgen
(``Structure.from_file("phase.cif")``) and pass the Structure. pymatgen is imported only inside
the functions.
"""

from __future__ import annotations

import os

from ..errors import AnalysisError

__all__ = ["get_structure", "known_phases"]

# name -> (space group, lattice kind, lattice params, species, fractional coords, B factors Å²)
_PHASES = {
    "Si": ("Fd-3m", "cubic", (5.43102,), ["Si"], [(0, 0, 0)], {"Si": 0.46}),
    "CoSi2": ("Fm-3m", "cubic", (5.365,), ["Co", "Si"], [(0, 0, 0), (0.25, 0.25, 0.25)], None),
    "beta-Sn": ("I4_1/amd", "tetragonal", (5.8318, 3.1819), ["Sn"], [(0, 0, 0)], None),
    "graphite": ("P6_3/mmc", "hexagonal", (2.464, 6.711), ["C", "C"],
                 [(0, 0, 0.25), (1 / 3, 2 / 3, 0.25)], None),
    "LiC6": ("P6/mmm", "hexagonal", (4.305, 3.706), ["Li", "C"],
             [(0, 0, 0), (1 / 3, 0, 0.5)], None),
    "LaB6": ("Pm-3m", "cubic", (4.15692,), ["La", "B"], [(0, 0, 0), (0.1996, 0.5, 0.5)], None),
    "CeO2": ("Fm-3m", "cubic", (5.4113,), ["Ce", "O"], [(0, 0, 0), (0.25, 0.25, 0.25)], None),
    "rutile": ("P4_2/mnm", "tetragonal", (4.5937, 2.9587), ["Ti", "O"],
               [(0, 0, 0), (0.3048, 0.3048, 0)], None),
    "anatase": ("I4_1/amd", "tetragonal", (3.7852, 9.5139), ["Ti", "O"],
                [(0, 0, 0), (0, 0, 0.2081)], None),
    "Cu": ("Fm-3m", "cubic", (3.6149,), ["Cu"], [(0, 0, 0)], None),
    "NaCl": ("Fm-3m", "cubic", (5.6402,), ["Na", "Cl"], [(0, 0, 0), (0.5, 0.5, 0.5)], None),
}

#: Number of atoms in the conventional cell of each built-in phase (checked in the tests).
ATOMS_PER_CELL = {"Si": 8, "CoSi2": 12, "beta-Sn": 4, "graphite": 4, "LiC6": 7, "LaB6": 7,
                  "CeO2": 12, "rutile": 6, "anatase": 12, "Cu": 4, "NaCl": 8}

_ALIASES = {
    "silicon": "Si", "c-si": "Si", "srm640": "Si", "srm 640": "Si",
    "cobalt disilicide": "CoSi2",
    "sn": "beta-Sn", "β-sn": "beta-Sn", "beta sn": "beta-Sn", "betasn": "beta-Sn",
    "white tin": "beta-Sn", "tin": "beta-Sn",
    "c": "graphite", "graphite-2h": "graphite", "graphite 2h": "graphite",
    "lanthanum hexaboride": "LaB6", "srm660": "LaB6", "srm 660": "LaB6", "srm660c": "LaB6",
    "srm 660c": "LaB6",
    "ceria": "CeO2", "srm674": "CeO2", "srm 674": "CeO2",
    "tio2-rutile": "rutile", "rutile tio2": "rutile", "tio2 rutile": "rutile",
    "tio2-anatase": "anatase", "anatase tio2": "anatase", "tio2 anatase": "anatase",
    "copper": "Cu", "halite": "NaCl", "sodium chloride": "NaCl",
}


def known_phases() -> list[str]:
    """Names of the built-in phases."""
    return list(_PHASES)


def _canonical(name: str) -> str | None:
    key = name.strip().lower()
    for known in _PHASES:
        if known.lower() == key:
            return known
    return _ALIASES.get(key)


def _builtin(name: str):
    from pymatgen.core import Lattice, Structure

    group, kind, params, species, coords, _ = _PHASES[name]
    lattice = {"cubic": Lattice.cubic, "tetragonal": Lattice.tetragonal,
               "hexagonal": Lattice.hexagonal}[kind](*params)
    return Structure.from_spacegroup(group, lattice, species, [list(c) for c in coords])


def resolve_phase(phase, name=None):
    """``(name, Structure, debye_waller_factors or None)`` for a phase specification.

    ``phase`` is a built-in name or alias (case-insensitive) or a pymatgen ``Structure`` (named
    ``name``, else by its reduced formula). A path is refused with a message saying how to read
    it (analysis opens no files).
    """
    try:
        from pymatgen.core import Structure
    except ImportError as exc:  # pragma: no cover - pymatgen is a dependency
        raise AnalysisError("phase identification needs pymatgen (pip install pymatgen)") from exc

    if isinstance(phase, Structure):
        return (str(name) if name is not None else phase.composition.reduced_formula), phase, None
    if isinstance(phase, (str, os.PathLike)):
        text = os.fspath(phase)
        canonical = _canonical(text) if isinstance(phase, str) else None
        if canonical is not None:
            return (str(name) if name is not None else canonical), _builtin(canonical), \
                _PHASES[canonical][5]
        if isinstance(phase, os.PathLike) or text.lower().endswith(".cif") or os.sep in text:
            raise AnalysisError(f"{text}: a file path is not a phase; read the CIF with pymatgen "
                                f"(pymatgen.core.Structure.from_file({text!r})) and pass the "
                                "Structure (or {'name': Structure})")
        raise AnalysisError(f"unknown phase {text!r}; built-in phases: "
                            f"{', '.join(known_phases())} (or give a pymatgen Structure, e.g. "
                            "read from a CIF with Structure.from_file)")
    raise AnalysisError(f"a phase must be a built-in name or a pymatgen Structure, got "
                        f"{type(phase).__name__}")


def get_structure(phase):
    """A pymatgen ``Structure`` for a built-in phase name (or a Structure, returned as is).

    Parameters
    ----------
    phase : str or pymatgen.core.Structure
        Built-in name or alias, case-insensitive (``"Si"``, ``"silicon"``, ``"LaB6"``,
        ``"SRM660"``, ``"rutile"``, ``"anatase"``, ``"CoSi2"``, ``"beta-Sn"``, ``"graphite"``,
        ``"LiC6"``, ``"CeO2"``, ``"Cu"``, ``"NaCl"``; see the table in
        :mod:`characterization.xrd._structures`), or a Structure. For a CIF file use
        ``pymatgen.core.Structure.from_file(path)``.

    Returns
    -------
    pymatgen.core.Structure
        Conventional cell.

    Raises
    ------
    AnalysisError
        Unknown name (the message lists the known phases) or a file path (the message says how
        to read it).

    Examples
    --------
    >>> get_structure("silicon").lattice.a
    5.43102
    """
    return resolve_phase(phase)[1]
