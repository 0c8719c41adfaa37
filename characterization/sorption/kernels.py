"""Kernels for :func:`~characterization.sorption.kernel_psd.kernel_psd`: read or compute.

* :func:`kernel_from_csv` reads a kernel table (e.g. an NLDFT/QSDFT kernel exported from vendor
  software) into ``kernel(relative_pressure, pore_width)`` with units.
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

import csv
import io
import os

import numpy as np
import xarray as xr

from .._provenance import provenance
from ..errors import AnalysisError, ReadError
from .adsorbates import Adsorptive, adsorptive as _lookup
from .kelvin import kelvin_model
from .psd import _edges

__all__ = ["kelvin_kernel", "kernel_from_csv", "KERNEL_UNITS"]

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
        attrs={"geometry": geometry, "basis": basis, **attrs})


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
        **provenance("Kelvin/thickness-curve kernel (classical, not DFT)", branch=branch,
                     kelvin=model.describe(), adsorptive=gas.name, liquid_molar_volume=vm,
                     temperature=gas.temperature if temperature is None else temperature,
                     bin_average=bool(bin_average)),
        "model": "kelvin"})
    ds["condensation_pressure"] = ("pore_width", np.nan_to_num(model.pressure(w), nan=0.0), {
        "units": "1", "long_name": "Relative pressure of condensation/evaporation"})
    return ds


def _numbers(path, cells, line, first_column=1):
    """Floats of one row's cells; ReadError naming line and column of a non-number."""
    vals = []
    for j, cell in enumerate(cells):
        try:
            vals.append(float(cell))
        except ValueError:
            raise ReadError(path, f"expected a number, found {cell.strip()!r}",
                            f"line {line + 1}, column {first_column + j}") from None
    return vals


