"""The ``characterize`` command line: ``demo``, ``info``, ``run``, ``figure`` and ``report``.

This package is the only code of characterization that writes files (DESIGN §2). Everything it
writes goes under the output folder given, atomically (temporary file, then rename), and input
files are only ever opened for reading.
"""

from __future__ import annotations

import argparse
import sys

from .._version import __version__


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="characterize",
        description="Turn characterization instrument exports into numbers and figures.")
    p.add_argument("--version", action="version", version=f"characterization {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    d = sub.add_parser("demo", help="write synthetic exports for every technique, analyse them, "
                                    "and write results, a summary and figures")
    d.add_argument("out", nargs="?", default="demo-output", help="output folder "
                   "(default: demo-output)")
    d.add_argument("--small", action="store_true", help="fewer synthetic files (quick check)")

    i = sub.add_parser("info", help="show what the reader sees in files")
    i.add_argument("files", nargs="+")
    i.add_argument("--format", default=None, help="force a reader")
    i.add_argument("--technique", default=None)

    r = sub.add_parser("run", help="run a TOML recipe over files, globs or folders")
    r.add_argument("recipe", help="recipe .toml: [read] options and one [namespace.function] "
                                  "section per analysis step")
    r.add_argument("files", nargs="+", help="files, globs or folders")
    r.add_argument("-o", "--out", required=True, help="output folder")
    r.add_argument("--force", action="store_true", help="recompute inputs whose outputs exist")
    r.add_argument("--no-progress", action="store_true", help="no progress bar")
    r.add_argument("--batch-size", type=int, default=None, metavar="N",
                   help="largest number of files stacked into one batch (default 1024)")
    where = r.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=None, metavar="N",
                       help="1: run in this process; N>=2: this process and a local "
                            "dask.distributed cluster of N-1 (default: the machine's cores "
                            "from 2000 files on)")
    where.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="run the batches on an existing dask.distributed scheduler, e.g. "
                            "tcp://10.0.0.5:8786 (workers must see the same paths)")
    f = sub.add_parser("figure", help="build the [figure.<name>] figures of a recipe from "
                                      "the outputs of characterize run")
    f.add_argument("results", nargs="+", help="output folders of characterize run")
    f.add_argument("--recipe", required=True, help="recipe .toml with [figure.<name>] sections")
    f.add_argument("-o", "--out", default=None, help="output folder (default: the first "
                   "results folder); figures go to OUT/figures/<name>.<format>")

    rp = sub.add_parser("report", help="cross-technique sample report from a sample sheet: "
                                       "tables (CSV, Markdown, HTML, LaTeX) and figures")
    rp.add_argument("sheet", help="sample sheet CSV: file,sample[,state,technique,recipe,...]")
    rp.add_argument("-o", "--out", required=True, help="output folder")
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = _parser().parse_args(argv)
    if args.command == "info":
        from .info import info
        return info(args.files, format=args.format, technique=args.technique)
    if args.command == "run":
        from .run import run_recipe_file
        from .run import BATCH_SIZE
        if args.batch_size is not None and args.batch_size < 1:
            print("error: --batch-size must be at least 1", file=sys.stderr)
            return 2
        if args.workers is not None and args.workers < 1:
            print("error: --workers must be at least 1", file=sys.stderr)
            return 2
        return run_recipe_file(args.recipe, args.files, args.out, force=args.force,
                               progress=not args.no_progress,
                               batch_size=args.batch_size or BATCH_SIZE,
                               workers=args.workers, scheduler=args.scheduler)
    if args.command == "figure":
        from .figure import figure_command
        return figure_command(args.results, args.recipe, args.out)
    if args.command == "report":
        from .report import report_command
        return report_command(args.sheet, args.out)
    if args.command == "demo":
        from .demo import demo
        return demo(args.out, small=args.small)
    return 2  # pragma: no cover


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
