"""Raman silicon demo: a bulk Si wafer and nano-Si of known crystal size (phonon-confinement
line shapes, 514.5 nm), some with an amorphous-Si band, written as two-column text exports;
phonon position, shift and both confinement sizes are recovered."""

from __future__ import annotations

from ._common import summary_value as _get, write_text_export

TITLE = "silicon Raman: phonon position, shift, a-Si band, confinement size (Zi; Richter/CF)"

RECIPE = """\
# characterize run recipe: silicon phonon and confinement size
[read]
technique = "raman"

[raman.fit_silicon]
shape = "split_pseudo_voigt"   # confined lines are asymmetric
amorphous = "auto"
center_method = "apex"   # maximum of the measured line (asymmetric confined lines)

[raman.confinement_size]
input = "fit_silicon"
model = "both"

[output]
figures = true
"""

SAMPLES = (("wafer", None, False), ("nanoSi_8nm", 8.0, False), ("nanoSi_4nm", 4.0, True))


def write_inputs(folder, small: bool = False) -> dict:
    """Write one text export per spectrum; returns the true sizes per file."""
    from ...synthetic.raman_silicon import silicon_spectra

    n = 1 if small else 2
    truth = {}
    for k, (stem, size, amorphous) in enumerate(SAMPLES):
        ds = silicon_spectra(n, size=size, amorphous=amorphous, noise=8.0, seed=20 + k)
        x = ds["raman_shift"].values
        for i in range(n):
            name = f"{stem}_{i + 1}.txt"
            write_text_export(folder / name, x, ds["intensity"].isel(sample=i).values,
                              columns="Raman shift (cm-1)\tIntensity (counts)",
                              metadata=["Laser wavelength: 514.5 nm"])
            truth[name] = {"size_nm": size, "amorphous_band": amorphous}
    return truth


def report(rows, truth) -> list[str]:
    lines = [f"{'file':<18}{'D true':>7}{'ω':>9}{'Δω':>7}{'D Zi':>7}{'D R/CF':>8}{'a-Si':>6}"]
    for row in rows:
        name = row["file"].split("/")[-1]
        t = truth.get(name, {})
        size = t.get("size_nm")
        lines.append(f"{name:<18}{'bulk' if size is None else f'{size:.1f}':>7}"
                     f"{_get(row, 'fit_silicon.center '):>9.2f}"
                     f"{_get(row, 'fit_silicon.peak_shift '):>7.2f}"
                     f"{_get(row, 'confinement_size.size_zi '):>7.2f}"
                     f"{_get(row, 'confinement_size.size_richter '):>8.2f}"
                     f"{'y' if _get(row, 'fit_silicon.amorphous_included') else 'n':>6}")
    lines.append("positions in cm⁻¹ (reference 520.7); sizes in nm (bulk: lower bound 20 nm); "
                 "generator: Campbell–Fauchet line shapes")
    return lines


def overview_figure(files, folder):
    from ...io import read_many
    from ...plot import new_figure
    from ...plot.spectra import stacked

    ds = read_many(files, technique="raman")
    fig, ax = new_figure(width="onehalf", aspect=0.8)
    stacked(ds, ax=ax, normalize=True, lw=0.7)
    ax.axvline(520.7, color="0.6", lw=0.5, ls=":")
    return fig
