r"""Band models of the carbon first-order Raman spectrum (D/G region), as data.

A *preset* is a list of bands; a band is a line shape with a starting position, a position
window and width bounds. :func:`carbon_model` turns a preset into a
:class:`characterization.fit.Model` for a given excitation wavelength, optionally with the D′
and second-order 2D bands, and the background (baseline) fitted together with the bands.

Presets
-------
=========  ==========================================================================  =========
name       bands (line shape)                                                          reference
=========  ==========================================================================  =========
``2band``  G (Lorentzian), D1 (Lorentzian)                                             —
``4band``  G (L), D1 (L), D3 (Gaussian), D4 (L)  — Sadezky-like, D2 merged into G      [1]_
``5band``  G (L), D1 (L), D2 (L), D3 (Gaussian), D4 (L)                                [1]_
``bwf``    G (Breit–Wigner–Fano), D1 (L)                                               [2]_
=========  ==========================================================================  =========

Band names follow Sadezky et al. [1]_: **D1** is the disorder-induced D band (A1g breathing
mode, ≈1350 cm⁻¹ at 514 nm), in every preset (the "D" of the 2-band and BWF models is D1, so
``peak="D1"`` means the same band everywhere); **D2** is the D′ band (≈1620 cm⁻¹); **D3**
(≈1500 cm⁻¹) the amorphous-carbon band between D and G; **D4** (≈1200 cm⁻¹) the polyene /
sp²–sp³ shoulder; **2D** (≈2700 cm⁻¹ at 514 nm, the D overtone, also called G′) is reported
under the label ``"2D"`` (its fit-parameter prefix is ``X2D``, since names must be identifiers).
Every peak's amplitude parameter is its **height** (``amplitude_type="height"``), so the
height ratio and its covariance come straight from the fit.

Positions and their λ-dependence
--------------------------------
The D band and its overtone disperse with the excitation energy
:math:`E_L = hc/\lambda_L` (1239.84 eV nm / λ):

.. math:: \omega(E_L) = \omega_0 + s\,(E_L - 2.41\,\mathrm{eV})

with :math:`\omega_0` the position at 514.5 nm (2.41 eV) and the slopes
:math:`s_{D1} = 50`, :math:`s_{2D} = 100`, :math:`s_{D2} = 10` cm⁻¹/eV (Pócsik et al.,
J. Non-Cryst. Solids 227–230 (1998) 1083; Thomsen & Reich, PRL 85 (2000) 5214); G, D3 and D4
are taken as non-dispersive within their (wide) windows. Resulting D1 / 2D starting positions:
514 nm 1350 / 2700, 532 nm 1346 / 2692, 633 nm 1327 / 2655, 785 nm 1308 / 2617 cm⁻¹.

Each band may move within ``±window`` of its dispersed position. When the laser wavelength is
not known the window of a dispersive band is widened to cover every excitation from 488 to
785 nm and the start is the middle of that range.

=====  ============  =====  =========  ==================  ========  ==================
band   shape         ω0     s          window (± cm⁻¹)     FWHM₀     FWHM bounds
=====  ============  =====  =========  ==================  ========  ==================
G      Lorentzian    1585   0          1550–1620 (fixed)   60        8–200
G      BWF (ω0)      1600   0          1550–1650 (fixed)   60        8–200 (q −100…−2)
D1     Lorentzian    1350   50         35                  120       8–400
D2     Lorentzian    1620   10         1610–1635 (fixed)   40        5–80
D3     Gaussian      1510   0          1460–1560 (fixed)   150       30–350
D4     Lorentzian    1200   0          1120–1280 (fixed)   200       30–450
2D     Lorentzian    2700   100        70                  80        15–300
=====  ============  =====  =========  ==================  ========  ==================

Optional bands (``include=``; added to every preset, labels fixed whatever the model):

======  ============  =====  =========  ==================  ========  ==================
band    shape         ω0     s          window (± cm⁻¹)     FWHM₀     FWHM bounds
======  ============  =====  =========  ==================  ========  ==================
D+D′    Lorentzian    2940   60         70                  80        15–300
tPA1    Lorentzian    1140   0          1100–1190 (fixed)   60        15–150
tPA2    Lorentzian    1480   0          1420–1540 (fixed)   60        15–150
D5      Gaussian      1450   0          1400–1500 (fixed)   80        20–200
Si960   Gaussian      965    0          920–1010 (fixed)    60        15–150
======  ============  =====  =========  ==================  ========  ==================

(D′ is the D2 band and 2D the band above.) tPA: trans-polyacetylene chains in hydrogenated
and nanocrystalline carbons (Ferrari & Robertson, PRB 63 (2001) 121405); the positions are
those of visible excitation and move with it, so they are windows, not fixed values. D5: a
band near 1450 cm⁻¹ used by extended soot/char models; conventions differ between authors,
so pass your own :class:`~characterization.fit.Model` when yours does. Si960: the
second-order band of a Si substrate or current collector under a thin carbon film.

The bounds are wide enough for graphite, ball-milled graphite, carbon coatings, chars and
soots measured at 514–785 nm; they keep each band in its own region (D3 cannot become the G
band, D4 cannot become D1), which is what makes per-spectrum batch fitting of maps robust.
They are *not* physical limits: pass your own :class:`~characterization.fit.Model` to change
them.

References
----------
.. [1] A. Sadezky, H. Muckenhuber, H. Grothe, R. Niessner, U. Pöschl, "Raman
   microspectroscopy of soot and related carbonaceous materials: spectral analysis and
   structural information", Carbon 43 (2005) 1731–1742.
.. [2] A. C. Ferrari, J. Robertson, "Interpretation of Raman spectra of disordered and
   amorphous carbon", Phys. Rev. B 61 (2000) 14095.
"""

