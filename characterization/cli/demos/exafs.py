"""EXAFS demo: ex situ Sn K-edge spectra of a Sn-based anode at pristine, lithiated (0.01 V) and
delithiated (2.0 V) states (synthetic μ(E) written as energy/μ CSV exports), normalised,
background-subtracted (AUTOBK) and Fourier transformed; a first-shell fit with FEFF paths of
the built-in β-Sn structure and a linear-combination fit (LCF) of the XANES against two
reference spectra written by the demo; E0, edge step, shell amplitude and σ², and the metal
fraction against the truth.

The states are illustrative mixtures, not a structure model: a fraction ``x`` of β-Sn metal
(χ(k) from the FEFF Sn–Sn paths at 3.02 Å (4×) and 3.18 Å (2×), S0² = 0.9) and ``1 − x`` of a
Li–Sn phase (Li is a weak backscatterer: no EXAFS, a 1.5 eV lower and broader edge). The shell
fit therefore recovers ``S0²·x`` as its amplitude and LCF recovers ``x``: two independent
routes to the same number.
"""

from __future__ import annotations

import numpy as np

from ._common import summary_value

TITLE = ("EXAFS: Sn K edge, pristine/lithiated/delithiated -> normalise, AUTOBK, |chi(R)|, "
         "beta-Sn shell fit, LCF")

RECIPE = """\
# characterize run recipe: Sn K-edge EXAFS processing (one energy/mu CSV per state)
[read]
technique = "exafs"

[exafs.normalize]
pre_range = [-150, -30]      # eV relative to E0 (larch pre1, pre2)
post_range = [50, 700]       # eV relative to E0 (larch norm1, norm2)
post_degree = 2              # polynomial DEGREE (Athena's bkg_nnorm = degree + 1)

[exafs.subtract_background]
input = "normalize"
rbkg = 1.0
k_weight = 2

[exafs.fourier_transform]
input = "subtract_background"
k_range = [2, 12]
k_weight = 2
dk = 1
taper = "hanning"

[exafs.fit_shells]           # first Sn-Sn shell: FEFF paths of built-in beta-Sn (cached)
input = "subtract_background"
paths = { structure = "beta-Sn", absorber = "Sn", radius = 3.3 }
model = { params = { s02 = { value = 0.8, min = 0 }, de0 = 0, delr = 0, sigma2 = 0.006 } }
k_range = [3, 12]
r_range = [2.0, 3.4]
k_weight = 2
engine = "batched"

[exafs.fit_lcf]              # XANES LCF against references normalised like the inputs
input = "normalize"
reference = { files = { "Sn metal" = "references/Sn_metal.csv", "Li-Sn" = "references/Li-Sn.csv" }, steps = ["normalize"] }

[output]
figures = true
"""

S02 = 0.9
#: (file stem, edge step, metal fraction x, sigma2 of the metal Sn-Sn paths (Å^2))
MIXTURES = (
    ("Sn_anode_pristine", 1.00, 0.95, 0.006),
    ("Sn_anode_lithiated_0.01V", 0.85, 0.20, 0.006),
    ("Sn_anode_delithiated_2.0V", 0.92, 0.70, 0.008),
)


#: Illustrative shells per state (file stem, edge step, [(N, R Å, σ² Å²)]) of the gallery's
#: EXAFS figure (``docs/gallery``); the demo's files are the mixtures above.
STATES = (
    ("Sn_anode_pristine", 1.00, [(4.0, 3.02, 0.006), (2.0, 3.18, 0.008)]),
    ("Sn_anode_lithiated_0.01V", 0.85, [(1.5, 2.90, 0.012)]),
    ("Sn_anode_delithiated_2.0V", 0.92, [(3.0, 3.02, 0.008), (1.5, 3.18, 0.010)]),
)


