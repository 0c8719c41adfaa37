"""Physically based generators of synthetic data with exact ground truth.

Each generator is seeded, returns a Dataset that follows :mod:`characterization.conventions`,
and stores the exact values used to make it in ``attrs["ground_truth"]`` (a dict), so tests,
the demo and the benchmarks can check recovered numbers against the truth.

* :func:`peak_spectra` (``synthetic.peaks``): batches of peak spectra (D/G-like carbon by default).
* :func:`isotherms` (``synthetic.isotherms``): N2/Ar isotherms with known areas and volumes.

The functions are bound here after their modules are imported, so ``synthetic.isotherms`` is
the function, not the module of the same name. Only numpy and xarray are needed.
"""

from .isotherms import isotherms
from .peaks import peak_spectra

__all__ = ["peak_spectra", "isotherms"]