from __future__ import annotations

import dataclasses
import math
from types import MappingProxyType

from ..fit import Model, Param, Peak

#: hc in eV nm: E_L = HC_EV_NM / lambda_nm.
HC_EV_NM = 1239.84198
#: Reference excitation energy of the tabulated positions (514.5 nm Ar+ line).
E_REF = HC_EV_NM / 514.5
#: Excitation range covered when the laser wavelength is unknown (nm).
LASER_RANGE = (488.0, 785.0)


@dataclasses.dataclass(frozen=True)
class Band:
    """One band of a preset.

    Attributes
    ----------
    name : str
        Fit-parameter prefix (an identifier).
    label : str
        Name on the ``peak`` dim of results ("2D" for the overtone).
    shape : str
        Line shape (see :mod:`characterization.fit.lineshapes`).
    center : float
        Position (cm⁻¹) at 514.5 nm excitation; for the BWF the parameter ω0, not the maximum.
    dispersion : float
        dω/dE_L in cm⁻¹/eV.
    window : float or (float, float)
        Half-width of the allowed position range around the dispersed position, or fixed
        (lo, hi) bounds.
    fwhm : float
        Starting FWHM (cm⁻¹).
    fwhm_bounds : (float, float)
        Lower and upper bound of the FWHM (cm⁻¹).
    extra : tuple of (name, Param)
        Other shape parameters (BWF ``q``).
    description : str
        What the band is (physical origin).
    """

    name: str
    label: str
    shape: str
    center: float
    dispersion: float
    window: float | tuple[float, float]
    fwhm: float
    fwhm_bounds: tuple[float, float]
    extra: tuple = ()
    description: str = ""

    def position(self, laser_wavelength: float | None) -> tuple[float, float, float]:
        """(start, lower, upper) of the position for a laser wavelength in nm (None: unknown)."""
        if laser_wavelength is None:
            e_lo, e_hi = HC_EV_NM / LASER_RANGE[1], HC_EV_NM / LASER_RANGE[0]
            lo_c = self.center + self.dispersion * (e_lo - E_REF)
            hi_c = self.center + self.dispersion * (e_hi - E_REF)
            start = 0.5 * (lo_c + hi_c)
        else:
            start = lo_c = hi_c = self.center + self.dispersion * (
                HC_EV_NM / float(laser_wavelength) - E_REF)
        if isinstance(self.window, tuple):
            return start, float(self.window[0]), float(self.window[1])
        return start, lo_c - self.window, hi_c + self.window


