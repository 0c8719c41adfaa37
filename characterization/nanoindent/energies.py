r"""Indentation work partitioning (ISO 14577-1 Annex A): total, elastic and plastic work."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._api import public
from .._apply import apply_kernel
from ..errors import AnalysisError
from ._kernels import runs, valid_length
from ._labels import canonical_labels, cycles_of, labels_of, require, work_factor

_MSG = "<U80"
_OUTPUTS = (
    ("total_work", "J", "Total indentation work W_total (area under loading)"),
    ("elastic_work", "J", "Elastic work W_e (area under unloading)"),
    ("plastic_work", "J", "Plastic work W_p = W_total - W_e"),
    ("elastic_fraction", "1", "Elastic part of the indentation work eta_IT = W_e/W_total"),
    ("max_load", "mN", "Peak load of the cycle"),
    ("max_depth", "nm", "Peak displacement of the cycle"),
    ("unload_end_load", "mN", "Load where the integrated unloading ends"),
    ("unload_end_depth", "nm", "Displacement where the integrated unloading ends"),
)


def _trapz(p, h) -> float:
    return float(np.sum(0.5 * (p[1:] + p[:-1]) * np.diff(h))) if p.size > 1 else 0.0


def _energy_one(p, h, seg, cyc, start, *, cycle, unload_end, include_hold, factor, to_mn,
                to_nm):
    nan = (np.nan,) * len(_OUTPUTS)
    n = valid_length(p, h)
    if n < 3:
        return nan + (False, "no data")
    p, h, seg, cyc = p[:n], h[:n], canonical_labels(seg[:n]), np.asarray(cyc[:n])
    c = int(cyc.max()) if cycle == "last" else int(cycle)
    in_cycle = cyc == c
    if not in_cycle.any():
        return nan + (False, f"no cycle {c} (cycles: {sorted(set(cyc.tolist()) - {0})})")
    first = int(start) if np.isfinite(start) else 0
    after_contact = np.arange(n) >= first
    wanted = ("loading", "hold") if include_hold else ("loading",)
    load_mask = in_cycle & after_contact & np.isin(seg, wanted)
    unload_mask = in_cycle & (seg == "unloading")
    if not load_mask.any() or not unload_mask.any():
        return nan + (False, f"cycle {c} has no {'loading' if not load_mask.any() else 'unloading'}"
                      " segment")
    # each loading run ends at the point after it (the start of the hold), so a point that
    # the segmentation gave to the hold still counts
    ends = [(a, b + 1 if b < n and seg[b] == "hold" else b)
            for a, b, v in runs(load_mask) if v]
    w_total = sum(_trapz(p[a:b], h[a:b]) for a, b in ends)
    unload_runs = [(a, b) for a, b, v in runs(unload_mask) if v]
    if unload_end == "drift_hold":
        unload_runs = unload_runs[:1]
    # each unloading run starts from the point before it (the end of the hold)
    a0 = unload_runs[0][0]
    starts = [max(a0 - 1, 0)]
    starts += [max(a - 1, 0) for a, _ in unload_runs[1:]]
    w_e = -sum(_trapz(p[s:b], h[s:b]) for s, (_, b) in zip(starts, unload_runs))
    end = unload_runs[-1][1] - 1
    pmax = float(np.max(p[in_cycle]))
    hmax = float(np.max(h[in_cycle]))
    w_total, w_e = w_total * factor, w_e * factor
    values = (w_total, w_e, w_total - w_e, w_e / w_total if w_total else np.nan,
              pmax * to_mn, hmax * to_nm, float(p[end]) * to_mn, float(h[end]) * to_nm)
    if not w_total > 0:
        return nan + (False, "total work is not positive (no contact loading?)")
    if not 0 <= w_e <= w_total:
        return nan + (False, "elastic work outside [0, W_total]: uncorrected drift or frame "
                             "compliance, or a broken unloading")
    return values + (True, "")


def _energy_kernel(p, h, seg, cyc, start, **kw):
    shape = np.broadcast_shapes(p.shape[:-1], h.shape[:-1], seg.shape[:-1], cyc.shape[:-1],
                                np.shape(start))
    n = p.shape[-1]
    p, h = np.broadcast_to(p, shape + (n,)), np.broadcast_to(h, shape + (n,))
    seg, cyc = np.broadcast_to(seg, shape + (n,)), np.broadcast_to(cyc, shape + (n,))
    start = np.broadcast_to(start, shape)
    outs = [np.full(shape, np.nan) for _ in _OUTPUTS]
    ok = np.zeros(shape, bool)
    msg = np.full(shape, "", dtype=_MSG)
    for idx in np.ndindex(shape):
        *vals, success, text = _energy_one(p[idx], h[idx], seg[idx], cyc[idx], start[idx], **kw)
        for o, v in zip(outs, vals):
            o[idx] = v
        ok[idx], msg[idx] = success, text
    return (*outs, ok, msg)


@public("nanoindent", batch_dim="indent",
        headline=("total_work", "elastic_work", "plastic_work", "elastic_fraction"))
def energies(ds: xr.Dataset, *, cycle="last", unload_end: str = "end",
             include_hold: bool = False) -> xr.Dataset:
    r"""Total, elastic and plastic indentation work and the elastic fraction η_IT, in joules.

    .. math::

        W_{total} = \int_{loading} P\,dh, \qquad
        W_e = -\int_{unloading} P\,dh, \qquad
        W_p = W_{total} - W_e, \qquad \eta_{IT} = W_e / W_{total}

    (trapezoid rule on the measured points; ISO 14577-1:2015 Annex A, where
    :math:`\eta_{IT} = W_{elast}/W_{total}`). Every definition choice is a parameter, recorded
    in ``attrs["parameters"]``:

    * ``cycle``: which loading/unloading cycle of a multi-cycle test (``cycle`` coordinate of
      :func:`segment`);
    * ``include_hold``: whether the creep at the peak-load hold counts in :math:`W_{total}`;
    * ``unload_end``: ``"end"`` integrates every unloading segment of the cycle to its end (a
      thermal-drift hold inside the unloading is skipped, its displacement being drift);
      ``"drift_hold"`` stops at the start of the first hold during unloading (typically at
      10 % of :math:`P_{max}`), the end point NanoSuite-style analyses use. The load and
      depth where the integration ended are returned (``unload_end_load``,
      ``unload_end_depth``).

    Loading is integrated from the surface contact: when the data carry ``surface_index``
    (from :func:`zero_point`), points before it are not counted.

    Parameters
    ----------
    ds : xarray.Dataset
        Indentation data with ``load``, ``displacement`` (units attrs: mN, µN, N and nm, µm, m
        are understood) and ``segment`` labels (file markers or :func:`segment`); any batch
        dims (``indent``), NaN padding allowed. Correct drift and frame compliance first
        (:func:`correct_drift`, :func:`correct_frame_compliance`): the work is computed on the
        displacement as given.
    cycle : int or "last"
        Cycle to integrate (``"last"``: the last cycle of each test).
    unload_end : {"end", "drift_hold"}
        Where the integrated unloading stops (see above).
    include_hold : bool
        Count the work done during the hold at peak load in :math:`W_{total}`.

    Returns
    -------
    xarray.Dataset
        Per test: ``total_work``, ``elastic_work``, ``plastic_work`` (J), ``elastic_fraction``,
        ``max_load`` (mN), ``max_depth`` (nm), ``unload_end_load``, ``unload_end_depth``,
        ``success`` and ``message``. A test without loading or unloading in the cycle, with a
        non-positive total work or an elastic work outside :math:`[0, W_{total}]` (the sign of
        uncorrected drift or compliance) gets NaN, ``success=False`` and the reason.

    Notes
    -----
    Assumptions: the displacement is the depth into the surface (zero at contact), the
    unloading is elastic; the work of the pre-contact approach is zero. Limitations: the
    unloading work depends on where unloading stops; with ``unload_end="drift_hold"``
    :math:`W_e` misses the part below the drift hold (for P = α(h − h_f)^m it is the fraction
    :math:`(P_{end}/P_{max})^{(m+1)/m}` of :math:`W_e`, 2.2 % at 10 % of P_max and m = 1.5).

    References
    ----------
    ISO 14577-1:2015, Annex A (η_IT). Cheng, Y.-T. & Cheng, C.-M., "Relationships between
    hardness, elastic modulus, and the work of indentation", Appl. Phys. Lett. 73, 614 (1998).

    Examples
    --------
    >>> from characterization.synthetic import indentation_curves
    >>> from characterization.nanoindent import energies
    >>> ds = indentation_curves(2, sampling_rate=200.0, seed=1)
    >>> res = energies(ds)
    >>> truth = ds.attrs["ground_truth"]["elastic_work"][0]
    >>> bool(abs(res.elastic_work[0] / truth - 1) < 1e-3)
    True
    """
    require(ds, "energies")
    if unload_end not in ("end", "drift_hold"):
        raise AnalysisError(f"energies: unload_end must be 'end' or 'drift_hold', not "
                            f"{unload_end!r}")
    if cycle != "last" and not (isinstance(cycle, (int, np.integer)) and cycle >= 1):
        raise AnalysisError(f"energies: cycle must be 'last' or a cycle number >= 1, not "
                            f"{cycle!r}")
    factor = work_factor(ds, "energies")
    from ._labels import depth_to_nm, load_to_mn

    seg = labels_of(ds, "energies")
    cyc = cycles_of(ds)
    batch = [d for d in ds["load"].dims if d != "point"]
    start = ds["surface_index"] if "surface_index" in ds.data_vars else xr.DataArray(np.nan)
    outs = apply_kernel(
        _energy_kernel, ds["load"], ds["displacement"], seg, cyc, start,
        input_core_dims=[["point"]] * 4 + [[]],
        output_core_dims=[()] * (len(_OUTPUTS) + 2),
        output_dtypes=[float] * len(_OUTPUTS) + [bool, _MSG],
        kwargs={"cycle": cycle, "unload_end": unload_end, "include_hold": bool(include_hold),
                "factor": factor, "to_mn": load_to_mn(ds, "energies"),
                "to_nm": depth_to_nm(ds, "energies")})
    data = {}
    for (name, units, long_name), out in zip(_OUTPUTS, outs):
        data[name] = out.assign_attrs(units=units, long_name=long_name)
    data["success"] = outs[-2].assign_attrs(long_name="Energies obtained")
    data["message"] = outs[-1].assign_attrs(long_name="Reason when not obtained")
    result = xr.Dataset(data).transpose(*batch)
    result.attrs["method"] = "ISO 14577-1 Annex A, trapezoid integration"
    return result
