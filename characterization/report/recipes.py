"""Default recipes per technique and the headline quantities the report takes from them.

A *technique key* names one analysis route: ``xrd``, ``raman_carbon``, ``raman_silicon``,
``sorption``, ``xps_si2p``, ``nanoindent`` and ``exafs``. Each has a default
``characterize run`` recipe (TOML text, the same format as the demos' recipes) and a list of
:class:`Quantity` — which variable of which step becomes a column of the report table.

EXAFS: normalize (larch's default ranges) → AUTOBK (rbkg 1, k-weight 2, batched engine) → FT (k 2–12,
k-weight 2, Hanning dk 1); the table takes E0 and the edge step, the figure |χ(R)|. Shell fits
need FEFF paths chosen for the material: give them in a sheet ``recipe``.
"""

from __future__ import annotations

import dataclasses

DEFAULT_RECIPES: dict[str, str | None] = {
    # peaks come from the sheet (a ``peaks`` column): there is no safe automatic peak list
    "xrd": """\
[read]
technique = "xrd"

[xrd.fit_pattern]
shape = "pseudo_voigt"

[xrd.scherrer]
input = "fit_pattern"
k = 0.9
""",
    "raman_carbon": """\
[read]
technique = "raman"

[raman.remove_spikes]

[raman.fit_carbon]
input = "remove_spikes"
model = "auto"            # 2band, 4band, 5band, bwf: lowest BIC per spectrum
weights = "poisson"       # raw counts

[raman.crystallite_size]
input = "fit_carbon"
formula = "cancado"
""",
    "raman_silicon": """\
[read]
technique = "raman"

[raman.fit_silicon]
shape = "split_pseudo_voigt"   # confined (nano) Si lines are asymmetric
amorphous = "auto"
center_method = "apex"         # maximum of the measured line

[raman.confinement_size]
input = "fit_silicon"
model = "both"
""",
    "sorption": """\
[read]
technique = "sorption"

[sorption.bet]
errors = "nan"

[sorption.tplot]
thickness = "harkins_jura"

[sorption.total_pore_volume]
p = 0.95
errors = "nan"

[sorption.bjh]
branch = "desorption"
""",
    "xps_si2p": """\
[read]
technique = "xps"
region = "Si 2p"

[xps.fit_si2p]
background = "active"
""",
    "nanoindent": """\
[read]
technique = "nanoindent"

[nanoindent.segment]

[nanoindent.energies]
input = "segment"

[nanoindent.oliver_pharr]
input = "segment"
tip = "berkovich"
""",
    "exafs": """\
[read]
technique = "exafs"

[exafs.normalize]

[exafs.subtract_background]
input = "normalize"
rbkg = 1.0
k_weight = 2
engine = "batched"        # larch's AUTOBK solved for the whole batch (chi within 1e-4 rms)

[exafs.fourier_transform]
input = "subtract_background"
k_range = [2, 12]
k_weight = 2
dk = 1
taper = "hanning"
""",
}

#: Reader technique -> technique keys it may mean (the first is the default).
KEYS_OF_TECHNIQUE = {"xrd": ("xrd",), "raman": ("raman_carbon", "raman_silicon"),
                     "sorption": ("sorption",), "xps": ("xps_si2p",),
                     "nanoindent": ("nanoindent",), "exafs": ("exafs",)}


@dataclasses.dataclass(frozen=True)
class Quantity:
    """One headline column: variable ``var`` of step ``step`` (``ratio``: var / ratio).

    ``status`` names an integer variable of the result whose non-zero codes (explained in its
    ``attrs["codes"]``) mark values that are not plain estimates (a lower bound, out of the
    model's range): they are kept out of the pooled mean and reported in the ``flag`` column.
    """

    name: str
    step: str
    var: str
    long_name: str
    ratio: str | None = None
    status: str | None = None


