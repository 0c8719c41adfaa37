"""Rebuild the figure gallery: one composed figure of each kind, from the synthetic demo data
(exact ground truth) and, when the shared instrument files are beside the repository, from
real files.

Run from the repository root::

    python docs/gallery/build_gallery.py                 # writes docs/gallery/*.png
    python docs/gallery/build_gallery.py OUT --formats pdf svg png --dpi 600

Every figure is drawn by the public panel functions through :func:`characterization.plot.figure`
under the journal style, so the gallery shows exactly what a user gets. The tests run
:func:`build` into a temporary folder with the Agg backend.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
#: Where the shared instrument files live (beside the repository).
SHARED = Path(os.environ.get("CHARACTERIZATION_SHARED_DATA", REPO.parent / "shared" / "data"))


# --------------------------------------------------------------------------------------- XRD
def xrd_figure():
    """Stacked Si/CoSi2 patterns (2, 5, 10 h milling) with phase ticks, the Kα doublet fit of
    the 10 h pattern and its Scherrer sizes."""
    import xarray as xr

    from characterization import plot, xrd
    from characterization.synthetic import xrd_patterns

    sizes = {"2 h": (30.0, 18.0), "5 h": (18.0, 10.0), "10 h": (10.91, 6.39)}
    patterns = [xrd_patterns(["Si", "CoSi2"], size_nm=list(s), instrument=(0.004, -0.002, 0.003),
                             two_theta=(20.0, 80.0, 0.01), peak_counts=4000,
                             background=(150.0,), seed=40 + k).isel(sample=0, drop=True)
                for k, s in enumerate(sizes.values())]
    ds = xr.concat(patterns, dim="sample", coords="minimal", compat="override")
    ds = ds.assign_coords(sample=("sample", list(sizes)))
    refs = xrd.reference_pattern(["Si", "CoSi2"], pattern=ds)
    peaks = [28.44, 28.80, 47.30, 47.92, 56.12, 56.87]
    names = ["Si 111", "CoSi2 111", "Si 220", "CoSi2 220", "Si 311", "CoSi2 311"]
    last = ds.isel(sample=[2])
    fit = xrd.fit_pattern(last, peaks=peaks, names=names, background="chebyshev(3)",
                          window=2.0, max_shift=0.3)
    size = xrd.scherrer(fit, instrument={"U": 0.004, "V": -0.002, "W": 0.003})
    d_si = float(size["crystallite_size"].sel(peak="Si 111").squeeze())
    return plot.figure("AA;BC", panels={
        "A": {"panel": "xrd.stacked_patterns", "data": ds, "references": refs, "sqrt": True},
        "B": {"panel": "xrd.pattern_fit", "result": fit.sel(peak=["Si 111", "CoSi2 111"]),
              "data": last, "annotate": f"10 h: D(Si 111) = {d_si:.1f} nm"},
        "C": {"panel": "xrd.scherrer_sizes", "result": size},
    }, width="double", aspect=0.6)


# ------------------------------------------------------------------------------------- Raman
def raman_figure():
    """Carbon D/G four-band fit with I_D/I_G, and the Si phonon fit with its shift."""
    from characterization import plot
    from characterization.raman import fit_carbon, fit_silicon
    from characterization.synthetic import carbon_spectra, silicon_spectra

    carbon = carbon_spectra(1, laser_wavelength=514.0, seed=3)
    si = silicon_spectra(1, seed=1)
    return plot.figure([[{"panel": "raman.carbon_fit", "result": fit_carbon(carbon, model="4band"),
                          "data": carbon},
                         {"panel": "raman.silicon_fit", "result": fit_silicon(si), "data": si}]],
                       width="double", aspect=0.7)


# ---------------------------------------------------------------------------------- sorption
def sorption_figure():
    """N2 isotherms of three mesoporous samples (one colour per sample, adsorption filled/solid,
    desorption open/dashed) and their BJH pore-size distributions."""
    from characterization import plot
    from characterization.sorption import bjh
    from characterization.synthetic import isotherms

    ds = isotherms(3, kind="IV", seed=3)
    ds = ds.assign_coords(sample=("sample", ["MCM-a", "MCM-b", "MCM-c"]))
    return plot.figure([[{"panel": "sorption.isotherms", "data": ds},
                         {"panel": "sorption.psd_plot", "result": bjh(ds), "data": ds,
                          "index": "all"}]],
                       width="double", aspect=0.7)


# --------------------------------------------------------------------------------------- XPS
def xps_figure():
    """Si 2p through a sputter depth profile: the stack, the fit of the surface spectrum and the
    average Si valence per sputter step (mean ± s.d. over three sites)."""
    from characterization import plot
    from characterization.synthetic.xps import si2p_spectra
    from characterization.xps import fit_si2p

    times = [0.0, 120.0, 300.0, 600.0, 1080.0]
    surface = np.array([0.38, 0.25, 0.15, 0.10, 0.12])
    bulk = np.array([0.50, 0.25, 0.10, 0.08, 0.07])
    frac = np.array([[np.exp(-t / 300) * surface + (1 - np.exp(-t / 300)) * bulk
                      for t in times] for _ in range(3)])
    ds = si2p_spectra(batch={"site": [1, 2, 3], "sputter_time": times}, fractions=frac, seed=7)
    result = fit_si2p(ds)
    return plot.figure("ABC", panels={
        "A": {"panel": "xps.stack", "data": ds, "dim": "sputter_time",
              "select": {"site": 0}, "normalize": True},
        "B": {"panel": "xps.region_fit", "result": result, "data": ds,
              "index": {"site": 0, "sputter_time": 0}},
        "C": {"panel": "xps.profile", "data": result, "var": "average_valence",
              "dim": "sputter_time", "average": "site"},
    }, width="double", aspect=0.85)


# -------------------------------------------------------------------------------- nanoindent
def nanoindent_figure():
    """Load–displacement of one indent with W_e/W_p shaded, and W_e/W_p per material."""
    import xarray as xr

    from characterization import plot
    from characterization.nanoindent import energies
    from characterization.synthetic import indentation_curves

    materials = (("silicide", 12.0, 180.0, 20.0), ("hard carbon", 3.0, 25.0, 10.0),
                 ("graphite", 0.8, 12.0, 5.0))
    results, first = [], None
    for k, (name, h, e, load) in enumerate(materials):
        ds = indentation_curves(4, hardness=h, modulus=e, sample_poisson_ratio=0.2,
                                max_load=load, loading_time=10.0, hold_time=2.0,
                                unloading_time=5.0, noise_load=0.0005 * load,
                                noise_displacement=0.05, seed=10 + k)
        res = energies(ds)
        if name == "hard carbon":
            first = (res, ds)
        results.append(res.assign_coords(sample=("indent", [name] * ds.sizes["indent"])))
    allres = xr.concat(results, "indent", coords="minimal", compat="override")
    return plot.figure([[{"panel": "nanoindent.load_displacement", "result": first[0],
                          "data": first[1]},
                         {"panel": "nanoindent.energy_bars", "result": allres,
                          "labels": "sample"}]],
                       width="double", aspect=0.65)


# ------------------------------------------------------------------------ EXAFS (slot)
def exafs_figure():
    """Sn K-edge μ(E), χ(k)·k² and |χ(R)| for pristine, lithiated and delithiated states
    (the demo's synthetic series: β-Sn shells, a weak disordered Li shell, metallic Sn back)."""
    from characterization import exafs, plot
    from characterization.cli.demos.exafs import STATES
    from characterization.synthetic import xas_spectra

    ds = xas_spectra(batch={"state": ["pristine", "lithiated", "delithiated"]},
                     edge_step=[s for _, s, _ in STATES], shells=[sh for _, _, sh in STATES],
                     edge_shape="erf", edge_width=2.5, noise=0.001, seed=21)
    ds = exafs.normalize(ds, pre_range=(-150, -30), post_range=(50, 700), post_degree=2)
    ds = exafs.subtract_background(ds, rbkg=1.0, k_weight=2)
    ds = exafs.fourier_transform(ds, k_range=(2, 12), k_weight=2, dk=1, taper="hanning")
    return plot.figure([[{"panel": "exafs.mu_stack", "result": ds, "range": (29150, 29300)},
                         {"panel": "exafs.chi_k", "result": ds, "k_weight": 2},
                         {"panel": "exafs.chi_r", "result": ds, "parts": ("mag",)}]],
                       width="double", aspect=0.8)


# ------------------------------------------------------------------ real instrument files
def real_figure():
    """Real files from the shared data: a Raman Si spectrum with its phonon fit, the N2 isotherm
    of a MOF (pyGAPS test data), a rutile TiO2 pattern (datalab) with its reference ticks and a
    Hysitron load–displacement curve of steel (micromechanics) with W_e and W_p. None when the
    shared data are not present."""
    from characterization import plot, read, xrd
    from characterization.nanoindent import energies, segment
    from characterization.raman import fit_silicon

    raman = SHARED / "raman" / "raman-fitting" / "Si_spectrum01.txt"
    sorption = SHARED / "sorption" / "pygaps" / "MOF_N2_77K.xlsx"
    tio2 = SHARED / "xrd" / "datalab" / "pydatalab" / "example_data" / "XRD" / "TiO2.raw"
    steel = SHARED / "nanoindent" / "micromechanics" / "examples" / "Hysitron" / \
        "RobinSteel0000LC.txt"
    specs = []
    if raman.exists():
        si = read(raman, technique="raman")
        specs.append({"panel": "raman.silicon_fit", "result": fit_silicon(si), "data": si,
                      "title": "Si wafer (raman-fitting)"})
    if sorption.exists():
        iso = read(sorption, technique="sorption", temperature=77.0)
        specs.append({"panel": "sorption.isotherm", "data": iso, "log": True,
                      "title": "MOF, N$_2$ 77 K (pyGAPS)"})
    if tio2.exists():
        pattern = read(tio2, technique="xrd")
        specs.append({"panel": "xrd.stacked_patterns", "data": pattern, "sqrt": True,
                      "references": xrd.reference_pattern(["rutile"], pattern=pattern),
                      "label_hkl": True, "title": "TiO$_2$ (datalab)"})
    if steel.exists():
        curve = segment(read(steel, technique="nanoindent"))
        specs.append({"panel": "nanoindent.load_displacement", "result": energies(curve),
                      "data": curve, "title": "Steel, Hysitron (micromechanics)"})
    if not specs:
        return None
    rows = [specs[i:i + 2] for i in range(0, len(specs), 2)]
    if len(rows[-1]) == 1:
        rows[-1].append(None)
    return plot.figure(rows, width="double", aspect=0.62)


FIGURES = {
    "xrd_stack_fit_scherrer": xrd_figure,
    "raman_carbon_silicon": raman_figure,
    "sorption_isotherms_psd": sorption_figure,
    "xps_si2p_depth_profile": xps_figure,
    "nanoindent_energies": nanoindent_figure,
    "exafs_chir_states": exafs_figure,
    "real_files": real_figure,
}


def build(outdir, formats=("png",), dpi: int = 200, only=None) -> dict:
    """Draw every gallery figure into ``outdir``; returns ``{name: [paths]}`` (None when the
    figure's data or panels are not available)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from characterization.plot import export

    outdir = Path(outdir)
    written = {}
    for name, make in FIGURES.items():
        if only and name not in only:
            continue
        fig = make()
        if fig is None:
            written[name] = None
            continue
        written[name] = export(fig, outdir / name, formats=formats, dpi=dpi)
        plt.close(fig)
    return written


def main(argv=None) -> int:
    if str(REPO) not in sys.path:          # this checkout's package, not an installed one
        sys.path.insert(0, str(REPO))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", nargs="?", default=str(HERE))
    parser.add_argument("--formats", nargs="+", default=["png"])
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--only", nargs="*")
    args = parser.parse_args(argv)
    for name, paths in build(args.outdir, args.formats, args.dpi, args.only).items():
        print(f"{name}: " + (", ".join(p.name for p in paths) if paths else "skipped"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