def kernel_from_csv(path, *, units: str = "mmol/cm^3", width_units: str = "nm",
                    geometry: str = "cylinder", orientation: str = "auto") -> xr.Dataset:
    """Read a kernel table: one axis p/p0, the other pore width, the body the kernel.

    Layout: a rectangular table (comma, semicolon, tab or whitespace separated; lines starting
    with ``#`` and blank lines ignored; UTF-8 with or without BOM, else Latin-1). The first row
    holds the pore widths and the first column the relative pressures (the corner cell is
    ignored) — or the transpose. ``orientation="auto"`` decides by the values: the axis whose
    values all lie in (0, 1] while the other has a value > 1 is p/p0; when both lie in (0, 1]
    (widths all below 1 nm) pass ``orientation="widths_in_first_row"`` or
    ``"pressures_in_first_row"``. Axes are sorted increasing.

    Parameters
    ----------
    path : str or os.PathLike
    units : {"mmol/cm^3", "mmol/m^2"}
        Kernel amounts per unit pore volume or per unit pore-wall area (the solution of
        :func:`kernel_psd` is then a volume or an area distribution). Convert other units
        first (cm³ STP / 22.414 = mmol).
    width_units : {"nm", "angstrom"}
        Units of the widths in the file (converted explicitly to nm).
    geometry : {"cylinder", "slit"}
        Pore geometry, used to convert between pore volume and area (A = 4V/w or 2V/w).
    orientation : {"auto", "widths_in_first_row", "pressures_in_first_row"}

    Returns
    -------
    xarray.Dataset
        ``kernel(relative_pressure, pore_width)`` with units, attrs ``geometry``, ``basis``,
        ``source_file``.

    Raises
    ------
    ReadError
        Naming the file (and line/column) for a missing file, a non-numeric cell, a ragged
        table, an axis that cannot be p/p0, duplicate axis values or an ambiguous orientation.
    """
    if units not in KERNEL_UNITS:
        raise AnalysisError(f"units must be one of {sorted(KERNEL_UNITS)}, not {units!r}")
    if width_units not in ("nm", "angstrom"):
        raise AnalysisError("width_units must be 'nm' or 'angstrom'")
    if geometry not in ("cylinder", "slit"):
        raise AnalysisError("geometry must be 'cylinder' or 'slit'")
    if orientation not in ("auto", "widths_in_first_row", "pressures_in_first_row"):
        raise AnalysisError("orientation must be 'auto', 'widths_in_first_row' or "
                            "'pressures_in_first_row'")
    try:
        raw = open(path, "rb").read()
    except OSError as err:
        raise ReadError(path, f"cannot open kernel file: {err.strerror or err}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    lines = [(i, ln) for i, ln in enumerate(text.splitlines())
             if ln.strip() and not ln.lstrip().startswith("#")]
    if len(lines) < 3:
        raise ReadError(path, "expected a kernel table with a header row and ≥ 2 data rows")
    first = lines[0][1]
    delim = next((d for d in (",", ";", "\t") if d in first), None)
    if delim is None:
        rows = [ln.split() for _, ln in lines]
    else:
        rows = [next(csv.reader(io.StringIO(ln), delimiter=delim)) for _, ln in lines]
    rows = [[c.strip() for c in r] for r in rows]
    width = len(rows[0])
    for (i, _), r in zip(lines, rows):
        if len(r) != width:
            raise ReadError(path, f"ragged table: {len(r)} cells, the header has {width}",
                            f"line {i + 1}")
    if width < 3:
        raise ReadError(path, "expected ≥ 2 columns of kernel values after the first column",
                        f"line {lines[0][0] + 1}")
    head = _numbers(path, rows[0][1:], lines[0][0], first_column=2)
    body = np.array([_numbers(path, r, i) for (i, _), r in zip(lines[1:], rows[1:])])
    col, matrix = body[:, 0], body[:, 1:]
    head = np.array(head)
    unit_interval = [bool(np.all((a > 0) & (a <= 1))) for a in (col, head)]
    if orientation == "auto":
        if unit_interval[0] and not unit_interval[1]:
            orientation = "widths_in_first_row"
        elif unit_interval[1] and not unit_interval[0]:
            orientation = "pressures_in_first_row"
        elif all(unit_interval):
            raise ReadError(path, "both axes lie in (0, 1]: cannot tell p/p0 from widths; "
                            "pass orientation='widths_in_first_row' or "
                            "'pressures_in_first_row'")
        else:
            raise ReadError(path, "neither the first row nor the first column is a p/p0 axis "
                            "(values in (0, 1])")
    if orientation == "widths_in_first_row":
        x, w, k = col, head, matrix
    else:
        x, w, k = head, col, matrix.T
    if not (np.all((x > 0) & (x <= 1))):
        raise ReadError(path, "the relative-pressure axis has values outside (0, 1]")
    if np.any(w <= 0):
        raise ReadError(path, "the pore-width axis has non-positive values")
    if not np.all(np.isfinite(k)):
        raise ReadError(path, "the kernel contains NaN or inf")
    w = w * (0.1 if width_units == "angstrom" else 1.0)
    ox, ow = np.argsort(x), np.argsort(w)
    x, w, k = x[ox], w[ow], k[np.ix_(ox, ow)]
    if np.any(np.diff(x) == 0) or np.any(np.diff(w) == 0):
        raise ReadError(path, "duplicate values on the p/p0 or pore-width axis")
    return _kernel_dataset(k, x, w, units=units, geometry=geometry, attrs={
        "source_file": os.fspath(path), "orientation": orientation, "model": "file"})



def _model_isotherms(centres, *, spreads=None, volumes=0.5, geometry="cylinder",
                     thickness="harkins_jura", adsorptive="N2", x_adsorption=None,
                     x_desorption=None, noise=0.0, seed=0) -> xr.Dataset:
    """Isotherms with an exactly known PSD, from the Kelvin kernel (tests, examples, docs).

    Sample s has a Gaussian distribution of pore widths (nm) centred at ``centres[s]`` with
    standard deviation ``spreads[s]`` (default 10 % of the centre) and total pore volume
    ``volumes[s]`` (cm³/g), on 1200 log-spaced widths 1–200 nm. The adsorption branch uses the
    condensation kernel, the desorption branch the evaporation kernel of :func:`kelvin_kernel`;
    Gaussian noise relative to the amount (``noise``) from a seeded generator.
    """
    centres = np.atleast_1d(np.asarray(centres, dtype=float))
    spreads = 0.1 * centres if spreads is None else np.broadcast_to(spreads, centres.shape)
    volumes = np.broadcast_to(np.asarray(volumes, dtype=float), centres.shape)
    xa = np.linspace(0.02, 0.99, 60) if x_adsorption is None else np.asarray(x_adsorption)
    xd = np.linspace(0.985, 0.2, 50) if x_desorption is None else np.asarray(x_desorption)
    w = np.geomspace(1.0, 200.0, 1200)
    dw = np.diff(_edges(w))
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
    gas = adsorptive if isinstance(adsorptive, Adsorptive) else _lookup(adsorptive)
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
