"""Document text → clean text with a map back to the source.

Normalization only deletes characters (invisible characters, page furniture, artefacts, hard
line breaks); every kept character is the source's own, so a clause quoted from the clean text is
verbatim and ``offsets[i]`` is where clean character ``i`` stands in the source. ``fold`` gives a
width-normalised copy of the same length for matching.
"""
from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from importlib import resources
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

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
    o = ord(ch)
    if ch in simplified():
        return simplified()[ch]
    if 0xFF01 <= o <= 0xFF5E:
        return chr(o - 0xFEE0)
    if ch in "\u3000\xa0\u2002\u2003\u2009":
        return " "
    if 0x2460 <= o <= 0x24FF:  # ① ⑴ ⒈: clause markers, kept as they are
        return ch
    n = unicodedata.normalize("NFKC", ch)
    return n if len(n) == 1 else ch


@functools.lru_cache(maxsize=1)
def fold_table() -> dict[int, str]:
    """Every BMP character that folds to another single character."""
    table = {}
    for o in range(0x80, 0x10000):
        if 0xD800 <= o <= 0xDFFF:
            continue
        ch = chr(o)
        f = fold_char(ch)
        if f != ch:
            table[o] = f
    return table


@functools.lru_cache(maxsize=1)
def _foldable() -> tuple[re.Pattern, dict[str, str], frozenset[str]]:
    """The characters that fold, as one character class; what each folds to; and those that fold
    to another foldable character (⾒ → 見, which itself folds to 见)."""
    table = {chr(o): f for o, f in fold_table().items()}
    chained = frozenset(ch for ch, f in table.items() if f in table)
    return re.compile("[" + "".join(map(re.escape, sorted(table))) + "]"), table, chained


SPACE = re.compile(r"\s+")


@functools.lru_cache(maxsize=1)
def invisible_pattern() -> re.Pattern:
    """One character class of every invisible character (see ``INVISIBLE_CATEGORY``, ``IGNORABLE``)."""
    codes = [o for plane in CF_PLANES for o in plane if unicodedata.category(chr(o)) == INVISIBLE_CATEGORY]
    ranges = sorted(set(_ranges(codes)) | set(IGNORABLE))
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
    cuts = [m.start() for m in invisible_pattern().finditer(text)]
    if not cuts:
        return Text(text, range(len(text)))
    offsets: list[int] = []
    for a, b in zip([-1] + cuts, cuts + [len(text)]):
        offsets.extend(range(a + 1, b))
    return Text(invisible_pattern().sub("", text), tuple(offsets), tuple((o, text[o]) for o in cuts))


def squash(text: str | None) -> str:
    """The text without whitespace (how quotes, evidence and names are compared)."""
    return SPACE.sub("", text or "")


# how many folded strings are kept: a text, its lines and its clauses are folded by several stages
FOLD_CACHE = 1024


@functools.lru_cache(maxsize=FOLD_CACHE)
def fold(text: str) -> str:
    """Full-width to half-width, compatibility forms to plain ones and traditional characters to
    simplified ones; same length as the input."""
    pattern, table, chained = _foldable()
    found = set(pattern.findall(text))
    if found & chained:  # each character is folded once: ⾒ to 見, never on to 见
        return pattern.sub(lambda m: table[m.group(0)], text)
    for ch in found:  # a text holds few distinct foldable characters: each is replaced throughout at once
        text = text.replace(ch, table[ch])
    return text


def _lines(text: str) -> list[tuple[int, str]]:
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
    starts = [start for start, _ in lines]
    drop = furniture(lines, marker=marker)
    kept_chars: list[str] = []
    kept_pos: list[int] = []

    # character-level removal of artefacts inside kept lines
    pieces: list[tuple[int, str, list[int] | range]] = []  # (line index, text, offsets)
    # artefacts are looked for once in the whole text; only the lines that hold one are taken apart
    marked = {bisect.bisect_right(starts, m.start()) - 1 for pat in (ARTEFACT, MD_BULLET_LINE)
              for m in pat.finditer(text)}
    for i, (start, line) in enumerate(lines):
        if i in drop:
            continue
        cuts = [m.span() for pat in (ARTEFACT, MD_BULLET) for m in pat.finditer(line)] if i in marked else []
        if cuts:
            remove = [False] * len(line)
            for a, b in cuts:
                remove[a:b] = [True] * (b - a)
            chars = "".join(c for k, c in enumerate(line) if not remove[k])
            offs = [start + k for k in range(len(line)) if not remove[k]]
        else:
            chars, offs = line, range(start, start + len(line))
        # trailing whitespace is page layout, not content
        kept = len(chars.rstrip(" \t\u3000\xa0"))
        pieces.append((i, chars[:kept], offs[:kept]))

    lengths = sorted(len(t.strip()) for _, t, _ in pieces if t.strip())
    wrap = lengths[int(0.9 * (len(lengths) - 1))] if len(lengths) >= 8 else 0

    def full(t: str) -> bool:
        s = t.strip()
        return wrap >= 20 and len(s) >= 0.85 * wrap

    for n, (i, t, offs) in enumerate(pieces):
        kept_chars.append(t)
        kept_pos.extend(offs)
        if n + 1 == len(pieces):
            break
        j, nxt, noffs = pieces[n + 1]
        blank_between = j > i + 1 and any(not lines[k][1].strip() and k not in drop for k in range(i + 1, j))
        s = t.rstrip()
        join = (s and nxt.strip() and not blank_between and not s.endswith(_TERMINAL)
                and (full(t) or s.endswith(_SOFT_END))
                and "\t" not in t
                and not (marker and marker(nxt)))
        if join:
            if s[-1].isascii() and s[-1].isalnum() and nxt.lstrip()[:1].isascii() and nxt.lstrip()[:1].isalnum():
                kept_chars.append(" ")
                kept_pos.append(lines[i][0] + len(lines[i][1]))
            # the next line's indentation is layout
            lead = len(nxt) - len(nxt.lstrip())
            pieces[n + 1] = (j, nxt[lead:], noffs[lead:])
        else:
            # keep one newline: the one that ended this line in the source
            kept_chars.append("\n")
            kept_pos.append(lines[i][0] + len(lines[i][1]))
    return Text("".join(kept_chars), tuple(kept_pos))
