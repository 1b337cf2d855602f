"""Document text → clean text with a map back to the source.

Normalization only deletes characters (invisible characters, page furniture, artefacts, hard
line breaks); every kept character is the source's own, so a clause quoted from the clean text is
verbatim and ``offsets[i]`` is where clean character ``i`` stands in the source. ``fold`` gives a
width-normalised copy of the same length for matching.
"""
from __future__ import annotations

import bisect
import functools
import itertools
import re
import sys
import unicodedata
from importlib import resources
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .literals import code_points, from_code_points

PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–]?\s*\d{1,4}\s*[-—–]?|第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?"
    r"|\d+\s*/\s*\d+|page\s*\d+(?:\s*of\s*\d+)?)\s*$", re.I)
ARTEFACT = re.compile(r"\[bookmark:[^\]\n]*\]|\{\.underline\}|<!--.*?-->")  # never across lines
MD_BULLET = re.compile(r"^[ \t]*[-*+][ \t]+(?=[0-9一二三四五六七八九十第（(①-⑳])")
MD_BULLET_LINE = re.compile(MD_BULLET.pattern, re.M)
# a line that names a party ("甲方：…", "乙方（盖章）：…") repeats in the signature block; never furniture
ROLE_LABEL = re.compile(r"^\s*(?:[甲乙丙]\s*方|委托方|受托方|服务方|用户方)\s*(?:[(（][^)）]{0,8}[)）])?\s*[:：]")
TERMINAL = "。！？；;!?…"
SOFT_END = "，、（(“《"
_TERMINAL, _SOFT_END = tuple(TERMINAL), tuple(SOFT_END)
LAYOUT_SPACE = " \t\u3000\xa0"  # trailing whitespace a line's layout leaves
# Invisible characters draw nothing, yet a zero-width space inside 乙方 hides the word from every
# pattern: they are removed before anything reads the text. They are the format characters
# (category Cf: zero-width space, non-joiner and joiner, word joiner, BOM, soft hyphen, invisible
# operators, bidi marks, embeddings, overrides and isolates, tags) and the default-ignorable
# characters of other categories listed here.
INVISIBLE_CATEGORY = "Cf"
IGNORABLE = (
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x115F, 0x1160), (0x3164, 0x3164), (0xFFA0, 0xFFA0),  # Hangul fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian free variation selectors
    (0xFE00, 0xFE0F), (0xE0100, 0xE01EF),  # variation selectors
)
CF_PLANES = (range(0x0, 0x20000), range(0xE0000, 0xF0000))  # the planes that hold format characters
BMP = range(0x10000)
# the characters fold_char looks at (past ASCII, no surrogates); those it folds on its own besides
# the traditional ones and the NFKC forms: full-width ASCII and wide spaces
FOLDED = (range(0x80, 0xD800), range(0xE000, 0x10000))  # two ranges
FULL_WIDTH, FULL_WIDTH_OFFSET = range(0xFF01, 0xFF5F), 0xFEE0
WIDE_SPACES = "\u3000\xa0\u2002\u2003\u2009"
# how many consecutive code points the table builders test at once (see ``_suspects``)
RUN = 64


