"""The report table as text: Markdown, HTML and a LaTeX ``tabular`` (strings; no files).

Every format shows one row per sample (× state) and one column per quantity with
``value ± stderr`` rounded to the error (two significant digits of the error), then a list of
the method and settings behind each column. A flagged number (``flag`` column of the tidy table)
is marked: ``≥ 20`` for a lower bound, ``*`` otherwise, with the reason in the list.
"""

from __future__ import annotations

import html as _html
import math

from .table import column_name


def value_text(value: float, stderr: float) -> str:
    """``"10.91 ± 0.23"``: the value rounded where its error's second significant digit is;
    ``"nan"`` for a missing value; the value to 4 significant digits when no error is known."""
    if value is None or not math.isfinite(value):
        return "n/a"
    if stderr is None or not math.isfinite(stderr) or stderr <= 0:
        return f"{value:.4g}"
    digits = max(0, 1 - int(math.floor(math.log10(stderr))))
    return f"{value:.{digits}f} ± {stderr:.{digits}f}"


def _grid(long):
    """(header cells, body rows of cells, notes) of the wide layout with ± cells."""
    columns: list[tuple] = []
    notes: dict[str, str] = {}
    rows: dict[tuple, dict] = {}
    for r in long.itertuples(index=False):
        col = (r.quantity, r.label, r.units)
        if col not in columns:
            columns.append(col)
            notes[column_name(*col)] = f"{r.long_name}: {r.method}" + (
                f"; {r.settings}" if r.settings else "")
        cell = value_text(r.value, r.stderr)
        flag = getattr(r, "flag", "")
        if isinstance(flag, str) and flag:
            cell = f"≥ {cell}" if r.n == 0 and "lower bound" in flag and cell != "n/a" else (
                f"{cell} *")
            notes[column_name(*col)] += f" [* {r.sample}: {flag}]"
        rows.setdefault((r.sample, r.state), {})[col] = cell
    with_state = any(state for _, state in rows)
    header = ["sample"] + (["state"] if with_state else []) + [column_name(*c) for c in columns]
    body = [[s] + ([st] if with_state else []) + [cells.get(c, "") for c in columns]
            for (s, st), cells in rows.items()]
    return header, body, notes


def markdown(long) -> str:
    """GitHub-flavoured Markdown table of the report (``|`` in cells escaped)."""
    header, body, notes = _grid(long)

    def cell(text):
        return str(text).replace("|", "\\|")

    lines = ["| " + " | ".join(cell(h) for h in header) + " |",
             "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in body]
    lines += ["", "Methods and settings:", ""]
    lines += [f"- `{name}`: {cell(text)}" for name, text in notes.items()]
    return "\n".join(lines) + "\n"


def html(long) -> str:
    """An HTML ``<table>`` (escaped text) followed by a list of methods and settings."""
    header, body, notes = _grid(long)
    esc = _html.escape
    out = ['<table class="characterization-report">', "<thead><tr>"]
    out += [f"<th>{esc(h)}</th>" for h in header]
    out += ["</tr></thead>", "<tbody>"]
    for row in body:
        out.append("<tr>" + "".join(f"<td>{esc(str(c))}</td>" for c in row) + "</tr>")
    out += ["</tbody>", "</table>", "<ul>"]
    out += [f"<li><code>{esc(n)}</code>: {esc(t)}</li>" for n, t in notes.items()]
    out.append("</ul>")
    return "\n".join(out) + "\n"


_LATEX = {"≥": r"$\geq$", "|": r"\textbar{}", "<": r"\textless{}", ">": r"\textgreater{}",
          "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
          "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
          "^": r"\textasciicircum{}", "±": r"$\pm$", "Å": r"\AA{}", "°": r"$^\circ$",
          "θ": r"$\theta$", "μ": r"$\mu$", "χ": r"$\chi$", "ç": r"\c{c}"}


def latex_escape(text: str) -> str:
    """``text`` with LaTeX's special characters escaped (``_`` → ``\\_``, ``%`` → ``\\%`` ...)."""
    return "".join(_LATEX.get(ch, ch) for ch in str(text))


def latex(long) -> str:
    """A LaTeX ``tabular`` (booktabs rules) with the report table, every cell escaped, and
    the methods as a ``\\footnotesize`` list after it. Needs ``\\usepackage{booktabs}``."""
    header, body, notes = _grid(long)
    spec = "l" * (2 if "state" in header else 1) + "c" * (len(header) - (2 if "state" in header
                                                                          else 1))
    lines = [f"\\begin{{tabular}}{{{spec}}}", "\\toprule",
             " & ".join(latex_escape(h) for h in header) + r" \\", "\\midrule"]
    lines += [" & ".join(latex_escape(c) for c in row) + r" \\" for row in body]
    lines += ["\\bottomrule", "\\end{tabular}", "", "{\\footnotesize", "\\begin{itemize}"]
    lines += [f"\\item \\texttt{{{latex_escape(n)}}}: {latex_escape(t)}" for n, t in notes.items()]
    lines += ["\\end{itemize}", "}"]
    return "\n".join(lines) + "\n"
