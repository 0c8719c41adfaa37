"""Sensitivity-factor tables for XPS survey quantification (data only).

Every factor is the *relative* sensitivity of one core level (a whole spin-orbit pair when the
label has no j, e.g. ``"Fe 2p"``; one component when it has, e.g. ``"Fe 2p3/2"``). Only ratios
matter for atomic fractions, so each set is normalised to its own reference line.

Sets and where their numbers come from (transcribed by hand; see ``docs/xps_quant.md``):

``scofield_al``
    Photoionisation cross sections of Scofield (1976), J. Electron Spectrosc. Relat. Phenom. 8,
    129, at Al Kα (1486.6 eV), relative to C 1s = 1, in the form CasaXPS distributes them.
    The lines in ``CHECKED`` were compared with an independent public transcription (see
    ``docs/xps_quant.md``); the others are transcribed from that same CasaXPS table and not yet
    cross-checked. Mg Kα values are not tabulated here (pass a table of your own).
``wagner``
    Empirical sensitivities of Wagner et al. (1981), Surf. Interface Anal. 3, 211, relative to
    F 1s = 1 (area values of the table reproduced in Briggs & Seah, Practical Surface Analysis,
    Vol. 1, 2nd ed., Appendix 6), measured on analysers with T ∝ 1/KE; their transmission and
    IMFP dependence are inside the numbers, so no energy correction is applied on top. Values in
    parentheses in the source (estimates) are marked in ``WAGNER_ESTIMATED``.
``phi``
    PHI MultiPak relative sensitivity factors (VersaProbe, Al Kα, F 1s = 1 scale) for the lines we
    could source from a public MultiPak atomic-concentration report; others raise. Not extended
    (issue #12): no other public source of the MultiPak table was found (the KherveFitting
    library's ``C-UL-PHI1486`` set is the Scofield table under another name, e.g. N 1s 1.8 and
    Na 1s 8.52 on the C 1s = 1 scale, not MultiPak's factors; the PHI Handbook (Moulder 1992)
    factors belong to an older analyser generation), and factors are not transcribed from
    memory. Pass the instrument's table as a dict.

The Thermo/Avantage set is ``scofield_al`` with an energy dependence ``KE**THERMO_KE_EXPONENT``
(applied in :mod:`characterization.xps.quantify`).
"""

from __future__ import annotations

import re
from types import MappingProxyType

#: Al Kα and Mg Kα photon energies (eV) the tabulated cross sections refer to.
AL_KALPHA = 1486.6
MG_KALPHA = 1253.6

#: Energy exponent of the Thermo Avantage set: S = σ(Scofield) · KE**0.75.
THERMO_KE_EXPONENT = 0.75

#: label -> (typical BE of the main line in eV, default integration range (lo, hi) in eV BE).
#: Ranges are for surveys (wide enough for the doublet and ~2 FWHM either side) and are a
#: starting point: check them against the data (known overlaps: Li 1s with Fe/Co/Mn 3p; with
#: Mg Kα the Na KLL Auger falls near O 1s).
LINES = MappingProxyType({
    "Li 1s": (55.0, (50.0, 62.0)),
    "B 1s": (188.0, (183.0, 196.0)),
    "C 1s": (284.8, (280.0, 296.0)),
    "N 1s": (400.0, (394.0, 408.0)),
    "O 1s": (531.0, (524.0, 540.0)),
    "F 1s": (686.0, (680.0, 695.0)),
    "Na 1s": (1071.5, (1066.0, 1078.0)),
    "Mg 2p": (50.0, (46.0, 56.0)),
    "Al 2p": (74.0, (69.0, 81.0)),
    "Ca 2p": (347.0, (343.0, 356.0)),
    "Ca 2p3/2": (347.0, (343.0, 349.5)),
    "K 2p3/2": (293.0, (290.0, 295.0)),
    "Si 2p": (101.0, (94.0, 108.0)),
    "P 2p": (133.5, (128.0, 141.0)),
    "S 2p": (164.0, (158.0, 173.0)),
    "Cl 2p": (199.0, (194.0, 205.0)),
    "K 2p": (293.0, (290.0, 300.0)),
    "Ti 2p": (458.8, (452.0, 470.0)),
    "Mn 2p": (641.5, (636.0, 660.0)),
    "Fe 2p": (710.5, (704.0, 736.0)),
    "Co 2p": (780.5, (774.0, 810.0)),
    "Ni 2p": (855.0, (849.0, 886.0)),
    "Cu 2p": (933.0, (928.0, 962.0)),
    "Zn 2p3/2": (1022.0, (1016.0, 1030.0)),
    "Ag 3d": (368.3, (364.0, 378.0)),
    "Sn 3d": (486.5, (482.0, 500.0)),
    "Sn 3d5/2": (486.5, (482.0, 490.5)),
    "Au 4f": (84.0, (80.0, 92.0)),
    "Ti 2p3/2": (458.8, (452.0, 462.0)),
    "Fe 2p3/2": (710.5, (704.0, 718.0)),
    "Co 2p3/2": (780.5, (774.0, 790.0)),
    "Ni 2p3/2": (855.0, (849.0, 866.0)),
    "Cu 2p3/2": (933.0, (928.0, 948.0)),
    "Mn 2p3/2": (641.5, (636.0, 650.0)),
    "Ag 3d5/2": (368.3, (364.0, 371.5)),
    "Au 4f7/2": (84.0, (80.0, 86.5)),
})