BANDS = MappingProxyType({
    "G": Band("G", "G", "lorentzian", 1585.0, 0.0, (1550.0, 1620.0), 60.0, (8.0, 200.0),
              description="G band, E2g in-plane stretching of sp2 carbon"),
    "G_bwf": Band("G", "G", "bwf", 1600.0, 0.0, (1550.0, 1650.0), 60.0, (8.0, 200.0),
                  extra=(("q", Param(-6.0, min=-100.0, max=-2.0)),),
                  description="G band as a Breit-Wigner-Fano line (Ferrari-Robertson)"),
    "D1": Band("D1", "D1", "lorentzian", 1350.0, 50.0, 35.0, 120.0, (8.0, 400.0),
               description="D (D1) band, A1g breathing mode activated by disorder"),
    "D2": Band("D2", "D2", "lorentzian", 1620.0, 10.0, (1610.0, 1635.0), 40.0, (5.0, 80.0),
               description="D2 (D') band, intravalley double resonance"),
    "D3": Band("D3", "D3", "gaussian", 1510.0, 0.0, (1460.0, 1560.0), 150.0, (30.0, 350.0),
               description="D3 band, amorphous carbon between D and G"),
    "D4": Band("D4", "D4", "lorentzian", 1200.0, 0.0, (1120.0, 1280.0), 200.0, (30.0, 450.0),
               description="D4 band, polyenes / sp2-sp3 bonds"),
    "2D": Band("X2D", "2D", "lorentzian", 2700.0, 100.0, 70.0, 80.0, (15.0, 300.0),
               description="2D (G') band, overtone of D"),
    "D+D'": Band("DDp", "D+D'", "lorentzian", 2940.0, 60.0, 70.0, 80.0, (15.0, 300.0),
                 description="D+D' combination band (defect-activated, second order)"),
    "tPA1": Band("tPA1", "tPA1", "lorentzian", 1140.0, 0.0, (1100.0, 1190.0), 60.0,
                 (15.0, 150.0),
                 description="trans-polyacetylene (C=C / C-H combination), ~1140 1/cm"),
    "tPA2": Band("tPA2", "tPA2", "lorentzian", 1480.0, 0.0, (1420.0, 1540.0), 60.0,
                 (15.0, 150.0),
                 description="trans-polyacetylene (C=C stretching), ~1480 1/cm"),
    "D5": Band("D5", "D5", "gaussian", 1450.0, 0.0, (1400.0, 1500.0), 80.0, (20.0, 200.0),
               description="D5 band of extended soot/char models (CH_x / organic fragments)"),
    "Si960": Band("Si960", "Si960", "gaussian", 965.0, 0.0, (920.0, 1010.0), 60.0,
                  (15.0, 150.0),
                  description="second-order (2TO) band of a Si substrate, ~960 1/cm"),
})

#: Preset name -> band keys of :data:`BANDS`, in increasing position (order of the fit model).
PRESETS = MappingProxyType({
    "2band": ("D1", "G"),
    "4band": ("D4", "D1", "D3", "G"),
    "5band": ("D4", "D1", "D3", "G", "D2"),
    "bwf": ("D1", "G_bwf"),
})

#: What ``model="auto"`` compares.
AUTO = ("2band", "4band", "5band", "bwf")

_OPTIONAL = {"d'": "D2", "d′": "D2", "dprime": "D2", "d_prime": "D2", "d2": "D2",
             "2d": "2D", "g'": "2D", "g′": "2D", "x2d": "2D",
             "d+d'": "D+D'", "d+d′": "D+D'", "ddp": "D+D'", "d+d2": "D+D'",
             "tpa": ("tPA1", "tPA2"), "tpa1": "tPA1", "tpa2": "tPA2", "d5": "D5",
             "si960": "Si960", "si 960": "Si960", "si": "Si960"}
#: Bands ``include=`` can add, with their keys (for error messages and docs).
OPTIONAL_BANDS = ("D'", "2D", "D+D'", "tPA", "tPA1", "tPA2", "D5", "Si960")


