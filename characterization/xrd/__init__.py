"""X-ray diffraction: instrument resolution (Caglioti) and line-broadening analysis.

Every function takes a *peak table* (``center``, ``fwhm`` in degrees 2θ over a ``peak`` dim,
any leading batch dims, coord ``wavelength`` in Å; build one with :func:`peak_table`) and
returns a new Dataset keeping the batch dims.

* :func:`caglioti`, :func:`instrument_fwhm`: instrument resolution function from a standard;
* :func:`scherrer`: crystallite size per peak, with instrumental correction;
* :func:`williamson_hall`: size and microstrain from a fit over the peaks;
* :func:`fit_pattern`: Kα1/Kα2 doublet peak fitting of patterns, giving such a peak table.
"""

from .broadening import SCHERRER_K, scherrer, williamson_hall
from .instrument import caglioti, instrument_fwhm, peak_table, voigt_fwhm
from .peaks import fit_pattern

__all__ = ["peak_table", "caglioti", "instrument_fwhm", "voigt_fwhm", "scherrer",
           "williamson_hall", "SCHERRER_K", "fit_pattern"]
