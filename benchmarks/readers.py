"""Benchmark: time per file of each reader family on the batch hot path.

For each family a synthetic export typical of the instruments is written once to a temporary
folder (1,000-line two-column Raman text with a header, 3,000-point ``.xy`` XRD pattern,
66-point sorption CSV, the demo's AIF), and, where the shared corpus holds real files
(``../shared/data`` beside the repository, or ``$CHARACTERIZATION_DATA``), a few of those too; every file is read
``--repeat`` times with :func:`characterization.read` and the median time per read is reported
next to ``np.loadtxt`` of the same numeric block (a floor for a text reader in Python).

Run from the repository root: ``PYTHONPATH=. python benchmarks/readers.py [--repeat 30]``;
writes ``benchmarks/results/readers.txt``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

import characterization as ch
from characterization.cli.demos._common import write_text_export


def _time(fn, repeat: int) -> float:
    """Median ms per call; warnings are recorded, not printed (as ``characterize run`` does:
    printing them would time the terminal)."""
    times = []
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        fn()                               # warm caches and imports
        for _ in range(repeat):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e3


def _synthetic(folder: Path) -> list[tuple[str, Path, dict, tuple | None]]:
    """(family, path, read options, (header lines before the numbers, delimiter))."""
    rng = np.random.default_rng(0)
    out = []
    x = np.linspace(100.0, 3200.0, 1000)
    p = folder / "raman_1000.txt"
    write_text_export(p, x, 1000 + rng.normal(0, 10, x.size),
                      columns="Raman shift (cm-1)\tIntensity (counts)",
                      metadata=["Laser wavelength: 514 nm"])
    out.append(("two-column text, 1000 lines (raman)", p, {"technique": "raman"}, (3, "\t")))
    out.append(("two-column text, 1000 lines (sniffed)", p, {}, (3, "\t")))
    tt = np.linspace(10.0, 90.0, 3000)
    p = folder / "pattern.xy"
    np.savetxt(p, np.column_stack([tt, 100 + rng.poisson(50, tt.size)]), fmt="%.4f %.1f")
    out.append(("XRD .xy, 3000 lines", p, {"technique": "xrd"}, (0, None)))
    from characterization.cli.demos import sorption as sorption_demo

    sorp = folder / "sorption"
    sorp.mkdir()
    sorption_demo.write_inputs(sorp, small=True)
    p = sorted(sorp.glob("*.csv"))[0]
    out.append(("sorption CSV, 66 points", p, {"technique": "sorption"}, (1, ",")))
    return out


def _real(limit: int = 3) -> list[tuple[str, Path, dict, int | None]]:
    default = Path(__file__).resolve().parents[2] / "shared" / "data"
    root = Path(os.environ.get("CHARACTERIZATION_DATA", default))
    picks = [("real XRD .xy", "xrd", "*.xy"), ("real XRD .xrdml", "xrd", "*.xrdml"),
             ("real Raman .txt", "raman", "*.txt"), ("real sorption .aif", "sorption", "*.aif")]
    out = []
    for family, tech, pattern in picks:
        files = sorted((root / tech).rglob(pattern))[:20] if (root / tech).is_dir() else []
        n = 0
        for f in files:
            try:
                ch.read(f, technique=tech)
            except Exception:  # noqa: BLE001 - not every corpus file is a readable export
                continue
            out.append((f"{family}: {f.name}", f, {"technique": tech}, None))
            n += 1
            if n >= limit:
                break
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()
    lines = [f"readers benchmark, {platform.machine()} {platform.python_version()}, "
             f"median of {args.repeat} reads per file (ms per file)", ""]
    with tempfile.TemporaryDirectory() as tmp:
        cases = _synthetic(Path(tmp)) + _real()
        width = max(len(c[0]) for c in cases)
        for family, path, opts, skip in cases:
            t_read = _time(lambda: ch.read(path, **opts), args.repeat)
            floor = ""
            if skip is not None:
                t_np = _time(lambda: np.loadtxt(path, skiprows=skip[0], comments="#",
                                                delimiter=skip[1]), args.repeat)
                floor = f"   np.loadtxt {t_np:7.2f}"
            lines.append(f"{family:<{width}}  read {t_read:7.2f}{floor}")
    text = "\n".join(lines) + "\n"
    print(text)
    out = Path(__file__).parent / "results" / "readers.txt"
    out.write_text(text)


if __name__ == "__main__":
    main()
