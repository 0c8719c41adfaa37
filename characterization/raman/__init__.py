"""Raman spectroscopy: pre-processing, carbon D/G band models, silicon phonon and confinement.

Every function takes a Raman Dataset (``intensity(..., raman_shift)``, shift in 1/cm) with any
leading batch dims (``sample``, ``spot``, maps ``y``/``x``), eager or dask-chunked along them,
and returns a new Dataset keeping them.

* pre-processing: :func:`remove_spikes`, :func:`subtract_background` (pybaselines),
  :func:`crop`, :func:`normalize`, :func:`si_offset` / :func:`calibrate_shift` (Si 520.7 cm⁻¹);
* carbon: :func:`fit_carbon` (2-band, 4-band, Sadezky 5-band, BWF + Lorentzian, BIC choice;
  I_D/I_G by height and area with errors), :func:`crystallite_size` (Cançado, Tuinstra–Koenig);
* silicon: :func:`fit_silicon` (phonon centre, width, asymmetry, a-Si band),
  :func:`confinement_size` (Zi et al. relation and a Richter/Campbell–Fauchet model).
"""

from .background import subtract_background
from .calibration import calibrate_shift, si_offset
from .carbon import crystallite_size, fit_carbon
from .confinement import confinement_size
from .preprocess import crop, normalize
from .silicon import fit_silicon
from .spikes import remove_spikes

__all__ = ["remove_spikes", "subtract_background", "crop", "normalize", "si_offset",
           "calibrate_shift", "fit_carbon", "crystallite_size", "fit_silicon",
           "confinement_size"]
