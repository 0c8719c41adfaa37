r"""Pop-ins, displacement excursions, load drops and fracture during indentation loading."""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy.ndimage import median_filter

from .._api import public
from .._apply import apply_kernel
from ..errors import AnalysisError
from ._kernels import fill_gaps, runs, valid_length
from .surface import contact_index
from ._labels import canonical_labels, depth_to_nm, load_to_mn, require, work_factor

_MSG = "<U80"
_EVENT_VARS = (
    ("event_load", "mN", "Load at the start of the event (highest of its first two points)"),
    ("event_depth", "nm", "Displacement at the start of the event"),
    ("event_excursion", "nm", "Displacement excursion (beyond the curve's own advance)"),
    ("event_load_drop", "mN", "Load drop during the event"),
    ("event_energy", "J", "Work done during the event (integral of P dh)"),
    ("event_time", "s", "Time at the start of the event"),
    ("event_index", "1", "Point index where the event starts"),
)


def _loading_points(p, seg, start):
    """Indices of the loading part: points labelled loading (all labels empty: from the
    contact to P_max), from the surface index on when known."""
    lab = canonical_labels(seg)
    idx = np.flatnonzero(lab == "loading")
    if idx.size == 0 and not (lab != "").any():
        first = int(start) if np.isfinite(start) else contact_index(p)[0]
        idx = np.arange(max(first, 0), int(np.nanargmax(p)) + 1)
    elif np.isfinite(start):
        idx = idx[idx >= int(start)]
    return idx


def _events_one(p, h, t, seg, start, *, threshold, window, min_excursion,
                fracture_excursion, fracture_load_drop, max_events, factor, to_mn, to_nm):
    out = np.full((len(_EVENT_VARS), max_events), np.nan)
    n = valid_length(p, h)
    if n < 10:
        return out, 0, False, np.nan, False, "fewer than 10 points"
    p, h = fill_gaps(p[:n]), fill_gaps(h[:n])
    t = fill_gaps(t[:n]) if np.isfinite(t[:n]).sum() >= 2 else np.arange(n, dtype=float)
    idx = _loading_points(p, seg[:n], start)
    if idx.size < 2 * window + 3:
        return out, 0, False, np.nan, False, "loading segment shorter than the window"
    pl, hl = p[idx], h[idx]
    dh, dp = np.diff(hl), np.diff(pl)
    ref = median_filter(dh, size=2 * window + 1, mode="nearest")
    ref_p = median_filter(dp, size=2 * window + 1, mode="nearest")
    # excess depth of each step over what its load step gives along the curve's own local
    # compliance dh/dP (running medians): zero on the curve, the burst at constant load, the
    # burst plus the load drop when the load falls
    with np.errstate(divide="ignore", invalid="ignore"):
        compliance = np.where(ref_p > 0, ref / ref_p, np.nan)
    resid = np.where(np.isfinite(compliance), dh - dp * compliance, dh - ref)
    csum = np.concatenate(([0.0], np.cumsum(resid)))          # excess depth, point-indexed
    m = csum.size
    # multi-scale test: the excess depth gained over L steps (L = 1, 2, 4 ... w) against its
    # own robust spread, so a burst spread over several samples is seen as well as a jump
    covered = np.zeros(m, bool)
    scale = 1
    while scale <= window:
        gain = csum[scale:] - csum[:-scale]
        # local robust spread (the noise of dP × compliance grows where the curve is soft)
        size = 2 * window + 1
        centre = median_filter(gain, size=size, mode="nearest")
        spread = 1.4826 * median_filter(np.abs(gain - centre), size=size, mode="nearest")
        spread = np.maximum(spread, np.finfo(float).tiny)
        for i in np.flatnonzero(gain - centre > threshold * spread):
            covered[i:i + scale + 1] = True
        scale *= 2
    # depth noise of one step (robust): an excursion must exceed threshold × it
    step = dh - ref
    noise = 1.4826 * float(np.median(np.abs(step - np.median(step))))
    found = []
    for a0, b0, v in runs(covered):
        if not v:
            continue
        b0 -= 1                                            # last covered point
        c = csum[a0:b0 + 1]
        top = int(np.argmax(c))
        span = c[top] - np.min(c[:top + 1])
        if not span > 0:
            continue
        low = np.min(c[:top + 1])
        a = a0 + int(np.flatnonzero(c[:top + 1] <= low + 0.05 * span)[-1])
        b = a + int(np.flatnonzero(csum[a:a0 + top + 1] >= c[top] - 0.05 * span)[0])
        if b <= a:
            continue
        stiff = np.median(ref_p[max(a - window, 0):b + window]) / \
            np.median(ref[max(a - window, 0):b + window])
        rise = pl[b] - pl[a]
        advance = max(rise, 0.0) / stiff if np.isfinite(stiff) and stiff > 0 else 0.0
        excursion = (hl[b] - hl[a]) - advance
        if excursion < max(min_excursion, threshold * noise) or a < window:
            continue
        tail = min(idx.size, b + 1 + (b - a) + 5)
        drop = max(pl[a] - float(np.min(pl[a:tail])), 0.0)
        energy = float(np.sum(0.5 * (pl[a + 1:b + 1] + pl[a:b]) * np.diff(hl[a:b + 1]))) \
            - 0.5 * (pl[a] + pl[b]) * advance
        # the load of the event: that of its first recorded point (the burst's load), or the
        # point before when the load drops
        found.append((max(pl[a], pl[a + 1]) * to_mn, hl[a] * to_nm, excursion * to_nm, drop * to_mn,
                      energy * factor, t[idx[a]], float(idx[a])))
    message = ""
    if len(found) > max_events:
        message = f"{len(found)} events, only the first {max_events} returned"
    for j, ev in enumerate(found[:max_events]):
        out[:, j] = ev
    fracture, why = False, []
    for ev in found:
        if ev[1] > 0 and ev[2] >= fracture_excursion * ev[1]:
            why.append(f"excursion {ev[2]:.3g} nm >= {fracture_excursion:g} of depth")
        if ev[0] > 0 and ev[3] >= fracture_load_drop * ev[0]:
            why.append(f"load drop {ev[3]:.3g} mN >= {fracture_load_drop:g} of load")
    fracture = bool(why)
    if why:
        message = "; ".join([message, *why[:2]] if message else why[:2])[:80]
    first = found[0][0] if found else np.nan
    return out, len(found), fracture, first, True, message


