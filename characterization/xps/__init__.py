"""X-ray photoelectron spectroscopy: backgrounds, energy referencing, component fits, oxidation states.

Every function works on a Dataset of one region (``intensity(..., binding_energy)`` in counts/s,
any batch dims such as ``sample``, ``site``, ``sputter_time``) and runs batched, lazily on
dask-chunked input.

* :func:`subtract_background` (``xps.background``): linear, Shirley, Tougaard U2/U3.
* :func:`reference_energy`, :func:`calibrate` (``xps.referencing``): charge referencing.
"""

from .background import subtract_background
from .referencing import calibrate, reference_energy

__all__ = ["subtract_background", "reference_energy", "calibrate"]
