r"""Continuous stiffness measurement (CSM): hardness and modulus as functions of depth."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._api import public
from .._apply import apply_kernel
from ..errors import AnalysisError
from . import area as _area
from .oliver_pharr import _resolve_area, _scalar

__all__ = ["csm_profile"]


def _window_mean_kernel(values, depth, in_loading, *, lo, hi):
    """numpy: (..., N) values on depths -> (...) mean, std and count over lo <= depth <= hi."""
    with np.errstate(invalid="ignore"):
        sel = in_loading & (depth >= lo) & (depth <= hi) & np.isfinite(values)
    n = sel.sum(-1)
    total = np.where(sel, values, 0.0).sum(-1)
    mean = np.where(n > 0, total / np.maximum(n, 1), np.nan)
    dev = np.where(sel, values - mean[..., None], 0.0)
    std = np.where(n > 1, np.sqrt((dev ** 2).sum(-1) / np.maximum(n - 1, 1)), np.nan)
    return mean, std, n.astype(float)


def _area_kernel(h_c, *, tip, coefficients, tip_radius, punch_diameter):
    return _area.area_function(h_c, tip, coefficients=coefficients, tip_radius=tip_radius,
                               punch_diameter=punch_diameter)


@public("nanoindent", batch_dim="indent", headline=("mean_hardness", "mean_modulus"))
def csm_profile(ds: xr.Dataset, *, depth_range: tuple[float, float] = (100.0, 200.0),
                tip: str = "berkovich", area=None, tip_radius: float | None = None,
                punch_diameter: float | None = None, epsilon: float | None = None,
                beta: float = 1.0, tip_modulus: float | None = None,
                tip_poisson_ratio: float | None = None,
                sample_poisson_ratio: float | None = None, min_points: int = 3,
                dim: str = "point") -> xr.Dataset:
    r"""Hardness and modulus versus depth from the CSM contact stiffness, and their averages.

    At every point of the loading segment, with the harmonic contact stiffness :math:`S(h)`
    (channel ``stiffness``, N/m) the Oliver–Pharr relations give [1]_ [2]_

    .. math::

        h_c = h - \varepsilon \frac{P}{S}, \qquad H = \frac{P}{A(h_c)}, \qquad
        E_r = \frac{\sqrt{\pi}}{2\beta}\frac{S}{\sqrt{A(h_c)}}, \qquad
        E = (1-\nu^2)\left(\frac{1}{E_r} - \frac{1-\nu_i^2}{E_i}\right)^{-1},

    and the depth-window averages are the means over the loading points with
    ``depth_range[0] <= h <= depth_range[1]`` (as the vendor's "Avg Modulus [100–200 nm]").

    Parameters
    ----------
    ds : xarray.Dataset
        Indentation data with ``load`` (mN), ``displacement`` (nm) and ``stiffness`` (N/m, the
        harmonic contact stiffness, frame stiffness already removed as in vendor exports);
        optional ``segment`` (only ``"loading"`` points are used when present).
    depth_range : (float, float)
        Displacement window (nm) of the averages.
    tip, area, tip_radius, punch_diameter, epsilon : see :func:`oliver_pharr`
        Tip geometry, area function (default the file's calibrated coefficients) and ε.
    beta : float
        β of :math:`E_r`; default 1.0, as KLA NanoSuite's CSM methods (whose tip calibration
        absorbs the geometry correction). Give 1.034 for an ideal Berkovich.
    tip_modulus, tip_poisson_ratio, sample_poisson_ratio : float, optional
        As in :func:`oliver_pharr` (coords of the Dataset by default; diamond tip).
    min_points : int
        Fewest points in ``depth_range`` for an average; fewer give NaN, ``success=False``.
    dim : str
        The point dim.

    Returns
    -------
    xarray.Dataset
        Along ``point``: ``contact_depth`` (nm), ``hardness`` and ``modulus`` (GPa) profiles
        (NaN outside loading or where non-physical); on the batch dims: ``mean_hardness``,
        ``mean_modulus`` (GPa), their standard deviations ``std_hardness``, ``std_modulus``,
        ``n_window_points``, ``success`` and ``reason``.

    Notes
    -----
    Limitations: the CSM stiffness is taken as given (no plasticity error correction of the
    oscillation, no phase-angle check); shallow contacts (< ~50 nm) depend strongly on the
    area calibration and surface detection; pile-up is not corrected.

    References
    ----------
    .. [1] W. C. Oliver, G. M. Pharr, J. Mater. Res. 7 (1992) 1564–1583.
    .. [2] X. Li, B. Bhushan, Mater. Charact. 48 (2002) 11–36 (CSM technique).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> h = np.linspace(0, 300, 61)[1:]
    >>> s = 2 / np.sqrt(np.pi) * 72.0e9 * np.sqrt(24.5 * h ** 2) * 1e-9  # E_r = 72 GPa
    >>> p = 9.0 * 24.5 * h ** 2 * 1e-6                                   # H = 9 GPa
    >>> ds = xr.Dataset({"load": ("point", p), "displacement": ("point", h),
    ...                  "stiffness": ("point", s)})
    >>> out = csm_profile(ds, epsilon=0.0, area="ideal", sample_poisson_ratio=0.0,
    ...                   tip_modulus=np.inf)
    >>> round(float(out.mean_hardness), 3), round(float(out.mean_modulus), 3)
    (9.0, 72.0)
    """
    for name in ("load", "displacement", "stiffness"):
        if name not in ds.data_vars:
            raise AnalysisError(f"nanoindent.csm_profile: needs a {name!r} variable "
                                f"(CSM harmonic contact stiffness for 'stiffness'); has "
                                f"{sorted(ds.data_vars)}")
    lo, hi = sorted(float(v) for v in depth_range)
    eps = _area.tip_constants(tip)[0] if epsilon is None else float(epsilon)
    coeff, area_kind = _resolve_area(ds, tip, area)
    load, h, s = ds["load"], ds["displacement"], ds["stiffness"]
    if "segment" in ds.coords:
        in_loading = ds.coords["segment"] == "loading"
    else:
        in_loading = xr.ones_like(load, dtype=bool)
    s_mn = s.where(s > 0) * 1e-6                      # N/m -> mN/nm
    h_c = h - eps * load / s_mn
    area_nm2 = apply_kernel(_area_kernel, h_c, input_core_dims=[[]],
                            kwargs={"tip": tip, "coefficients": coeff,
                                    "tip_radius": tip_radius,
                                    "punch_diameter": punch_diameter})
    valid = in_loading & (h_c > 0) & (area_nm2 > 0)
    hardness = (load / area_nm2 * 1e6).where(valid)
    e_r = (np.sqrt(np.pi) / (2 * beta) * s.where(s > 0) / np.sqrt(area_nm2 * 1e-18)
           * 1e-9).where(valid)
    e_i = _scalar(ds, "tip_modulus", tip_modulus, 1141.0)
    nu_i = _scalar(ds, "tip_poisson_ratio", tip_poisson_ratio, 0.07)
    nu = _scalar(ds, "sample_poisson_ratio", sample_poisson_ratio, np.nan)
    modulus = (1 - nu ** 2) / (1 / e_r - (1 - nu_i ** 2) / e_i)
    modulus = modulus.where(modulus > 0)
    loading_b = xr.broadcast(in_loading, h)[0]
    stats = {}
    for name, values in (("hardness", hardness), ("modulus", modulus)):
        values, depth, mask = xr.broadcast(values, h, loading_b)
        stats[name] = apply_kernel(_window_mean_kernel, values, depth, mask,
                                   input_core_dims=[[dim], [dim], [dim]],
                                   output_core_dims=[(), (), ()],
                                   kwargs={"lo": lo, "hi": hi})
    n_window = stats["hardness"][2]
    ok = (n_window >= min_points) & np.isfinite(stats["hardness"][0])
    reason = xr.where(ok, "", f"fewer than {min_points} valid CSM points in {lo:g}-{hi:g} nm")
    point_coords = [c for c in ds.coords if dim in ds.coords[c].dims]

    def clean(da):
        return da.drop_vars([c for c in da.coords if c not in da.dims and c not in point_coords
                             and c not in ("tip",)], errors="ignore")

    def var(da, units, long_name):
        return clean(da).assign_attrs(units=units, long_name=long_name)

    out = xr.Dataset({
        "contact_depth": var(h_c.where(valid), "nm", "Contact depth h_c (CSM)"),
        "hardness": var(hardness, "GPa", "Hardness H(h) (CSM)"),
        "modulus": var(modulus, "GPa", "Sample modulus E(h) (CSM)"),
        "mean_hardness": var(stats["hardness"][0].where(ok), "GPa",
                             f"Mean hardness over {lo:g}-{hi:g} nm"),
        "std_hardness": var(stats["hardness"][1].where(ok), "GPa",
                            f"Standard deviation of hardness over {lo:g}-{hi:g} nm"),
        "mean_modulus": var(stats["modulus"][0].where(ok), "GPa",
                            f"Mean modulus over {lo:g}-{hi:g} nm"),
        "std_modulus": var(stats["modulus"][1].where(ok), "GPa",
                           f"Standard deviation of modulus over {lo:g}-{hi:g} nm"),
        "n_window_points": var(n_window, "1", "CSM points in the depth window"),
        "success": var(ok, "", "Depth-window average available"),
        "reason": var(reason, "", "Why the average is missing (empty when it succeeded)"),
    })
    out.attrs["method"] = "csm_oliver_pharr"
    out.attrs["parameters"] = {"epsilon": eps, "area_function": area_kind,
                               "area_coefficients": None if coeff is None else coeff.tolist()}
    return out