QUANTITIES: dict[str, tuple[Quantity, ...]] = {
    "xrd": (Quantity("crystallite_size", "scherrer", "crystallite_size",
                     "Crystallite size (Scherrer)"),),
    "raman_carbon": (Quantity("id_ig", "fit_carbon", "id_ig_height", "I_D/I_G (height)"),
                     Quantity("la", "crystallite_size", "crystallite_size",
                              "L_a (Cançado)")),
    "raman_silicon": (Quantity("si_center", "fit_silicon", "center", "Si phonon center"),
                      Quantity("si_size", "confinement_size", "size_richter",
                               "Si crystallite size (phonon confinement)",
                               status="status_richter")),
    "sorption": (Quantity("bet_area", "bet", "bet_area", "BET area"),
                 Quantity("bet_c", "bet", "c_constant", "BET C"),
                 Quantity("total_pore_volume", "total_pore_volume", "total_pore_volume",
                          "Total pore volume"),
                 Quantity("micropore_volume", "tplot", "micropore_volume",
                          "Micropore volume (t-plot)")),
    "xps_si2p": (Quantity("average_valence", "fit_si2p", "average_valence",
                          "Si average valence"),),
    "nanoindent": (Quantity("we_wp", "energies", "elastic_work", "W_e/W_p",
                            ratio="plastic_work"),
                   Quantity("hardness", "oliver_pharr", "hardness", "Hardness (Oliver-Pharr)"),
                   Quantity("reduced_modulus", "oliver_pharr", "reduced_modulus",
                            "Reduced modulus E_r (Oliver-Pharr)"),
                   # NaN unless the sheet gives the sample's Poisson ratio
                   # (a ``sample_poisson_ratio`` column)
                   Quantity("modulus", "oliver_pharr", "modulus",
                            "Elastic modulus (Oliver-Pharr)")),
    "exafs": (Quantity("e0", "normalize", "e0", "E0 (edge energy)"),
              Quantity("edge_step", "normalize", "edge_step", "Edge step")),
}

#: Steps drawn in a material's figure, per technique key (their default panels).
FIGURE_STEPS = {"xrd": ("fit_pattern",), "raman_carbon": ("fit_carbon",),
                "raman_silicon": ("fit_silicon",), "sorption": ("bet", "bjh"),
                "xps_si2p": ("fit_si2p",), "nanoindent": ("energies",),
                "exafs": ("fourier_transform",)}


def technique_key(technique: str, ds=None) -> str:
    """The technique key for a sheet's ``technique`` cell or a reader's technique.

    ``raman`` becomes ``raman_carbon`` or ``raman_silicon`` by where the strongest band
    above the median lies: 1300-1650 cm⁻¹ (D and G) or 480-560 cm⁻¹ (Si phonon), looking only
    at the windows the spectrum covers; ``xps`` is ``xps_si2p``.
    Raises ValueError for an unknown technique.
    """
    t = (technique or "").lower()
    if t in DEFAULT_RECIPES:
        return t
    if t == "raman" and ds is not None and "raman_shift" in ds.coords:
        return _raman_route(ds)
    if t in KEYS_OF_TECHNIQUE:
        return KEYS_OF_TECHNIQUE[t][0]
    raise ValueError(f"no default recipe for technique {technique!r}; known: "
                     f"{', '.join(DEFAULT_RECIPES)} (or give a recipe column)")


def _raman_route(ds) -> str:
    import numpy as np

    x = np.asarray(ds["raman_shift"].values, float)
    var = "intensity" if "intensity" in ds.data_vars else next(iter(ds.data_vars))
    y = np.asarray(ds[var].values, float).reshape(-1, x.size)[0]
    base = float(np.nanmedian(y))
    scores = {}
    for key, (lo, hi) in (("raman_carbon", (1300.0, 1650.0)), ("raman_silicon", (480.0, 560.0))):
        on = (x >= lo) & (x <= hi)
        if on.sum() >= 5:
            scores[key] = float(np.nanmax(y[on])) - base
    if not scores:
        raise ValueError(f"Raman spectrum over {x.min():.0f}-{x.max():.0f} cm^-1 covers neither "
                         "the D/G bands (1300-1650) nor the Si phonon (480-560); give the "
                         "technique (raman_carbon or raman_silicon) or a recipe")
    return max(scores, key=scores.get)
