"""``characterize demo [OUT]``: the whole pipeline on synthetic exports with known truth.

For every technique demo in :data:`DEMOS` it writes synthetic instrument exports into
``OUT/<demo>/inputs/`` (with ``truth.json``), writes the recipe ``OUT/<demo>/recipe.toml``, runs
it exactly as ``characterize run`` would (results, figures, ``errors.csv``), draws an overview
figure, and finally writes one ``OUT/summary.csv`` over all demos and prints recovered values
next to the true ones. Works offline; takes well under a minute.
"""

from __future__ import annotations

import json
import time
from importlib import import_module
from pathlib import Path

from . import _output
from .recipe import load_recipe
from .run import print_report, run_recipe

#: Demo modules in characterization.cli.demos; each technique issue adds its own.
DEMOS: tuple[str, ...] = ("peaks", "sorption", "raman_carbon", "raman_silicon", "xrd",
                          "xps", "xps_si2p", "nanoindent", "exafs", "report")


def demo(out, *, small: bool = False) -> int:
    """Run every demo into folder ``out``; returns the exit code (0 when all succeeded)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    all_rows, failures = [], 0
    for name in DEMOS:
        module = import_module(f".demos.{name}", __package__)
        folder = out / name
        t0 = time.perf_counter()
        if hasattr(module, "run_demo"):      # the report demo: a sample sheet, not a recipe
            print(f"== {name}: {module.TITLE}")
            failures += module.run_demo(folder, small=small)
            print(f"   ({time.perf_counter() - t0:.1f} s)")
            continue
        inputs = folder / "inputs"
        inputs.mkdir(parents=True, exist_ok=True)
        truth = module.write_inputs(inputs, small=small)
        _output.atomic_write_text(inputs / "truth.json", json.dumps(truth, indent=1))
        _output.atomic_write_text(folder / "recipe.toml", module.RECIPE)
        recipe = load_recipe(folder / "recipe.toml")
        files = sorted(p for p in inputs.iterdir() if p.name != "truth.json")
        print(f"== {name}: {module.TITLE} ({len(files)} synthetic files)")
        report = run_recipe(recipe, files, folder, progress=False)
        print_report(report, folder)
        failures += report.n_failed_files
        overview = getattr(module, "overview_figure", None)
        if overview is not None:
            _save_figure(lambda: overview(files, folder), folder / "overview.png")
        for line in module.report(report.summary, truth):
            print("   " + line)
        print(f"   ({time.perf_counter() - t0:.1f} s)")
        all_rows.extend({"demo": name, **row} for row in report.summary)
    _output.write_csv(all_rows, out / "summary.csv")
    print(f"\nsummary of all demos: {out / 'summary.csv'}")
    return 1 if failures else 0


def _save_figure(make, path):
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from ..plot import style

    with style():
        fig = make()
        try:
            _output.atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=300,
                                                               bbox_inches="tight"))
        finally:
            plt.close(fig)
