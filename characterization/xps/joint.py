r"""Joint fit of several XPS regions with parameters shared between them: :func:`fit_regions`.

The engine's :class:`~characterization.fit.Tie` links parameters of one model on one axis.
Several regions become one axis by concatenation: region ``k`` (its measured points, its
background subtracted) is placed at the *virtual* energy :math:`x = E + s\,k\,G` (``s`` the
axis direction, :math:`G = 10^5` eV), and its peaks' centers are held inside their own
segment (bounds), so a peak of one region is :math:`\ge G - \text{(region width)}` away from
any other region's points. One composite model is fitted; a tie across regions is then an
ordinary tie (a center tie gets the segment offsets added to its offset, exactly).

Leakage of a peak into another segment: Gaussian-type shapes vanish there (underflow); a
Lorentzian tail of FWHM F is :math:`F^2/(4 d^2) \approx 10^{-10}` of its height at
:math:`d \approx 10^5` eV, far below any noise. Asymmetric tails decaying slower than
:math:`d^{-2}` (Doniach–Šunjić with large α) are the exception: use LA/LF or GL shapes.
"""

from __future__ import annotations

import re

import numpy as np
import xarray as xr

from .._api import public
from ..errors import AnalysisError
from ..fit import Model, Param, Peak, Tie, fit_peaks, residual_weights
from .background import BACKGROUNDS, crop_region, subtract_background
from .regions import stack_regions

#: Distance between the segments of the virtual axis, eV.
GAP = 1.0e5
_SEP = "/"


def _safe(label: str) -> str:
    s = re.sub(r"\W", "_", str(label))
    return s if s and not s[0].isdigit() else f"r_{s}"


def _as_peaks(model, region) -> list[Peak]:
    if isinstance(model, Model):
        m = model
    elif isinstance(model, dict):
        m = Model.from_dict(model)
    else:
        m = Model(list(model))
    if m.background.degree >= 0:
        raise AnalysisError(f"xps.fit_regions: region {region!r}: give the peaks only; the "
                            "background comes from background=")
    return list(m.peaks)


def _split_ref(text: str, region: str | None = None) -> tuple[str | None, str, str]:
    """``"region/peak.param"`` (or ``"peak.param"`` within ``region``) -> parts."""
    reg, _, rest = text.rpartition(_SEP) if _SEP in text else (region, "", text)
    peak, dot, role = rest.rpartition(".")
    if not dot or not peak:
        raise AnalysisError(f"xps.fit_regions: {text!r} is not 'region/peak.param'")
    return reg, peak, role


class _Layout:
    """Region order, segment offsets and the renaming between user and internal names."""

    def __init__(self, regions, offsets, peaks):
        self.regions = regions
        self.offset = dict(zip(regions, offsets))
        self.internal = {}          # (region, peak) -> internal peak name
        self.external = {}          # internal peak name -> (region, peak)
        for r in regions:
            for p in peaks[r]:
                name = f"{_safe(r)}__{p.name}"
                if name in self.external:
                    raise AnalysisError(f"xps.fit_regions: two peaks map to {name!r}")
                self.internal[(r, p.name)] = name
                self.external[name] = (r, p.name)

    def name(self, region, peak) -> str:
        try:
            return self.internal[(region, peak)]
        except KeyError:
            raise AnalysisError(f"xps.fit_regions: no peak {peak!r} in region {region!r} "
                                f"(peaks: {[p for r, p in self.internal if r == region]})"
                                ) from None

    def tie(self, spec: Tie, target: tuple[str, str], region: str | None) -> Tie:
        ref_region, ref_peak, ref_role = _split_ref(spec.ref, region)
        if ref_region not in self.offset:
            raise AnalysisError(f"xps.fit_regions: tie to {spec.ref!r}: unknown region "
                                f"{ref_region!r} (regions: {self.regions})")
        offset = spec.offset
        t_region, t_role = target
        if t_role == "center" and ref_role == "center":
            offset += self.offset[t_region] - spec.scale * self.offset[ref_region]
        return Tie(f"{self.name(ref_region, ref_peak)}.{ref_role}", scale=spec.scale,
                   offset=offset)


def _center_spec(spec, off, segment):
    lo, hi = segment
    if isinstance(spec, Param):
        value = None if spec.value is None else spec.value + off
        cmin = lo if spec.min is None else max(spec.min + off, lo)
        cmax = hi if spec.max is None else min(spec.max + off, hi)
        if value is not None and not cmin <= value <= cmax:
            raise AnalysisError(f"xps.fit_regions: center {spec.value} lies outside its "
                                f"region ({lo - off:g}..{hi - off:g} eV)")
        return Param(value, min=cmin, max=cmax, vary=spec.vary)
    return spec