@dataclass(frozen=True)
class Text:
    """Clean text and, for each of its characters, the index of that character in the source;
    ``invisible``: (source index, character) of each invisible character removed."""

    text: str
    offsets: Sequence[int]
    invisible: tuple[tuple[int, str], ...] = ()

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Clean [start, end) → source [start, end)."""
        if start >= end:
            pos = self.offsets[start] if start < len(self.offsets) else (self.offsets[-1] + 1 if self.offsets else 0)
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1


@functools.lru_cache(maxsize=1)
def simplified() -> dict[str, str]:
    """Traditional characters and their simplified forms (resources/t2s.txt): a contract in
    traditional characters is matched by rules written in simplified ones."""
    text = (resources.files("analyzer") / "resources" / "t2s.txt").read_text(encoding="utf-8")
    return {line[0]: line[1] for line in text.splitlines() if len(line) == 2 and not line.startswith("#")}


def fold_char(ch: str) -> str:
    """What ``fold`` makes of one character."""
    o = ord(ch)
    if ch in simplified():
        return simplified()[ch]
    if o in FULL_WIDTH:
        return chr(o - FULL_WIDTH_OFFSET)
    if ch in WIDE_SPACES:
        return " "
    if 0x2460 <= o <= 0x24FF:  # ① ⑴ ⒈: clause markers, kept as they are
        return ch
    n = unicodedata.normalize("NFKC", ch)
    return n if len(n) == 1 else ch


@functools.lru_cache(maxsize=1)
def fold_table() -> dict[int, str]:
    """Every BMP character that folds to another single character."""
    table = {}
    for o in _may_fold():
        ch = chr(o)
        f = fold_char(ch)
        if f != ch:
            table[o] = f
    return table


def _may_fold() -> list[int]:
    """The code points of FOLDED that ``fold_char`` may change, in order: those it names (traditional,
    full-width, spaces) and those NFKC may change. Those lie in runs that are not NFKC-normalized: a
    character NFKC changes never stands in a normalized string (so a few runs are tried one by one
    rather than every character)."""
    named = {ord(c) for c in simplified()} | set(FULL_WIDTH) | set(map(ord, WIDE_SPACES))
    changed = _suspects(FOLDED, lambda run: not unicodedata.is_normalized("NFKC", run))
    return sorted({o for o in named if o in FOLDED[0] or o in FOLDED[1]}.union(changed))


def _suspects(ranges, suspect) -> list[int]:
    """The code points of ``ranges`` in the runs of RUN consecutive ones (as one string) that
    ``suspect`` holds true for."""
    out: list[int] = []
    for r in ranges:
        chars = from_code_points(np.arange(r.start, r.stop))
        for i in range(0, len(chars), RUN):
            if suspect(chars[i:i + RUN]):
                out.extend(r[i:i + RUN])
    return out


@functools.lru_cache(maxsize=1)
def _foldable() -> tuple[re.Pattern, dict[str, str], frozenset[str]]:
    """The characters that fold, as one character class; what each folds to; and those that fold
    to another foldable character (⾒ → 見, which itself folds to 见)."""
    table = {chr(o): f for o, f in fold_table().items()}
    chained = frozenset(ch for ch, f in table.items() if f in table)
    return re.compile("[" + "".join(map(re.escape, sorted(table))) + "]"), table, chained


@functools.lru_cache(maxsize=64)
def folding_to(chars: str) -> frozenset[str]:
    """The characters whose fold is one of ``chars``: a text holds none of them exactly when its
    fold holds none of ``chars``."""
    table = fold_table()
    return frozenset(c for c in chars if ord(c) not in table) | {chr(o) for o, f in table.items() if f in chars}


@functools.lru_cache(maxsize=1)
def invisible_pattern() -> re.Pattern:
    """One character class of every invisible character (see ``INVISIBLE_CATEGORY``, ``IGNORABLE``)."""
    return _character_class(_ranges(format_characters(CF_PLANES)) + list(IGNORABLE))


@functools.lru_cache(maxsize=1)
def may_hide() -> re.Pattern:
    """The invisible characters of the BMP and every character past it, as one character class: what
    ``visible`` looks for (a class within the BMP is one look-up a character, its ranges past the BMP
    are compared one by one), keeping those past the BMP that are invisible (``is_invisible``).
    Built from the BMP alone, which is quick (see ``format_characters``)."""
    bmp = [(a, b) for a, b in IGNORABLE if b < BMP.stop]
    return _character_class(_ranges(format_characters([BMP])) + bmp + [(BMP.stop, sys.maxunicode)])


def is_invisible(ch: str) -> bool:
    """Whether ``invisible_pattern`` matches the character."""
    o = ord(ch)
    return (unicodedata.category(ch) == INVISIBLE_CATEGORY and any(o in plane for plane in CF_PLANES)
            or any(a <= o <= b for a, b in IGNORABLE))


def format_characters(planes) -> list[int]:
    """The code points of category INVISIBLE_CATEGORY in ``planes``, in order. No format character
    is printable (``str.isprintable``): only the runs that are not printable are tried one by one.
    Quick in the BMP; past it, most code points are unassigned, so not printable either."""
    return [o for o in _suspects(planes, lambda run: not run.isprintable())
            if unicodedata.category(chr(o)) == INVISIBLE_CATEGORY]


def _character_class(ranges) -> re.Pattern:
    """One character class of the (first, last) code point ranges."""
    ranges = sorted(set(ranges))
    return re.compile("[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges) + "]")


def _ranges(codes: list[int]) -> list[tuple[int, int]]:
    """Sorted code points → runs of consecutive ones, as (first, last)."""
    runs: list[list[int]] = []
    for o in codes:
        if runs and runs[-1][1] == o - 1:
            runs[-1][1] = o
        else:
            runs.append([o, o])
    return [(a, b) for a, b in runs]


def visible(text: str) -> Text:
    """The text without its invisible characters; offsets index ``text``."""
    cuts = [m.start() for m in may_hide().finditer(text) if is_invisible(m.group())]
    if not cuts:
        return Text(text, range(len(text)))
    runs = [range(a + 1, b) for a, b in zip([-1] + cuts, cuts + [len(text)])]
    kept = "".join(text[r.start:r.stop] for r in runs)
    return Text(kept, joined_offsets(runs), tuple((o, text[o]) for o in cuts))


def squash(text: str | None) -> str:
    """The text without whitespace (how quotes, evidence and names are compared)."""
    return "".join((text or "").split())  # split() cuts at what \s matches (str.isspace), faster than re


# how many folded strings are kept: a text, its lines and its clauses are folded by several stages
FOLD_CACHE = 1024


@functools.lru_cache(maxsize=FOLD_CACHE)
def fold(text: str) -> str:
    """Full-width to half-width, compatibility forms to plain ones and traditional characters to
    simplified ones; same length as the input."""
    return fold_uncached(text)


def fold_each(texts: list[str]) -> list[str]:
    """``fold`` of each text, from one call on the texts joined: fold maps each character on its
    own and keeps the length, so each text's span of the folded whole is its fold. The aligner
    and the checks fold a contract's clauses this way: the second finds the fold kept."""
    folded = fold("".join(texts))
    ends = list(itertools.accumulate(map(len, texts)))
    return [folded[a:b] for a, b in zip([0, *ends], ends)]


