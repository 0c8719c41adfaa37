"""Synthetic gas-sorption isotherms with known areas and volumes.

An isotherm is the sum of up to three physically based terms (amounts in mmol/g):

* **surface film** on the area ``surface_area`` (m²/g): either the BET equation
  (``film="bet"``; n = n_m C x / [(1 − x)(1 − x + C x)], n_m = A/(N_A σ)), whose BET area is
  then exactly ``surface_area``, or a statistical-thickness film (``film="harkins_jura"``;
  n = A · t(x) / V_m,liq), for which the t-plot slope is exactly the external area;
* **micropore filling**, a Langmuir term n = n_µ K x/(1 + K x) with capacity
  n_µ = V_micro / V_m,liq (``micropore_volume`` in cm³/g of liquid);
* **mesopore condensation** in cylindrical pores of log-normally distributed width
  (``mesopore_volume`` cm³/g, ``mesopore_width`` nm): a pore of radius r fills on adsorption at
  the cylindrical-meniscus Kelvin pressure and empties on desorption at the hemispherical one,
  ln x = −k γ V_m / [R T (r − t_c)] with k = 1 and 2, which gives an H1 hysteresis loop. The
  pore walls (area 4V/D) carry the surface film until their pore condenses, so of
  ``surface_area`` the part 4V/D lies inside the mesopores and the rest outside; the film of a
  filled pore is replaced by its liquid volume (no unbounded multilayer inside pores).

Noise is Gaussian, relative to the amount (``noise``), from a seeded generator. The exact values
used (per sample) are in ``attrs["ground_truth"]``.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..sorption.adsorbates import AVOGADRO, GAS_CONSTANT, adsorptive

KINDS = ("II", "IV", "I", "composite")


def _harkins_jura_nm(x):
    return 0.1 * np.sqrt(13.99 / (0.034 - np.log10(x)))


def _film(x, area, c, film, vm_liq, sigma):
    if film == "bet":
        nm = area / (AVOGADRO * sigma * 1e-18) * 1e3  # mmol/g
        return nm * c * x / ((1 - x) * (1 - x + c * x))
    if film == "harkins_jura":
        # volume of a film of thickness t (nm) over area A (m²/g): A·t·1e-3 cm³/g
        return area * _harkins_jura_nm(x) * 1e-3 / vm_liq * 1e3
    raise ValueError(f"film must be 'bet' or 'harkins_jura', not {film!r}")


def _condensed_fraction(x, width_nm, spread, kelvin_nm, meniscus):
    """Fraction of the log-normal pore volume filled at x (cylinders, meniscus factor k)."""
    from scipy.special import ndtr

    radius_core = meniscus * kelvin_nm / np.log(1.0 / x)  # r - t_c at which pores fill/empty
    core_film = 0.6  # nm, film thickness at condensation (typical for N2 in 3-10 nm pores)
    width_filled = 2.0 * (radius_core + core_film)
    return ndtr(np.log(width_filled / width_nm) / spread)


def isotherms(n_samples: int = 1, *, kind: str = "IV", surface_area: float = 300.0,
              c: float = 100.0, micropore_volume: float = 0.0, langmuir_k: float = 1e5,
              mesopore_volume: float | None = None, mesopore_width: float = 6.0,
              width_spread: float = 0.15, film: str = "bet", variation: float = 0.2,
              noise: float = 0.003, n_adsorption: int = 40, n_desorption: int = 25,
              adsorbate: str = "N2", seed: int = 0) -> xr.Dataset:
    """A batch of synthetic isotherms following the sorption conventions.

    Parameters
    ----------
    n_samples : int
        Size of the ``sample`` dim.
    kind : {"II", "IV", "I", "composite"}
        II: film only; IV: film + mesopores; I: micropores + film on a small external area;
        composite: all three.
    surface_area : float
        Area of the film (m²/g): the BET area for ``film="bet"``, the external area for
        ``film="harkins_jura"``.
    micropore_volume, mesopore_volume : float
        cm³/g of liquid. Defaults by kind (I: 0.3 micro; IV: 0.4 meso; composite: both).
    variation : float
        Relative uniform spread of every parameter between samples (0 = identical samples).
    noise : float
        Relative Gaussian noise on the amounts.

    Returns
    -------
    xarray.Dataset
        ``amount(sample, point)`` in mmol/g with coords ``relative_pressure``, ``branch``,
        ``temperature``, ``adsorbate``; ``attrs["ground_truth"]`` holds per-sample arrays
        ``surface_area``, ``c``, ``micropore_volume``, ``mesopore_volume``,
        ``mesopore_width``, ``bet_area`` (= ``surface_area``; NaN unless film="bet" without
        micropores) and ``external_area`` (film area outside the mesopores).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    gas = adsorptive(adsorbate)
    vm_liq = gas.liquid_molar_volume  # cm³/mol
    rng = np.random.default_rng(seed)
    if mesopore_volume is None:
        mesopore_volume = 0.4 if kind in ("IV", "composite") else 0.0
    if kind in ("I", "composite") and micropore_volume == 0.0:
        micropore_volume = 0.3
    if kind == "II":
        mesopore_volume = 0.0
    if kind == "I":
        mesopore_volume = 0.0

    def vary(value):
        return value * (1 + variation * rng.uniform(-1, 1, n_samples))

    area, cc = vary(surface_area), vary(c)
    vmic, vmes, wmes = vary(micropore_volume), vary(mesopore_volume), vary(mesopore_width)
    kelvin_nm = gas.surface_tension * 1e-3 * vm_liq * 1e-6 / (GAS_CONSTANT * gas.temperature) * 1e9

    x_ads = np.concatenate([np.geomspace(1e-4, 0.04, n_adsorption // 4, endpoint=False),
                            np.linspace(0.04, 0.95, n_adsorption - n_adsorption // 4)])
    x_des = np.linspace(0.95, 0.1, n_desorption + 1)[1:]
    x = np.concatenate([x_ads, x_des])
    branch = np.array(["adsorption"] * x_ads.size + ["desorption"] * x_des.size)
    amount = np.empty((n_samples, x.size))
    # pore-wall area of the mesopores (4V/D, cylinders), at most 90 % of the film area
    wall = np.minimum(4e3 * vmes / wmes, 0.9 * area)
    for s in range(n_samples):
        filled = np.zeros(x.size)
        if vmes[s] > 0:
            filled = np.where(branch == "adsorption",
                              _condensed_fraction(x, wmes[s], width_spread, kelvin_nm, 1.0),
                              _condensed_fraction(x, wmes[s], width_spread, kelvin_nm, 2.0))
        n = _film(x, area[s] - wall[s], cc[s], film, vm_liq, gas.cross_section)
        # a wall film never holds more than its pore would when full
        capacity = vmes[s] / vm_liq * 1e3
        wall_film = np.minimum(_film(x, wall[s], cc[s], film, vm_liq, gas.cross_section),
                               0.9 * capacity if capacity > 0 else np.inf)
        n = n + (1 - filled) * wall_film
        n = n + vmic[s] / vm_liq * 1e3 * langmuir_k * x / (1 + langmuir_k * x)
        n = n + vmes[s] / vm_liq * 1e3 * filled
        amount[s] = n * (1 + noise * rng.standard_normal(x.size))
    bet_area = np.where((vmic == 0) & (film == "bet"), area, np.nan)
    ds = xr.Dataset(
        {"amount": (("sample", "point"), amount,
                    {"units": "mmol/g", "long_name": "Amount adsorbed"})},
        coords={
            "sample": ("sample", [f"synthetic-{kind}-{i}" for i in range(n_samples)],
                       {"long_name": "Sample"}),
            "relative_pressure": ("point", x, {"units": "1",
                                               "long_name": "Relative pressure p/p0"}),
            "branch": ("point", branch, {"long_name": "Branch"}),
            "temperature": ((), gas.temperature, {"units": "K", "long_name": "Temperature"}),
            "adsorbate": ((), gas.name, {"long_name": "Adsorbate"}),
        },
        attrs={"technique": "sorption", "reader": "synthetic",
               "ground_truth": {"surface_area": area, "c": cc, "micropore_volume": vmic,
                                "mesopore_volume": vmes, "mesopore_width": wmes,
                                "bet_area": bet_area, "external_area": area - wall,
                                "film": film, "kind": kind}},
    )
    return ds


def kelvin_model_isotherms(centres, *, spreads=None, volumes=0.5, geometry="cylinder",
                           thickness="harkins_jura", adsorptive="N2", x_adsorption=None,
                           x_desorption=None, noise=0.0, seed=0) -> xr.Dataset:
    """Isotherms with an exactly known pore-size distribution, from the Kelvin kernel.

    Sample s has a Gaussian distribution of pore widths (nm) centred at ``centres[s]`` with
    standard deviation ``spreads[s]`` (default 10 % of the centre) and total pore volume
    ``volumes[s]`` (cm³/g), on 1200 log-spaced widths 1–200 nm:

    .. math:: n_s(x) = \\sum_j K(x, w_j)\\, f_{s,j}, \\qquad
              f_{s,j} \\propto \\exp\\bigl(-(w_j - c_s)^2 / 2\\sigma_s^2\\bigr)\\,\\Delta w_j

    with K the single-width condensation kernel (adsorption branch) or evaporation kernel
    (desorption branch) of :func:`characterization.sorption.kelvin_kernel`. The ground truth is
    therefore exact for the classical Kelvin/thickness-curve model (BJH, Dollimore–Heal,
    ``kernel_psd`` with a Kelvin kernel), not for real solids.

    Parameters
    ----------
    centres : array_like
        Centre of each sample's distribution (nm); one sample per value.
    spreads : array_like, optional
        Standard deviations (nm); default 0.1 × centres.
    volumes : float or array_like
        Total pore volume of each sample (cm³/g liquid).
    geometry : {"cylinder", "slit"}
        Pore geometry of the kernel.
    thickness : str, callable or table
        Film thickness curve (see :func:`characterization.sorption.thickness.thickness_function`).
    adsorptive : str or Adsorptive
        Gas (default N2 at 77.35 K).
    x_adsorption, x_desorption : array_like, optional
        p/p0 of the adsorption points (default 60 from 0.02 to 0.99) and of the desorption
        points (default 50 from 0.985 down to 0.2).
    noise : float
        Gaussian noise relative to the amount.
    seed : int
        Seed of the noise generator.

    Returns
    -------
    xarray.Dataset
        Sorption conventions (``amount(sample, point)`` mmol/g, ``relative_pressure``,
        ``branch``), ``attrs["ground_truth"]`` holding centres, spreads, volumes and geometry.
    """
    from ..sorption.adsorbates import Adsorptive, adsorptive as lookup
    from ..sorption.kernels import kelvin_kernel

    centres = np.atleast_1d(np.asarray(centres, dtype=float))
    spreads = 0.1 * centres if spreads is None else np.broadcast_to(spreads, centres.shape)
    volumes = np.broadcast_to(np.asarray(volumes, dtype=float), centres.shape)
    xa = np.linspace(0.02, 0.99, 60) if x_adsorption is None else np.asarray(x_adsorption)
    xd = np.linspace(0.985, 0.2, 50) if x_desorption is None else np.asarray(x_desorption)
    w = np.geomspace(1.0, 200.0, 1200)
    inner = np.sqrt(w[1:] * w[:-1])
    edges = np.concatenate([[w[0] ** 2 / inner[0]], inner, [w[-1] ** 2 / inner[-1]]])
    dw = np.diff(edges)
    kw = dict(geometry=geometry, thickness=thickness, adsorptive=adsorptive)
    ka = kelvin_kernel(w, np.sort(xa), branch="adsorption", bin_average=False, **kw)
    kd = kelvin_kernel(w, np.sort(xd), branch="desorption", bin_average=False, **kw)
    rng = np.random.default_rng(seed)
    rows = []
    for c, s, v in zip(centres, spreads, volumes):
        f = np.exp(-0.5 * ((w - c) / s) ** 2) * dw
        f *= v / f.sum()
        n = np.concatenate([ka.kernel.interp(relative_pressure=xa).values @ f,
                            kd.kernel.interp(relative_pressure=xd).values @ f])
        rows.append(n * (1 + noise * rng.standard_normal(n.size)))
    gas = adsorptive if isinstance(adsorptive, Adsorptive) else lookup(adsorptive)
    x = np.concatenate([xa, xd])
    return xr.Dataset(
        {"amount": (("sample", "point"), np.array(rows),
                    {"units": "mmol/g", "long_name": "Amount adsorbed"})},
        coords={"sample": ("sample", [f"kelvin-model-{i}" for i in range(len(rows))],
                           {"long_name": "Sample"}),
                "relative_pressure": ("point", x, {"units": "1",
                                                   "long_name": "Relative pressure p/p0"}),
                "branch": ("point", np.array(["adsorption"] * xa.size
                                             + ["desorption"] * xd.size),
                           {"long_name": "Branch"}),
                "temperature": ((), gas.temperature, {"units": "K", "long_name": "Temperature"}),
                "adsorbate": ((), gas.name, {"long_name": "Adsorbate"})},
        attrs={"technique": "sorption", "reader": "synthetic",
               "ground_truth": {"centres": centres.tolist(),
                                "spreads": np.asarray(spreads, float).tolist(),
                                "volumes": np.asarray(volumes, float).tolist(),
                                "geometry": geometry}})