def _build_model(peaks, layout, segments, ties):
    built = []
    tied_targets = {}
    for text, spec in (ties or {}).items():
        region, peak, role = _split_ref(text)
        if region not in layout.offset:
            raise AnalysisError(f"xps.fit_regions: tie target {text!r}: unknown region "
                                f"{region!r} (regions: {layout.regions})")
        spec = Tie(spec) if isinstance(spec, str) else spec
        if not isinstance(spec, Tie):
            raise AnalysisError(f"xps.fit_regions: ties values must be Tie or 'region/peak."
                                f"param', got {spec!r} for {text!r}")
        layout.name(region, peak)
        tied_targets[(region, peak, role)] = layout.tie(spec, (region, role), None)
    for r in layout.regions:
        off = layout.offset[r]
        for p in peaks[r]:
            params = {}
            for role, spec in p.params.items():
                if (r, p.name, role) in tied_targets:
                    params[role] = tied_targets[(r, p.name, role)]
                elif isinstance(spec, Tie):
                    params[role] = layout.tie(spec, (r, role), r)
                elif role == "center":
                    params[role] = _center_spec(spec, off, segments[r])
                else:
                    params[role] = spec
            amplitude, center = params.pop("amplitude"), params.pop("center")
            built.append(Peak(layout.name(r, p.name), p.shape, amplitude=amplitude,
                              center=center, amplitude_type=p.amplitude_type, **params))
    missing = {k for k in tied_targets} - {(r, p.name, role) for r in layout.regions
                                           for p in peaks[r] for role in p.params}
    if missing:
        raise AnalysisError(f"xps.fit_regions: tie targets without such a parameter: "
                            f"{sorted(missing)}")
    return Model(built)


def _prepare(stacked, regions, background, range, n_average, background_kwargs, dim, var):
    """Per region: measured points, background subtracted; returns pieces and backgrounds."""
    out = {}
    for r in regions:
        node = stacked.sel(region=r)
        if "measured" in node:
            keep = np.asarray(node["measured"].values, dtype=bool)
        else:
            y = node[var]
            keep = np.asarray(y.notnull().any([d for d in y.dims if d != dim]).values)
        node = node.isel({dim: np.flatnonzero(keep)})
        node = node.drop_vars([v for v in ("measured", "n_points", "energy_step")
                               if v in node.variables])
        rng = range.get(r) if isinstance(range, dict) else range
        if background is None:
            sub = crop_region(node, dim, rng, "xps.fit_regions")
            bg = xr.zeros_like(sub[var])
        else:
            sub = subtract_background(node, background=background, range=rng,
                                      n_average=n_average, dim=dim, var=var,
                                      **(background_kwargs or {}))
            bg = sub["background"]
        out[r] = (sub, bg)
    return out


def _virtual(prepared, layout, dim, var, weights):
    """One Dataset on the virtual axis, its residual weights and the point -> region map."""
    pieces, wpieces, owner = [], [], []
    for r in layout.regions:
        sub, _ = prepared[r]
        w = residual_weights(sub, weights, dim=dim, var=var)
        x = np.asarray(sub[dim].values, dtype=float) + layout.offset[r]
        y = sub[var].drop_vars([c for c in sub[var].coords if c not in sub[var].dims])
        pieces.append(y.assign_coords({dim: x}))
        if w is not None:
            w = w.drop_vars([c for c in w.coords if c not in w.dims])
            wpieces.append(w.assign_coords({dim: x}))
        owner += [r] * x.size
    y = xr.concat(pieces, dim=dim, coords="minimal", compat="override", join="outer")
    y[dim].attrs = {"units": "eV", "long_name": "Virtual energy (region offset + binding energy)"}
    y.attrs = pieces[0].attrs
    ds = xr.Dataset({var: y})
    w = None if not wpieces else xr.concat(wpieces, dim=dim, coords="minimal",
                                           compat="override", join="outer")
    if w is not None:
        w = w.assign_coords({dim: ds[dim]})
    return ds, w, np.array(owner)


def _to_grid(da, prepared, layout, owner, dim, grid):
    """(..., virtual points) -> (..., region, dim) on the stacked grid, NaN elsewhere."""
    rows = []
    for r in layout.regions:
        sub, _ = prepared[r]
        part = da.isel({dim: np.flatnonzero(owner == r)})
        part = part.assign_coords({dim: sub[dim].values}).reindex({dim: grid})
        rows.append(part)
    return xr.concat(rows, dim="region", coords="minimal", compat="override").assign_coords(
        region=("region", layout.regions))