# from this length on, the foldable characters of a text are found with numpy (a table lookup of
# every code point at once) rather than with the character class (a set test a character)
LONG_TEXT = 512


def fold_uncached(text: str) -> str:
    """``fold`` without keeping the result: for the many short strings read once (a line's start)."""
    pattern, table, chained = _foldable()
    found = set(pattern.findall(text)) if len(text) < LONG_TEXT else _foldable_in(text)
    if not found.isdisjoint(chained):  # each character is folded once: ⾒ to 見, never on to 见
        return pattern.sub(lambda m: table[m.group(0)], text)
    for ch in found:  # a text holds few distinct foldable characters: each is replaced throughout at once
        text = text.replace(ch, table[ch])
    return text


def _foldable_in(text: str) -> set[str]:
    """The distinct characters of the text that fold (what the class of ``_foldable`` finds)."""
    points = code_points(text)
    return set(from_code_points(np.unique(points[_fold_mask().take(points, mode="clip")])))


@functools.lru_cache(maxsize=1)
def _fold_mask() -> np.ndarray:
    """Code point → does it fold; the last entry (False) stands for every code point past the BMP
    (``fold_table`` holds BMP characters only)."""
    mask = np.zeros(0x10001, dtype=bool)
    mask[list(fold_table())] = True
    return mask


def _lines(text: str) -> list[tuple[int, str]]:
    """Each line of the text (without its newline) and where it starts."""
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def furniture(lines: list[tuple[int, str]], *, marker=None) -> set[int]:
    """Indexes of lines that are page furniture: page numbers and running headers/footers."""
    drop = {i for i, (_, l) in enumerate(lines) if PAGE_NUMBER.match(l) and l.strip()}
    seen: dict[str, list[int]] = defaultdict(list)
    content_index = {}
    n = 0
    folded = fold("\n".join(l for _, l in lines)).split("\n")  # fold keeps lengths and newlines
    for i, (_, l) in enumerate(lines):
        if l.strip():
            content_index[i] = n
            n += 1
            key = "".join(folded[i].split())
            if 2 <= len(key) <= 40 and not key.endswith(_TERMINAL):
                seen[key].append(i)
    for key, idx in seen.items():
        if len(idx) < 2:
            continue
        # numbered lines and party labels repeat in a contract without being furniture
        idx = [i for i in idx if not (marker and marker(lines[i][1])) and not ROLE_LABEL.match(lines[i][1])]
        if len(idx) < 2:
            continue
        gaps = [content_index[b] - content_index[a] for a, b in zip(idx, idx[1:])]
        if min(gaps) >= 8:  # repeats far apart, like page headers; not a signature block
            drop.update(idx)
    return drop


def normalize(text: str, *, marker=None) -> Text:
    """Drop invisible characters, furniture and artefacts and join hard-wrapped lines.

    ``marker`` is a predicate telling whether a line starts with a clause number (from segment);
    such lines are never joined to the line before them.
    """
    shown = visible(text)
    clean = _layout(shown.text, marker=marker)
    if not shown.invisible:
        return clean
    return Text(clean.text, tuple(map(shown.offsets.__getitem__, clean.offsets)), shown.invisible)


def _layout(text: str, *, marker=None) -> Text:
    """``normalize`` of a text without invisible characters."""
    lines = _lines(text)
    pieces = _pieces(text, lines, furniture(lines, marker=marker))
    lengths = sorted(len(t.strip()) for _, t, _ in pieces if t.strip())
    wrap = lengths[int(0.9 * (len(lengths) - 1))] if len(lengths) >= 8 else 0
    chars, offsets = _joined(lines, pieces, wrap, marker)
    return Text("".join(chars), joined_offsets(offsets))


