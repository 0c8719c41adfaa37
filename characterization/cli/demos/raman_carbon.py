"""Raman carbon demo: graphite before and after ball milling and after a carbon coating
(I_D/I_G ≈ 0.10, 0.49, 0.85 as reported for such samples, 514 nm), written as two-column text
exports, despiked, fitted with automatic model choice (BIC), and converted to La."""

from __future__ import annotations

import numpy as np

from ...report.recipes import DEFAULT_RECIPES
from ._common import summary_value as _get, write_text_export

TITLE = "carbon Raman: despike, D/G band fit with BIC model choice, I_D/I_G and La"

#: The report's default carbon recipe (one definition), with overview figures.
RECIPE = ("# characterize run recipe: carbon D/G analysis\n" + DEFAULT_RECIPES["raman_carbon"]
          + "\n[output]\nfigures = true\n")

GROUPS = (("graphite", 0.10), ("milled", 0.49), ("coated", 0.85))


def write_inputs(folder, small: bool = False) -> dict:
    """Write one text export per spectrum; returns the true I_D/I_G per file."""
    from ...synthetic.raman_carbon import carbon_spectra

    n = 1 if small else 3
    truth = {}
    for g, (stem, ratio) in enumerate(GROUPS):
        ds = carbon_spectra(n, model="4band", id_ig=ratio, laser_wavelength=514.0,
                            counts=4000.0, seed=10 + g)
        gt = ds.attrs["ground_truth"]
        x = ds["raman_shift"].values
        for i in range(n):
            name = f"{stem}_{i + 1}.txt"
            y = ds["intensity"].isel(sample=i).values.copy()
            k = 40 + 97 * i          # one cosmic-ray spike per file, as real detectors give
            y[k] += 25 * np.sqrt(max(y[k], 1.0))
            write_text_export(folder / name, x, y, columns="Raman shift (cm-1)\tIntensity (counts)",
                              metadata=["Laser wavelength: 514 nm"])
            truth[name] = {"id_ig_height": float(gt["id_ig_height"][i]),
                           "id_ig_area": float(gt["id_ig_area"][i]),
                           "spike_channel": k}
    return truth


def report(rows, truth) -> list[str]:
    lines = [f"{'file':<16}{'ID/IG true':>11}{'ID/IG fit':>10}{'± ':>8}{'model':>7}"
             f"{'La (nm)':>9}{'spikes':>7}"]
    for row in rows:
        name = row["file"].split("/")[-1]
        t = truth.get(name, {})
        lines.append(f"{name:<16}{t.get('id_ig_height', np.nan):>11.3f}"
                     f"{_get(row, 'fit_carbon.id_ig_height '):>10.3f}"
                     f"{_get(row, 'fit_carbon.id_ig_height_stderr'):>8.3f}"
                     f"{str(_get(row, 'fit_carbon.model')):>7}"
                     f"{_get(row, 'crystallite_size.crystallite_size'):>9.1f}"
                     f"{_get(row, 'remove_spikes.spike_count'):>7}")
    lines.append("I_D/I_G by height (D1/G); La from Cançado et al. (area ratio, 514 nm)")
    return lines


def overview_figure(files, folder):
    from ...io import read_many
    from ...plot import new_figure
    from ...plot.spectra import stacked

    ds = read_many(files, technique="raman")
    fig, ax = new_figure(width="onehalf", aspect=0.8)
    stacked(ds, ax=ax, normalize=True, lw=0.7)
    return fig