def optional_bands(include) -> tuple[str, ...]:
    """Normalise ``include`` (None, a string or a sequence of "D'", "2D", "D+D'", "tPA", "D5",
    "Si960" ...) to band keys of :data:`BANDS` ("tPA" adds both tPA bands)."""
    if include is None:
        return ()
    if isinstance(include, str):
        include = (include,)
    out = []
    for item in include:
        key = _OPTIONAL.get(str(item).strip().lower())
        if key is None:
            raise ValueError(f"unknown optional band {item!r}; known: \"D'\" (D2, ≈1620 1/cm), "
                             "\"2D\" (≈2700), \"D+D'\" (≈2940), \"tPA\" (tPA1 ≈1140 and tPA2 "
                             "≈1480), \"D5\" (≈1450), \"Si960\" (Si substrate, ≈960)")
        for k in (key if isinstance(key, tuple) else (key,)):
            if k not in out:
                out.append(k)
    return tuple(out)


def preset_bands(name: str, include=()) -> tuple[Band, ...]:
    """The :class:`Band` s of preset ``name`` plus the optional bands (no duplicates)."""
    if name not in PRESETS:
        raise ValueError(f"unknown carbon band model {name!r}; presets: {', '.join(PRESETS)}")
    keys = list(PRESETS[name])
    for key in optional_bands(include):
        if key not in keys:
            keys.append(key)
    return tuple(BANDS[k] for k in keys)


def check_laser_wavelength(laser_wavelength) -> float | None:
    """A laser wavelength in nm as float (None stays None); raises on a non-physical value."""
    if laser_wavelength is None:
        return None
    value = float(laser_wavelength)
    if not math.isfinite(value) or not 200.0 <= value <= 2000.0:
        raise ValueError(f"laser wavelength must be in nm (200-2000), got {laser_wavelength!r}")
    return value


def carbon_model(name: str = "4band", *, laser_wavelength: float | None = None, include=(),
                 background="linear") -> Model:
    """The :class:`~characterization.fit.Model` of a carbon band preset.

    Parameters
    ----------
    name : {"2band", "4band", "5band", "bwf"}
        Preset (see the module docstring for bands, shapes and bounds).
    laser_wavelength : float, optional
        Excitation wavelength in nm; sets the positions of the dispersive bands (D1, D2, 2D).
        None widens their windows to cover 488–785 nm.
    include : sequence of str
        Optional bands added to the preset: "D'" (the D2 band, already in ``"5band"``), "2D",
        "D+D'", "tPA" (both trans-polyacetylene bands), "tPA1", "tPA2", "D5", "Si960" (see
        :data:`BANDS` for positions, windows and widths).
    background : str, dict or Background
        Background (baseline) fitted with the bands: ``None``/"none", "constant", "linear",
        "polynomial(n)", "chebyshev(n)".

    Returns
    -------
    Model
        Peaks in increasing position, every amplitude a height.

    Examples
    --------
    >>> carbon_model("2band", laser_wavelength=532).peak_names
    ('D1', 'G')
    >>> carbon_model("4band", include=("D'", "2D")).peak_names
    ('D4', 'D1', 'D3', 'G', 'D2', 'X2D')
    """
    laser_wavelength = check_laser_wavelength(laser_wavelength)
    peaks = []
    for band in preset_bands(name, include):
        start, lo, hi = band.position(laser_wavelength)
        start = min(max(start, lo), hi)
        f_lo, f_hi = band.fwhm_bounds
        peaks.append(Peak(band.name, band.shape, amplitude_type="height",
                          center=Param(start, min=lo, max=hi),
                          fwhm=Param(band.fwhm, min=f_lo, max=f_hi), **dict(band.extra)))
    order = sorted(range(len(peaks)), key=lambda k: peaks[k].params["center"].value)
    return Model([peaks[k] for k in order], background="none" if background is None else background)


#: Fit-parameter prefixes (identifiers) whose label on the ``peak`` dim differs.
PREFIX_LABELS = MappingProxyType({"X2D": "2D", "DDp": "D+D'"})


def labels(model: Model) -> dict[str, str]:
    """Fit-parameter prefix -> label on the ``peak`` dim (``X2D`` -> ``2D``, ``DDp`` ->
    ``D+D'``, others unchanged): a band keeps its label whatever model it is fitted in."""
    return {p.name: PREFIX_LABELS.get(p.name, p.name) for p in model.peaks}


def band_window(name: str, laser_wavelength: float | None) -> tuple[float, float]:
    """(lower, upper) position bound of band ``name`` (a key of :data:`BANDS`), in cm⁻¹."""
    _, lo, hi = BANDS[name].position(check_laser_wavelength(laser_wavelength))
    return lo, hi
