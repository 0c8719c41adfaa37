"""Which decimal mark a file's text numbers use, decided from the file itself.

Instrument software writes report values as text in the Windows locale of the PC it runs on:
``"0.0908 g"`` and ``"1,596.4627 m²/g"`` in an English locale, ``"0,0908 g"`` and
``"1.596,4627 m²/g"`` in a German or French one. A single number can be ambiguous (``"1,234"`` is
1234 or 1.234), so the decision is taken once per file from every number that is *not*
ambiguous, and applied to all of them:

* a number holding both marks uses the last one as decimal mark (``1,596.46`` / ``1.596,46``);
* the one mark of a number with an exponent is a decimal mark (``1,321e-05``);
* one mark followed by other than exactly three digits is a decimal mark (``0,0908``,
  ``194.7493``, ``12,5``), as is one after a leading zero (``0,123``, ``0.123``);
* several marks of one kind, each followed by three digits, are thousands separators
  (``1,234,567`` -> decimal point; ``1.234.567`` -> decimal comma);
* anything else (``1,234``, ``5``) gives no evidence.

When the evidence disagrees the file is mixed and nothing is assumed (``None``): the reader then
keeps its default (decimal point) and a value that does not parse is reported, not guessed.
"""

from __future__ import annotations

import re

__all__ = ["decimal_comma", "number", "NUMBER_TOKEN"]

#: A number as written in text, with either mark and optional exponent.
NUMBER_TOKEN = re.compile(r"(?<![\w.,])[-+]?\d[\d.,]*(?:[eE][-+]?\d+)?(?![\w])")


def _evidence(token: str) -> str | None:
    """``","`` or ``"."`` when ``token`` shows its decimal mark unambiguously, else None."""
    s = token.lstrip("+-")
    mantissa = re.sub(r"[eE][-+]?\d+$", "", s)
    scientific = mantissa != s
    s = mantissa.rstrip(".,")
    has_dot, has_comma = "." in s, "," in s
    if has_dot and has_comma:
        return "," if s.rfind(",") > s.rfind(".") else "."
    if not (has_dot or has_comma):
        return None
    mark = "," if has_comma else "."
    if scientific and s.count(mark) == 1:
        return mark                                   # no thousands separators in 1,321e-05
    parts = s.split(mark)
    if len(parts) > 2:
        if all(len(p) == 3 for p in parts[1:]) and 1 <= len(parts[0]) <= 3 and parts[0][0] != "0":
            return "." if mark == "," else ","      # thousands separators
        return None                                   # dates such as 09.02.2021
    head, tail = parts
    if not head or not tail:
        return None
    if len(tail) != 3 or len(head) > 3 or head.startswith("0"):
        return mark                                   # 0,123  12,5  1534,746
    return None


def decimal_comma(texts) -> bool | None:
    """True if the numbers in ``texts`` use a decimal comma, False for a decimal point.

    Parameters
    ----------
    texts : iterable of str
        Text cells or lines of one file (non-strings are ignored).

    Returns
    -------
    bool or None
        None when no number decides, or when the numbers disagree.

    Examples
    --------
    >>> decimal_comma(["0,0908 g", "1.596,4627 m²/g"])
    True
    >>> decimal_comma(["0.0908 g", "3,488.086 Å"])
    False
    >>> decimal_comma(["1,234"]) is None
    True
    """
    votes = {",": 0, ".": 0}
    for text in texts:
        if not isinstance(text, str):
            continue
        for m in NUMBER_TOKEN.finditer(text):
            mark = _evidence(m.group(0))
            if mark:
                votes[mark] += 1
    if votes[","] and not votes["."]:
        return True
    if votes["."] and not votes[","]:
        return False
    return None


def number(token: str, decimal_comma_default: bool | None = False) -> float:
    """``token`` as a float, by its own decimal mark when it shows one unambiguously, else by
    the file's (``decimal_comma_default``). Used for numbers inside labels, which software
    sometimes leaves in its own locale (``"less than 3,841.792 Å"`` in a decimal-comma file),
    and for numbers stored as text.

    Raises ValueError when ``token`` is not a number, or when it is ambiguous (``"1,234"``) and
    the default is None (a file whose numbers disagree): nothing is guessed.
    """
    s = token.strip().replace("\u2212", "-")
    mark = _evidence(s)
    if mark is None and decimal_comma_default is None and re.search(r"\d[.,]\d", s):
        raise ValueError(f"{token!r}: ambiguous decimal mark (1,234 or 1.234?) in a file whose "
                         "numbers use both marks")
    comma = bool(decimal_comma_default) if mark is None else mark == ","
    thousands = "." if comma else ","
    s = s.replace(thousands, "")
    if comma:
        s = s.replace(",", ".")
    return float(s)
