"""XPS demo: survey depth profile of a SiOxCyNz anode (Ar+ sputtering, several sites) written as
Thermo Avantage CSV exports, quantified with Scofield sensitivity factors and a Shirley background
into Si/N/C/O atomic % per sputter step, with Poisson error bars."""

from __future__ import annotations

import numpy as np

from ._common import summary_value

TITLE = "XPS: survey depth profile -> Si/N/C/O atomic % per sputter step (Shirley, Scofield)"

LINES = ["C 1s", "N 1s", "O 1s", "Si 2p"]

RECIPE = """\
# characterize run recipe: XPS survey quantification (one Avantage CSV per site and sputter step)
[read]
technique = "xps"
region = "Survey"

[xps.quantify]
peaks = ["C 1s", "N 1s", "O 1s", "Si 2p"]   # tabulated integration ranges (eV BE)
sensitivity = "scofield"                    # Scofield 1976 cross sections, Al Kα
background = "shirley"

[output]
figures = true
"""

#: Sputter times (s) and the true composition (at.%) of the profile: adventitious C and surface
#: oxide removed by sputtering, Si and N rising (polysiloxane-derived SiOxCyNz-like anode).
TIMES = (0.0, 120.0, 300.0, 600.0, 1080.0)
PROFILE = {"C": (38.0, 24.0, 18.0, 15.0, 14.0), "N": (4.0, 7.0, 8.0, 8.5, 9.0),
           "O": (36.0, 34.0, 31.0, 29.0, 28.0), "Si": (22.0, 35.0, 43.0, 47.5, 49.0)}


def _name(site: int, time: float) -> str:
    return f"anode_site{site}_t{int(time):04d}s.csv"


def write_inputs(folder, small: bool = False) -> dict:
    """One Avantage-style CSV survey per site and sputter step; returns the true at.%."""
    from ...synthetic.xps_survey import survey

    n_sites = 2 if small else 3
    truth = {}
    for site in range(1, n_sites + 1):
        ds = survey(PROFILE, dim="sputter_time", coord=TIMES, dwell_time=0.2, seed=100 + site)
        x = ds["binding_energy"].values[::-1]                    # exports run high -> low BE
        for i, t in enumerate(TIMES):
            cps = ds["intensity"].isel(sputter_time=i).values[::-1]
            lines = [",,", ",,", "Characteristic Energy eV,1486.6,Acquisition Time s,0.2",
                     "BE_Survey,CPS_Survey"]
            lines += [f"{e:.2f},{c:.2f}" for e, c in zip(x, cps)]
            name = _name(site, t)
            (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
            truth[name] = {"site": site, "sputter_time_s": t,
                           "atomic_percent": {e: PROFILE[e][i] for e in PROFILE}}
    return truth


def report(rows, truth) -> list[str]:
    head = f"{'file':<28}" + "".join(f"{line + ' true':>11}{'found':>7}{'±':>5}"
                                     for line in LINES)
    out = [head]
    for row in rows:
        name = row["file"].split("/")[-1]
        t = truth.get(name, {}).get("atomic_percent", {})
        cells = []
        for line in LINES:
            element = line.split()[0]
            value = summary_value(row, f"quantify.atomic_percent[{line}]")
            err = summary_value(row, f"quantify.atomic_percent_stderr[{line}]")
            cells.append(f"{t.get(element, np.nan):>11.1f}{value:>7.1f}{err:>5.1f}")
        out.append(f"{name:<28}" + "".join(cells))
    out.append("at.% (Scofield factors, Shirley background); ± is the Poisson standard error")
    return out


def overview_figure(files, folder):
    import xarray as xr

    from ...io import read
    from ...plot import figure
    from ...plot.xps import profile, stack
    from ...xps import quantify

    by_site: dict = {}
    for f in files:
        site = int(f.stem.split("_site")[1].split("_")[0])
        t = float(f.stem.split("_t")[-1].rstrip("s"))
        by_site.setdefault(site, []).append((t, read(f, technique="xps", region="Survey")))
    sites = []
    for site, items in sorted(by_site.items()):
        items.sort(key=lambda item: item[0])
        one = xr.concat([ds for _, ds in items], dim="sputter_time", coords="minimal",
                        compat="override", join="override")
        one = one.assign_coords(sputter_time=("sputter_time", [t for t, _ in items],
                                              {"units": "s", "long_name": "Sputter time"}))
        sites.append(one)
    ds = xr.concat(sites, dim="site", coords="minimal", compat="override", join="override")
    ds = ds.assign_coords(site=("site", sorted(by_site), {"units": "1", "long_name": "Site"}))
    result = quantify(ds, peaks=LINES)
    fig, axes = figure(1, 2, width="double", aspect=0.45)
    window = ds.sortby("binding_energy").sel(binding_energy=slice(0, 600))
    stack(window, dim="sputter_time", normalize=True, ax=axes[0])
    profile(result, var="atomic_percent", dim="sputter_time", average="site", ax=axes[1])
    return fig
