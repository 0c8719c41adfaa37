"""X-ray diffraction: instrument resolution (Caglioti) and line-broadening analysis.

The line-broadening functions take a *peak table* (``center``, ``fwhm`` in degrees 2θ over a
``peak`` dim, any leading batch dims, coord ``wavelength`` in Å; build one with
:func:`peak_table`, or fit one with :func:`fit_pattern`) and return a new Dataset keeping the
batch dims. Where a width must be split into Lorentzian and Gaussian parts from a pseudo-Voigt
mixing η, the Thompson–Cox–Hastings relation is used (:mod:`characterization.xrd.peak_table`).

* :func:`caglioti`, :func:`instrument_fwhm`: instrument resolution function from a standard;
* :func:`scherrer`: crystallite size per peak, with instrumental correction;
* :func:`williamson_hall`, :func:`size_strain_plot`: size and microstrain from a fit over the
  peaks (uniform-deformation Williamson–Hall; Halder–Wagner size–strain plot);
* :func:`fit_pattern`: Kα1/Kα2 doublet peak fitting of patterns, giving such a peak table;
* :func:`subtract_background`, :func:`strip_kalpha2`: background (SNIP, Chebyshev,
  pybaselines) and Rachinger Kα2 stripping;
* :func:`add_axis_coords`, :func:`convert_wavelength` (:mod:`~characterization.xrd.axes`):
  2θ/d/Q; :func:`correct_two_theta`, :func:`fit_two_theta_correction`
  (:mod:`~characterization.xrd.calibration`): zero shift and specimen displacement;
* :func:`reference_pattern`, :func:`peaks_from_phases`, :func:`phase_check`: reference phase
  sticks from pymatgen structures at the pattern's Kα1 wavelength, and a phase check.
"""

from ._structures import get_structure, known_phases
from .axes import (add_axis_coords, convert_wavelength, d_spacing, q_from_two_theta,
                   two_theta_from_d, two_theta_from_q)
from .background import subtract_background
from .broadening import SCHERRER_K, scherrer, size_strain_plot, williamson_hall
from .calibration import correct_two_theta, displacement_shift, fit_two_theta_correction
from .instrument import caglioti, instrument_fwhm
from .peak_table import peak_table, tch_lorentz_share, voigt_fwhm
from .kalpha2 import strip_kalpha2
from .peaks import fit_pattern
from .phases import peaks_from_phases, phase_check, reference_pattern

__all__ = ["peak_table", "caglioti", "instrument_fwhm", "voigt_fwhm", "tch_lorentz_share",
           "scherrer",
           "williamson_hall", "size_strain_plot", "SCHERRER_K", "fit_pattern",
           "subtract_background", "strip_kalpha2", "add_axis_coords", "convert_wavelength",
           "correct_two_theta", "fit_two_theta_correction", "d_spacing", "displacement_shift",
           "q_from_two_theta", "two_theta_from_d", "two_theta_from_q", "reference_pattern",
           "peaks_from_phases", "phase_check", "get_structure", "known_phases"]
