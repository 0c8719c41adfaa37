"""Physically based generators of synthetic data with exact ground truth.

Each generator is seeded, returns a Dataset that follows :mod:`characterization.conventions`,
and stores the exact values used to make it in ``attrs["ground_truth"]`` (a dict), so tests,
the demo and the benchmarks can check recovered numbers against the truth.

* :func:`peak_spectra` (``synthetic.peaks``): batches of peak spectra (D/G-like carbon by default).
* :func:`isotherms` (``synthetic.isotherms``): N2/Ar isotherms with known areas and volumes.
"""

from importlib import import_module

_GENERATORS = {"peak_spectra": "peaks", "isotherms": "isotherms"}

__all__ = list(_GENERATORS)


def __getattr__(name):
    if name in _GENERATORS:
        return getattr(import_module(f".{_GENERATORS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
