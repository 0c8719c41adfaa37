r"""XPS components on the batched engine: spin–orbit doublets and :func:`fit_region`.

:func:`doublet` builds the two peaks of a spin–orbit pair with the splitting, area ratio and
shape tied (the engine's :class:`~characterization.fit.Tie`); :func:`fit_region` fits a model to
an XPS region with a background subtracted beforehand (linear, Shirley, Tougaard) or fitted
together with the peaks (``background="active"``: every peak carries its share of one Shirley
step, :mod:`characterization.fit.lineshapes._shirley_step`).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import xarray as xr

from .._api import public
from .._apply import apply_kernel
from ..errors import AnalysisError
from ..fit import Model, Param, Peak, Tie, fit_peaks
from .background import BACKGROUNDS, crop_region, subtract_background

#: Spin–orbit splittings (eV) and area ratios (j = l - 1/2 : j = l + 1/2) of common levels.
#: Splittings: Moulder et al., Handbook of XPS (Perkin-Elmer 1992); ratios from the 2j + 1
#: degeneracies (p 1:2, d 2:3, f 3:4).
SPIN_ORBIT = {"Si 2p": (0.61, 0.5), "Al 2p": (0.44, 0.5), "S 2p": (1.18, 0.5),
              "P 2p": (0.87, 0.5), "Fe 2p": (13.1, 0.5), "Ni 2p": (17.3, 0.5),
              "Cu 2p": (19.8, 0.5), "Ti 2p": (5.7, 0.5), "Sn 3d": (8.41, 2 / 3),
              "Mo 3d": (3.13, 2 / 3), "Ag 3d": (6.0, 2 / 3), "Au 4f": (3.67, 0.75),
              "Pt 4f": (3.33, 0.75), "W 4f": (2.18, 0.75)}


def doublet(name: str, shape: str = "gl", *, splitting: float, ratio: float,
            amplitude: Any = None, center: Any = None, suffixes=("", "_so"),
            **shape_params: Any) -> list[Peak]:
    r"""The two peaks of a spin–orbit doublet, tied: splitting, area ratio and shape.

    .. math:: E_{j=l-1/2} = E_{j=l+1/2} + \Delta, \qquad
              A_{j=l-1/2} = r\,A_{j=l+1/2}

    and every shape parameter (widths, Lorentzian fraction, asymmetry) of the second peak tied
    to the first (equal widths: the usual assumption; lifetime broadening can differ, e.g.
    Ti 2p1/2 — fit two free peaks then).

    Parameters
    ----------
    name : str
        Name of the j = l + 1/2 peak (identifier); the partner is ``name + suffixes[1]``.
    shape : str
        Line shape (``"gl"``, ``"sgl"``, ``"voigt"``, ``"la"`` ...).
    splitting : float
        Δ, eV (positive: the j = l − 1/2 line lies at higher binding energy); see
        :data:`SPIN_ORBIT`.
    ratio : float
        Area ratio r (0.5 for p, 2/3 for d, 3/4 for f levels).
    amplitude, center : number, None, Param or Tie
        Area and position of the j = l + 1/2 peak (None: guessed).
    suffixes : (str, str)
        Name suffixes of the two peaks.
    **shape_params
        Parameters of the shape for the first peak (``fwhm=Param(1, min=0.5, max=2)``...).

    Returns
    -------
    list of Peak
        ``[main, partner]``; amplitudes are areas.

    Examples
    --------
    >>> from characterization.xps import doublet
    >>> [p.name for p in doublet("Si0", splitting=0.61, ratio=0.5, center=99.4)]
    ['Si0', 'Si0_so']
    """
    if not (np.isfinite(splitting) and np.isfinite(ratio) and ratio > 0):
        raise AnalysisError(f"doublet {name!r}: splitting must be finite and ratio > 0, got "
                            f"{splitting!r}, {ratio!r}")
    main_name, partner_name = name + suffixes[0], name + suffixes[1]
    main = Peak(main_name, shape, amplitude=amplitude, center=center, amplitude_type="area",
                **shape_params)
    ties = {role: Tie(f"{main_name}.{role}") for role in main.lineshape.param_names[2:]}
    partner = Peak(partner_name, shape, amplitude=Tie(f"{main_name}.amplitude", scale=ratio),
                   center=Tie(f"{main_name}.center", offset=splitting), amplitude_type="area",
                   **ties)
    return [main, partner]


def active_model(model: Model) -> Model:
    """``model`` with every peak carrying a Shirley step tied to the first, and a constant."""
    if not model.peaks:
        raise AnalysisError("background='active' needs at least one peak")
    peaks = []
    first = model.peaks[0].name
    for k, peak in enumerate(model.peaks):
        base = peak.shape
        params = dict(peak.params)
        amplitude, center = params.pop("amplitude"), params.pop("center")
        params["shirley"] = Param(0.0, min=0.0) if k == 0 else Tie(f"{first}.shirley")
        peaks.append(Peak(peak.name, f"{base}_shirley", amplitude=amplitude, center=center,
                          amplitude_type=peak.amplitude_type, **params))
    return Model(peaks, background="constant")


def _bare_components(values, *, x, model, names):
    """Peak curves without Shirley steps (B.., C, N) from the fitted values (B.., P)."""
    lead = values.shape[:-1]
    v = values.reshape(-1, values.shape[-1])
    out = np.full((v.shape[0], len(model.peaks), x.size), np.nan)
    ok = np.isfinite(v).all(axis=1)
    if ok.any():
        idx = [names.index(n) for n in model.parameter_names]
        comps = model.eval_components(x, v[ok][:, idx])
        for j, peak in enumerate(model.peaks):
            out[ok, j] = np.atleast_2d(comps[peak.name])
    return out.reshape(*lead, len(model.peaks), x.size)


@public("xps", headline=("center", "area", "fwhm", "redchi"))
def fit_region(ds: xr.Dataset, model, *, background: str = "shirley",
               range: tuple[float, float] | None = None, n_average: int = 3,
               weights="poisson", background_kwargs: dict | None = None,
               fit_kwargs: dict | None = None, dim: str | None = None,
               var: str | None = None) -> xr.Dataset:
    r"""Fit components to an XPS region, with a subtracted or an actively fitted background.

    Minimises per spectrum :math:`\sum_i w_i^2 (y_i - B_i - \sum_k p_k(E_i))^2` with the
    batched Levenberg–Marquardt engine (:func:`characterization.fit.fit_peaks`), where
    :math:`B` is

    * ``"linear"``, ``"shirley"``, ``"tougaard"``: computed from the data first
      (:func:`subtract_background`) and held fixed;
    * ``"active"``: a constant plus a Shirley step fitted with the peaks,
      :math:`B(E) = c_0 + (s/W)\int_{E_0}^{E}\sum_k p_k`, one step factor :math:`s` for all
      peaks (Végh 1988). The step then follows the fitted peaks instead of the noisy data,
      which matters for weak or overlapping components.

    Parameters
    ----------
    ds : xarray.Dataset
        One region, ``intensity(..., binding_energy)`` in counts/s, any batch dims; ``counts``
        (raw) for Poisson weights.
    model : Model, dict or list of Peak
        Peaks only (the background comes from ``background``), e.g. built with
        :func:`doublet`. A list of peaks is wrapped into a :class:`~characterization.fit.Model`.
    background : {"shirley", "linear", "tougaard", "active"}
        Background (above).
    range : (float, float), optional
        Region, eV (default: the whole axis).
    n_average : int
        End-point averaging of the subtracted backgrounds.
    weights : "poisson", None, str or DataArray
        Passed to :func:`characterization.fit.fit_peaks`: ``"poisson"`` is the engine's rule,
        :math:`1/\sigma = t/\sqrt{\max(N, 1)}` from the raw ``counts`` N with
        :math:`t` = ``dwell_time`` × ``scans`` (right also after a background was subtracted).
    background_kwargs : dict, optional
        More options of :func:`subtract_background` (``cross_section``, ``tougaard_b`` ...).
    fit_kwargs : dict, optional
        Options of :func:`characterization.fit.fit_peaks` (``max_nfev``, ``detection_sigma``,
        ``xtol`` ...).
    dim, var : str, optional
        Energy dim and intensity variable (XPS convention by default).

    Returns
    -------
    xarray.Dataset
        The curvefit-shaped result of :func:`~characterization.fit.fit_peaks` (``value``,
        ``stderr``, ``at_bound``, ``center``, ``fwhm``, ``height``, ``area`` with errors,
        ``detected``, ``redchi``, ``success``, ``status``) with ``best_fit`` the full model
        (background included) of the measured intensity, ``background(..., dim)`` and
        ``components(..., component, dim)`` the bare peaks (no step). A spectrum whose
        background is undefined (NaN Shirley) or whose fit fails gets NaN and
        ``success=False``; a component at a bound or not detected is NaN in the derived values
        and flagged in ``at_bound``/``detected``.

    Notes
    -----
    Assumptions and limitations: one energy grid per call; the active Shirley is defined on
    the fitted grid (its step integral runs from the low-binding-energy end of ``range``). Peak
    areas of a subtracted-background fit depend on the background choice by several percent
    (Shirley vs Tougaard): report which one was used (it is in the provenance).

    References
    ----------
    D. A. Shirley, Phys. Rev. B 5 (1972) 4709; J. Végh, J. Electron Spectrosc. 46 (1988) 411;
    A. Herrera-Gómez et al., Surf. Interface Anal. 46 (2014) 897; S. Tougaard, Surf.
    Interface Anal. 25 (1997) 137.

    Examples
    --------
    >>> import characterization as ch
    >>> from characterization.xps import doublet
    >>> from characterization.synthetic.xps import si2p_spectra
    >>> ds = si2p_spectra(2, fractions=[1, 0, 0, 0, 0], seed=0)
    >>> peaks = doublet("Si0", splitting=0.61, ratio=0.5, center=99.4)
    >>> res = ch.xps.fit_region(ds, peaks, background="active")
    >>> res.center.sel(peak="Si0").round(1).values.tolist()
    [99.4, 99.4]
    """
    fname = "xps.fit_region"
    name = str(background).strip().lower()
    if name not in (*BACKGROUNDS, "active"):
        raise AnalysisError(f"{fname}: unknown background {background!r}; known: "
                            f"{', '.join((*BACKGROUNDS, 'active'))}")
    if isinstance(model, (list, tuple)):
        model = Model(list(model))
    elif not isinstance(model, Model):
        model = Model.from_dict(model) if isinstance(model, dict) else model
    if model.background.degree >= 0:
        raise AnalysisError(f"{fname}: give the peaks only; the background comes from "
                            f"background={background!r}")
    fit_kwargs = dict(fit_kwargs or {})
    if name == "active":
        region = crop_region(ds, dim, range, fname)
        bg_fixed = None
        fit_model = active_model(model)
    else:
        region = subtract_background(ds, background=name, range=range, n_average=n_average,
                                     dim=dim, var=var, **(background_kwargs or {}))
        bg_fixed = region["background"]
        fit_model = model
    res = fit_peaks(region, fit_model, dim=dim, var=var, weights=weights, **fit_kwargs)
    x = np.asarray(res[dim].values, dtype=float)
    names = list(res["param"].values)
    bare = apply_kernel(_bare_components, res["value"], input_core_dims=[["param"]],
                        output_core_dims=(["component", dim],),
                        output_sizes={"component": len(model.peaks), dim: x.size},
                        kwargs={"x": x, "model": model, "names": names})
    bare = bare.assign_coords(component=[p.name for p in model.peaks], **{dim: res[dim]})
    units = ds[var].attrs.get("units", "count/s")
    if name == "active":
        background_da = res["best_fit"] - bare.sum("component")
        best = res["best_fit"]
    else:
        background_da = bg_fixed.sel({dim: res[dim]}).where(res["success"])
        best = res["best_fit"] + background_da
    res = res.drop_vars(["components", "component"], errors="ignore")
    res["components"] = bare.assign_attrs(units=units, long_name="Component (without background)")
    res["background"] = background_da.assign_attrs(units=units, long_name=f"{name} background")
    res["best_fit"] = best.assign_attrs(units=units, long_name="Model (background included)")
    res.attrs["method"] = f"{name} background; batched Levenberg-Marquardt"
    engine = res.attrs.get("parameters", "{}")
    res.attrs["parameters"] = {**(json.loads(engine) if isinstance(engine, str) else engine),
                               "model": model.to_dict(), "fitted_model": fit_model.to_dict()}
    return res