@public("xps", accepts=(xr.Dataset, xr.DataTree, dict), headline=("center", "area", "redchi"))
def fit_regions(ds, model: dict, *, ties: dict | None = None, background: str | None = "shirley",
                range=None, n_average: int = 3, weights="poisson",
                background_kwargs: dict | None = None, fit_kwargs: dict | None = None,
                dim: str | None = None, var: str | None = None) -> xr.Dataset:
    r"""Fit several XPS regions at once, with parameters shared between regions.

    Minimises, per spectrum, one :math:`\chi^2` over the points of every region,

    .. math:: \chi^2 = \sum_r \sum_{i \in r} w_i^2\,\bigl(y_i - B_{r,i}
              - \textstyle\sum_{k \in r} p_k(E_i)\bigr)^2

    with :math:`B_r` each region's own background (subtracted first, ``background``) and the
    peaks :math:`p_k` of region :math:`r` seen only on region :math:`r` (concatenated virtual
    axis, module docstring). Ties across regions (same FWHM, a fixed distance between lines
    of two regions, an area ratio) are ordinary engine ties, so their errors come from one
    covariance matrix.

    Parameters
    ----------
    ds : xarray.Dataset or xarray.DataTree
        The regions: a DataTree as :func:`characterization.read` returns it, or a
        :func:`stack_regions` Dataset (dim ``region``, NaN outside each region). Any batch
        dims (``sputter_time``, ``sample``).
    model : dict
        ``{region: peaks}`` (a list of :class:`~characterization.fit.Peak`, e.g. from
        :func:`doublet`, or a peaks-only :class:`~characterization.fit.Model`) for the
        regions to fit. Ties inside a region are written as usual (``Tie("Si4.fwhm")``);
        a tie may also name a peak of another region, ``Tie("O_1s/O2.center", offset=...)``.
        Centers are bounded to their region's energy range (tighter user bounds are kept):
        give starting centers.
    ties : dict, optional
        More ties across regions, ``{"region/peak.param": Tie("region/peak.param", scale=...,
        offset=...)}`` (or the reference as a string for equality), e.g.
        ``{"O_1s/O_Si.center": Tie("Si_2p/Si4.center", offset=429.4)}`` (one charge shift
        for both lines), ``{"O_1s/O_Si.fwhm": "Si_2p/Si4.fwhm"}`` (one width).
    background : {"shirley", "linear", "tougaard"} or None
        Background subtracted from each region separately (:func:`subtract_background`);
        None: the data are already background-free. (The active Shirley of
        :func:`fit_region` is not offered here: its running integral would cross segments.)
    range : (float, float) or dict, optional
        Energy window, eV, for every region or ``{region: (lo, hi)}`` per region.
    n_average : int
        End-point averaging of the backgrounds.
    weights : "poisson", None or DataArray
        As :func:`fit_region` (the engine's rule, applied to each region with its own
        ``dwell_time``/``scans``).
    background_kwargs, fit_kwargs : dict, optional
        Options of :func:`subtract_background` and :func:`characterization.fit.fit_peaks`.
    dim, var : str, optional
        Energy dim and intensity variable.

    Returns
    -------
    xarray.Dataset
        The engine's curvefit-shaped result with names in the user's terms: ``param``
        labels ``"region/peak.param"``, ``peak`` labels ``"region/peak"`` (coordinate
        ``peak_region``); ``value`` (centers in binding energy), ``stderr``, ``at_bound``,
        ``center``, ``fwhm``, ``height``, ``area`` (+ ``*_stderr``), ``detected``; joint
        ``chisqr``, ``redchi``, ``success``, ``status``, ``nfev``; per region
        ``region_chisqr``, ``region_redchi`` (dof apportioned by points:
        :math:`n_r - P\,n_r/N`), ``region_success`` (joint success and a detected peak in
        the region) and ``n_points``; on the regions' common axis ``best_fit`` (background
        included), ``background`` and ``components(..., component, dim)`` (labels as ``peak``;
        NaN off their region).

    Notes
    -----
    Assumptions: each region's background is independent of the peaks (subtracted first);
    the regions of one spectrum share its batch coordinates. Limitations: no active
    background; peaks with tails decaying slower than :math:`E^{-2}` leak (module docstring);
    centers must start inside their region.

    References
    ----------
    The concatenated-axis construction is that of simultaneous fits of several data sets in
    lmfit/MINUIT-style programs; CasaXPS offers the same constraints between regions only
    through its parameter links. D. A. Shirley, Phys. Rev. B 5 (1972) 4709.

    Examples
    --------
    >>> import characterization as ch
    >>> from characterization.fit import Param, Peak, Tie
    >>> from characterization.synthetic.xps import si2p_spectra
    >>> a = si2p_spectra(2, fractions=[1.0], shifts=[0.0], fwhm=[1.2], e0=103.5, splitting=0.0,
    ...                  ratio=0.0, energy=(98.0, 110.0, 0.1), seed=0)
    >>> b = si2p_spectra(2, fractions=[1.0], shifts=[0.0], fwhm=[1.2], e0=532.9, splitting=0.0,
    ...                  ratio=0.0, energy=(527.0, 539.0, 0.1), seed=1)
    >>> peaks = {"Si": [Peak("Si4", "gl", center=103.4, fwhm=1.0, m=Param(30, vary=False))],
    ...          "O": [Peak("O", "gl", center=532.8, fwhm=1.0, m=Param(30, vary=False))]}
    >>> res = ch.xps.fit_regions({"Si": a, "O": b}, peaks, ties={"O/O.center": Tie("Si/Si4.center",
    ...                          offset=429.4)})
    >>> res.center.sel(peak="O/O").round(1).values.tolist()
    [532.9, 532.9]
    """
    fname = "xps.fit_regions"
    dim = dim or "binding_energy"
    var = var or "intensity"
    stacked = ds if isinstance(ds, xr.Dataset) and "region" in ds.dims \
        else stack_regions(ds, dim="region", energy_dim=dim)
    if not isinstance(model, dict) or not model:
        raise AnalysisError(f"{fname}: model must be a non-empty mapping {{region: peaks}}")
    labels = [str(v) for v in stacked["region"].values]
    regions = []
    for key in model:
        if str(key) not in labels:
            raise AnalysisError(f"{fname}: no region {key!r} (regions: {labels})")
        regions.append(str(key))
    if background is not None and str(background).lower() not in BACKGROUNDS:
        raise AnalysisError(f"{fname}: background must be one of {list(BACKGROUNDS)} or None, "
                            f"got {background!r}")
    stacked = stacked.assign_coords(region=labels)
    peaks = {r: _as_peaks(model[key], r) for r, key in zip(regions, model)}
    prepared = _prepare(stacked, regions, background, range, n_average, background_kwargs,
                        dim, var)
    grid = stacked[dim].values
    descending = grid.size > 1 and grid[0] > grid[-1]
    sign = -1.0 if descending else 1.0
    offsets = [sign * k * GAP for k in np.arange(len(regions))]
    layout = _Layout(regions, offsets, peaks)
    segments = {}
    for r in regions:
        e = np.asarray(prepared[r][0][dim].values, dtype=float) + layout.offset[r]
        segments[r] = (float(e.min()), float(e.max()))
    joint = _build_model(peaks, layout, segments, ties)
    virtual, w, owner = _virtual(prepared, layout, dim, var, weights)
    res = fit_peaks(virtual, joint, dim=dim, var=var, weights=w, **(fit_kwargs or {}))
    return _finish(res, virtual, w, owner, prepared, layout, stacked, grid, dim, var, joint)


