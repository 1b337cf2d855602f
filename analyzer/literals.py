"""Find many literal words in many texts at once, and use them to skip regular expressions
that cannot match.

``LiteralIndex`` runs one Aho–Corasick pass (ahocorasick-rs) over each text and reports every
occurrence of every word, overlapping ones included. ``required(pattern)`` reads a
compiled pattern's syntax tree for words one of which every match must contain (the
"prefilter" of a regular-expression engine); ``Prefilter`` combines the two: for each text, the
patterns that may match it. It never leaves out a pattern that matches: a pattern whose
requirement cannot be read (a character class first, say, with nothing literal after it)
is a candidate for every text.
"""
from __future__ import annotations

import re
from collections import Counter

import ahocorasick_rs
import numpy as np

try:  # Python 3.11 moved the parser; 3.10 has it at the top level
    from re import _constants as _c
    from re import _parser as _sre_parse
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


class WordFinder:
    """The occurrences of fixed words one after another, each the longest word that starts
    leftmost (what ``finditer`` of the words' alternation, longest first, finds), from an
    Aho–Corasick automaton: built in microseconds, where compiling that alternation of a contract's
    party words takes a millisecond. A text holding a lone surrogate (which the automaton cannot
    read) is searched with the alternation, compiled when first needed."""

    def __init__(self, words):
        self.words = tuple(words)
        if not all(self.words):
            raise ValueError("words must be non-empty")
        plain = self.words and not any(map(_holds_surrogate, self.words))
        # the NFA builds in half the time of the DFA the library would choose, and a contract's
        # party words are found with it once (build and search together cost less)
        self._automaton = ahocorasick_rs.AhoCorasick(
            self.words, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
            implementation=ahocorasick_rs.Implementation.NoncontiguousNFA) if plain else None
        self._alternation: re.Pattern | None = None

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, word) of each occurrence, in order."""
        if self._automaton is not None:
            try:
                return [(a, b, self.words[i]) for i, a, b in self._automaton.find_matches_as_indexes(text)]
            except UnicodeEncodeError:
                pass
        if not self.words:
            return []
        if self._alternation is None:
            self._alternation = re.compile("|".join(map(re.escape, sorted(self.words, key=len, reverse=True))))
        return [(m.start(), m.end(), m.group()) for m in self._alternation.finditer(text)]


class LiteralIndex:
    """Every occurrence of a fixed list of words in texts, overlapping ones too, each text read
    in one pass of an Aho–Corasick automaton (ahocorasick-rs). A word or a text holding a lone
    surrogate (which has no UTF-8 form, so the automaton cannot read it) is compared one by one."""

    def __init__(self, words):
        self.words = tuple(words)
        if not all(self.words):
            raise ValueError("words must be non-empty")
        self._plain = [i for i, w in enumerate(self.words) if not _holds_surrogate(w)]
        self._odd = [i for i, w in enumerate(self.words) if _holds_surrogate(w)]
        self._automaton = ahocorasick_rs.AhoCorasick([self.words[i] for i in self._plain]) if self._plain else None

    def words_in(self, text: str) -> set[int]:
        """Indexes of the words that occur in one text."""
        return {w for w, _ in self._occurrences(text)}

    def words_in_each(self, texts: list[str]) -> list[set[int]]:
        """For each text, the indexes of the words that occur in it."""
        if self._odd or self._automaton is None:
            return [self.words_in(t) for t in texts]
        search, plain = self._automaton.find_matches_as_indexes, self._plain
        try:
            return [{plain[i] for i, _, _ in search(t, overlapping=True)} if t else set() for t in texts]
        except UnicodeEncodeError:  # a text holds a lone surrogate
            return [self.words_in(t) for t in texts]

    def find(self, texts: list[str]) -> tuple[list[int], list[int]]:
        """(text indexes, word indexes) of every occurrence, text by text, each text's in the order
        of their ends."""
        rows, ids = [], []
        for row, text in enumerate(texts):
            for w, _ in sorted(self._occurrences(text), key=lambda m: m[1]):
                rows.append(row)
                ids.append(w)
        return rows, ids

    def _occurrences(self, text: str) -> list[tuple[int, int]]:
        """(word index, end) of every occurrence in one text."""
        out = []
        if self._automaton is not None and text:
            if _holds_surrogate(text):
                out = [(i, k + len(self.words[i])) for i in self._plain for k in _starts(text, self.words[i])]
            else:
                out = [(self._plain[i], end) for i, _, end in self._automaton.find_matches_as_indexes(text, overlapping=True)]
        return out + [(i, k + len(self.words[i])) for i in self._odd for k in _starts(text, self.words[i])]


def _holds_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _starts(text: str, word: str) -> list[int]:
    """Where ``word`` starts in ``text``, overlapping places too."""
    out, k = [], text.find(word)
    while k >= 0:
        out.append(k)
        k = text.find(word, k + 1)
    return out


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
