"""Kernels for :func:`~characterization.sorption.kernel_psd.kernel_psd`.

* Kernel tables (e.g. an NLDFT/QSDFT kernel exported from vendor software) are read with
  ``characterization.read(path, format="psd_kernel")``
  (:mod:`characterization.io.sorption.psd_kernel`); analysis never opens files.
* :func:`kelvin_kernel` computes the macroscopic kernel of the classical Kelvin/t-curve model
  (film on the walls below the Kelvin pressure of each width, full pore above it) — the model
  behind BJH, *not* DFT.

A kernel value is the amount adsorbed (mmol) per cm³ of pore volume (``"mmol/cm^3"``) or per m²
of pore wall (``"mmol/m^2"``) at one p/p0 for pores of one width (bin); the Dataset attrs hold
the pore ``geometry`` and the ``basis`` ("volume" or "area").

References
----------
.. [1] E.P. Barrett, L.G. Joyner, P.P. Halenda, J. Am. Chem. Soc. 73 (1951) 373.
.. [2] M. Thommes et al., Pure Appl. Chem. 87 (2015) 1051 (IUPAC technical report).
.. [3] J. Landers, G.Yu. Gor, A.V. Neimark, Colloids Surf. A 437 (2013) 3.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._api import provenance_attrs
from ..errors import AnalysisError
from .adsorbates import Adsorptive, adsorptive as _lookup
from .kelvin import kelvin_model
from ._psd_kernels import _edges

__all__ = ["kelvin_kernel", "KERNEL_UNITS"]

#: Kernel units understood: amount per unit pore volume or per unit pore-wall area.
KERNEL_UNITS = {"mmol/cm^3": "volume", "mmol/cm3": "volume", "mmol/m^2": "area",
                "mmol/m2": "area"}


def _kernel_dataset(matrix, pressures, widths, *, units, geometry, attrs):
    basis = KERNEL_UNITS[units]
    units = "mmol/cm^3" if basis == "volume" else "mmol/m^2"
    long = ("Amount adsorbed per unit pore volume" if basis == "volume"
            else "Amount adsorbed per unit pore-wall area")
    return xr.Dataset(
        {"kernel": (("relative_pressure", "pore_width"), matrix,
                    {"units": units, "long_name": long})},
        coords={"relative_pressure": ("relative_pressure", pressures,
                                      {"units": "1", "long_name": "Relative pressure p/p0"}),
                "pore_width": ("pore_width", widths, {"units": "nm", "long_name": "Pore width"})},
        attrs={"technique": "psd_kernel", "geometry": geometry, "basis": basis, **attrs})


def kelvin_kernel(pore_widths, pressures, *, adsorptive="N2", geometry="cylinder",
                  branch="adsorption", thickness="harkins_jura", meniscus=None,
                  kjs_correction=False, temperature=None, surface_tension=None,
                  liquid_molar_volume=None, contact_angle=0.0,
                  bin_average: bool = True) -> xr.Dataset:
    """Macroscopic (Kelvin + thickness-curve) kernel: isotherms of pores of one width (bin).

    For a pore of width w, at p/p0 x below its Kelvin pressure x_c(w) (the inverse of
    w = 2 [r_K(x) + t(x)] (+0.6 nm KJS), :class:`~characterization.sorption.kelvin.KelvinModel`)
    the walls carry a film of the flat-surface thickness t(x); at and above x_c the pore is
    full of liquid. Per cm³ of pore volume:

    .. math::

        K(x, w) = \\frac{10^3}{V_m}\\times\\begin{cases}
        1 & x \\ge x_c(w) \\\\
        1 - (1 - 2t/w)^2 \\ \\text{(cylinder)},\\ \\min(2t/w, 1)\\ \\text{(slit)} & x < x_c(w)
        \\end{cases}

    in mmol/cm³ (V_m liquid molar volume, cm³/mol). This is the classical model of BJH,
    written as a kernel: inverting it with :func:`kernel_psd` gives a regularised,
    non-negative BJH-like distribution, and it generates isotherms with an exactly known PSD
    for testing.

    Parameters
    ----------
    pore_widths : array_like
        Widths (nm), increasing.
    pressures : array_like
        p/p0 values in (0, 1), increasing.
    adsorptive, geometry, branch, thickness, meniscus, kjs_correction, temperature,
    surface_tension, liquid_molar_volume, contact_angle
        As :func:`characterization.sorption.kelvin.kelvin_model`; ``branch`` selects the
        meniscus: condensation (cylindrical meniscus) for ``"adsorption"``, evaporation
        (hemispherical) for ``"desorption"``.
    bin_average : bool
        True (default): each column is the mean isotherm of 9 widths spread log-uniformly
        over the bin around ``pore_widths[j]`` (edges at the geometric midpoints), i.e. the
        kernel of a distribution uniform within each bin. Single-width columns are step
        functions in p/p0, and when the data resolve widths finer than the grid the inversion
        then returns a lumpy distribution whose peak can move by a grid step (≈ 5 % on an
        80-point 1.5–80 nm grid); bin averaging removes that. False: single-width isotherms
        (the convention of DFT kernels).

    Returns
    -------
    xarray.Dataset
        ``kernel(relative_pressure, pore_width)`` (mmol/cm^3) and
        ``condensation_pressure(pore_width)`` (p/p0 at which each width fills/empties).

    Notes
    -----
    Limitations: this is *not* a DFT/NLDFT kernel. It has the Kelvin equation's systematic
    underestimate of widths below ≈ 10 nm, is unreliable below ≈ 2 nm (no micropore filling,
    no adsorbate layering, no fluid–wall potential), ignores hysteresis mechanisms (delayed
    condensation, cavitation, pore blocking), and the film is the flat-surface curve, not the
    curvature-dependent film of a pore. Use a DFT kernel for micro- and small mesopores.

    Examples
    --------
    >>> import numpy as np
    >>> from characterization.sorption.kernel_psd import kelvin_kernel
    >>> k = kelvin_kernel(np.geomspace(2, 50, 30), np.linspace(0.01, 0.99, 99))
    >>> k.kernel.dims
    ('relative_pressure', 'pore_width')
    """
    w = np.asarray(pore_widths, dtype=float).ravel()
    x = np.asarray(pressures, dtype=float).ravel()
    if w.size < 2 or np.any(w <= 0) or np.any(np.diff(w) <= 0):
        raise AnalysisError("pore_widths must be positive and strictly increasing (nm)")
    if x.size < 2 or np.any(x <= 0) or np.any(x >= 1) or np.any(np.diff(x) <= 0):
        raise AnalysisError("pressures must be strictly increasing p/p0 values in (0, 1)")
    gas = adsorptive if isinstance(adsorptive, Adsorptive) else _lookup(adsorptive)
    model = kelvin_model(branch=branch, geometry=geometry, meniscus=meniscus,
                         thickness=thickness, kjs_correction=kjs_correction, adsorptive=gas,
                         temperature=temperature, surface_tension=surface_tension,
                         liquid_molar_volume=liquid_molar_volume, contact_angle=contact_angle)
    vm = gas.liquid_molar_volume if liquid_molar_volume is None else float(liquid_molar_volume)
    if bin_average:
        e = _edges(w)
        ws = np.exp(np.log(e[:-1])[:, None] + np.log(e[1:] / e[:-1])[:, None]
                    * (np.arange(9) + 0.5)[None, :] / 9).ravel()
    else:
        ws = w
    xc = np.nan_to_num(model.pressure(ws), nan=0.0)   # no Kelvin pressure: always full
    t = model.thickness(x)[:, None]
    ratio = np.clip(2.0 * t / ws[None, :], 0.0, 1.0)
    film = 1.0 - (1.0 - ratio) ** 2 if geometry == "cylinder" else ratio
    frac = np.where(x[:, None] >= xc[None, :], 1.0, film)
    if bin_average:
        frac = frac.reshape(x.size, w.size, 9).mean(axis=2)
    ds = _kernel_dataset(frac * 1e3 / vm, x, w, units="mmol/cm^3", geometry=geometry, attrs={
        **provenance_attrs("sorption.kelvin_kernel",
                           "Kelvin/thickness-curve kernel (classical, not DFT)", {
                               "branch": branch, "kelvin": model.describe(),
                               "adsorptive": gas.name, "liquid_molar_volume": vm,
                               "temperature": (gas.temperature if temperature is None
                                               else temperature),
                               "bin_average": bool(bin_average)}),
        "model": "kelvin"})
    ds["condensation_pressure"] = ("pore_width", np.nan_to_num(model.pressure(w), nan=0.0), {
        "units": "1", "long_name": "Relative pressure of condensation/evaporation"})
    return ds
