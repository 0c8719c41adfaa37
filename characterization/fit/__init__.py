"""Batched peak fitting: line shapes, backgrounds, models and the vectorised LM engine.

>>> import characterization as ch
>>> from characterization.fit import Model, Peak, fit_peaks
>>> ds = ch.synthetic.peak_spectra(4, seed=0)
>>> model = Model([Peak("D4", "lorentzian", center=1200), Peak("D1", "lorentzian", center=1350),
...                Peak("D3", "lorentzian", center=1500), Peak("G", "lorentzian", center=1590)],
...               background="linear")
>>> fit_peaks(ds, model).center.sel(peak="G").round(0).values.tolist()   # doctest: +SKIP
[1594.0, 1589.0, 1586.0, 1590.0]

Modules: :mod:`.lineshapes` (profiles with analytic Jacobians), :mod:`.backgrounds`,
:mod:`.params` (Param, Tie), :mod:`.model` (Peak, Model), :mod:`.solver` (vectorised
Levenberg–Marquardt), :mod:`.guess` (starting values), :mod:`.derived` (height/area/FWHM and
errors), :mod:`.engine` (:func:`fit_peaks`), :mod:`.lmfit_bridge` (lmfit conversion; lmfit is
imported only there, on use).
"""

from .backgrounds import Background
from .engine import fit_peaks
from .lineshapes import LINESHAPES, get_lineshape
from .model import Model, Peak
from .params import Param, Tie

__all__ = ["fit_peaks", "Model", "Peak", "Param", "Tie", "Background", "LINESHAPES",
           "get_lineshape"]
