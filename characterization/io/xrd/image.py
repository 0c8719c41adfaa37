"""2-D X-ray detector images integrated to 1-D powder patterns through pyFAI.

``read(image, poni=...)`` reads one frame of an area-detector image (TIFF, CBF, EDF and the
other formats of :mod:`fabio`) and integrates it over the azimuth with :mod:`pyFAI`, using the
detector geometry of a PONI calibration file, into an XRD Dataset: ``intensity`` over
``two_theta`` (deg) with the ``wavelength`` of the PONI.

The integration
---------------
For every pixel *i* pyFAI knows its scattering angle 2θᵢ (from the PONI geometry: distance,
point of normal incidence, three rotations, pixel size). The 1-D pattern is the mean corrected
pixel intensity in each 2θ bin *k*,

.. math:: I_k = \\frac{\\sum_{i\\in k} S_i}{\\sum_{i\\in k} \\Omega_i P_i},

where :math:`S_i` is the pixel signal, :math:`\\Omega_i` its solid angle relative to the pixel
at the PONI (``correct_solid_angle``, :math:`\\propto\\cos^3` of the incidence angle) and
:math:`P_i` the polarization factor for a beam of polarization ``polarization`` (pyFAI's
convention: 1 fully horizontal, 0 unpolarized, None no correction). Pixels are split between
bins by their bounding box (pyFAI method ``("bbox", "csr", "cython")``, the method Dioptas uses).
The result is an intensity *per pixel*, normalised to the solid angle of the PONI pixel: counts
per pixel, not counts per bin.

Conventions and choices
-----------------------
* ``flip``: pyFAI calibrations (pyFAI-calib2) use the image as fabio reads it. **Dioptas shows
  and calibrates images flipped vertically**, so a PONI made with Dioptas needs ``flip="vertical"``
  (the Dioptas CeO2/Pilatus test image reproduces Dioptas' own integration only so). The image
  cannot tell which program made the PONI; nothing is flipped by default, but when ``flip`` is
  not given the vertically flipped image is integrated too and a warning is given when its rings
  are much sharper (both the normalised squared differences of the pattern and its peak-to-median
  contrast at least twice as large): the sign of a Dioptas PONI. On the CeO2 test image the
  right orientation has 3.4× the sharpness and 11× the contrast.
* ``mask``: by default pixels with negative values are masked — Pilatus and Eiger detectors
  write −1 (dead) and −2 (module gaps), which are not counts. ``mask=None`` keeps every pixel
  (as Dioptas and pyFAI do unless told otherwise); an array (True = masked, pyFAI's convention)
  or a mask image file can be given.
* The wavelength comes from the PONI; the radiation is monochromatic (no Kα2), so only
  ``wavelength`` is set. A PONI without wavelength is refused (ReadError).
* Bins no pixel falls in are NaN, not 0.
* ``unit``: the binning variable. ``"2th_deg"`` (default) bins uniformly in 2θ; ``"q_nm^-1"``
  / ``"q_A^-1"`` bin uniformly in q, and the (then non-uniform) 2θ axis is computed from q with
  the PONI wavelength, the q values kept as a coordinate ``q`` along ``two_theta``.

Every option used is recorded in ``attrs["integration"]`` (JSON) with the pyFAI version.

Library choice: pyFAI (ESRF, MIT licence) is the reference implementation of azimuthal
integration used by Dioptas, pyFAI-calib2 and most beamlines; fabio (ESRF, MIT) reads the
detector formats. Tested with pyFAI 2026.9 and fabio 2026.6 only; the reader relies on
``AzimuthalIntegrator.integrate1d(..., error_model="poisson")`` returning ``sigma`` and
``count`` (the "ng" integrator of recent pyFAI releases; older versions are not checked).
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import numpy as np

from ...errors import ReadError
from .. import _source
from .._registry import register_reader
from ._build import build_xrd

#: Extensions claimed (all formats fabio reads are accepted with ``format="xrd_image"``).
EXTENSIONS = (".tif", ".tiff", ".cbf", ".edf", ".mccd", ".img", ".sfrm")

#: Units the radial axis may be binned in, with the pyFAI name and the coordinate it gives.
UNITS = {"2th_deg": ("2th_deg", None), "2th_rad": ("2th_rad", None),
         "q_nm^-1": ("q_nm^-1", ("q", "1/nm", "Scattering vector q")),
         "q_A^-1": ("q_A^-1", ("q", "1/angstrom", "Scattering vector q"))}

_FLIPS = {None: lambda a: a, "none": lambda a: a, "vertical": np.flipud,
          "horizontal": np.fliplr, "both": lambda a: a[::-1, ::-1]}

_METHOD = ("bbox", "csr", "cython")

#: Orientation check: the flipped image must beat the one integrated by these factors in both
#: ring sharpness and peak contrast before a warning is given.
_ORIENTATION_FACTOR = 2.0


def _sharpness(y) -> tuple[float, float]:
    """(normalised squared first differences, (max − median)/median) of a 1-D pattern."""
    y = np.asarray(y, dtype=float)
    y = y[np.isfinite(y)]
    if y.size < 3:
        return 0.0, 0.0
    spread = float(np.sum((y - y.mean()) ** 2))
    median = float(np.median(y))
    sharp = float(np.sum(np.diff(y) ** 2)) / spread if spread > 0 else 0.0
    contrast = (float(y.max()) - median) / median if median > 0 else 0.0
    return sharp, contrast


def _sniff(head: bytes, path: Path) -> bool:
    """TIFF magic, a CBF header, or an EDF header block."""
    start = head[:64]
    return (start.startswith((b"II*\x00", b"MM\x00*")) or b"###CBF" in head[:512]
            or (start.lstrip().startswith(b"{") and b"EDF_" in head[:1024]
                or b"HeaderID" in head[:1024] and start.lstrip().startswith(b"{")))


def _open_image(path: Path, frame: int):
    import fabio

    try:
        img = fabio.open(str(path))
    except Exception as exc:  # noqa: BLE001 - fabio raises many kinds on a bad file
        raise ReadError(path, f"not a readable detector image ({type(exc).__name__}: {exc})"
                        ) from None
    nframes = int(getattr(img, "nframes", 1) or 1)
    if not 0 <= frame < nframes:
        raise ReadError(path, f"frame={frame} does not exist: the file holds {nframes} frame(s)")
    if frame:
        img = img.getframe(frame)
    data = np.asarray(img.data)
    if data.ndim != 2 or 0 in data.shape:
        raise ReadError(path, f"expected a 2-D detector image, found an array of shape "
                              f"{data.shape}")
    header = {str(k): str(v) for k, v in dict(getattr(img, "header", {}) or {}).items()}
    return data, header, nframes


def _load_poni(path: Path, poni):
    import pyFAI

    if poni is None:
        beside = path.parent / (Path(path.name).stem.split(".")[0] + ".poni")
        if not beside.is_file():
            raise ReadError(path, "a 2-D detector image needs its geometry calibration: pass "
                                  "poni= (a pyFAI/Dioptas .poni file); no .poni with the same "
                                  "name lies beside the image")
        poni = beside
    poni_path = Path(os.fspath(poni))
    if not poni_path.is_file():
        raise ReadError(path, f"PONI file {str(poni_path)!r} does not exist")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ai = pyFAI.load(str(poni_path))
    except Exception as exc:  # noqa: BLE001 - pyFAI raises many kinds on a bad PONI
        raise ReadError(poni_path, f"not a valid PONI calibration ({type(exc).__name__}: "
                                   f"{exc})") from None
    geometry = (ai.dist, ai.poni1, ai.poni2, ai.rot1, ai.rot2, ai.rot3,
                ai.detector.pixel1, ai.detector.pixel2)
    if (not all(g is not None and np.isfinite(g) for g in geometry) or not ai.dist > 0
            or not ai.detector.pixel1 > 0 or not ai.detector.pixel2 > 0):
        raise ReadError(poni_path, "PONI calibration is incomplete: distance, PONI, rotations "
                                   "and a positive pixel size are needed")
    if not ai.wavelength or not np.isfinite(ai.wavelength) or ai.wavelength <= 0:
        raise ReadError(poni_path, "PONI calibration has no wavelength; 2θ patterns need one")
    return ai, poni_path


def _resolve_mask(path: Path, mask, data: np.ndarray):
    """Boolean mask (True = excluded) and a short description for the attrs."""
    if mask is None:
        return None, "none"
    if isinstance(mask, str) and mask == "negative":
        return data < 0, "negative pixels (detector gaps and dead pixels)"
    if isinstance(mask, (str, os.PathLike)):
        mpath = Path(os.fspath(mask))
        try:
            import fabio

            arr = np.asarray(fabio.open(str(mpath)).data)
        except Exception as exc:  # noqa: BLE001
            raise ReadError(mpath, f"mask image not readable ({type(exc).__name__}: {exc})"
                            ) from None
        what = f"file {mpath.name}"
    else:
        arr, what = np.asarray(mask), "array"
    if arr.shape != data.shape:
        raise ReadError(path, f"mask has shape {arr.shape}, the image {data.shape}")
    return arr.astype(bool), what


def _default_npt(ai, shape) -> int:
    """One bin per pixel along the longest line from the beam centre to an image corner."""
    try:
        fit2d = ai.getFit2D()
        cx, cy = fit2d["centerX"], fit2d["centerY"]
    except Exception:  # noqa: BLE001 - no usable beam centre: use the image diagonal
        return int(np.ceil(np.hypot(*shape)))
    if not (np.isfinite(cx) and np.isfinite(cy)):
        return int(np.ceil(np.hypot(*shape)))
    ny, nx = shape
    corners = [(0, 0), (nx, 0), (0, ny), (nx, ny)]
    return max(16, int(np.ceil(max(np.hypot(x - cx, y - cy) for x, y in corners))))


@register_reader("xrd_image", extensions=EXTENSIONS, sniff=_sniff, technique="xrd",
                 description="2-D detector image (TIFF/CBF/EDF) integrated to 2θ with pyFAI and "
                             "a PONI calibration")
def read_xrd_image(path, *, poni=None, npt: int | None = None, unit: str = "2th_deg",
                   mask="negative", polarization: float | None = None, flip: str | None = None,
                   correct_solid_angle: bool = True, frame: int = 0):
    """Integrate a 2-D detector image over the azimuth into a powder pattern.

    Parameters
    ----------
    path : str or os.PathLike
        The image (any format fabio reads: TIFF, CBF, EDF, MarCCD ...).
    poni : str or os.PathLike, optional
        The pyFAI/Dioptas geometry calibration. Default: the ``.poni`` file with the same name
        beside the image (its path is recorded in the attrs); ReadError when there is none.
    npt : int, optional
        Number of radial bins. Default: one bin per pixel along the longest line from the beam
        centre to an image corner.
    unit : {"2th_deg", "2th_rad", "q_nm^-1", "q_A^-1"}
        Variable binned uniformly. The result's axis is always ``two_theta`` in degrees; for a
        q binning the q values are kept as coordinate ``q``.
    mask : "negative", None, array_like or path
        Pixels excluded. ``"negative"`` (default): pixels below 0 (Pilatus/Eiger gaps −2 and dead
        pixels −1); None: none; a boolean array of the image's shape (True = excluded) or a mask
        image file.
    polarization : float, optional
        pyFAI polarization factor in [−1, 1] (0.99 for a horizontally polarized synchrotron
        beam, as Dioptas assumes by default; 0 for an unpolarized tube). None: no polarization
        correction.
    flip : {None, "vertical", "horizontal", "both"}
        Flip the image before integrating. PONI files made with **Dioptas** need
        ``"vertical"``; pyFAI-calib2 PONIs need none. When not given, a warning says so if
        the rings are much sharper with the image flipped vertically.
    correct_solid_angle : bool
        Divide by each pixel's solid angle relative to the PONI pixel (pyFAI default).
    frame : int
        Frame of a multi-frame file (0-based).

    Returns
    -------
    xarray.Dataset
        ``intensity`` (counts per pixel, solid-angle normalised) and ``intensity_uncertainty``
        (Poisson, propagated by pyFAI) over ``two_theta`` (deg), ``pixels`` (number of pixels in
        each bin, fractional with pixel splitting), ``wavelength`` (Å) from the PONI,
        ``attrs["integration"]`` (JSON: every option, the PONI geometry, masked pixel count,
        pyFAI version), the image header in ``attrs["original_metadata"]``.

    Raises
    ------
    ReadError
        Unreadable image or PONI, a PONI without wavelength or geometry, a mask of the wrong
        shape, an unknown option value, a missing frame.

    Notes
    -----
    Validated against Dioptas' own integration of its CeO2/Pilatus 1M test image (Dioptas test
    data ``CeO2_Pilatus1M.xy``): with ``flip="vertical"``, ``mask=None``,
    ``polarization=0.99`` and ``npt=1512`` the 2θ bins agree to 2e-6° and the intensities to
    1e-4 relative (tests/io/test_xrd_image.py).

    References
    ----------
    Ashiotis et al., "The fast azimuthal integration Python library: pyFAI", J. Appl. Cryst. 48
    (2015) 510. Prescher & Prakapenka, "DIOPTAS", High Press. Res. 35 (2015) 223.

    Examples
    --------
    >>> ds = read_xrd_image("CeO2.tif", poni="CeO2.poni", flip="vertical")   # doctest: +SKIP
    >>> ds.intensity.plot()                                                  # doctest: +SKIP
    """
    import pyFAI

    path = Path(os.fspath(path))
    if flip not in _FLIPS:
        raise ReadError(path, f"flip must be None, 'vertical', 'horizontal' or 'both', not "
                              f"{flip!r}")
    if unit not in UNITS:
        raise ReadError(path, f"unit must be one of {sorted(UNITS)}, not {unit!r}")
    if polarization is not None and not (np.isfinite(polarization)
                                         and -1 <= float(polarization) <= 1):
        raise ReadError(path, f"polarization must be in [-1, 1] or None, not {polarization!r}")
    if npt is not None and (int(npt) != npt or npt < 2):
        raise ReadError(path, f"npt must be an integer >= 2, not {npt!r}")
    _source.check_file(path)
    ai, poni_path = _load_poni(path, poni)
    data, header, nframes = _open_image(path, int(frame))
    data = _FLIPS[flip](data)
    mask_array, mask_what = _resolve_mask(path, mask, data)
    shape = ai.detector.shape or ai.detector.max_shape
    if shape is not None and tuple(shape) != data.shape:
        raise ReadError(path, f"image has shape {data.shape} but the PONI detector "
                              f"{ai.detector.name} has {tuple(shape)}")
    npt = int(npt) if npt is not None else _default_npt(ai, data.shape)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = ai.integrate1d(data.astype(np.float32), npt, unit=UNITS[unit][0],
                                 method=_METHOD, correctSolidAngle=bool(correct_solid_angle),
                                 polarization_factor=polarization, mask=mask_array,
                                 error_model="poisson")
    except Exception as exc:  # noqa: BLE001 - boundary: pyFAI failures become ReadError
        raise ReadError(path, f"pyFAI integration failed ({type(exc).__name__}: {exc})"
                        ) from None
    if flip is None:
        _check_orientation(path, ai, data, npt, unit, correct_solid_angle, polarization, mask,
                           mask_array, res.intensity)
    radial = np.asarray(res.radial, dtype=float)
    intensity = np.asarray(res.intensity, dtype=float)
    sigma = (np.asarray(res.sigma, dtype=float) if res.sigma is not None
             else np.full_like(intensity, np.nan))
    pixels = (np.asarray(res.count, dtype=float) if getattr(res, "count", None) is not None
              else np.full_like(intensity, np.nan))
    empty = ~(pixels > 0)
    intensity[empty] = np.nan
    sigma[empty] = np.nan
    wavelength = ai.wavelength * 1e10
    coords = {}
    if unit == "2th_deg":
        two_theta = radial
    elif unit == "2th_rad":
        two_theta = np.degrees(radial)
    else:
        q_per_A = radial / 10.0 if unit == "q_nm^-1" else radial
        two_theta = np.degrees(2 * np.arcsin(np.clip(q_per_A * wavelength / (4 * np.pi), -1, 1)))
        name, units, long_name = UNITS[unit][1]
        coords[name] = ("two_theta", radial, {"units": units, "long_name": long_name})
    f2d = {}
    try:
        f2d = {k: float(v) for k, v in ai.getFit2D().items() if np.isscalar(v)}
    except Exception:  # noqa: BLE001 - the Fit2D view is informative only
        pass
    integration = {
        "software": f"pyFAI {pyFAI.version}", "method": list(_METHOD), "npt": npt,
        "unit": unit, "polarization": polarization,
        "correct_solid_angle": bool(correct_solid_angle), "flip": flip,
        "mask": mask_what,
        "masked_pixels": int(mask_array.sum()) if mask_array is not None else 0,
        "poni_file": str(poni_path), "frame": int(frame), "frames_in_file": nframes,
        "image_shape": list(data.shape),
        "geometry": {"distance_m": ai.dist, "poni1_m": ai.poni1, "poni2_m": ai.poni2,
                     "rot1_rad": ai.rot1, "rot2_rad": ai.rot2, "rot3_rad": ai.rot3,
                     "pixel1_m": ai.detector.pixel1, "pixel2_m": ai.detector.pixel2,
                     "wavelength_m": ai.wavelength, "fit2d": f2d},
        "intensity": "mean pixel counts per bin, divided by solid angle (relative to the PONI "
                     "pixel) and polarization as requested",
    }
    extra_vars = {
        "intensity_uncertainty": ("two_theta", sigma, {"units": "count", "long_name":
                                                       "Uncertainty of intensity (Poisson)"}),
        "pixels": ("two_theta", pixels, {"units": "1", "long_name":
                                         "Pixels in the bin (fractional, pixel splitting)"}),
    }
    extra_coords = {name: value for name, value in coords.items()}
    ds = build_xrd(path, two_theta, intensity, reader="xrd_image", wavelength=wavelength,
                   radiation="monochromatic", metadata={"image_header": header},
                   extra_coords=extra_coords, extra_vars=extra_vars)
    ds.attrs["integration"] = json.dumps(integration, default=str)
    return ds


def _check_orientation(path, ai, data, npt, unit, correct_solid_angle, polarization, mask,
                      mask_array, intensity):
    """Warn when the vertically flipped image gives much sharper rings (a Dioptas PONI)."""
    flipped = np.flipud(data)
    if isinstance(mask, str) and mask == "negative":
        alt_mask = flipped < 0
    else:
        alt_mask = np.flipud(mask_array) if mask_array is not None else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            alt = ai.integrate1d(flipped.astype(np.float32), npt, unit=UNITS[unit][0],
                                 method=_METHOD, correctSolidAngle=bool(correct_solid_angle),
                                 polarization_factor=polarization, mask=alt_mask)
    except Exception:  # noqa: BLE001 - the check is advisory only
        return
    (s0, c0), (s1, c1) = _sharpness(intensity), _sharpness(alt.intensity)
    if s1 > _ORIENTATION_FACTOR * s0 and c1 > _ORIENTATION_FACTOR * c0:
        warnings.warn(f"{path}: the rings are much sharper with the image flipped vertically "
                      f"(sharpness {s1:.2g} vs {s0:.2g}, peak contrast {c1:.3g} vs {c0:.3g}): "
                      "the PONI probably comes from Dioptas, which calibrates flipped images; "
                      "pass flip='vertical' (or flip='none' to silence this check)",
                      stacklevel=4)
