r"""Segmentation of indentation tests into approach, loading, holds and unloading, per cycle."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._api import public
from .._apply import apply_kernel
from ._kernels import fill_gaps, moving_slope, robust_sigma, runs, valid_length

LABELS = ("approach", "loading", "hold", "unloading", "drift_hold")
_WIDTH = "<U12"


def _merge_short(lab: np.ndarray, min_points: int) -> np.ndarray:
    """Give runs shorter than ``min_points`` the label of their longer neighbour."""
    lab = lab.copy()
    for _ in range(50):
        rs = runs(lab)
        if len(rs) <= 1:
            break
        lengths = [b - a for a, b, _ in rs]
        i = int(np.argmin(lengths))
        if lengths[i] >= min_points:
            break
        a, b, _ = rs[i]
        left = lengths[i - 1] if i > 0 else -1
        right = lengths[i + 1] if i + 1 < len(rs) else -1
        lab[a:b] = rs[i - 1][2] if left >= right else rs[i + 1][2]
    return lab


def _sse_line(t, y):
    if t.size < 2:
        return 0.0
    a = np.vstack([t - t.mean(), np.ones_like(t)]).T
    res = y - a @ np.linalg.lstsq(a, y, rcond=None)[0]
    return float(res @ res)


def _refine_boundaries(lab, t, p, w):
    """Move each boundary between two segments (after the approach) to the kink of the load:
    the split within ±w points minimising the squared residuals of two straight lines."""
    lab = lab.copy()
    rs = runs(lab)
    for (a1, b1, v1), (a2, b2, v2) in zip(rs[:-1], rs[1:]):
        if "approach" in (v1, v2) or v1 == v2:
            continue
        lo, hi = max(a1, b1 - w), min(b2, b1 + w)
        if hi - lo < 6:
            continue
        splits = range(lo + 2, hi - 1)
        cost = [_sse_line(t[lo:k], p[lo:k]) + _sse_line(t[k:hi], p[k:hi]) for k in splits]
        k = splits[int(np.argmin(cost))]
        lab[lo:k], lab[k:hi] = v1, v2
    return lab


def segment_kernel(load, displacement, time, *, window, rate_threshold, min_points,
                   drift_hold_load):
    """numpy: (..., N) load, displacement, time -> (..., N) labels and (..., N) cycle numbers."""
    load, displacement, time = np.broadcast_arrays(load, displacement, time)
    labels = np.full(load.shape, "", dtype=_WIDTH)
    cycles = np.zeros(load.shape, dtype=np.int64)
    for idx in np.ndindex(load.shape[:-1]):
        lab, cyc = _segment_one(load[idx], displacement[idx], time[idx], window=window,
                                rate_threshold=rate_threshold, min_points=min_points,
                                drift_hold_load=drift_hold_load)
        labels[idx], cycles[idx] = lab, cyc
    return labels, cycles


def _segment_one(p, h, t, *, window, rate_threshold, min_points, drift_hold_load):
    n_all = p.size
    labels = np.full(n_all, "", dtype=_WIDTH)
    cycles = np.zeros(n_all, dtype=np.int64)
    n = valid_length(p, h)
    if n < 5:
        return labels, cycles
    p, h = fill_gaps(p[:n]), fill_gaps(h[:n])
    t = fill_gaps(t[:n]) if np.isfinite(t[:n]).sum() >= 2 else np.arange(n, dtype=float)
    w = int(window) if window else max(5, (n // 100) | 1)
    rp = moving_slope(t, p, w)
    rh = moving_slope(t, h, w)
    # thresholds: a fraction of the typical loading/unloading rate, never below the noise of
    # the local slope (σ_slope = σ √(12 / (w³ Δt²)) for a least-squares line over w points)
    dt = float(np.median(np.diff(t))) if n > 1 else 1.0
    dt = dt if dt > 0 else 1.0
    noise_factor = 3.0 * np.sqrt(12.0 / (w ** 3 * dt ** 2))
    thr_p = max(rate_threshold * np.percentile(np.abs(rp), 95), noise_factor * robust_sigma(p))
    thr_h = max(rate_threshold * np.percentile(np.abs(rh), 95), noise_factor * robust_sigma(h))
    lab = np.full(n, "hold", dtype=_WIDTH)
    up_p, down_p = rp > thr_p, rp < -thr_p
    up_h, down_h = rh > thr_h, rh < -thr_h
    # a small dP/dt with a fast dh/dt (displacement-controlled start of loading) is loading
    fast_h = np.abs(rh) > 0.5 * np.percentile(np.abs(rh), 95)
    lab[up_p & ~down_h] = "loading"
    lab[~up_p & ~down_p & fast_h & up_h] = "loading"
    lab[down_p & ~up_h] = "unloading"
    lab[~up_p & ~down_p & fast_h & down_h] = "unloading"
    lab[(up_p & down_h) | (down_p & up_h)] = ""        # load and depth disagree
    lab = _merge_short(lab, min_points)
    rs = runs(lab)
    first_loading = next((a for a, _, v in rs if v == "loading"), None)
    if first_loading is None:
        labels[:n] = np.where(lab == "", "hold", lab)
        cycles[:n] = 1
        return labels, cycles
    lab[:first_loading] = "approach"
    # remaining disagreements inside the test belong to the run before them
    rs = runs(lab)
    for i, (a, b, v) in enumerate(rs):
        if v == "" and i > 0:
            lab[a:b] = lab[a - 1]
    lab = _refine_boundaries(lab, t, p, w)
    rs = runs(lab)
    cycle, prev_motion, peak = 1, None, -np.inf
    for a, b, v in rs:
        if v == "loading":
            if prev_motion == "unloading":
                cycle += 1
                peak = -np.inf
            prev_motion = "loading"
        elif v == "unloading":
            prev_motion = "unloading"
        elif v == "hold" and prev_motion == "unloading" and \
                np.median(p[a:b]) < drift_hold_load * peak:
            lab[a:b] = "drift_hold"
        peak = max(peak, float(np.max(p[a:b]))) if v != "approach" else peak
        cycles[a:b] = cycle
    labels[:n] = lab
    return labels, cycles


@public("nanoindent", batch_dim="indent", transform=True, headline=())
def segment(ds: xr.Dataset, *, source: str = "auto", window: int | None = None,
            rate_threshold: float = 0.05, min_points: int = 5,
            drift_hold_load: float = 0.5) -> xr.Dataset:
    r"""Label every point of an indentation test: approach, loading, hold, unloading, drift hold.

    The labels go in the coordinate ``segment`` (str, on the dims of ``load``) and the cycle
    number in ``cycle`` (int, from 1; 0 on NaN padding), so a multi-cycle test is kept per
    cycle: ``ds.where(ds.cycle == 2)``.

    Detection (``source="detect"``, or ``"auto"`` when the test carries no markers) classifies
    each point from the local least-squares slopes :math:`\dot P` and :math:`\dot h` over
    ``window`` points (default 1 % of the test, at least 5):

    * a rate is *significant* when it exceeds
      :math:`\max(r\,\mathrm{P}_{95}(|\dot x|),\ 3\sigma_x\sqrt{12/(w^3\Delta t^2)})`, i.e. a
      fraction ``rate_threshold`` = r of the typical ramp rate, and three times the noise of the
      local slope (σ from the MAD of first differences);
    * loading: :math:`\dot P > 0` significant (or :math:`\dot P` insignificant with a fast
      :math:`\dot h > 0`, the start of a displacement-controlled ramp); unloading: the
      reverse; hold: neither rate significant; load and depth moving in opposite directions
      (pre-contact load decay, load drops) are given to the surrounding segment;
    * runs shorter than ``min_points`` join their longer neighbour; each boundary is moved,
      within ±``window`` points, to the kink of the load (the split minimising the residuals
      of two straight lines of P(t)); everything before the
      first loading run is ``"approach"``; a hold after unloading at a median load below
      ``drift_hold_load`` × the cycle's peak load is ``"drift_hold"``; a loading run after an
      unloading run starts a new cycle.

    With ``source="auto"`` a test that already has non-empty ``segment`` labels (file markers,
    mapped by the reader) keeps them; only ``cycle`` is added when missing (counting loading
    segments that follow unloading ones).

    Parameters
    ----------
    ds : xarray.Dataset
        Indentation data (``load`` in mN and ``displacement`` in nm along ``point``, coord
        ``time`` in s; any batch dims such as ``indent``; NaN padding allowed).
    source : {"auto", "markers", "detect"}
        Where the labels come from: the file's markers when present (``"auto"``), the markers
        only (error when there are none), or detection from the rates.
    window : int, optional
        Points of the local slope (odd; default ``max(5, N // 100)``).
    rate_threshold : float
        Fraction of the 95th-percentile rate below which a rate is a hold.
    min_points : int
        Shortest segment kept, points.
    drift_hold_load : float
        A hold after unloading below this fraction of the cycle's peak load is a drift hold.

    Returns
    -------
    xarray.Dataset
        The input with coordinates ``segment`` and ``cycle`` on the dims of ``load``.

    Raises
    ------
    AnalysisError
        No ``load``/``displacement``, or ``source="markers"`` without markers.

    Notes
    -----
    Limitations: a hold whose creep is as fast as the loading itself is not separated from
    loading; a load drop longer than ``min_points`` (fracture) is given to the segment before
    it (see :func:`characterization.nanoindent.events` for load drops). ISO 14577-1 defines the
    test phases but not how to find them; vendors (NanoSuite, TriboScan) write markers, which
    ``source="auto"`` prefers.

    References
    ----------
    ISO 14577-1:2015, Metallic materials — Instrumented indentation test — Part 1.

    Examples
    --------
    >>> from characterization.synthetic import indentation_curves
    >>> from characterization.nanoindent import segment
    >>> ds = indentation_curves(2, drift_hold_time=10.0, seed=1)
    >>> out = segment(ds, source="detect")
    >>> sorted(str(s) for s in set(out.segment.values[0]))
    ['drift_hold', 'hold', 'loading', 'unloading']
    """
    from ..errors import AnalysisError

    for name in ("load", "displacement"):
        if name not in ds.data_vars:
            raise AnalysisError(f"segment: variable {name!r} not in Dataset "
                                f"(variables: {list(ds.data_vars)})")
    if source not in ("auto", "markers", "detect"):
        raise AnalysisError(f"segment: source must be 'auto', 'markers' or 'detect', "
                            f"not {source!r}")
    load, disp = ds["load"], ds["displacement"]
    # markers are metadata: read them eagerly even from a chunked Dataset
    has_markers = source != "detect" and "segment" in ds.coords and bool(
        np.any(np.asarray(ds["segment"].values).astype(str) != ""))
    if source == "markers" and not has_markers:
        raise AnalysisError("segment: source='markers' but the data carry no segment markers")
    out = ds.copy()
    if source != "detect" and has_markers:
        method = "file markers"
        if "cycle" not in ds.coords:
            labels = ds["segment"].broadcast_like(load).astype(_WIDTH)
            cycle = apply_kernel(_cycles_from_labels, labels, input_core_dims=[["point"]],
                                 output_core_dims=[["point"]], output_dtypes=[np.int64])
            out = out.assign_coords(cycle=cycle.assign_attrs(units="1", long_name="Cycle"))
    else:
        method = "rate classification"
        time = ds["time"] if "time" in ds.coords else xr.DataArray(
            np.arange(ds.sizes["point"], dtype=float), dims="point")
        labels, cycle = apply_kernel(
            segment_kernel, load, disp, time,
            input_core_dims=[["point"], ["point"], ["point"]],
            output_core_dims=[["point"], ["point"]], output_dtypes=[_WIDTH, np.int64],
            kwargs={"window": window, "rate_threshold": float(rate_threshold),
                    "min_points": int(min_points), "drift_hold_load": float(drift_hold_load)})
        out = out.assign_coords(
            segment=labels.transpose(*load.dims).assign_attrs(long_name="Segment"),
            cycle=cycle.transpose(*load.dims).assign_attrs(units="1", long_name="Cycle"))
    out.attrs["method"] = method
    return out


def _cycles_from_labels(labels):
    """numpy: (..., N) labels -> (..., N) cycle numbers (a loading after an unloading: +1)."""
    labels = np.asarray(labels)
    out = np.zeros(labels.shape, dtype=np.int64)
    for idx in np.ndindex(labels.shape[:-1]):
        lab = labels[idx]
        cycle, prev = 1, None
        for a, b, v in runs(lab):
            v = str(v).lower()
            if "load" in v and "unload" not in v and prev == "unloading":
                cycle += 1
            if "unload" in v:
                prev = "unloading"
            elif "load" in v:
                prev = "loading"
            out[idx][a:b] = cycle if v else 0
    return out
