"""Synthetic XPS surveys of known atomic composition (for tests, the demo and the docs).

Each element contributes its main core line (a spin-orbit doublet with the tabulated splitting
and 2j+1 area ratio where the line has one) with an area proportional to its atomic fraction
times the sensitivity factor of the chosen set, on a background made of a constant plus a
Shirley step (each peak raises the background on its high-binding-energy side in proportion to
its cumulative area, which is exactly the Shirley assumption), with Poisson counting noise.
``quantify`` with the same sensitivity set and default ranges must then return the composition;
the residual bias comes from the Gaussian tails beyond the ranges (< 1e-4 of the area for the
default 1.6 eV FWHM) and from the noise.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import xarray as xr

from ..conventions import CONVENTIONS_VERSION
from ..xps import sensitivity as _tables
from ..xps.quantify import sensitivity_factors

__all__ = ["survey", "DEFAULT_LINES", "SPIN_ORBIT"]

#: Line used for each element (the strongest line that is free of common overlaps).
DEFAULT_LINES = {
    "Li": "Li 1s", "B": "B 1s", "C": "C 1s", "N": "N 1s", "O": "O 1s", "F": "F 1s",
    "Na": "Na 1s", "Al": "Al 2p", "Si": "Si 2p", "P": "P 2p", "S": "S 2p", "Cl": "Cl 2p",
    "K": "K 2p", "Ti": "Ti 2p", "Mn": "Mn 2p", "Fe": "Fe 2p", "Co": "Co 2p", "Ni": "Ni 2p",
    "Cu": "Cu 2p", "Zn": "Zn 2p3/2", "Ag": "Ag 3d", "Sn": "Sn 3d", "Au": "Au 4f",
}

#: Spin-orbit splitting (eV) of the whole-doublet lines (approximate handbook values).
SPIN_ORBIT = {
    "Al 2p": 0.44, "Si 2p": 0.61, "P 2p": 0.84, "S 2p": 1.18, "Cl 2p": 1.6, "K 2p": 2.8,
    "Ti 2p": 5.7, "Mn 2p": 11.7, "Fe 2p": 13.1, "Co 2p": 15.0, "Ni 2p": 17.3, "Cu 2p": 19.8,
    "Ag 3d": 6.0, "Sn 3d": 8.4, "Au 4f": 3.67,
}
_RATIO = {"p": 0.5, "d": 2.0 / 3.0, "f": 0.75}   # area of j = l − 1/2 relative to j = l + 1/2


def _gaussian(x, center, fwhm):
    sigma = fwhm / (2 * np.sqrt(2 * np.log(2)))
    return np.exp(-0.5 * ((x - center) / sigma) ** 2) / (sigma * np.sqrt(2 * np.pi))


def survey(composition: Mapping, *, n_samples: int | None = None, dim: str = "sample",
           coord=None, sensitivity="scofield", excitation_energy: float = 1486.6,
           be_range=(0.0, 1100.0), step: float = 0.5, fwhm: float = 1.6,
           scale: float = 2.0e5, offset: float = 3000.0, shirley_step: float = 0.05,
           dwell_time: float = 0.2, scans: int = 1, seed: int = 0) -> xr.Dataset:
    """Batch of XPS surveys with known atomic composition.

    Parameters
    ----------
    composition : mapping
        ``{"C": 60, "O": 30, "Si": 10}`` (any positive scale, normalised to 100 at.%); a value
        may be a sequence with one entry per spectrum (a depth profile).
    n_samples : int, optional
        Spectra in the batch (default: the length of sequence values, else 1).
    dim : str
        Batch dim name (``"sample"``, ``"sputter_time"`` ...).
    coord : sequence, optional
        Values of the batch coordinate (default 0, 1, ...); ``sputter_time`` gets units s.
    sensitivity : str or mapping
        Sensitivity set that turns atomic fractions into areas (as in ``xps.quantify``).
    excitation_energy : float
        Photon energy (eV).
    be_range, step : (float, float), float
        Binding-energy axis (eV).
    fwhm : float
        Gaussian FWHM of each component (eV).
    scale : float
        Area (counts/s · eV) of a line of atomic fraction 1 and sensitivity 1.
    offset : float
        Constant background (counts/s).
    shirley_step : float
        Background step per unit peak area (1/eV): the background rises by
        ``shirley_step × area`` across each line.
    dwell_time : float
        Dwell per point (s); counts are Poisson with mean intensity × dwell × scans.
    scans : int
        Number of sweeps.
    seed : int
        Seed of the noise.

    Returns
    -------
    xarray.Dataset
        XPS convention (``binding_energy``, ``intensity`` in counts/s, raw ``counts``), scalar
        coords ``excitation_energy``, ``region="survey"``, ``dwell_time``, ``scans``;
        ``attrs["ground_truth"]`` holds ``atomic_percent`` per element (lists per spectrum)
        and the ``lines`` used.

    Examples
    --------
    >>> from characterization.synthetic.xps_survey import survey
    >>> ds = survey({"C": 60, "O": [30, 20], "Si": [10, 20]}, dim="sputter_time",
    ...             coord=[0.0, 60.0], seed=0)
    >>> ds.sizes["sputter_time"], ds.attrs["ground_truth"]["atomic_percent"]["Si"]
    (2, [10.0, 20.0])
    """
    if not composition:
        raise ValueError("composition must name at least one element")
    lengths = {len(v) for v in composition.values() if np.ndim(v) == 1}
    if len(lengths) > 1:
        raise ValueError(f"sequence values of composition differ in length: {sorted(lengths)}")
    n = n_samples if n_samples is not None else (lengths.pop() if lengths else 1)
    elements = list(composition)
    unknown = [e for e in elements if e not in DEFAULT_LINES]
    if unknown:
        raise ValueError(f"no default line for {unknown}; known: {sorted(DEFAULT_LINES)}")
    raw = np.array([np.broadcast_to(np.asarray(composition[e], dtype=float), (n,))
                    for e in elements]).T                                     # (n, elements)
    if np.any(raw < 0) or np.any(raw.sum(axis=1) <= 0):
        raise ValueError("composition values must be >= 0 with a positive sum")
    fractions = raw / raw.sum(axis=1, keepdims=True)
    lines = [DEFAULT_LINES[e] for e in elements]
    factors = sensitivity_factors(lines, sensitivity=sensitivity,
                                  excitation_energy=excitation_energy)
    x = np.arange(be_range[0], be_range[1] + step / 2, step)
    shapes, cumulative = [], []
    for label in lines:
        center = _tables.LINES[label][0]
        split = SPIN_ORBIT.get(label)
        if split is None:
            parts = [(center, 1.0)]
        else:
            r = _RATIO[label.split()[1][1]]
            parts = [(center, 1 / (1 + r)), (center + split, r / (1 + r))]
        shape = sum(w * _gaussian(x, c, fwhm) for c, w in parts)
        shapes.append(shape)
        # cumulative area from low BE: the Shirley step of this line
        cum = np.concatenate([[0.0], np.cumsum((shape[1:] + shape[:-1]) / 2 * np.diff(x))])
        cumulative.append(cum)
    shapes = np.array(shapes)
    cumulative = np.array(cumulative)
    areas = scale * fractions * factors                                        # (n, elements)
    peaks = areas @ shapes
    background = offset + shirley_step * (areas @ cumulative)
    mean = (peaks + background) * dwell_time * scans
    rng = np.random.default_rng(seed)
    counts = rng.poisson(mean).astype(float)
    intensity = counts / (dwell_time * scans)
    coord_values = np.arange(n) if coord is None else np.asarray(coord)
    coord_attrs = ({"units": "s", "long_name": "Sputter time"} if dim == "sputter_time"
                   else {"units": "1", "long_name": dim.replace("_", " ").capitalize()})
    ds = xr.Dataset(
        {"intensity": ((dim, "binding_energy"), intensity,
                       {"units": "count/s", "long_name": "Intensity"}),
         "counts": ((dim, "binding_energy"), counts, {"units": "count", "long_name": "Counts"})},
        coords={
            dim: (dim, coord_values, coord_attrs),
            "binding_energy": ("binding_energy", x,
                               {"units": "eV", "long_name": "Binding energy"}),
            "kinetic_energy": ("binding_energy", excitation_energy - x,
                               {"units": "eV", "long_name": "Kinetic energy"}),
            "excitation_energy": ((), float(excitation_energy),
                                  {"units": "eV", "long_name": "Excitation energy"}),
            "region": ((), "survey", {"long_name": "Region"}),
            "dwell_time": ((), float(dwell_time), {"units": "s", "long_name": "Dwell time"}),
            "scans": ((), int(scans), {"units": "1", "long_name": "Scans"}),
        },
        attrs={"technique": "xps", "conventions": CONVENTIONS_VERSION,
               "ground_truth": {
                   "atomic_percent": {e: (100 * fractions[:, i]).tolist()
                                      for i, e in enumerate(elements)},
                   "lines": dict(zip(elements, lines)),
                   "sensitivity": sensitivity if isinstance(sensitivity, str) else "user",
                   "area": {label: areas[:, i].tolist() for i, label in enumerate(lines)}}})
    return ds