def _events_kernel(p, h, t, seg, start, **kw):
    n = p.shape[-1]
    shape = np.broadcast_shapes(p.shape[:-1], h.shape[:-1], t.shape[:-1], seg.shape[:-1],
                                np.shape(start))
    start = np.broadcast_to(start, shape)
    p, h = np.broadcast_to(p, shape + (n,)), np.broadcast_to(h, shape + (n,))
    t, seg = np.broadcast_to(t, shape + (n,)), np.broadcast_to(seg, shape + (n,))
    m = kw["max_events"]
    ev = np.full(shape + (len(_EVENT_VARS), m), np.nan)
    count = np.zeros(shape, np.int64)
    frac = np.zeros(shape, bool)
    first = np.full(shape, np.nan)
    ok = np.zeros(shape, bool)
    msg = np.full(shape, "", dtype=_MSG)
    for i in np.ndindex(shape):
        ev[i], count[i], frac[i], first[i], ok[i], msg[i] = _events_one(
            p[i], h[i], t[i], seg[i], start[i], **kw)
    return (*[ev[..., k, :] for k in range(len(_EVENT_VARS))], count, frac, first, ok, msg)


@public("nanoindent", batch_dim="indent", headline=("n_events", "popin_load", "fracture"))
def events(ds: xr.Dataset, *, threshold: float = 8.0, window: int = 25,
           min_excursion: float = 0.0,
           fracture_excursion: float = 0.5, fracture_load_drop: float = 0.5,
           max_events: int = 20) -> xr.Dataset:
    r"""Pop-ins (displacement excursions at near-constant load), load drops and fracture.

    On the loading segment (``segment == "loading"``, from ``surface_index`` on when
    :func:`zero_point` was run; from the contact to the peak load when the data carry no
    labels) each depth step :math:`\Delta h_i = h_{i+1} - h_i` is compared with
    what its load step gives along the curve's own local compliance (running medians
    :math:`\tilde{\Delta h}, \tilde{\Delta P}` over :math:`2w+1` steps, w = ``window``):

    .. math:: r_i = \Delta h_i - \Delta P_i\,\tilde{\Delta h}_i / \tilde{\Delta P}_i

    which is zero on the curve, the burst at near-constant load, and the burst plus the load
    drop when the load falls. The excess depth :math:`\sum r` over L = 1, 2, 4 … w steps is
    compared with its local robust spread :math:`\hat\sigma_L` (1.4826 × running MAD); where
    it exceeds :math:`k\hat\sigma_L` (k = ``threshold``) an event is marked, so bursts
    recorded over several samples are found as well as single jumps. Each event is trimmed to
    the rise of the cumulative excess (5 %–95 %), from point a to point b, and kept when its
    excursion

    .. math:: \Delta h = h_b - h_a - \max(P_b - P_a, 0)\,\tilde{\Delta h}/\tilde{\Delta P}

    exceeds ``min_excursion`` and k × the robust noise of one depth step, and it starts after
    the first w loading steps (where the running medians are one-sided).

    Per event: load at its start (the higher of its first two points: the burst's load at
    constant load, the load before the drop otherwise) and depth there, excursion Δh, load drop (start load minus the
    lowest load during and just after it), the work done during it :math:`\int P\,dh` (J; the
    energy dissipated by a pop-in at constant load is :math:`P\Delta h`), time and point
    index. ``fracture`` flags a test with an event whose excursion is at least
    ``fracture_excursion`` × the depth at the event, or whose load drop is at least
    ``fracture_load_drop`` × the load (the reason goes in ``message``).

    Parameters
    ----------
    ds : xarray.Dataset
        Indentation data (``load``, ``displacement``, coord ``time``; ``segment`` labels
        recommended); batch dims such as ``indent``; NaN padding allowed.
    threshold : float
        k, in robust standard deviations of the depth steps.
    window : int
        Half-width w (steps) of the running median giving the curve's own advance; an
        excursion spread over more than w steps is not seen.
    min_excursion : float
        Smallest excursion reported, nm.
    fracture_excursion, fracture_load_drop : float
        Fractions of the depth and of the load beyond which an event flags fracture.
    max_events : int
        Length of the ``event`` dim (events beyond it are counted, not returned).

    Returns
    -------
    xarray.Dataset
        ``event_load`` (mN), ``event_depth`` (nm), ``event_excursion`` (nm),
        ``event_load_drop`` (mN), ``event_energy`` (J), ``event_time`` (s), ``event_index`` on
        the dims ``(..., event)`` (NaN beyond the events found); per test ``n_events``,
        ``popin_load`` (load of the first event, NaN when none), ``fracture``, ``success`` and
        ``message``.

    Notes
    -----
    Assumptions: load-controlled or displacement-controlled loading sampled finely enough that
    the normal advance varies slowly over 2w+1 steps. Limitations: excursions spread over more
    than w steps (very slow bursts) are missed; noise spikes of a single step above k σ̂ that
    also pass ``min_excursion`` are reported (raise ``min_excursion`` to the smallest
    physically meaningful Δh, e.g. a few nm).

    References
    ----------
    Schuh, C. A., "Nanoindentation studies of materials", Materials Today 9, 32–40 (2006)
    (pop-ins, displacement bursts). Mercier, D. et al., PopIn toolbox (pop-in statistics).

    Examples
    --------
    >>> from characterization.synthetic import indentation_curves
    >>> from characterization.nanoindent import events
    >>> ds = indentation_curves(2, popin_load=20.0, popin_depth=15.0, noise_load=0.002,
    ...                         noise_displacement=0.05, seed=3)
    >>> res = events(ds)
    >>> [round(float(v), 2) for v in res.popin_load.values]
    [20.0, 20.0]
    """
    require(ds, "events")
    if not threshold > 0 or not window >= 2 or not max_events >= 1:
        raise AnalysisError("events: threshold must be > 0, window >= 2 and max_events >= 1")
    seg = ds["segment"].broadcast_like(ds["load"]) if "segment" in ds.coords else \
        xr.full_like(ds["load"], "", dtype="<U1")
    time = ds["time"] if "time" in ds.coords else xr.DataArray(
        np.arange(ds.sizes["point"], dtype=float), dims="point")
    batch = [d for d in ds["load"].dims if d != "point"]
    start = ds["surface_index"] if "surface_index" in ds.data_vars else xr.DataArray(np.nan)
    outs = apply_kernel(
        _events_kernel, ds["load"], ds["displacement"], time, seg, start,
        input_core_dims=[["point"]] * 4 + [[]],
        output_core_dims=[["event"]] * len(_EVENT_VARS) + [()] * 5,
        output_dtypes=[float] * len(_EVENT_VARS) + [np.int64, bool, float, bool, _MSG],
        output_sizes={"event": int(max_events)},
        kwargs={"threshold": float(threshold), "window": int(window),
                "min_excursion": float(min_excursion),
                "fracture_excursion": float(fracture_excursion),
                "fracture_load_drop": float(fracture_load_drop), "max_events": int(max_events),
                "factor": work_factor(ds, "events"), "to_mn": load_to_mn(ds, "events"),
                "to_nm": depth_to_nm(ds, "events")})
    data = {name: out.assign_attrs(units=u, long_name=ln)
            for (name, u, ln), out in zip(_EVENT_VARS, outs)}
    count, frac, first, ok, msg = outs[len(_EVENT_VARS):]
    data["n_events"] = count.assign_attrs(units="1", long_name="Number of events")
    data["popin_load"] = first.assign_attrs(units="mN", long_name="Load of the first event")
    data["fracture"] = frac.assign_attrs(long_name="Fracture flagged")
    data["success"] = ok.assign_attrs(long_name="Event search done")
    data["message"] = msg.assign_attrs(long_name="Notes and reasons")
    result = xr.Dataset(data).transpose(*batch, ...)
    result = result.assign_coords(event=("event", np.arange(int(max_events)),
                                         {"units": "1", "long_name": "Event"}))
    result.attrs["method"] = "robust depth-step threshold (running median, MAD)"
    return result
