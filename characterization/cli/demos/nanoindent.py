"""Nanoindentation demo: Berkovich indents on three synthetic materials (a hard silicide-like
phase, a hard carbon, a soft graphite-like one), written as Time/Displacement/Load CSV exports,
segmented, then analysed for the indentation energies (W_e, W_p, η_IT) and Oliver–Pharr H, E."""

from __future__ import annotations

import numpy as np

from ._common import summary_value

TITLE = "Nanoindentation: segments, energies (W_e, W_p, eta_IT), Oliver-Pharr H and E"

RECIPE = """\
# characterize run recipe: nanoindentation demo
[read]
technique = "nanoindent"

[nanoindent.segment]
# loading / hold / unloading from the load rate (the CSV has no segment markers)

[nanoindent.energies]
input = "segment"

[nanoindent.oliver_pharr]
input = "segment"
tip = "berkovich"
unloading_range = [0.5, 1.0]
sample_poisson_ratio = 0.2

[output]
figures = true
"""

#: (file stem, hardness GPa, modulus GPa, max load mN)
MATERIALS = (("silicide", 12.0, 180.0, 20.0), ("hard_carbon", 3.0, 25.0, 10.0),
             ("graphite", 0.8, 12.0, 5.0))


def _samples(small: bool):
    from ...synthetic import indentation_curves

    n = 2 if small else 4
    for k, (stem, hardness, modulus, load) in enumerate(MATERIALS):
        yield stem, indentation_curves(
            n, hardness=hardness, modulus=modulus, sample_poisson_ratio=0.2, max_load=load,
            loading_time=10.0, hold_time=2.0, unloading_time=5.0, sampling_rate=20.0,
            noise_load=0.0005 * load, noise_displacement=0.05, seed=10 + k)


def write_inputs(folder, small: bool = False) -> dict:
    """Write one CSV per indent; returns the ground truth per file."""
    truth = {}
    for stem, ds in _samples(small):
        gt = ds.attrs["ground_truth"]
        for i in range(ds.sizes["indent"]):
            one = ds.isel(indent=i)
            ok = np.isfinite(one["load"].values)
            rows = zip(one["time"].values[ok], one["displacement"].values[ok],
                       one["load"].values[ok])
            lines = ["Time (s),Displacement (nm),Load (mN)"]
            lines += [f"{t:.3f},{h:.4f},{p:.6f}" for t, h, p in rows]
            name = f"{stem}_{i + 1}.csv"
            (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
            truth[name] = {key: float(gt[key][i]) for key in
                           ("hardness", "modulus", "elastic_work", "plastic_work",
                            "elastic_fraction")}
    return truth


def report(rows, truth) -> list[str]:
    lines = [f"{'file':<18}{'H true':>8}{'H':>8}{'E true':>8}{'E':>8}{'W_e':>9}{'W_p':>9}"
             f"{'eta true':>9}{'eta':>7}"]
    for row in rows:
        name = row["file"].split("/")[-1]
        t = truth.get(name, {})

        def get(prefix):
            return summary_value(row, prefix)

        lines.append(f"{name:<18}{t.get('hardness', np.nan):>8.2f}"
                     f"{get('oliver_pharr.hardness '):>8.2f}{t.get('modulus', np.nan):>8.1f}"
                     f"{get('oliver_pharr.modulus '):>8.1f}"
                     f"{get('energies.elastic_work ') * 1e10:>9.3f}"
                     f"{get('energies.plastic_work ') * 1e10:>9.3f}"
                     f"{t.get('elastic_fraction', np.nan):>9.3f}"
                     f"{get('energies.elastic_fraction '):>7.3f}")
    lines.append("H, E in GPa; W in 1e-10 J; true = generator's values")
    return lines


def overview_figure(files, folder):
    import xarray as xr

    from ...io import read
    from ...nanoindent import energies, segment
    from ...plot import figure
    from ...plot.nanoindent import energy_bars, load_displacement

    fig, axes = figure(1, 2, width="double", aspect=0.6)
    results = []
    for k, f in enumerate(files):
        ds = segment(read(f, technique="nanoindent"))
        res = energies(ds)
        results.append(res.expand_dims(indent=[k]).assign_coords(
            sample=("indent", [f.stem.rsplit("_", 1)[0]])))
        if f.stem == "hard_carbon_1":
            load_displacement(res, data=ds, ax=axes[0])
    energy_bars(xr.concat(results, "indent", coords="minimal", compat="override"),
                labels="sample", ax=axes[1])
    return fig
