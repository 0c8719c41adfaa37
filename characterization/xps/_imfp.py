"""Inelastic mean free path of electrons from the TPP-2M formula (data helper, numpy only).

Tanuma, Powell and Penn, Surf. Interface Anal. 21 (1994) 165 (TPP-2M)::

    λ = E / (E_p² [β ln(γ E) − C/E + D/E²])            [Å, E in eV]
    E_p = 28.816 sqrt(N_v ρ / M)                          [eV]  free-electron plasmon energy
    β = −0.10 + 0.944 / sqrt(E_p² + E_g²) + 0.069 ρ^0.1
    γ = 0.191 ρ^−0.5
    U = N_v ρ / M = (E_p / 28.816)²
    C = 1.97 − 0.91 U
    D = 53.4 − 20.8 U

with N_v the valence electrons per atom or molecule, ρ the density (g/cm³), M the atomic or
molecular mass (g/mol) and E_g the band gap (eV). Stated validity: 50 eV – 2 keV, with an rms
deviation of ~10 % from the optical-data IMFPs of the 27 elements and 14 compounds it was fitted
to (organic compounds and some oxides deviate more).
"""

from __future__ import annotations

import numpy as np

#: Keys of a TPP-2M material description (``imfp=`` of :func:`~characterization.xps.quantify`).
MATERIAL_KEYS = ("valence_electrons", "density", "molar_mass", "band_gap")


def tpp2m(kinetic_energy, *, valence_electrons: float, density: float, molar_mass: float,
          band_gap: float = 0.0):
    """TPP-2M inelastic mean free path (nm) at ``kinetic_energy`` (eV).

    Parameters
    ----------
    kinetic_energy : float or array
        Electron kinetic energy in eV (50–2000 eV is the formula's range).
    valence_electrons : float
        N_v, valence electrons per atom (element) or per molecule (compound).
    density : float
        ρ in g/cm³.
    molar_mass : float
        M in g/mol (per atom or per molecule, matching ``valence_electrons``).
    band_gap : float
        E_g in eV (0 for metals).

    Returns
    -------
    float or ndarray
        λ in nm.

    Examples
    --------
    >>> from characterization.xps._imfp import tpp2m
    >>> round(float(tpp2m(1386.0, valence_electrons=4, density=2.33, molar_mass=28.09,
    ...                   band_gap=1.1)), 1)      # Si 2p electrons in Si, Al Kα
    3.1
    """
    for name, value in (("valence_electrons", valence_electrons), ("density", density),
                        ("molar_mass", molar_mass)):
        if not np.isfinite(value) or value <= 0:
            raise ValueError(f"TPP-2M needs a positive {name}, got {value!r}")
    if not np.isfinite(band_gap) or band_gap < 0:
        raise ValueError(f"TPP-2M needs a band_gap >= 0 eV, got {band_gap!r}")
    e = np.asarray(kinetic_energy, dtype=float)
    u = valence_electrons * density / molar_mass
    ep = 28.816 * np.sqrt(u)
    beta = -0.10 + 0.944 / np.sqrt(ep ** 2 + band_gap ** 2) + 0.069 * density ** 0.1
    gamma = 0.191 / np.sqrt(density)
    c = 1.97 - 0.91 * u
    d = 53.4 - 20.8 * u
    angstrom = e / (ep ** 2 * (beta * np.log(gamma * e) - c / e + d / e ** 2))
    return angstrom / 10.0
