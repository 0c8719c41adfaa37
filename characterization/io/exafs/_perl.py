"""A safe reader of the Perl data literals Athena writes into project files (never ``eval``).

An Athena (Ifeffit/Demeter era) project file is Perl source made only of assignments of literal
data, one statement per line::

    $old_group = 'jlvv';
    @args = ('bkg_e0',29200,'bkg_eshift','0.0500', 'titles',['a','b'], ...);
    @x = ('29000.112','29020.125', ...);
    [record]   # create object and set arrays in ifeffit
    %plot_features = ('kw' => '2', ...);
    1;

:func:`statements` yields ``(sigil, name, value, line)`` and the record markers; values are
Python str / float / None (``undef``) / list (``(...)`` and ``[...]``, with ``=>`` read as a
comma; ``{...}`` gives a list of alternating keys and values). Anything else is a ReadError
naming the line. Only literals are understood: no expression is ever evaluated.
"""

from __future__ import annotations

import re

from ...errors import ReadError

_SQ = re.compile(r"'((?:[^'\\]|\\.)*)'", re.S)
_DQ = re.compile(r'"((?:[^"\\]|\\.)*)"', re.S)
_BARE = re.compile(r"[^\s,()\[\]{};=>'\"]+")
_NAME = re.compile(r"[$@%]([A-Za-z_]\w*)\s*=\s*")
_WS = re.compile(r"\s*")
_HEX = re.compile(r"\\x\{([0-9A-Fa-f]+)\}")
_CLOSE = {"(": ")", "[": "]", "{": "}"}
#: A flat list (no nesting, no quotes holding brackets or escapes): the arrays, parsed at once.
_FLAT = re.compile(r"[(\[]((?:'[^'\\()\[\]{}]*'|[^()\[\]{}'\"\\])*)[)\]]")
_ITEM = re.compile(r"\s*(?:'([^']*)'|([^\s,=>']+))\s*(?:,|=>|$)")


def _bare(word: str):
    if word == "undef":
        return None
    try:
        return float(word)
    except ValueError:
        return word


class _Parser:
    def __init__(self, path, text: str):
        self.path, self.text, self.pos = path, text, 0
        self._lp, self._ln = 0, 1          # newlines counted up to _lp (incrementally)

    def line(self, pos=None) -> str:
        pos = self.pos if pos is None else pos
        if pos < self._lp:
            self._lp, self._ln = 0, 1
        self._ln += self.text.count("\n", self._lp, pos)
        self._lp = pos
        return f"line {self._ln}"

    def fail(self, why):
        raise ReadError(self.path, f"Athena project: {why}", self.line())

    def ws(self):
        self.pos = _WS.match(self.text, self.pos).end()

    def value(self, depth=0):
        self.ws()
        t, i = self.text, self.pos
        if i >= len(t):
            self.fail("file ends inside a value (truncated)")
        c = t[i]
        if c in _CLOSE:
            if depth > 20:
                self.fail("nesting deeper than 20 levels")
            return self.sequence(c, depth)
        if c == "'":
            m = _SQ.match(t, i)
            if m is None:
                self.fail("unterminated quoted string (truncated)")
            self.pos = m.end()
            return re.sub(r"\\([\\'])", r"\1", m.group(1))
        if c == '"':
            m = _DQ.match(t, i)
            if m is None:
                self.fail("unterminated quoted string (truncated)")
            self.pos = m.end()
            s = _HEX.sub(lambda h: chr(int(h.group(1), 16)), m.group(1))
            return re.sub(r"\\(.)", r"\1", s)
        m = _BARE.match(t, i)
        if m is None:
            self.fail(f"unexpected {t[i:i + 20]!r}")
        self.pos = m.end()
        return _bare(m.group(0))

    def sequence(self, opener, depth):
        closer = _CLOSE[opener]
        m = _FLAT.match(self.text, self.pos) if opener != "{" else None
        if m is not None and self.text[m.end() - 1] == closer:
            items = self.flat(m.group(1))
            if items is not None:
                self.pos = m.end()
                return items
        self.pos += 1
        items = []
        while True:
            self.ws()
            if self.pos >= len(self.text):
                self.fail(f"file ends inside a '{opener}...{closer}' list (truncated)")
            if self.text[self.pos] == closer:
                self.pos += 1
                return items
            items.append(self.value(depth + 1))
            self.ws()
            if self.text.startswith("=>", self.pos):
                self.pos += 2
            elif self.pos < len(self.text) and self.text[self.pos] == ",":
                self.pos += 1
            elif self.pos < len(self.text) and self.text[self.pos] != closer:
                self.fail(f"expected ',' or '{closer}', found {self.text[self.pos:self.pos + 20]!r}")

    @staticmethod
    def flat(inner: str):
        """Items of a flat list body, or None when it does not split cleanly (slow path)."""
        if not inner.strip():
            return []
        out, pos, n = [], 0, len(inner)
        for m in _ITEM.finditer(inner):
            if m.start() != pos:
                return None
            out.append(m.group(1) if m.group(1) is not None else _bare(m.group(2)))
            pos = m.end()
            if pos >= n:
                break
        return out if pos >= n and not inner.rstrip().endswith((",", "=>")) else None

    def statements(self):
        t = self.text
        while True:
            self.ws()
            if self.pos >= len(t):
                return
            if t[self.pos] == "#":
                end = t.find("\n", self.pos)
                self.pos = len(t) if end < 0 else end
                continue
            if t.startswith("[record]", self.pos):
                yield ("[record]", None, None, self.line())
                end = t.find("\n", self.pos)
                self.pos = len(t) if end < 0 else end
                continue
            m = re.compile(r"1\s*;").match(t, self.pos)
            if m:
                yield ("1;", None, None, self.line())
                self.pos = m.end()
                continue
            m = _NAME.match(t, self.pos)
            if m is None:
                self.fail(f"expected '$name = ...;', '@name = (...);' or '[record]', found "
                          f"{t[self.pos:self.pos + 30]!r}")
            where = self.line()
            sigil = t[self.pos]
            self.pos = m.end()
            value = self.value()
            self.ws()
            if self.pos >= len(t) or t[self.pos] != ";":
                self.fail(f"expected ';' after {sigil}{m.group(1)} (truncated?)")
            self.pos += 1
            yield (sigil, m.group(1), value, where)


def statements(path, text: str):
    """``(sigil, name, value, line)`` of every statement of ``text``; ``("[record]", ...)`` for
    record markers and ``("1;", ...)`` for the closing true value."""
    return _Parser(path, text).statements()
