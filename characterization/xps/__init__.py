"""XPS analysis: backgrounds, energy referencing, component fits, oxidation states.

Every function works on a Dataset of one region (``intensity(..., binding_energy)`` in counts/s,
any batch dims such as ``sample``, ``site``, ``sputter_time``) and runs batched, lazily on
dask-chunked input.

* :func:`subtract_background` (``xps.background``): linear, Shirley, Tougaard U2/U3.
* :func:`reference_energy`, :func:`calibrate` (``xps.referencing``): charge referencing.
* :func:`doublet`, :func:`fit_region` (``xps.components``): spin–orbit doublets, component fits
  with a subtracted or an active (fitted) Shirley background.
* :func:`fit_oxidation_states`, :func:`fit_si2p` (``xps.oxidation``): state fractions and
  average valence with Monte Carlo uncertainty (Poisson counts + energy referencing).
* :func:`quantify` (``xps.quantify``): atomic % from survey peak areas and sensitivity factors.
* :func:`stack_regions`, :func:`unstack_regions` (``xps.regions``): regions (or depth-profile
  cycles) with different energy axes as one NaN-padded Dataset along ``region``, and back.
* :func:`fit_regions` (``xps.joint``): joint fit of several regions with parameters tied
  across them (one charge shift, one width, an area ratio).
"""

from .background import subtract_background
from .components import SPIN_ORBIT, doublet, fit_region
from .oxidation import SI2P_SHIFTS, SI2P_TOLERANCE, fit_oxidation_states, fit_si2p
from .quantify import quantify
from .joint import fit_regions
from .referencing import calibrate, reference_energy
from .regions import stack_regions, unstack_regions

__all__ = ["subtract_background", "reference_energy", "calibrate", "doublet", "fit_region",
           "fit_oxidation_states", "fit_si2p", "SPIN_ORBIT", "SI2P_SHIFTS", "SI2P_TOLERANCE",
           "quantify", "stack_regions", "unstack_regions", "fit_regions"]
