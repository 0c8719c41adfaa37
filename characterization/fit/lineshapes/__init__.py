"""Peak line shapes with analytic Jacobians.

Every shape is a :class:`LineShape` instance registered under a canonical name (and a few
aliases); :func:`get_lineshape` looks one up. Parameters are ``amplitude`` (the peak area or
its height, chosen per peak), ``center`` and the shape parameters listed below.

============================  =====================================  =========
name                          shape parameters                       natural
============================  =====================================  =========
``gaussian``                  fwhm                                   area
``lorentzian``                fwhm                                   area
``pseudo_voigt``              fwhm, eta (Lorentzian area fraction)   area
``voigt``                     fwhm_g, fwhm_l                         area
``pearson7``                  fwhm, m (exponent)                     height
``bwf``                       fwhm (Gamma), q                        height
``gl``   (CasaXPS product)    fwhm (F), m (Lorentzian %)             height
``sgl``  (CasaXPS sum)        fwhm, m (Lorentzian %)                 height
``split_pseudo_voigt``        fwhm_left, fwhm_right, eta             area
``split_lorentzian``          fwhm_left, fwhm_right                  area
``la``   (CasaXPS-style LA,   fwhm (F), alpha, beta, fwhm_g          area
in XPS_LINESHAPES)            (asymmetric Lorentzian ⊗ Gaussian)
``lf``   (CasaXPS-style LF,   fwhm (F), alpha, beta, damping,        area
in XPS_LINESHAPES)            fwhm_g (LA with damped high-BE tail)
``doniach_sunjic``            fwhm (F), alpha, fwhm_g (Doniach–      area
(in XPS_LINESHAPES)           Šunjić ⊗ Gaussian; area within
                              c ± 25 F)
``<shape>_shirley``           the shape's parameters, shirley        as shape
(in XPS_LINESHAPES)           (peak + its own Shirley step, XPS
                              active background; gaussian,
                              lorentzian, pseudo_voigt, voigt, gl,
                              sgl, la, lf, doniach_sunjic)
``kalpha_pseudo_voigt``       fwhm, eta, wavelength_ratio,           area
                              alpha2_ratio (Kα1/Kα2 doublet, XRD)
``kalpha_voigt``              fwhm_g, fwhm_l, wavelength_ratio,      area
                              alpha2_ratio
``kalpha_pearson7``           fwhm, m, wavelength_ratio,             height
                              alpha2_ratio
``kalpha_split_pseudo_voigt`` fwhm_left, fwhm_right, eta,            area
                              wavelength_ratio, alpha2_ratio
``kalpha_gaussian``           fwhm, wavelength_ratio, alpha2_ratio   area
``kalpha_lorentzian``         fwhm, wavelength_ratio, alpha2_ratio   area
============================  =====================================  =========

The ``kalpha_*`` doublets (:class:`KAlphaDoublet`, in :data:`DOUBLET_LINESHAPES`) put a second
line of the same shape at the Kα2 position ``2 asin(k sin θ1)``, ``alpha2_ratio`` times as
intense; amplitude and derived values refer to the Kα1 component.

>>> import numpy as np
>>> from characterization.fit.lineshapes import get_lineshape
>>> lor = get_lineshape("lorentzian")
>>> x = np.linspace(-50, 50, 5)
>>> lor.evaluate(x, amplitude=[[10.0]], center=[[0.0]], theta=[[[20.0]]], amplitude_type="height")
array([[ 0.38461538,  1.37931034, 10.        ,  1.37931034,  0.38461538]])
"""

from __future__ import annotations

from types import MappingProxyType

from ._base import AMPLITUDE_TYPES, FOUR_LN2, LineShape, ShapeParam
from ._doublet import (DOUBLETS, KAlphaDoublet, KAlphaGaussian, KAlphaLorentzian,
                       KAlphaPearsonVII, KAlphaPseudoVoigt, KAlphaSplitPseudoVoigt, KAlphaVoigt)
from ._casaxps import GaussianLorentzianProduct, GaussianLorentzianSum
from ._pearson_fano import BreitWignerFano, PearsonVII
from ._split import SplitLorentzian, SplitPseudoVoigt
from ._symmetric import Gaussian, Lorentzian, PseudoVoigt
from ._voigt import Voigt
from ._asymmetric_lorentzian import AsymmetricLorentzian
from ._lf import DampedAsymmetricLorentzian
from ._doniach import DoniachSunjic
from ._shirley_step import ShirleyStep

_SHAPES = (Gaussian(), Lorentzian(), PseudoVoigt(), Voigt(), PearsonVII(), BreitWignerFano(),
           GaussianLorentzianProduct(), GaussianLorentzianSum(), SplitPseudoVoigt(),
           SplitLorentzian())
_LA = AsymmetricLorentzian()
_LF = DampedAsymmetricLorentzian()
_DS = DoniachSunjic()

#: Canonical name -> line shape instance.
LINESHAPES = MappingProxyType({s.name: s for s in _SHAPES})
#: Kα1/Kα2 doublet shapes (XRD; amplitude and derived values refer to Kα1). Kept apart from
#: LINESHAPES, the single-profile shapes, but found by :func:`get_lineshape` like them.
DOUBLET_LINESHAPES = MappingProxyType({s.name: s for s in (cls() for cls in DOUBLETS)})
#: XPS shapes (tested in tests/xps): the CasaXPS-style LA (numerical height/FWHM) and peaks
#: carrying their own Shirley step (the "active" Shirley background), found by
#: :func:`get_lineshape` like the others.
XPS_LINESHAPES = MappingProxyType({s.name: s for s in (
    _LA, _LF, _DS, *(ShirleyStep(b) for b in (*_SHAPES, _LA, _LF, _DS)
                if b.name in ("gaussian", "lorentzian", "pseudo_voigt", "voigt", "gl", "sgl",
                              "la", "lf", "doniach_sunjic")))})
_ALIASES = {alias: s.name for s in (*_SHAPES, *DOUBLET_LINESHAPES.values(),
                                    *XPS_LINESHAPES.values())
            for alias in (s.name, *s.aliases)}


def canonical_name(name: str) -> str:
    """Canonical name of a line shape given its name or an alias (case-insensitive)."""
    key = str(name).strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return _ALIASES[key]
    except KeyError:
        raise ValueError(f"unknown line shape {name!r}; known: "
                         f"{', '.join([*LINESHAPES, *DOUBLET_LINESHAPES, *XPS_LINESHAPES])}"
                         ) from None


def get_lineshape(name: str) -> LineShape:
    """The :class:`LineShape` registered under ``name`` (or an alias)."""
    key = canonical_name(name)
    for table in (LINESHAPES, DOUBLET_LINESHAPES, XPS_LINESHAPES):
        if key in table:
            return table[key]
    raise KeyError(key)


__all__ = ["LINESHAPES", "LineShape", "ShapeParam", "AMPLITUDE_TYPES", "FOUR_LN2",
           "get_lineshape", "canonical_name", "Gaussian", "Lorentzian", "PseudoVoigt", "Voigt",
           "PearsonVII", "BreitWignerFano", "GaussianLorentzianProduct", "GaussianLorentzianSum",
           "SplitPseudoVoigt", "SplitLorentzian", "DOUBLET_LINESHAPES", "KAlphaDoublet",
           "KAlphaPseudoVoigt", "KAlphaVoigt", "KAlphaPearsonVII", "KAlphaSplitPseudoVoigt",
           "KAlphaGaussian", "KAlphaLorentzian", "XPS_LINESHAPES", "AsymmetricLorentzian",
           "ShirleyStep", "DampedAsymmetricLorentzian",
           "DoniachSunjic"]
