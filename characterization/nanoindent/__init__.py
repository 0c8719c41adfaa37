"""Nanoindentation analysis (namespace ``nanoindent``, accessor ``ds.nanoindent``).

Indentation Datasets follow :mod:`characterization.conventions` (technique ``"nanoindent"``):
``load`` (mN) and ``displacement`` (nm) along ``point``, coords ``time`` (s) and ``segment``
(labels), a batch dim ``indent`` for files of many tests (NaN-padded, ``n_points``).

* :func:`csm_profile`: hardness and modulus versus depth from CSM stiffness.
* :func:`grid_map`: maps of per-indent results on the X/Y grid, outlier and quality flags.
* :func:`oliver_pharr`: hardness and modulus from the unloading curve.
* :func:`segment`: approach / loading / hold / unloading / drift-hold labels and cycle numbers.
* :func:`energies`: total, elastic and plastic work and η_IT (ISO 14577), in J.
"""

from .csm import csm_profile
from .energies import energies
from .grid import grid_map
from .oliver_pharr import oliver_pharr
from .segments import segment

__all__ = ["segment", "energies", "oliver_pharr", "csm_profile", "grid_map"]