SCOFIELD_AL = MappingProxyType({
    "Li 1s": 0.0568, "B 1s": 0.486, "C 1s": 1.0, "N 1s": 1.80, "O 1s": 2.93, "F 1s": 4.43,
    "Na 1s": 8.52, "Al 2p": 0.537, "Si 2p": 0.817, "P 2p": 1.19, "S 2p": 1.68, "Cl 2p": 2.285,
    "K 2p": 3.97, "Ti 2p": 7.81, "Ti 2p3/2": 5.22, "Mn 2p": 13.91, "Mn 2p3/2": 9.17,
    "Fe 2p": 16.42, "Fe 2p3/2": 10.82, "Co 2p": 19.16, "Co 2p3/2": 12.62, "Ni 2p": 22.18,
    "Ni 2p3/2": 14.61, "Cu 2p": 25.39, "Cu 2p3/2": 16.73, "Zn 2p3/2": 18.92, "Ag 3d": 18.04,
    "Ag 3d5/2": 10.66, "Sn 3d": 25.36, "Sn 3d5/2": 14.63, "Au 4f": 17.12, "Au 4f7/2": 9.58,
})

WAGNER = MappingProxyType({
    "Li 1s": 0.02, "B 1s": 0.13, "C 1s": 0.25, "N 1s": 0.42, "O 1s": 0.66, "F 1s": 1.0,
    "Na 1s": 2.3, "Mg 2p": 0.12, "Al 2p": 0.185, "Si 2p": 0.27, "P 2p": 0.39, "S 2p": 0.54,
    "Cl 2p": 0.73, "K 2p": 1.24, "K 2p3/2": 0.83, "Ca 2p": 1.58, "Ca 2p3/2": 1.05,
    "Ti 2p": 1.8, "Ti 2p3/2": 1.2,
})
#: Wagner values given in parentheses (estimated, not measured) in the source table.
WAGNER_ESTIMATED = ("Ti 2p", "Ti 2p3/2")

PHI = MappingProxyType({
    "C 1s": 0.314, "O 1s": 0.733, "Sn 3d": 8.288, "In 3d5/2": 4.530,
})

#: Lines of ``scofield_al`` compared with an independent public transcription: O 1s and Si 2p
#: (a thesis appendix quoting the CasaXPS values), Cl 2p, N 1s and Na 1s (KherveFitting
#: library ``KherveFitting_library.json``, sets ``C-Al1486``/``A-ALSCOF``: 1.8 and 8.52; its
#: ``A-ALWAGNER`` set also gives our Wagner N 1s 0.42 and Na 1s 2.3), Fe 2p (RSF of the
#: CasaXPS region saved in the shared ``FeO_analyzed.vms``), Au 4f (a published comparison of
#: sensitivity-factor sets, and a public Q&A thread quoting Scofield Au 4f 17.12).
CHECKED = ("C 1s", "O 1s", "Si 2p", "Cl 2p", "Fe 2p", "Au 4f", "N 1s", "Na 1s")
#: Lines of ``wagner`` compared with the same independent transcription (KherveFitting
#: ``A-ALWAGNER``).
WAGNER_CHECKED = ("N 1s", "Na 1s")

SETS = MappingProxyType({
    "scofield_al": (SCOFIELD_AL, AL_KALPHA, 0.0),
    "wagner": (WAGNER, None, 0.0),
    "phi": (PHI, AL_KALPHA, 0.0),
    "thermo": (SCOFIELD_AL, AL_KALPHA, THERMO_KE_EXPONENT),
})

_LABEL = re.compile(r"^\s*([A-Z][a-z]?)\s*(\d[spdf])\s*(\d/2)?\s*$")


def normalise_label(label: str) -> str:
    """``"C1s"``, ``"c 1s"``, ``"Fe2p3/2"`` -> ``"C 1s"``, ``"Fe 2p3/2"``; ValueError otherwise."""
    text = str(label).strip()
    if text[:1].islower():
        text = text[:1].upper() + text[1:]
    match = _LABEL.match(text)
    if match is None:
        raise ValueError(f"{label!r} is not a core-level label such as 'C 1s' or 'Fe 2p3/2'")
    element, shell, j = match.groups()
    return f"{element} {shell}{j or ''}"


def element_of(label: str) -> str:
    """Chemical symbol of a core-level label (``"Fe 2p3/2"`` -> ``"Fe"``)."""
    return normalise_label(label).split()[0]
