"""Physically based generators of synthetic data with exact ground truth.

Each generator is seeded, returns a Dataset that follows :mod:`characterization.conventions`,
and stores the exact values used to make it in ``attrs["ground_truth"]`` (a dict), so tests,
the demo and the benchmarks can check recovered numbers against the truth.
"""

from .peaks import peak_spectra

__all__ = ["peak_spectra"]
