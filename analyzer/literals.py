"""Find many literal words in many texts at once, and use them to skip regular expressions
that cannot match.

``LiteralIndex`` runs one Aho–Corasick pass (pyahocorasick) over the texts joined and reports
every occurrence of every word, overlapping ones included. The automaton looks a character up
in a list of each state's next characters, so the texts are first spelled in an alphabet of its
own (``SearchAlphabet``) where every character is found early in the first state's list. ``required(pattern)`` reads a
compiled pattern's syntax tree for words one of which every match must contain (the
"prefilter" of a regular-expression engine); ``Prefilter`` combines the two: for each text, the
patterns that may match it. It never leaves out a pattern that matches: a pattern whose
requirement cannot be read (a character class first, say, with nothing literal after it)
is a candidate for every text.
"""
from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter

import numpy as np

try:  # Python 3.11 moved the parser; 3.10 has it at the top level
    from re import _constants as _c, _parser as _sre_parse
except ImportError:  # pragma: no cover
    import sre_constants as _c
    import sre_parse as _sre_parse

SEPARATOR = "\n"


def code_points(text: str) -> np.ndarray:
    """The text's characters as an array of code points (four bytes each, no copy per character)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def from_code_points(points: np.ndarray) -> str:
    """The text whose characters are ``points`` (four-byte code points; lone surrogates kept, as
    ``code_points`` reads them)."""
    return points.astype("<u4", copy=False).tobytes().decode("utf-32-le", "surrogatepass")


class SearchAlphabet:
    """Stand-in characters for finding a fixed list of words: each character of the words gets
    one of its own, every other character one shared ``OTHER`` (no word holds it, so no match
    changes). The stand-ins lie past U+FFFF: a text spelled in them is stored four bytes a
    character, which the automaton reads without a copy. ``ranked`` is the word characters, the
    ones the words use most first."""

    BASE = 0x10000
    OTHER, NEVER = chr(BASE), chr(BASE + 1)  # NEVER is in no spelled text

    def __init__(self, words):
        uses = Counter(c for w in words for c in w)
        self.ranked = sorted(uses, key=lambda c: (-uses[c], c))
        codes = {ord(c): k for k, c in enumerate(self.ranked, self.BASE + 2)}
        # past the highest word character: ``take`` with mode="clip" sends higher ones to the last entry
        self.table = np.full(max(codes, default=0) + 2, self.BASE, dtype="<u4")
        self.table[list(codes)] = list(codes.values())

    def spell(self, text: str) -> str:
        """The text in stand-in characters, one for one (offsets stay the same)."""
        return from_code_points(self.table.take(code_points(text), mode="clip"))


class LiteralIndex:
    """Every occurrence of a fixed list of words in a list of texts (words with a newline are not
    allowed: texts are joined with one).

    The automaton also holds, ahead of the words, one unmatchable word for each stand-in
    character (itself, then ``NEVER``), ``OTHER`` first and the characters the words use most
    next: the first state then lists every character, the common ones early. These words never
    occur and the automaton reports every occurrence of every word it holds, so what it reports
    is the same."""

    def __init__(self, words):
        import ahocorasick
        self.words = tuple(words)
        if any(not w or SEPARATOR in w for w in self.words):
            raise ValueError("words must be non-empty and hold no newline")
        self.alphabet = SearchAlphabet(self.words)
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        if self.words:
            self._add_words(self.alphabet)
            self._automaton.make_automaton()

    def _add_words(self, alphabet: SearchAlphabet) -> None:
        never = alphabet.NEVER
        self._automaton.add_word(alphabet.OTHER + never, -1)
        for c in alphabet.ranked:
            self._automaton.add_word(alphabet.spell(c) + never, -1)
        for i, w in enumerate(self.words):
            self._automaton.add_word(alphabet.spell(w), i)

    def words_in(self, text: str) -> set[int]:
        """Indexes of the words that occur in one text."""
        return self.words_in_each([text])[0]

    def words_in_each(self, texts: list[str]) -> list[set[int]]:
        """For each text, the indexes of the words that occur in it."""
        if not self.words or not texts:
            return [set() for _ in texts]
        spelled, search = self.alphabet.spell(SEPARATOR.join(texts)), self._automaton.iter
        out, at = [], 0
        for text in texts:
            end = at + len(text)
            out.append({w for _, w in search(spelled, at, end)} if end > at else set())
            at = end + 1
        return out

    def find(self, texts: list[str]) -> tuple[list[int], list[int]]:
        """(text indexes, word indexes) of every occurrence, in the order of their ends."""
        if not self.words or not texts:
            return [], []
        starts = list(itertools.accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
        rows, ids = [], []
        for end, w in self._automaton.iter(self.alphabet.spell(SEPARATOR.join(texts))):
            rows.append(bisect.bisect_right(starts, end) - 1)
            ids.append(w)
        return rows, ids


def required(pattern: re.Pattern) -> tuple[frozenset[str], ...]:
    """What every text the pattern matches in holds: for each set returned, one of its words
    (all the sets at once). An empty tuple when nothing is known."""
    if pattern.flags & re.IGNORECASE or not isinstance(pattern.pattern, str):
        return ()
    try:
        tree = _sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - whatever the parser makes of it, nothing is known
        return ()
    sets = [frozenset(w for w in words if not any(v != w and v in w for v in words))  # 退款 covers 甲方退款
            for words in _all_of(list(tree)) if not any(not w or SEPARATOR in w for w in words)]
    # single characters are everywhere: finding them costs more than they sort out
    longer = [words for words in sets if min(map(len, words)) > 1]
    return tuple(longer or sets)


def gate(pattern: re.Pattern):
    """A cheap test that passes every text ``pattern`` may match in: a search for a word of each
    set the pattern requires. A slow pattern (one with no literal to start from) then runs only
    on the texts that pass. Returns a callable, text → truthy or falsy."""
    searches = [re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True)))).search
                for words in required(pattern)]
    if not searches:
        return lambda text: True
    if len(searches) == 1:
        return searches[0]
    first, *rest = searches
    return lambda text: first(text) and all(search(text) for search in rest)


def _rank(words: set[str]) -> tuple[int, int]:
    """Rarer is better: longer shortest word, then fewer words."""
    return min(map(len, words)), -len(words)


def _one_of(items) -> set[str] | None:
    """Words one of which every match of a sequence holds: its most selective requirement."""
    sets = _all_of(items)
    return max(sets, key=_rank) if sets else None


MAX_SPELLINGS = 64


def _all_of(items) -> list[set[str]]:
    """For a sequence of parsed items, sets of words such that every match holds a word of
    each. Items that match one of a few fixed strings join their neighbours (退[还款] requires
    退还 or 退款); every other item that requires something gives its own set."""
    out: list[set[str]] = []
    spellings = {""}

    def flush() -> None:
        if "" not in spellings:
            out.append(spellings)

    for op, av in items:
        fixed = _fixed([(op, av)])
        if fixed is not None:
            if len(spellings) * len(fixed) <= MAX_SPELLINGS:
                spellings = {a + b for a in spellings for b in fixed}
            else:
                flush()
                spellings = fixed
            continue
        flush()
        spellings = {""}
        if op is _c.SUBPATTERN:
            _group, add_flags, _del_flags, sub = av
            if not add_flags & _c.SRE_FLAG_IGNORECASE:
                out.extend(_all_of(list(sub)))
        elif op is _c.BRANCH:  # each alternative's own best, together
            alternatives = [_one_of(list(a)) for a in av[1]]
            if all(alternatives):
                out.append(set().union(*alternatives))
        elif op in _REPEATS:
            low, _high, sub = av
            if low >= 1:
                out.extend(_all_of(list(sub)))
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            out.extend(_all_of(list(av)))
        # anything else (a class, any character, an anchor, a lookaround, a back-reference)
        # requires nothing literal
    flush()
    return out


_REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None))


def _fixed(items) -> set[str] | None:
    """The strings a sequence matches when they are few and fixed (a literal, a class of
    literal characters, alternatives of such, an optional one), else None."""
    spellings = {""}
    for op, av in items:
        if op is _c.LITERAL:
            options = {chr(av)}
        elif op is _c.IN and av and all(o is _c.LITERAL for o, _ in av):
            options = {chr(x) for _, x in av}
        elif op is _c.SUBPATTERN and not av[1] & _c.SRE_FLAG_IGNORECASE:
            options = _fixed(list(av[3]))
        elif op is _c.BRANCH:
            parts = [_fixed(list(a)) for a in av[1]]
            options = set().union(*parts) if all(p is not None for p in parts) else None
        elif op in _REPEATS and av[0] == 0 and av[1] == 1:
            options = _fixed(list(av[2]))
            options = None if options is None else options | {""}
        else:
            return None
        if options is None or len(spellings) * len(options) > MAX_SPELLINGS:
            return None
        spellings = {a + b for a in spellings for b in options}
    return spellings


class Prefilter:
    """For each of many texts, which of many patterns may match in it (a superset of those
    that do), from one ``LiteralIndex`` pass. With ``owners`` (the owner of each pattern: a
    rule of several patterns, say) it tells the owners instead.

    A pattern that requires one set of words is told by any of them. One that requires several
    is told by a word of its rarest set (the set whose words the patterns require least often:
    甲方, which many require, is in most texts) when the text also holds a word of each of the
    others; the sets a text holds a word of are the bits of one number."""

    def __init__(self, patterns, owners=None):
        self.patterns = tuple(patterns)
        owners = list(range(len(self.patterns))) if owners is None else list(owners)
        needs = [required(p) for p in self.patterns]
        words = sorted({w for need in needs for group in need for w in group})
        self.index = LiteralIndex(words)
        position = {w: i for i, w in enumerate(words)}
        bit = {group: 1 << b for b, group in enumerate(sorted({g for need in needs for g in need}, key=sorted))}
        self._bits = [0] * len(words)  # the sets each word is in
        for group, b in bit.items():
            for w in group:
                self._bits[position[w]] |= b
        self._direct: list[set] = [set() for _ in words]  # the owners each word tells
        self._checks: list[list] = [[] for _ in words]  # (owner, the sets it needs) each word tells
        for owner, need, told_by in zip(owners, needs, _rarest(needs)):
            for w in told_by:
                if len(need) == 1:
                    self._direct[position[w]].add(owner)
                else:
                    self._checks[position[w]].append((owner, sum(bit[g] for g in set(need))))
        self._always = frozenset(owner for owner, need in zip(owners, needs) if not need)

    def candidates(self, texts: list[str]) -> list[list[int]]:
        """For each text, the patterns (or their owners) that may match in it, in order: a
        pattern may when the text holds a word of every set it requires."""
        out = []
        direct, checks, bits = self._direct, self._checks, self._bits
        for found in self.index.words_in_each(texts):
            may = set(self._always)
            held = 0
            for w in found:
                may.update(direct[w])
                held |= bits[w]
            for w in found:
                for owner, needed in checks[w]:
                    if held & needed == needed:
                        may.add(owner)
            out.append(sorted(may))
        return out


def _rarest(needs) -> list[frozenset[str]]:
    """For each pattern's requirement (see ``required``), its set whose words all the patterns
    require least often (the empty set when it requires nothing)."""
    uses = Counter(w for need in needs for group in need for w in group)
    return [min(need, key=lambda group: (sum(uses[w] for w in group), sorted(group)), default=frozenset())
            for need in needs]
