"""Physically based generators of synthetic data with exact ground truth.

Each generator is seeded, returns a Dataset that follows :mod:`characterization.conventions`,
and stores the exact values used to make it in ``attrs["ground_truth"]`` (a dict), so tests,
the demo and the benchmarks can check recovered numbers against the truth.

* :func:`peak_spectra` (``synthetic.peaks``): batches of peak spectra (D/G-like carbon by default).
* :func:`isotherms` (``synthetic.isotherms``): N2/Ar isotherms with known areas and volumes.
* :func:`carbon_spectra` (``synthetic.raman_carbon``): carbon D/G Raman spectra and maps.
* :func:`silicon_spectra` (``synthetic.raman_silicon``): Si phonon spectra and maps, optionally
  with an a-Si band or a phonon-confinement line shape of a given crystal size.
* :func:`xrd_patterns` (``synthetic.xrd``): Kα1/Kα2 powder patterns of reference phases with
  chosen crystallite size, microstrain and instrument broadening (sticks from pymatgen,
  imported on use); :func:`kalpha_patterns`: Kα1/Kα2 doublet patterns of free lines.
* :func:`si2p_spectra` (``synthetic.xps``): Si 2p (or any doublet) XPS regions with known
  oxidation-state fractions, Shirley step and Poisson counts.
* :func:`xas_spectra` (``synthetic.exafs_mu``): μ(E) X-ray absorption spectra with known E0, edge
  step and χ(k) shells, energy shifts, glitches and noise.
* :func:`exafs_chi` (``synthetic.exafs_chi``): EXAFS χ(k) from scattering paths with known N,
  ΔR, σ², S0², ΔE0 and noise; :func:`feff_path_example`: a model path Dataset.

The functions are bound here after their modules are imported, so ``synthetic.isotherms`` is
the function, not the module of the same name. Only numpy and xarray are needed.
"""

from .exafs_chi import exafs_chi, feff_path_example
from .isotherms import isotherms
from .nanoindent import indentation_curves
from .peaks import peak_spectra
from .raman_carbon import carbon_spectra
from .raman_silicon import silicon_spectra
from .xrd import kalpha_patterns, xrd_patterns
from . import xps  # noqa: F401  (module: synthetic.xps.si2p_spectra ...)
from .xps import si2p_spectra
from .exafs_mu import xas_spectra

__all__ = ["peak_spectra", "isotherms", "carbon_spectra", "silicon_spectra", "xrd_patterns",
           "kalpha_patterns", "si2p_spectra", "indentation_curves", "xas_spectra",
           "exafs_chi", "feff_path_example"]
