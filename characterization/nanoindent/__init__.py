"""Nanoindentation analysis (namespace ``nanoindent``, accessor ``ds.nanoindent``).

Indentation Datasets follow :mod:`characterization.conventions` (technique ``"nanoindent"``):
``load`` (mN) and ``displacement`` (nm) along ``point``, coords ``time`` (s) and ``segment``
(labels), a batch dim ``indent`` for files of many tests (NaN-padded, ``n_points``).

* :func:`csm_profile`: hardness and modulus versus depth from CSM stiffness.
* :func:`grid_map`: maps of per-indent results on the X/Y grid, outlier and quality flags.
* :func:`oliver_pharr`: hardness and modulus from the unloading curve.
* :func:`segment`: approach / loading / hold / unloading / drift-hold labels and cycle numbers.
* :func:`zero_point`: surface contact with its uncertainty; depth and load zeroed there.
* :func:`correct_drift`: thermal drift rate from the drift hold, removed (already-corrected
  exports detected); :func:`correct_frame_compliance`: h − C_f P.
* :func:`energies`: total, elastic and plastic work and η_IT (ISO 14577), in J.
* :func:`events`: pop-ins / displacement excursions, load drops, fracture flag.
"""

from .corrections import correct_drift, correct_frame_compliance
from .csm import csm_profile
from .energies import energies
from .events import events
from .grid import grid_map
from .oliver_pharr import oliver_pharr
from .segments import segment
from .surface import zero_point

__all__ = ["segment", "zero_point", "correct_drift", "correct_frame_compliance", "energies",
           "events", "oliver_pharr", "csm_profile", "grid_map"]
