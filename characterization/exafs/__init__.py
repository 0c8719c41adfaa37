"""EXAFS / XANES analysis through xraylarch (namespace ``exafs``, accessor ``ds.exafs``).

``import characterization`` never imports larch: larch is imported inside the functions that
need it (:mod:`._larch`), and no larch Group ever leaves this package — every result is a
Dataset following :mod:`characterization.conventions` (technique ``"exafs"``).

Dataset layout (one spectrum per batch element; batch dims ``sample``, ``state``, ``time`` ...):

* input ``mu(..., energy)`` (1) on ``energy`` (eV), optional channels ``i0``, ``itrans``,
  ``ifluor``, ``irefer``, ``mu_reference``; scalar coords ``edge`` ("Sn K"), ``absorber``
  ("Sn"), ``edge_energy`` (eV, tabulated, from xraydb) and ``measurement``
  ("transmission", "fluorescence", "mu" when the file held μ only);
* after normalisation: ``norm``, ``flat``, ``pre_edge_line``, ``post_edge_line`` on ``energy``,
  per spectrum ``e0`` (eV) and ``edge_step`` (1);
* after background removal: ``background`` on ``energy``, ``chi(..., k)`` on ``k`` (1/angstrom);
* after the Fourier transform: ``chir_re``, ``chir_im``, ``chir_mag``, ``chir_pha`` on ``r``
  (angstrom; |χ(R)| in angstrom^-3 for k-weight 2 with k in 1/angstrom);
* scattering paths (``feff_paths`` technique, dim ``path`` × FEFF's ``k`` grid): see
  :mod:`characterization.io.exafs.feffdat`.
"""

__all__: list[str] = []

# --- processing (normalize, background, FT, series tools) ---
from .background import subtract_background  # noqa: E402
from .fourier import back_transform, fourier_transform  # noqa: E402
from .normalization import normalize  # noqa: E402
from .alignment import align  # noqa: E402
from .merging import merge  # noqa: E402
from .deglitching import deglitch  # noqa: E402
from .grids import combine, resample  # noqa: E402

__all__ += ["normalize", "subtract_background", "fourier_transform", "back_transform",
            "align", "merge", "deglitch", "resample", "combine"]
# --- end processing ---

# --- FEFF paths (exafs_feff) ---
from . import structures  # noqa: E402
from .feff import feff_paths  # noqa: E402

__all__ += ["feff_paths", "structures"]
# --- end FEFF paths ---

# --- exafs_fit block: shell fits, LCF, PCA ---
from .lcf import fit_lcf  # noqa: E402
from .pca import pca  # noqa: E402
from .shells import fit_shells  # noqa: E402

__all__ += ["fit_shells", "fit_lcf", "pca"]
# --- end exafs_fit block ---
