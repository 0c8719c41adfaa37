"""Sorption demo: N2 77 K isotherms of Si/C-composite-like and mesoporous samples, written as
two-column CSV exports, analysed with BET (automatic Rouquerol range), t-plot, total pore volume
and BJH."""

from __future__ import annotations

import numpy as np

from ._common import summary_value

TITLE = "N2 isotherms: BET (Rouquerol), t-plot, total pore volume, BJH"

RECIPE = """\
# characterize run recipe: sorption demo
[read]
technique = "sorption"

[sorption.bet]
# automatic range satisfying all four Rouquerol criteria

[sorption.tplot]
thickness = "harkins_jura"
thickness_range = [0.35, 0.50]

[sorption.total_pore_volume]
p = 0.95

[sorption.bjh]
branch = "desorption"

[output]
figures = true
"""


def _samples(small: bool):
    from ...synthetic.isotherms import isotherms

    n = 2 if small else 4
    return [
        ("SiC_composite", isotherms(n, kind="composite", surface_area=9.0, c=80.0,
                                    micropore_volume=0.001, mesopore_volume=0.02,
                                    mesopore_width=12.0, film="bet", seed=1)),
        ("mesoporous_silica", isotherms(n, kind="IV", surface_area=350.0, c=110.0,
                                        mesopore_volume=0.45, mesopore_width=6.0, seed=2)),
    ]


def write_inputs(folder, small: bool = False) -> dict:
    """Write one CSV per isotherm; returns the ground truth per file."""
    truth = {}
    for stem, ds in _samples(small):
        gt = ds.attrs["ground_truth"]
        x = ds["relative_pressure"].values
        branch = ds["branch"].values
        for i in range(ds.sizes["sample"]):
            name = f"{stem}_{i + 1}.csv"
            n_cm3 = ds["amount"].isel(sample=i).values * 22.414  # mmol/g -> cm3(STP)/g
            lines = ["Relative Pressure (P/Po),Quantity Adsorbed (cm3/g STP)"]
            # adsorption rising then desorption falling, as instruments export them
            lines += [f"{p:.6e},{q:.6f}" for p, q in zip(x, n_cm3)]
            (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
            truth[name] = {"surface_area_m2_g": float(gt["surface_area"][i]),
                           "micropore_volume_cm3_g": float(gt["micropore_volume"][i]),
                           "mesopore_volume_cm3_g": float(gt["mesopore_volume"][i]),
                           "mesopore_width_nm": float(gt["mesopore_width"][i]),
                           "branches": sorted(set(branch.tolist()))}
    return truth


def report(rows, truth) -> list[str]:
    lines = [f"{'file':<26}{'S_BET true':>11}{'S_BET':>9}{'C':>8}{'pts':>5}"
             f"{'S_ext':>8}{'V_tot':>8}{'BJH peak':>10}"]
    for row in rows:
        name = row["file"].split("/")[-1]
        t = truth.get(name, {})

        def get(prefix):
            return summary_value(row, prefix)

        lines.append(f"{name:<26}{t.get('surface_area_m2_g', np.nan):>11.1f}"
                     f"{get('bet.bet_area '):>9.1f}{get('bet.c_constant'):>8.1f}"
                     f"{get('bet.n_points'):>5}{get('tplot.external_area '):>8.1f}"
                     f"{get('total_pore_volume.total_pore_volume'):>8.3f}"
                     f"{get('bjh.peak_width'):>10.2f}")
    lines.append("S in m²/g, V in cm³/g, widths in nm; S_BET true = film area of the generator")
    return lines


def overview_figure(files, folder):
    from ...io import read_many
    from ...plot import figure
    from ...plot.overview import sample_colors
    from ...plot.sorption import isotherm

    ds = read_many(files, technique="sorption", join="outer")
    fig, axes = figure(1, 2, width="double", aspect=0.7)
    colors = sample_colors(ds.sizes["sample"])
    for i in range(ds.sizes["sample"]):
        isotherm(ds, index=i, ax=axes[0], label=str(i + 1), color=colors[i])
        isotherm(ds, index=i, ax=axes[1], log=True, label=str(i + 1), color=colors[i])
    axes[0].legend(fontsize=5, ncol=2)
    axes[1].get_legend().remove()
    return fig
