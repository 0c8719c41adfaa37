"""X-ray emission lines of laboratory anodes: the one place these constants are defined.

Wavelengths (Å) of the Kα1, Kα2 and Kβ1 lines of common X-ray tube anodes, and the Kα2/Kα1
intensity ratio used when a file states none. Readers (to fill in a file's missing wavelength),
the Kα1/Kα2 doublet line shapes, reference patterns and synthetic data all import them from here,
so no module carries its own copy at another precision.

Values: G. Hölzer, M. Fritsch, M. Deutsch, J. Härtwig, E. Förster, "Kα1,2 and Kβ1,3 x-ray
emission lines of the 3d transition metals", Phys. Rev. A 56, 4554–4568 (1997) for Cr, Fe, Co, Cu;
Mo and Ag from R. D. Deslattes et al., Rev. Mod. Phys. 75, 35 (2003) (as tabulated by Bruker and
PANalytical software). The Kα2/Kα1 ratio 0.5 is the usual tube-spectrum assumption (the measured
value depends on the monochromator; fit it where it matters).

>>> from characterization.xray_lines import ANODES, CU_KALPHA1
>>> ANODES["Cu"].kalpha1 == CU_KALPHA1
True
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["EmissionLines", "ANODES", "CU_KALPHA1", "CU_KALPHA2", "CU_KBETA", "KALPHA2_RATIO",
           "lines_of"]


class EmissionLines(NamedTuple):
    """Kα1, Kα2 and Kβ1 wavelengths (Å) of one anode."""

    kalpha1: float
    kalpha2: float
    kbeta: float


#: Emission lines (Å) per anode element symbol.
ANODES: dict[str, EmissionLines] = {
    "Cu": EmissionLines(1.540598, 1.544426, 1.392250),
    "Co": EmissionLines(1.788965, 1.792850, 1.620790),
    "Mo": EmissionLines(0.709300, 0.713590, 0.632288),
    "Fe": EmissionLines(1.936042, 1.939980, 1.756610),
    "Cr": EmissionLines(2.289760, 2.293663, 2.084920),
    "Ag": EmissionLines(0.559421, 0.563812, 0.497082),
}

CU_KALPHA1: float = ANODES["Cu"].kalpha1
CU_KALPHA2: float = ANODES["Cu"].kalpha2
CU_KBETA: float = ANODES["Cu"].kbeta
#: Kα2/Kα1 intensity ratio assumed when a file does not state one.
KALPHA2_RATIO: float = 0.5


def lines_of(anode: str) -> EmissionLines:
    """Emission lines of ``anode`` (``"Cu"``, ``"cu"``, ``"Cu Ka"`` ...).

    Raises
    ------
    KeyError
        Naming the anodes known.
    """
    key = str(anode).strip()[:2].strip().capitalize()
    try:
        return ANODES[key]
    except KeyError:
        raise KeyError(f"unknown anode {anode!r}; known: {', '.join(ANODES)}") from None
