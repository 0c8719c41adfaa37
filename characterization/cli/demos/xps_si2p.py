"""XPS Si 2p demo: Ar+ depth profile of a SiOx/C anode at several sites (Si 2p regions written as
Thermo Avantage CSV exports), Si0…Si4+ doublets with Himpsel shifts and an active Shirley
background, average Si valence per sputter step against the truth."""

from __future__ import annotations

import numpy as np

from ._common import summary_value

TITLE = "XPS: Si 2p depth profile -> Si0..Si4+ fractions and average valence per sputter step"

RECIPE = """\
# characterize run recipe: Si 2p oxidation states and average valence (one CSV per site and step)
[read]
technique = "xps"
region = "Si 2p"

[xps.fit_si2p]
# Si0..Si4+ 2p doublets (0.61 eV, 1:2), Himpsel et al. 1988 shifts, active Shirley background
background = "active"

[output]
figures = true
"""

TIMES = (0.0, 120.0, 300.0, 600.0, 1080.0)
#: Fractions of Si0..Si4+ at the surface and in the bulk; the profile mixes them with a decay
#: time of 300 s: average valence +1.33 at the surface falling to ~+1.0 after 18 min.
SURFACE = (0.38, 0.25, 0.15, 0.10, 0.12)
BULK = (0.50, 0.25, 0.10, 0.08, 0.07)


def fractions(time: float) -> np.ndarray:
    """True Si0..Si4+ fractions at a sputter time (s)."""
    w = np.exp(-time / 300.0)
    return w * np.asarray(SURFACE) + (1 - w) * np.asarray(BULK)


def _name(site: int, time: float) -> str:
    return f"SiOx_site{site}_t{int(time):04d}s_Si2p.csv"


def write_inputs(folder, small: bool = False) -> dict:
    """One Avantage-style Si 2p CSV per site and sputter step; returns the true valence."""
    from ...synthetic.xps import si2p_spectra

    sites = [1, 2] if small else [1, 2, 3]
    true = np.array([[fractions(t) for t in TIMES] for _ in sites])
    ds = si2p_spectra(batch={"site": sites, "sputter_time": list(TIMES)}, fractions=true,
                      seed=7)
    gt = ds.attrs["ground_truth"]
    valence = np.asarray(gt["average_valence"])
    tau = float(ds["dwell_time"]) * int(ds["scans"])
    x = ds["binding_energy"].values
    truth = {}
    for i, site in enumerate(sites):
        for j, t in enumerate(TIMES):
            cps = ds["intensity"].isel(site=i, sputter_time=j).values
            lines = [",,", ",,", f"Characteristic Energy eV,1486.6,Acquisition Time s,{tau:g}",
                     "BE_Si 2p,CPS_Si 2p"]
            lines += [f"{e:.3f},{c:.4f}" for e, c in zip(x, cps)]
            name = _name(site, t)
            (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
            truth[name] = {"site": site, "sputter_time_s": t,
                           "average_valence": float(valence[i, j]),
                           "fractions": true[i, j].round(4).tolist()}
    return truth


def report(rows, truth) -> list[str]:
    out = [f"{'file':<34}{'valence true':>13}{'found':>8}{'Si0 true':>10}{'found':>8}"]
    for row in rows:
        name = row["file"].split("/")[-1]
        t = truth.get(name, {})
        out.append(f"{name:<34}{t.get('average_valence', np.nan):>13.3f}"
                   f"{summary_value(row, 'fit_si2p.average_valence'):>8.3f}"
                   f"{t.get('fractions', [np.nan])[0]:>10.3f}"
                   f"{summary_value(row, 'fit_si2p.fraction[Si0]'):>8.3f}")
    out.append("average valence Σ n·A_n / Σ A_n; Si0 as area fraction")
    return out


def overview_figure(files, folder):
    import xarray as xr

    from ...io import read
    from ...plot import figure
    from ...plot.xps import profile, region_fit
    from ...xps import fit_si2p

    grid: dict = {}
    for f in files:
        site = int(f.stem.split("_site")[1].split("_")[0])
        t = float(f.stem.split("_t")[1].split("s_")[0])
        grid[(site, t)] = read(f, technique="xps", region="Si 2p")
    sites = sorted({s for s, _ in grid})
    times = sorted({t for _, t in grid})
    rows = [xr.concat([grid[(s, t)] for t in times], dim="sputter_time", coords="minimal",
                      compat="override", join="override") for s in sites]
    ds = xr.concat(rows, dim="site", coords="minimal", compat="override", join="override")
    ds = ds.assign_coords(site=("site", sites, {"units": "1", "long_name": "Site"}),
                          sputter_time=("sputter_time", times,
                                        {"units": "s", "long_name": "Sputter time"}))
    result = fit_si2p(ds)            # the whole (site, sputter_time) profile in one batched fit
    fig, axes = figure(1, 2, width="double", aspect=0.45)
    region_fit(result, data=ds, index={"site": 0, "sputter_time": 0}, ax=axes[0])
    profile(result, var="average_valence", dim="sputter_time", average="site", ax=axes[1])
    return fig
