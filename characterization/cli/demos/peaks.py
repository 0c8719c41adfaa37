"""Peak-fitting demo: disordered-carbon Raman spectra (D4, D1, D3, G bands) written as
two-column text exports and fitted all at once by the batched engine."""

from __future__ import annotations

import numpy as np

from ._common import summary_value as _get, write_text_export

TITLE = "carbon Raman spectra, 4-band Lorentzian fit (batched engine)"

RECIPE = """\
# characterize run recipe: batched 4-band fit of carbon Raman spectra
[read]
technique = "raman"

[fit.fit_peaks]
range = [900, 1900]
model = { background = "linear", peaks = [
  { name = "D4", shape = "lorentzian", center = 1200 },
  { name = "D1", shape = "lorentzian", center = 1350 },
  { name = "D3", shape = "lorentzian", center = 1500 },
  { name = "G",  shape = "lorentzian", center = 1590 } ] }

[output]
figures = true
"""


def write_inputs(folder, small: bool = False) -> dict:
    """Write one text export per spectrum; returns the true band parameters per file."""
    from ...synthetic import peak_spectra

    n = 4 if small else 12
    ds = peak_spectra(n, seed=7, n_points=800)
    truth_all = ds.attrs["ground_truth"]
    x = ds["raman_shift"].values
    truth = {}
    for i in range(n):
        name = f"carbon_{i + 1:02d}.txt"
        write_text_export(folder / name, x, ds["intensity"].isel(sample=i).values,
                          columns="Raman shift (cm-1)\tIntensity (counts)",
                          metadata=["Laser wavelength: 532 nm"], fmt="{:.4f}\t{:.3f}")
        truth[name] = {k: float(np.asarray(v)[i]) for k, v in truth_all.items()
                       if np.ndim(v) == 1 and len(v) == n}
    return truth


def report(rows, truth) -> list[str]:
    lines = [f"{'file':<18}{'G true':>9}{'G fit':>9}{'D1/G true':>11}{'D1/G fit':>10}"
             f"{'redchi':>9}{'ok':>4}"]
    for row in rows:
        name = row["file"].split("/")[-1]
        t = truth.get(name, {})
        ratio_true = t.get("D1.height", np.nan) / t.get("G.height", np.nan)
        ratio_fit = _get(row, "fit_peaks.height[D1]") / _get(row, "fit_peaks.height[G]")
        lines.append(f"{name:<18}{t.get('G.center', np.nan):>9.1f}"
                     f"{_get(row, 'fit_peaks.center[G]'):>9.1f}{ratio_true:>11.3f}"
                     f"{ratio_fit:>10.3f}{_get(row, 'fit_peaks.redchi'):>9.2f}"
                     f"{'y' if _get(row, 'fit_peaks.success') else 'n':>4}")
    lines.append("heights in counts above the fitted background; redchi in counts²")
    return lines


def overview_figure(files, folder):
    from ...io import read_many
    from ...plot import new_figure
    from ...plot.spectra import stacked

    ds = read_many(files, technique="raman")
    fig, ax = new_figure(width="onehalf", aspect=0.8)
    stacked(ds.isel(sample=slice(0, 6)), ax=ax, lw=0.7)
    return fig
