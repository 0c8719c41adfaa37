r"""Synthetic nanoindentation load–displacement curves with exact ground truth.

One indent is built from the Oliver–Pharr picture of an elastic–plastic contact with a known
hardness :math:`H`, sample modulus :math:`E` (Poisson ratio :math:`\nu`) and tip:

* reduced modulus :math:`1/E_r = (1-\nu^2)/E + (1-\nu_i^2)/E_i` (diamond tip by default);
* at the peak load :math:`P_{max}` the projected contact area is :math:`A = P_{max}/H`, the
  unloading stiffness :math:`S = \beta\,(2/\sqrt\pi)\,E_r\sqrt{A}` and the contact depth
  :math:`h_c = A^{-1}(A)` from the tip's area function; the maximum depth is
  :math:`h_{max} = h_c + \varepsilon P_{max}/S`;
* **unloading** follows :math:`P = \alpha (h - h_f)^m` with :math:`h_{max} - h_f = m P_{max}/S`
  and :math:`\alpha = P_{max}/(h_{max}-h_f)^m`, so its slope at :math:`h_{max}` is exactly S;
* **loading** follows :math:`P = C (h - s)^n` to :math:`(h_{max}, P_{max})`, with :math:`s = 0`
  before an optional pop-in at load :math:`P_{pop}` and :math:`s = \Delta h` after it (the
  excursion happens at constant load, with a few recorded points inside it);
* a **hold** at :math:`P_{max}`, then unloading, optionally interrupted by a thermal-drift hold
  at a fraction of :math:`P_{max}` (10 % as in ISO 14577 practice);
* an optional **approach** before contact (load ≈ 0, negative depth);
* measured displacement = true depth + ``frame_compliance`` · P + ``drift_rate`` · t
  (+ ``surface_offset``), plus Gaussian noise on load and displacement.

Tips: ``"berkovich"`` (ideal area :math:`24.5 h_c^2`, β = 1.034, ε = 0.75), ``"sphere"``
(:math:`A = \pi(2R h_c - h_c^2)`, β = 1, ε = 0.75), ``"flat_punch"`` (:math:`A = \pi d^2/4`
constant, β = 1, ε = 1, linear unloading m = 1; its depth is set by ``max_depth`` since a
constant area does not fix it).

Ground truth (``attrs["ground_truth"]``, per indent lists): the energies
:math:`W_{total} = P_{max}(h_{max}-\Delta h)/(n+1) + P_{pop}\Delta h` (loading work, hold
excluded), :math:`W_e = P_{max}(h_{max}-h_f)/(m+1)` (full unloading to zero load),
:math:`W_p = W_{total} - W_e`, in J (mN·nm = 1e-12 J), and the elastic work of the unloading
down to the drift hold; S, h_max, h_c, h_f, A, E_r, α, m, C, n and the pop-in load, depth and
Δh. Noise, drift and frame compliance are not part of these values: they are what the analysis
has to remove.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

#: tip -> (beta, epsilon, default unloading exponent m, default loading exponent n)
TIPS = {"berkovich": (1.034, 0.75, 1.5, 2.0), "sphere": (1.0, 0.75, 1.5, 1.5),
        "flat_punch": (1.0, 1.0, 1.0, 1.5)}

MN_NM_TO_J = 1e-12


def _area(tip: str, hc, radius: float, diameter: float):
    if tip == "berkovich":
        return 24.5 * hc ** 2
    if tip == "sphere":
        return np.pi * (2 * radius * hc - hc ** 2)
    return np.full_like(np.asarray(hc, float), np.pi * diameter ** 2 / 4)


def _contact_depth(tip: str, area: float, radius: float) -> float:
    if tip == "berkovich":
        return float(np.sqrt(area / 24.5))
    if tip == "sphere":
        disc = radius ** 2 - area / np.pi
        if disc < 0:
            raise ValueError("sphere: contact radius exceeds the tip radius; lower max_load "
                             "or hardness, or raise tip_radius")
        return float(radius - np.sqrt(disc))
    raise ValueError("flat punch has no contact depth from the area")


def _one(rng, *, tip, hardness, modulus, nu, tip_modulus, tip_nu, max_load, m, n, radius,
         diameter, max_depth, popin_load, popin_depth, popin_points, loading_time, hold_time,
         unloading_time, drift_hold_fraction, drift_hold_time, approach_time, rate,
         drift_rate, frame_compliance, surface_offset, noise_load, noise_displacement):
    beta, eps = TIPS[tip][:2]
    er = 1.0 / ((1 - nu ** 2) / modulus + (1 - tip_nu ** 2) / tip_modulus)       # GPa
    if tip == "flat_punch":
        area = np.pi * diameter ** 2 / 4                                          # nm^2
        hardness = max_load / area * 1e6                                          # GPa
    else:
        area = max_load / hardness * 1e6                 # mN / GPa = 1e-12 m^2 = 1e6 nm^2
    stiffness = beta * 2 / np.sqrt(np.pi) * er * np.sqrt(area) * 1e-6   # GPa nm = 1e-6 mN/nm
    if tip == "flat_punch":
        h_max = float(max_depth)
        hc = h_max - eps * max_load / stiffness
    else:
        hc = _contact_depth(tip, area, radius)
        h_max = hc + eps * max_load / stiffness
    h_f = h_max - m * max_load / stiffness
    if h_f <= 0:
        raise ValueError(f"the parameters give a final depth h_f = {h_f:.3g} nm <= 0 "
                         "(too elastic); raise hardness/modulus ratio or max_depth")
    alpha = max_load / (h_max - h_f) ** m
    dh_pop = float(popin_depth) if np.isfinite(popin_load) else 0.0
    if np.isfinite(popin_load) and not 0 < popin_load < max_load:
        raise ValueError(f"popin_load {popin_load} must lie between 0 and max_load {max_load}")
    c_load = max_load / (h_max - dh_pop) ** n

    dt = 1.0 / rate
    t_parts, p_parts, h_parts, seg_parts = [], [], [], []

    def add(t, p, h, label):
        t_parts.append(np.asarray(t, float))
        p_parts.append(np.asarray(p, float))
        h_parts.append(np.asarray(h, float))
        seg_parts.append(np.full(np.size(t), label, dtype="<U12"))

    t0 = 0.0
    if approach_time > 0:
        ta = np.arange(0, approach_time, dt)
        # tip approaching at 10 nm/s, zero load
        add(ta, np.zeros_like(ta), -10.0 * (approach_time - ta), "approach")
        t0 = approach_time
    nl = max(int(round(loading_time * rate)), 2)
    pl = max_load * np.arange(1, nl + 1) / nl
    tl = t0 + np.arange(1, nl + 1) * dt
    shift = np.where(pl >= popin_load, dh_pop, 0.0) if dh_pop else np.zeros(nl)
    hl = (pl / c_load) ** (1 / n) + shift
    i_pop = np.nan
    if dh_pop:
        k = int(np.argmax(pl >= popin_load))            # first loading sample after the pop-in
        h_before = (popin_load / c_load) ** (1 / n)
        # excursion: popin_points samples at the pop-in load inside the depth jump; the time
        # grid keeps its step, so everything after it shifts by popin_points samples
        frac = np.arange(1, popin_points + 1) / (popin_points + 1)
        pe = np.full(popin_points, float(popin_load))
        he = h_before + frac * dh_pop
        te = tl[k - 1] + dt * np.arange(1, popin_points + 1) if k > 0 else \
            t0 + dt * np.arange(1, popin_points + 1)
        add(tl[:k], pl[:k], hl[:k], "loading")
        add(te, pe, he, "loading")
        add(tl[k:] + popin_points * dt, pl[k:], hl[k:], "loading")
        i_pop = (approach_time > 0) * len(t_parts[0]) + k
        t_end = tl[-1] + popin_points * dt
    else:
        add(tl, pl, hl, "loading")
        t_end = tl[-1]
    nh = int(round(hold_time * rate))
    if nh:
        th = t_end + np.arange(1, nh + 1) * dt
        add(th, np.full(nh, max_load), np.full(nh, h_max), "hold")
        t_end = th[-1]

    def unload(p_from, p_to, duration):
        nu_ = max(int(round(duration * rate)), 2)
        pu = p_from + (p_to - p_from) * np.arange(1, nu_ + 1) / nu_
        return pu, h_f + (np.maximum(pu, 0) / alpha) ** (1 / m)

    if drift_hold_time > 0:
        p_dh = drift_hold_fraction * max_load
        pu, hu = unload(max_load, p_dh, unloading_time * (1 - drift_hold_fraction))
        tu = t_end + np.arange(1, pu.size + 1) * dt
        add(tu, pu, hu, "unloading")
        nd = int(round(drift_hold_time * rate))
        td = tu[-1] + np.arange(1, nd + 1) * dt
        add(td, np.full(nd, p_dh), np.full(nd, hu[-1]), "drift_hold")
        pu2, hu2 = unload(p_dh, 0.0, unloading_time * drift_hold_fraction)
        add(td[-1] + np.arange(1, pu2.size + 1) * dt, pu2, hu2, "unloading")
    else:
        pu, hu = unload(max_load, 0.0, unloading_time)
        add(t_end + np.arange(1, pu.size + 1) * dt, pu, hu, "unloading")

    t = np.concatenate(t_parts)
    p_true = np.concatenate(p_parts)
    h_true = np.concatenate(h_parts)
    seg = np.concatenate(seg_parts)
    h_meas = h_true + frame_compliance * p_true + drift_rate * t + surface_offset
    p_meas = p_true + rng.normal(0, noise_load, t.size) if noise_load else p_true.copy()
    if noise_displacement:
        h_meas = h_meas + rng.normal(0, noise_displacement, t.size)

    w_total = max_load * (h_max - dh_pop) / (n + 1) + (popin_load * dh_pop if dh_pop else 0.0)
    w_e = max_load * (h_max - h_f) / (m + 1)
    p_end = drift_hold_fraction * max_load if drift_hold_time > 0 else 0.0
    w_e_to_hold = alpha / (m + 1) * ((h_max - h_f) ** (m + 1)
                                     - (p_end / alpha) ** ((m + 1) / m))
    truth = {
        "hardness": float(hardness), "modulus": float(modulus), "reduced_modulus": float(er),
        "stiffness": float(stiffness * 1e6), "max_load": float(max_load),
        "max_depth": float(h_max), "contact_depth": float(hc), "final_depth": float(h_f),
        "contact_area": float(area), "unloading_exponent": float(m),
        "unloading_prefactor": float(alpha), "loading_exponent": float(n),
        "loading_prefactor": float(c_load),
        "total_work": float(w_total * MN_NM_TO_J), "elastic_work": float(w_e * MN_NM_TO_J),
        "plastic_work": float((w_total - w_e) * MN_NM_TO_J),
        "elastic_fraction": float(w_e / w_total),
        "elastic_work_to_drift_hold": float(w_e_to_hold * MN_NM_TO_J),
        "popin_load": float(popin_load) if dh_pop else float("nan"),
        "popin_depth": float((popin_load / c_load) ** (1 / n)) if dh_pop else float("nan"),
        "popin_excursion": dh_pop if dh_pop else float("nan"),
        "popin_index": float(i_pop),
        "contact_index": float(len(t_parts[0]) if approach_time > 0 else 0),
    }
    return t, p_meas, h_meas, seg, truth


def indentation_curves(n_indents: int | None = 1, *, tip: str = "berkovich",
                       hardness: float = 9.0, modulus: float = 72.0,
                       sample_poisson_ratio: float = 0.17, tip_modulus: float = 1141.0,
                       tip_poisson_ratio: float = 0.07, max_load: float = 50.0,
                       unloading_exponent: float | None = None,
                       loading_exponent: float | None = None, tip_radius: float = 5000.0,
                       punch_diameter: float = 100_000.0, max_depth: float = 1000.0,
                       popin_load=None, popin_depth: float = 20.0, popin_points: int = 3,
                       loading_time: float = 20.0, hold_time: float = 5.0,
                       unloading_time: float = 10.0, drift_hold_fraction: float = 0.1,
                       drift_hold_time: float = 0.0, approach_time: float = 0.0,
                       sampling_rate: float = 20.0, drift_rate: float = 0.0,
                       frame_compliance: float = 0.0, surface_offset: float = 0.0,
                       noise_load: float = 0.0, noise_displacement: float = 0.0,
                       variation: float = 0.0, seed: int = 0) -> xr.Dataset:
    r"""Load–displacement curves of known hardness, modulus, energies and pop-ins.

    The physics is in the module docstring (:mod:`characterization.synthetic.nanoindent`).

    Parameters
    ----------
    n_indents : int or None
        Number of indents along the batch dim ``indent``; None gives one indent without it.
    tip : {"berkovich", "sphere", "flat_punch"}
        Tip geometry (area function, β, ε and default exponents).
    hardness, modulus : float
        Sample hardness H and Young's modulus E, GPa (for a flat punch H is replaced by the
        mean pressure P_max/A of the punch).
    sample_poisson_ratio, tip_modulus, tip_poisson_ratio : float
        ν of the sample, E_i (GPa) and ν_i of the tip (diamond: 1141 GPa, 0.07).
    max_load : float
        Peak load P_max, mN.
    unloading_exponent, loading_exponent : float, optional
        m of the unloading law and n of the loading law (defaults per tip: Berkovich 1.5/2,
        sphere 1.5/1.5, flat punch 1/1.5).
    tip_radius : float
        Sphere radius R, nm.
    punch_diameter : float
        Flat-punch diameter d, nm (100 µm by default, the seed paper's particle case).
    max_depth : float
        Flat punch only: the maximum depth h_max, nm.
    popin_load : float or sequence, optional
        Load (mN) of a pop-in during loading; a sequence gives one per indent (NaN: none).
    popin_depth : float
        Displacement excursion Δh of the pop-in, nm.
    popin_points : int
        Samples recorded inside the excursion (at the pop-in load).
    loading_time, hold_time, unloading_time : float
        Durations, s (linear load ramps; the hold is at P_max).
    drift_hold_fraction, drift_hold_time : float
        Thermal-drift hold during unloading at this fraction of P_max, for this long (s);
        0 s: no drift hold.
    approach_time : float
        Pre-contact approach (zero load, depth rising to 0 at 10 nm/s), s.
    sampling_rate : float
        Samples per second.
    drift_rate : float
        Thermal drift added to the displacement, nm/s (over the whole record).
    frame_compliance : float
        Load-frame compliance C_f, nm/mN (its deflection C_f·P is added to the displacement).
    surface_offset : float
        Constant added to the displacement (the recorded zero is not the surface), nm.
    noise_load, noise_displacement : float
        Gaussian noise σ, mN and nm.
    variation : float
        Relative standard deviation of H and E between indents.
    seed : int
        Seed of the random generator.

    Returns
    -------
    xarray.Dataset
        ``load`` (mN) and ``displacement`` (nm) on ``(indent, point)``, coords ``time`` (s),
        ``segment`` (true labels) and ``cycle``, NaN-padded with ``n_points`` when indents
        differ in length; scalar coords ``tip``, ``tip_modulus``, ``tip_poisson_ratio``,
        ``sample_poisson_ratio``; ``attrs["ground_truth"]`` as described in the module.

    Examples
    --------
    >>> from characterization.synthetic import indentation_curves
    >>> ds = indentation_curves(3, popin_load=20.0, seed=1)
    >>> sorted(ds.sizes.items())
    [('indent', 3), ('point', 703)]
    """
    if tip not in TIPS:
        raise ValueError(f"tip must be one of {sorted(TIPS)}, not {tip!r}")
    _, _, m_default, n_default = TIPS[tip]
    m = float(unloading_exponent or m_default)
    n = float(loading_exponent or n_default)
    if tip == "flat_punch" and m != 1.0:
        raise ValueError("a flat punch unloads linearly (unloading_exponent=1)")
    count = 1 if n_indents is None else int(n_indents)
    rng = np.random.default_rng(seed)
    pops = np.broadcast_to(np.asarray(np.nan if popin_load is None else popin_load, float),
                           (count,))
    curves = []
    for i in range(count):
        scale_h, scale_e = (1 + variation * rng.standard_normal(2)) if variation else (1, 1)
        curves.append(_one(
            rng, tip=tip, hardness=hardness * scale_h, modulus=modulus * scale_e,
            nu=sample_poisson_ratio, tip_modulus=tip_modulus, tip_nu=tip_poisson_ratio,
            max_load=max_load, m=m, n=n, radius=tip_radius, diameter=punch_diameter,
            max_depth=max_depth, popin_load=pops[i], popin_depth=popin_depth,
            popin_points=int(popin_points), loading_time=loading_time, hold_time=hold_time,
            unloading_time=unloading_time, drift_hold_fraction=drift_hold_fraction,
            drift_hold_time=drift_hold_time, approach_time=approach_time, rate=sampling_rate,
            drift_rate=drift_rate, frame_compliance=frame_compliance,
            surface_offset=surface_offset, noise_load=noise_load,
            noise_displacement=noise_displacement))
    npts = max(c[0].size for c in curves)
    shape = (count, npts)
    time = np.full(shape, np.nan)
    load = np.full(shape, np.nan)
    disp = np.full(shape, np.nan)
    seg = np.full(shape, "", dtype="<U12")
    for i, (t, p, h, s, _) in enumerate(curves):
        time[i, :t.size], load[i, :t.size], disp[i, :t.size], seg[i, :t.size] = t, p, h, s
    sizes = np.array([c[0].size for c in curves])
    cycle = np.where(np.arange(npts)[None, :] < sizes[:, None], 1, 0)
    keys = curves[0][4].keys()
    truth = {k: [c[4][k] for c in curves] for k in keys}
    truth.update(tip=tip, drift_rate=float(drift_rate), frame_compliance=float(frame_compliance),
                 surface_offset=float(surface_offset), sampling_interval=1.0 / sampling_rate)
    dims = ("indent", "point")
    ds = xr.Dataset(
        {"load": (dims, load, {"units": "mN", "long_name": "Load"}),
         "displacement": (dims, disp, {"units": "nm", "long_name": "Displacement"}),
         "n_points": ("indent", sizes, {"units": "1", "long_name": "Points in the test"})},
        coords={"indent": ("indent", np.arange(count), {"units": "1", "long_name": "Indent"}),
                "time": (dims, time, {"units": "s", "long_name": "Time"}),
                "segment": (dims, seg, {"long_name": "Segment"}),
                "cycle": (dims, cycle, {"units": "1", "long_name": "Cycle"}),
                "tip": tip, "tip_modulus": ((), tip_modulus, {"units": "GPa"}),
                "tip_poisson_ratio": ((), tip_poisson_ratio, {"units": "1"}),
                "sample_poisson_ratio": ((), sample_poisson_ratio, {"units": "1"})},
        attrs={"technique": "nanoindent", "source": "characterization.synthetic.nanoindent",
               "ground_truth": truth})
    if tip == "berkovich":
        ds.attrs["area_coefficients"] = [24.5]
        ds.attrs["area_function"] = "A = C0 h^2 + C1 h + C2 h^(1/2) + ... (h nm, A nm^2)"
    if n_indents is None:
        ds = ds.isel(indent=0, drop=True)
        ds.attrs["ground_truth"] = {k: (v[0] if isinstance(v, list) else v)
                                    for k, v in truth.items()}
    return ds
