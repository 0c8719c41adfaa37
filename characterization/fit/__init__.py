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
errors), :mod:`._quality` (bounds, detection, degenerate data), :mod:`._select` (best of
several models per spectrum), :mod:`.engine` (:func:`fit_peaks`), :mod:`.propagate`
(:func:`propagate`, first-order errors of derived quantities), :mod:`.lmfit_bridge` (lmfit
conversion; lmfit is imported only there, on use).

Parallelism: chunk the batch dims with dask (``ds.chunk(sample=256)``); every function here
then returns a lazy result whose chunks the dask scheduler fits in parallel.
"""

from .backgrounds import Background
from ._inputs import residual_weights
from ._labels import units_of
from .engine import fit_peaks
from .lineshapes import LINESHAPES, get_lineshape
from .model import Model, Peak
from .params import Param, Tie
from .propagate import propagate

__all__ = ["fit_peaks", "propagate", "Model", "Peak", "Param", "Tie", "Background", "LINESHAPES",
           "get_lineshape", "units_of", "residual_weights"]