# offsets below this are shared int objects (see ``joined_offsets``): 2.3 MB once made
SHARED_OFFSETS = 1 << 16


@functools.lru_cache(maxsize=1)
def _numbers() -> tuple[int, ...]:
    """0, 1, 2 … SHARED_OFFSETS - 1, made once."""
    return tuple(range(SHARED_OFFSETS))


def joined_offsets(parts) -> tuple[int, ...]:
    """The offsets of the parts (ranges or lists of offsets) in one tuple. A range's offsets are
    taken from ints made once rather than made for every character of every text (the same
    values, most of the cost of a text's offsets)."""
    numbers = _numbers()
    out: list[int] = []
    for part in parts:
        out += numbers[part.start:part.stop] if type(part) is range and part.stop <= len(numbers) else part
    return tuple(out)


def _pieces(text: str, lines: list[tuple[int, str]], drop: set[int]) -> list[tuple[int, str, Sequence[int]]]:
    """(line index, text, source offsets) of each line that is not furniture, without its artefacts
    and trailing whitespace (page layout, not content)."""
    # artefacts are looked for once in the whole text; only the lines that hold one are taken apart
    found = [m.start() for pat in (ARTEFACT, MD_BULLET_LINE) for m in pat.finditer(text)]
    starts = [start for start, _ in lines] if found else []
    marked = {bisect.bisect_right(starts, at) - 1 for at in found}
    return [_trimmed(i, start, line) if i in marked
            else (i, kept := line.rstrip(LAYOUT_SPACE), range(start, start + len(kept)))  # _trimmed, inline
            for i, (start, line) in enumerate(lines) if i not in drop]


def _trimmed(i: int, start: int, line: str) -> tuple[int, str, Sequence[int]]:
    """The piece of line ``i`` (at ``start``) without its artefacts and trailing whitespace."""
    cuts = [m.span() for pat in (ARTEFACT, MD_BULLET) for m in pat.finditer(line)]
    if cuts:
        remove = [False] * len(line)
        for a, b in cuts:
            remove[a:b] = [True] * (b - a)
        chars = "".join(c for k, c in enumerate(line) if not remove[k])
        offs: Sequence[int] = [start + k for k in range(len(line)) if not remove[k]]
    else:
        chars, offs = line, range(start, start + len(line))
    kept = len(chars.rstrip(LAYOUT_SPACE))
    return i, chars[:kept], offs[:kept]


def _joined(lines, pieces, wrap: int, marker) -> tuple[list[str], list[Sequence[int]]]:
    """The pieces in order, a hard-wrapped line joined to the next (a line ``wrap`` wide, or one
    ending in a comma), each other kept with the newline that ended it in the source: the
    text's parts and their source offsets."""
    chars: list[str] = []
    offsets: list[Sequence[int]] = []
    for n, (i, t, offs) in enumerate(pieces):
        chars.append(t)
        if n + 1 == len(pieces):
            offsets.append(offs)
            break
        newline = lines[i][0] + len(lines[i][1])
        j, nxt, noffs = pieces[n + 1]
        s = t.rstrip()
        if not (s and nxt.strip() and not s.endswith(_TERMINAL) and _joins(t, s, nxt, wrap, marker)):
            chars.append("\n")  # keep one newline: the one that ended this line in the source
            # a line kept whole runs on into its newline: one range for both
            offsets.append(range(offs.start, newline + 1) if isinstance(offs, range) and offs.stop == newline
                           else [*offs, newline])
            continue
        offsets.append(offs)
        if s[-1].isascii() and s[-1].isalnum() and nxt.lstrip()[:1].isascii() and nxt.lstrip()[:1].isalnum():
            chars.append(" ")
            offsets.append((newline,))
        lead = len(nxt) - len(nxt.lstrip())  # the next line's indentation is layout
        pieces[n + 1] = (j, nxt[lead:], noffs[lead:])
    return chars, offsets


def _joins(t: str, s: str, nxt: str, wrap: int, marker) -> bool:
    """The rest of whether a piece ``t`` (``s`` without trailing whitespace, not ending a sentence)
    joins the next one, ``nxt`` (not blank). Only furniture stands between two pieces, never a
    blank line: blank lines are pieces too."""
    full = wrap >= 20 and len(t.strip()) >= 0.85 * wrap
    return (full or s.endswith(_SOFT_END)) and "\t" not in t and not (marker and marker(nxt))