def _write_csv(path, energy, mu):
    lines = ["energy (eV),mu"] + [f"{e:.3f},{m:.6f}" for e, m in zip(energy, mu)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _end_members(sigma2: float):
    """Unit-step μ(E) of β-Sn metal (FEFF χ with ``sigma2``) and of the Li–Sn phase."""
    import xarray as xr

    from ...exafs import feff_paths
    from ...synthetic import exafs_chi, xas_spectra

    paths = feff_paths("beta-Sn", absorber="Sn", radius=3.3)
    chi = exafs_chi(paths, sigma2=[sigma2] * paths.sizes["path"], s02=S02).chi
    chi = xr.DataArray(chi.values.reshape(-1), coords={"k": chi.k.values}, dims="k")
    metal = xas_spectra(1, chi=chi, edge_shape="erf", edge_width=2.5, reference=False,
                        noise=0, seed=0)
    lisn = xas_spectra(1, shells=[], edge_shape="erf", edge_width=4.0, energy_shift=-1.5,
                       reference=False, noise=0, seed=0)
    return metal.energy.values, metal.mu[0].values, lisn.mu[0].values, float(metal.e0_true[0])


def write_inputs(folder, small: bool = False) -> dict:
    """One CSV (energy in eV, μ) per state, and the two references in ``../references``;
    returns the truth (edge step, metal fraction, shell amplitude S0²·x and σ²)."""
    rng = np.random.default_rng(21)
    refs = folder.parent / "references"
    refs.mkdir(parents=True, exist_ok=True)
    energy, metal, lisn, e0 = _end_members(0.006)
    _write_csv(refs / "Sn_metal.csv", energy, metal)
    _write_csv(refs / "Li-Sn.csv", energy, lisn)
    truth = {}
    for stem, step, x, sigma2 in MIXTURES:
        m = metal if sigma2 == 0.006 else _end_members(sigma2)[1]
        mu = step * (x * m + (1 - x) * lisn) + rng.normal(0, 0.001, energy.size)
        name = f"{stem}.csv"
        _write_csv(folder / name, energy, mu)
        truth[name] = {"e0_metal": e0, "edge_step": step, "metal_fraction": x,
                       "amplitude": S02 * x, "sigma2": sigma2}
    return truth


def _shell_results(rows) -> dict:
    """Fitted S0² and σ² with standard errors per file key, from the run's stored
    ``fit_shells`` results (not headline values, so not in the summary)."""
    import xarray as xr
    from pathlib import Path

    out = {}
    folders = {Path(r["file"]).parent.parent for r in rows}
    for nc in sorted(p for f in folders for p in f.glob("batches/*/fit_shells.nc")):
        with xr.open_dataset(nc) as ds:
            dim = next(d for d in ds.value.dims if d != "param")
            for key in ds[dim].values:
                v = ds.sel({dim: key})
                out[str(key)] = {p: (float(v.value.sel(param=p)), float(v.stderr.sel(param=p)))
                                 for p in ("s02", "sigma2")}
    return out


def report(rows, truth) -> list[str]:
    shells = _shell_results(rows) if rows else {}
    nan = (np.nan, np.nan)
    lines = [f"{'file':<30}{'E0':>9}{'edge step':>13}{'S0^2*x':>18}{'sigma2 (A^2)':>22}"
             f"{'x (LCF)':>13}",
             f"{'':<30}{'(eV)':>9}{'true   fit':>13}{'true   fit':>18}{'true     fit':>22}"
             f"{'true   fit':>13}"]
    for row in rows:
        name = row["file"].split("/")[-1]
        t = truth.get(name, {})
        fit = shells.get(row.get("sample", ""), {})
        a, da = fit.get("s02", nan)
        s2, ds2 = fit.get("sigma2", nan)
        lines.append(f"{name:<30}{float(summary_value(row, 'normalize.e0 ')):>9.1f}"
                     f"{t.get('edge_step', np.nan):>7.3f}"
                     f"{float(summary_value(row, 'normalize.edge_step')):>6.3f}"
                     f"{t.get('amplitude', np.nan):>8.3f}{a:>6.3f}±{da:.3f}"
                     f"{t.get('sigma2', np.nan):>9.4f}{s2:>7.4f}±{ds2:.4f}"
                     f"{t.get('metal_fraction', np.nan):>7.3f}"
                     f"{float(summary_value(row, 'fit_lcf.weight[Sn metal]')):>6.3f}")
    lines.append("E0: max of the smoothed derivative (larch find_e0); shell fit: beta-Sn FEFF "
                 "paths, its S0^2 absorbs the metal fraction x (S0^2 = 0.9); LCF: weight of the "
                 "Sn metal reference")
    return lines


def overview_figure(files, folder):
    import xarray as xr

    from ...exafs import fourier_transform, normalize, subtract_background
    from ...io import read
    from ...plot import figure
    from ...plot.exafs import overview

    spectra = [read(f, technique="exafs") for f in files]
    states = [f.stem.replace("Sn_anode_", "") for f in files]
    ds = xr.concat([s.drop_vars("source_file", errors="ignore") for s in spectra],
                   dim="state", combine_attrs="drop_conflicts")
    ds = ds.assign_coords(state=("state", states))
    ds = normalize(ds, pre_range=(-150, -30), post_range=(50, 700), post_degree=2)
    ds = fourier_transform(subtract_background(ds, rbkg=1.0, k_weight=2), k_range=(2, 12),
                           k_weight=2, dk=1, taper="hanning")
    fig, axes = figure(1, 3, width="double", aspect=0.8)
    overview(ds, axes=axes)
    return fig
