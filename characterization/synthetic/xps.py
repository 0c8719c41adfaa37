"""Synthetic XPS core-level regions with known oxidation-state fractions (Si 2p by default).

Each oxidation state is a spin–orbit doublet of CasaXPS GL(m) peaks: the j = 3/2 line at
``e0 + shift_n`` and the j = 1/2 line ``splitting`` eV higher with ``ratio`` times its area.
A Shirley-type step (proportional to the peak area on the low-binding-energy side), a constant
offset and Poisson counting noise are added. The ground truth (fractions, average valence,
charging shift, areas) is returned in ``attrs["ground_truth"]``.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from ..conventions import CONVENTIONS_VERSION, validate
from ..fit.lineshapes import get_lineshape

#: Si 2p3/2 chemical shifts of Si^n+ relative to Si^0 (eV), Himpsel et al., Phys. Rev. B 38
#: (1988) 6084 (Si/SiO2 interface, synchrotron): 0.95, 1.75, 2.48, 3.9 eV per oxidation step.
SI2P_SHIFTS = (0.0, 0.95, 1.75, 2.48, 3.90)
#: Si^0 2p3/2 binding energy (eV), crystalline Si referenced to C 1s 284.8 eV.
SI2P_E0 = 99.4
#: Si 2p spin–orbit splitting (eV) and 2p1/2 : 2p3/2 area ratio.
SI2P_SPLITTING, SI2P_RATIO = 0.61, 0.5
#: Lab-source (Al Kα monochromated) FWHMs of each 2p3/2 component, eV (illustrative).
SI2P_FWHM = (0.8, 1.1, 1.2, 1.3, 1.5)


def si2p_spectra(n_spectra: int = 8, *, fractions=None, batch: dict | None = None,
                 charge_shift=0.0, peak_counts: float = 1.0e4, offset: float = 0.3,
                 shirley_step: float = 0.15, fwhm=SI2P_FWHM, m: float = 30.0,
                 shifts=SI2P_SHIFTS, e0: float = SI2P_E0, splitting: float = SI2P_SPLITTING,
                 ratio: float = SI2P_RATIO, energy=(95.0, 108.0, 0.1), dwell_time: float = 0.1,
                 scans: int = 5, noise: bool = True, seed: int | None = 0) -> xr.Dataset:
    """Si 2p (or any doublet core level) spectra with known oxidation-state fractions.

    Parameters
    ----------
    n_spectra : int
        Number of spectra along ``sample`` (ignored when ``batch`` is given).
    fractions : array_like, optional
        Area fractions of the states, shape ``(n_states,)`` or ``(*batch_shape, n_states)``;
        rows are normalised to 1. Default: random per spectrum (Dirichlet(1, ..., 1)).
    batch : dict, optional
        Batch dims and their coordinates, e.g. ``{"site": [...], "sputter_time": [...]}``
        (sputter_time in s); default ``{"sample": n_spectra labels}``.
    charge_shift : float or array_like
        Shift added to every peak, eV (an energy-referencing error), per spectrum or scalar.
    peak_counts : float
        Expected counts at the maximum of the peak envelope (without background).
    offset, shirley_step : float
        Constant background and Shirley step height, as fractions of the envelope maximum.
    fwhm, shifts : sequence of float
        Per-state FWHM (eV) and chemical shift relative to ``e0`` (eV); their length sets the
        number of states (oxidation numbers 0, 1, ...).
    m : float
        Lorentzian percentage of the GL(m) line shape.
    e0, splitting, ratio : float
        State-0 j = 3/2 binding energy (eV), spin–orbit splitting (eV), j = 1/2 : j = 3/2 area
        ratio.
    energy : (float, float, float)
        Binding-energy axis (start, stop, step), eV; stored descending as most instruments do.
    dwell_time, scans : float, int
        Dwell per channel (s) and scans; intensity (counts/s) = counts / (dwell_time · scans).
    noise : bool
        Poisson noise on the counts (False: the exact expected intensity).
    seed : int or None
        Random seed.

    Returns
    -------
    xarray.Dataset
        ``intensity`` (count/s) and ``counts`` (count) on ``binding_energy`` (eV), batch dims
        first, scalar coords of the XPS convention (``excitation_energy`` 1486.6 eV, ``region``
        "Si 2p", ``dwell_time``, ``scans``, ``pass_energy``), ``kinetic_energy`` as a coordinate
        on ``binding_energy``. ``attrs["ground_truth"]``: ``fractions`` (..., state),
        ``average_valence``, ``charge_shift``, ``areas`` (..., state, counts/s·eV).

    Examples
    --------
    >>> from characterization.synthetic.xps import si2p_spectra
    >>> ds = si2p_spectra(3, fractions=[0.5, 0.1, 0.1, 0.1, 0.2], seed=1)
    >>> round(float(ds.attrs["ground_truth"]["average_valence"][0]), 2)
    1.4
    """
    rng = np.random.default_rng(seed)
    if batch is None:
        batch = {"sample": [f"S{i:04d}" for i in range(int(n_spectra))]}
    dims = tuple(batch)
    shape = tuple(len(v) for v in batch.values())
    shifts = np.asarray(shifts, dtype=float)
    fwhm = np.broadcast_to(np.asarray(fwhm, dtype=float), shifts.shape)
    n_states = shifts.size
    if fractions is None:
        frac = rng.dirichlet(np.ones(n_states), size=shape)
    else:
        frac = np.broadcast_to(np.asarray(fractions, dtype=float), (*shape, n_states)).copy()
        if np.any(frac < 0):
            raise ValueError("fractions must be non-negative")
        frac /= frac.sum(axis=-1, keepdims=True)
    dq = np.broadcast_to(np.asarray(charge_shift, dtype=float), shape)
    start, stop, step = energy
    x = np.arange(stop, start - 0.5 * step, -step)          # descending binding energy
    gl = get_lineshape("gl")
    flat = frac.reshape(-1, n_states)
    dqf = dq.reshape(-1)
    env = np.zeros((flat.shape[0], x.size))
    for n in range(n_states):
        for share, de in ((1.0 / (1.0 + ratio), 0.0), (ratio / (1.0 + ratio), splitting)):
            env += gl.evaluate(x, (flat[:, n] * share)[:, None],
                               (e0 + shifts[n] + de + dqf)[:, None],
                               [np.full((1, 1), fwhm[n]), np.full((1, 1), m)], "area")
    scale = 1.0 / env.max(axis=-1, keepdims=True)
    env *= scale
    areas = flat * scale                                     # area per unit envelope height
    # Shirley step: proportional to the envelope area on the low-binding-energy side
    xa = x[::-1]
    cum = np.concatenate([np.zeros((env.shape[0], 1)),
                          np.cumsum(0.5 * (env[:, ::-1][:, 1:] + env[:, ::-1][:, :-1])
                                    * np.diff(xa), axis=-1)], axis=-1)[:, ::-1]
    bg = offset + shirley_step * cum / cum.max(axis=-1, keepdims=True)
    expected = peak_counts * (env + bg)
    counts = rng.poisson(expected).astype(float) if noise else expected
    exposure = dwell_time * scans
    intensity = counts / exposure
    area_cps = areas * peak_counts / exposure
    valence = (flat * np.arange(n_states)).sum(axis=-1)

    def shaped(a, extra=()):
        return a.reshape(*shape, *extra)

    coords = {d: (d, list(v), {"units": "s" if d == "sputter_time" else "",
                               "long_name": d.replace("_", " ").capitalize()})
              for d, v in batch.items()}
    coords.update({
        "binding_energy": ("binding_energy", x, {"units": "eV", "long_name": "Binding energy"}),
        "kinetic_energy": ("binding_energy", 1486.6 - x,
                           {"units": "eV", "long_name": "Kinetic energy"}),
        "excitation_energy": ((), 1486.6, {"units": "eV", "long_name": "Excitation energy"}),
        "region": ((), "Si 2p", {"units": "", "long_name": "Region"}),
        "dwell_time": ((), dwell_time, {"units": "s", "long_name": "Dwell time"}),
        "scans": ((), scans, {"units": "1", "long_name": "Scans"}),
        "pass_energy": ((), 20.0, {"units": "eV", "long_name": "Pass energy"}),
    })
    full = (*dims, "binding_energy")
    truth = {"fractions": frac, "average_valence": shaped(valence), "charge_shift": dq.copy(),
             "areas": shaped(area_cps, (n_states,)), "shifts": shifts, "fwhm": fwhm,
             "e0": e0, "splitting": splitting, "ratio": ratio, "m": m}
    ds = xr.Dataset(
        {"intensity": (full, shaped(intensity, (x.size,)),
                       {"units": "count/s", "long_name": "Intensity"}),
         "counts": (full, shaped(counts, (x.size,)), {"units": "count", "long_name": "Counts"})},
        coords=coords,
        attrs={"technique": "xps", "conventions": CONVENTIONS_VERSION,
               "reader": "characterization.synthetic.xps.si2p_spectra",
               "original_metadata": json.dumps({"generator": "si2p_spectra", "seed": seed,
                                                "peak_counts": peak_counts}),
               "ground_truth": truth})
    return validate(ds, "xps")
