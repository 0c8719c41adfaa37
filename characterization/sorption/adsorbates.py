"""Adsorptive properties used by the sorption analyses.

Values are for the liquid adsorptive at its usual analysis temperature; each carries its source.
Every analysis records the values it used in its result attrs, and every one can be overridden
per call (``cross_section=``, ``liquid_molar_volume=``, ...), e.g. to match an instrument report
(Micromeritics prints its "density conversion factor" DCF = V_m,liq / 22 414 cm³ STP/mol).

References
----------
.. [1] ISO 9277:2022, Determination of the specific surface area of solids by gas adsorption
   — BET method (σ(N2) = 0.162 nm², σ(Ar, 87 K) = 0.142 nm²).
.. [2] M. Thommes et al., Pure Appl. Chem. 87 (2015) 1051 (IUPAC technical report).
.. [3] NIST Chemistry WebBook, saturated liquid densities: N2 0.808 g/cm³ at 77.35 K,
   Ar 1.395 g/cm³ at 87.3 K; surface tensions N2 8.88 mN/m at 77 K, Ar 12.5 mN/m at 87 K.
.. [4] S.J. Gregg, K.S.W. Sing, Adsorption, Surface Area and Porosity, 2nd ed., 1982.
"""

from __future__ import annotations

import dataclasses

from ..errors import AnalysisError

#: Avogadro constant (1/mol), exact (SI 2019).
AVOGADRO = 6.02214076e23
#: Gas constant (J/(mol K)), exact (SI 2019).
GAS_CONSTANT = 8.314462618
#: Molar volume of an ideal gas at STP (273.15 K, 101.325 kPa), cm³/mol — the cm³(STP) convention.
STP_MOLAR_VOLUME = 22414.0


@dataclasses.dataclass(frozen=True)
class Adsorptive:
    """Properties of an adsorptive at its analysis temperature.

    Attributes
    ----------
    name : str
    temperature : float
        Usual analysis temperature (K).
    cross_section : float
        Molecular cross-sectional area σ (nm²) for BET/Langmuir areas.
    molar_mass : float
        g/mol.
    liquid_density : float
        Density of the bulk liquid at ``temperature`` (g/cm³): converts amounts to pore volumes.
    surface_tension : float
        Liquid surface tension (mN/m), for the Kelvin equation.
    source : str
    """

    name: str
    temperature: float
    cross_section: float
    molar_mass: float
    liquid_density: float
    surface_tension: float
    source: str

    @property
    def liquid_molar_volume(self) -> float:
        """V_m,liq = M / ρ_liq (cm³/mol)."""
        return self.molar_mass / self.liquid_density

    @property
    def density_conversion_factor(self) -> float:
        """Micromeritics' DCF: cm³ liquid per cm³(STP) gas = V_m,liq / 22 414."""
        return self.liquid_molar_volume / STP_MOLAR_VOLUME


ADSORPTIVES = {
    "N2": Adsorptive("N2", 77.35, 0.162, 28.0134, 0.808, 8.88,
                     "ISO 9277 σ; NIST liquid density and surface tension at 77 K"),
    "Ar": Adsorptive("Ar", 87.3, 0.142, 39.948, 1.395, 12.5,
                     "IUPAC 2015 σ (0.138 nm² in older practice); NIST liquid at 87.3 K"),
    "Kr": Adsorptive("Kr", 77.35, 0.202, 83.798, 2.826, 22.8,
                     "ISO 9277 σ; supercooled-liquid density (Gregg & Sing)"),
    "CO2": Adsorptive("CO2", 273.15, 0.210, 44.0095, 1.023, 4.5,
                      "ISO 9277 σ (0.17–0.21 nm² in use); liquid at 273 K"),
}


def adsorptive(name) -> Adsorptive:
    """Properties of adsorptive ``name`` (case-insensitive: "N2", "nitrogen", "Ar" ...)."""
    key = str(name).strip()
    aliases = {"nitrogen": "N2", "n2": "N2", "argon": "Ar", "ar": "Ar", "krypton": "Kr",
               "kr": "Kr", "co2": "CO2", "carbon dioxide": "CO2"}
    key = aliases.get(key.lower(), key)
    try:
        return ADSORPTIVES[key]
    except KeyError:
        raise AnalysisError(f"no stored properties for adsorptive {name!r}; known: "
                            f"{', '.join(ADSORPTIVES)}; pass the property (e.g. cross_section=) "
                            "explicitly") from None


def ds_adsorptive(ds, default: str = "N2") -> Adsorptive:
    """The adsorptive named by ``ds.adsorbate`` (a scalar coord), or ``default`` when absent."""
    if "adsorbate" in ds.coords:
        values = {str(v) for v in ds["adsorbate"].values.ravel()}
        if len(values) > 1:
            raise AnalysisError(f"batch mixes adsorptives {sorted(values)}; analyse them "
                                "separately")
        return adsorptive(values.pop())
    return adsorptive(default)
