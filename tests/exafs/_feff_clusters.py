"""FEFF paths for the Sn validation tests, computed with larch's bundled feff6l in a temporary
folder (test code only: analysis never runs FEFF this way; ``exafs.feff_paths`` is the API)."""

from __future__ import annotations

from pathlib import Path


def feff6l_paths(folder: Path, structure, *, rmax: float, cluster: float = 6.0) -> list[Path]:
    """Run feff6l for the first site of ``structure`` (absorber) and return the path files."""
    from larch.xafs.feffrunner import feff6l

    elements = sorted({site.specie.symbol for site in structure}, key=lambda s: s != structure[0]
                      .specie.symbol)
    from xraydb import atomic_number

    ipot = {sym: i + 1 for i, sym in enumerate(elements)}
    lines = [f"TITLE {structure.composition.reduced_formula}", "HOLE 1 1.0",
             "CONTROL 1 1 1 1", "PRINT 0 0 0 0", f"RMAX {rmax}", "NLEG 2", "POTENTIALS",
             f" 0 {atomic_number(structure[0].specie.symbol)} {structure[0].specie.symbol}"]
    lines += [f" {ipot[s]} {atomic_number(s)} {s}" for s in elements]
    lines += ["ATOMS", f" 0.00000 0.00000 0.00000 0 {structure[0].specie.symbol}"]
    c0 = structure[0].coords
    for nb in structure.get_neighbors(structure[0], cluster):
        x, y, z = nb.coords - c0
        lines.append(f" {x:.5f} {y:.5f} {z:.5f} {ipot[nb.specie.symbol]} {nb.specie.symbol}")
    lines.append("END")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "feff.inp").write_text("\n".join(lines) + "\n")
    import os

    here = os.getcwd()
    try:                        # larch's runner changes the working directory
        feff6l(folder=str(folder), feffinp="feff.inp", verbose=False)
    finally:
        os.chdir(here)
    return sorted(folder.glob("feff0*.dat"))


def beta_sn():
    from pymatgen.core import Lattice, Structure

    # Sn at the origin of I4_1/amd (origin choice 1): 4 Sn at 3.02 Å, 2 at 3.18 Å
    return Structure.from_spacegroup("I4_1/amd", Lattice.tetragonal(5.8318, 3.1819), ["Sn"],
                                     [[0, 0, 0]])


def sno2():
    from pymatgen.core import Lattice, Structure

    # rutile SnO2 (P4_2/mnm, a = 4.737, c = 3.186 Å, x(O) = 0.307)
    return Structure.from_spacegroup("P4_2/mnm", Lattice.tetragonal(4.737, 3.186),
                                     ["Sn", "O"], [[0, 0, 0], [0.307, 0.307, 0]])