def _finish(res, virtual, w, owner, prepared, layout, stacked, grid, dim, var, joint):
    units = stacked[var].attrs.get("units", "count/s")
    peak_names = list(res["peak"].values)
    ext = [layout.external[p] for p in peak_names]
    peak_off = xr.DataArray([layout.offset[r] for r, _ in ext], dims="peak",
                            coords={"peak": res["peak"]})
    params = list(res["param"].values)
    pext = []
    param_off = []
    for p in params:
        owner_peak, _, role = p.rpartition(".")
        r, name = layout.external[owner_peak]
        pext.append(f"{r}{_SEP}{name}.{role}")
        param_off.append(layout.offset[r] if role == "center" else 0.0)
    param_off = xr.DataArray(param_off, dims="param", coords={"param": res["param"]})
    out = res.drop_vars([v for v in ("best_fit", "components") if v in res])
    out = out.drop_dims([d for d in (dim, "component") if d in out.dims])
    out["value"] = (res["value"] - param_off).assign_attrs(res["value"].attrs)
    for v in ("center",):
        out[v] = (res[v] - peak_off).assign_attrs(res[v].attrs)
    # per-region chi-square
    resid = virtual[var] - res["best_fit"]
    if w is not None:
        resid = resid * w
    sq = resid ** 2
    n_total = int(owner.size)
    n_free = sum(1 for s in joint.slots if s.free)
    region_chi2, region_dof, n_points = [], [], []
    for r in layout.regions:
        idx = np.flatnonzero(owner == r)
        region_chi2.append(sq.isel({dim: idx}).sum(dim, min_count=1))
        n_points.append(idx.size)
        region_dof.append(idx.size - n_free * idx.size / n_total)
    reg = xr.DataArray(layout.regions, dims="region")
    chi2 = xr.concat(region_chi2, dim="region").assign_coords(region=reg)
    dof = xr.DataArray(region_dof, dims="region", coords={"region": reg})
    chi_units = res["chisqr"].attrs.get("units", "1")
    out["region_chisqr"] = chi2.where(res["success"]).assign_attrs(
        units=chi_units, long_name="Chi-square of the region's points")
    out["region_redchi"] = (chi2 / dof).where(res["success"]).assign_attrs(
        units=chi_units,
        long_name="Reduced chi-square of the region (dof apportioned by points)")
    peak_region = xr.DataArray([r for r, _ in ext], dims="peak", coords={"peak": res["peak"]})
    det = res["detected"]
    region_det = xr.concat([det.where(peak_region == r, False).any("peak")
                            for r in layout.regions], dim="region").assign_coords(region=reg)
    out["region_success"] = (res["success"] & region_det).assign_attrs(
        units="1", long_name="Joint fit converged and a peak of the region detected")
    out["n_points"] = xr.DataArray(n_points, dims="region", coords={"region": reg},
                                   attrs={"units": "1", "long_name": "Fitted points"})
    # curves back on the regions' common axis
    bg = xr.concat([prepared[r][1].reindex({dim: grid}) for r in layout.regions],
                   dim="region", coords="minimal", compat="override").assign_coords(region=reg)
    bg = bg.drop_vars([c for c in bg.coords if c not in bg.dims])
    model_curve = _to_grid(res["best_fit"], prepared, layout, owner, dim, grid)
    model_curve = model_curve.drop_vars([c for c in model_curve.coords
                                         if c not in model_curve.dims])
    out = out.assign_coords({dim: (dim, grid, stacked[dim].attrs)})
    out["background"] = bg.where(res["success"]).assign_attrs(
        units=units, long_name="Background (per region)")
    out["best_fit"] = (model_curve + bg).assign_attrs(
        units=units, long_name="Model (background included)")
    if "components" in res:
        comps = res["components"].sel(component=peak_names)
        rows = []
        for k, p in enumerate(peak_names):
            r, _ = layout.external[p]
            sub, _ = prepared[r]
            c = comps.isel(component=k, drop=True).isel({dim: np.flatnonzero(owner == r)})
            rows.append(c.assign_coords({dim: sub[dim].values}).reindex({dim: grid}))
        comp = xr.concat(rows, dim="component", coords="minimal", compat="override")
        comp = comp.drop_vars([c for c in comp.coords if c not in comp.dims])
        out["components"] = comp.assign_coords(
            component=[f"{r}{_SEP}{n}" for r, n in ext]).assign_attrs(
            units=units, long_name="Component (without background)")
    labels_peak = [f"{r}{_SEP}{n}" for r, n in ext]
    long = [str(t) for t in res["param_long_name"].values] if "param_long_name" in res.coords \
        else None
    if long is not None:
        for internal, (r, n) in layout.external.items():
            long = [t.replace(internal + " ", f"{r}{_SEP}{n} ") for t in long]
        out = out.assign_coords(param_long_name=("param", long,
                                                 res["param_long_name"].attrs))
    out = out.assign_coords(peak=labels_peak, param=pext,
                            peak_region=("peak", [r for r, _ in ext],
                                         {"long_name": "Region of the peak"}))
    batch = set(stacked[var].dims) - {"region", dim}
    keep = {c: stacked[c] for c in stacked.coords
            if c not in stacked.dims and stacked[c].ndim and set(stacked[c].dims) <= batch}
    out = out.assign_coords(keep)
    if "cov_i" in out.dims:
        out = out.assign_coords(cov_i=pext, cov_j=pext)
    lead = [d for d in stacked[var].dims if d in batch]
    out = out.transpose(*lead, ...)
    out[dim].attrs = {"long_name": "Binding energy", **stacked[dim].attrs, "units": "eV"}
    out.attrs["method"] = ("joint fit of regions on a concatenated axis; batched "
                           "Levenberg-Marquardt")
    out.attrs["parameters"] = {"regions": layout.regions, "segment_gap_eV": GAP,
                               "fitted_model": joint.to_dict()}
    return out
