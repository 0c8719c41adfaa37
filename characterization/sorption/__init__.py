"""Gas sorption (N2 77 K, Ar 87 K ...): BET, t-plot, pore volume, pore-size distributions.

Every function takes an isotherm Dataset (sorption conventions: ``amount(..., point)`` in
mmol/g with coords ``relative_pressure`` and ``branch``) with any leading batch dims, and
returns a new Dataset keeping them.
"""

from .adsorbates import ADSORPTIVES, adsorptive
from .bet import bet
from .kernel_psd import kelvin_kernel, kernel_psd
from .micropore import dubinin_radushkevich, langmuir
from .pore_volume import total_pore_volume
from .psd import bjh, dollimore_heal
from .report import iso9277_report
from .tplot import alpha_s, tplot

__all__ = ["bet", "tplot", "alpha_s", "langmuir", "dubinin_radushkevich", "total_pore_volume",
           "bjh", "dollimore_heal", "kernel_psd", "kelvin_kernel", "iso9277_report", "adsorptive", "ADSORPTIVES"]
