"""Each clause read once: its role-normalised view and, per sentence, what is done by whom.

The view is a matching copy of a clause: folded, without whitespace, with every word the
contract uses for the vendor written 乙方 and every word for the customer 甲方 (the words come
from ``parties.resolve``); ``View.span`` maps view offsets back to the clause text.

A sentence's reading lists its acts: each action word (resources/reading.yaml: terminate,
suspend, amend, refund, disclaim, …) with its actor (vendor, customer, carrier, both, third or
None when the sentence names none), its modality (right: 有权/可以/保留; will: 将/会; must:
应/须; prohibited: 不得; exempt: 无须) and whether it is negated. The actor is the party standing
right before the modal word (or the verb), else the sentence's topic: the first party it names
as a subject ("乙方发现甲方违规的，有权立即暂停服务" is the vendor's act). Rules are written over
these readings and over patterns on the view (see ``score``).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .model import Clause, evolve
from .normalize import fold
from .parties import Parties, generic
from .taxonomy import resource_yaml

SENTENCES = re.compile(r"[^。；;!?！？]+[。；;!?！？]?")
_SPACE = re.compile(r"\s")
_NON_SPACE = re.compile(r"\S+")


class View:
    """A matching copy of a clause (see the module docstring). ``index[i]`` is the clause-text
    index of view character ``i``."""

    __slots__ = ("text", "index")

    def __init__(self, text: str, index: list[int] | range):
        self.text, self.index = text, index

    def span(self, start: int, end: int) -> tuple[int, int]:
        """View [start, end) → clause-text [start, end)."""
        if start >= end:
            return (self.index[start] if start < len(self.index) else (self.index[-1] + 1 if self.index else 0),) * 2
        return self.index[start], self.index[end - 1] + 1


@functools.lru_cache(maxsize=64)
def _party_pattern(vendor_words: tuple[str, ...], customer_words: tuple[str, ...]) -> tuple[re.Pattern, dict]:
    """One alternation of every party word, longest first, and the role word each becomes."""
    to = {w: "甲方" for w in customer_words}
    to.update({w: "乙方" for w in vendor_words})
    words = sorted(to, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words))), to


def view(text: str, parties: Parties | None = None) -> View:
    """The role-normalised view of ``text``; without parties, role and self-reference words are
    taken at their usual meaning (您 the customer, 本公司 the vendor)."""
    p = parties if parties is not None else generic()
    folded = fold(text)
    if _SPACE.search(folded) is None:
        s, index = folded, range(len(folded))
    else:
        chars, index = [], []
        for m in _NON_SPACE.finditer(folded):
            chars.append(m.group(0))
            index.extend(range(m.start(), m.end()))
        s = "".join(chars)
    if not (p.vendor_words or p.customer_words):
        return View(s, index)
    pattern, to = _party_pattern(p.vendor_words, p.customer_words)
    out, idx, last = [], [], 0
    for m in pattern.finditer(s):
        word, role = m.group(0), to[m.group(0)]
        if word == role:
            continue
        out.append(s[last:m.start()])
        idx.extend(index[last:m.start()])
        out.append(role)
        idx.extend([index[m.start()], index[m.end() - 1]])
        last = m.end()
    if not out:
        return View(s, index)
    out.append(s[last:])
    idx.extend(index[last:])
    return View("".join(out), idx)


# -- the reading of a sentence -----------------------------------------------------------------

@dataclass(frozen=True)
class Act:
    """One action word of a sentence, with who does it and with what force."""

    action: str
    actor: str | None  # vendor, customer, carrier, both, third, or None
    modality: str | None  # right, will, must, prohibited, exempt, or None
    negated: bool
    start: int  # sentence offsets of the action word
    end: int


@dataclass(frozen=True)
class Sentence:
    start: int  # view offsets
    end: int
    text: str
    acts: tuple[Act, ...]

    def does(self, action: str) -> tuple[Act, ...]:
        return tuple(a for a in self.acts if a.action == action)


@dataclass(frozen=True)
class Reading:
    """A clause read once: its view and its sentences."""

    view: View
    sentences: tuple[Sentence, ...]

    @property
    def actions(self) -> frozenset[str]:
        return frozenset(a.action for s in self.sentences for a in s.acts)


@dataclass(frozen=True)
class Lexicon:
    actions: re.Pattern  # group name = action
    action_of: dict
    party_of: dict
    parties: re.Pattern
    objects: tuple[str, ...]
    possessive: tuple[str, ...]
    agents: tuple[str, ...]
    modal: re.Pattern
    modality_of: dict
    negation: re.Pattern
    window: int


def _alternation(words) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """resources/reading.yaml, compiled."""
    data = resource_yaml("reading.yaml")
    action_of = {w: a for a, words in data["actions"].items() for w in words}
    modality_of = {w: m for m, words in data["modalities"].items() for w in words}
    return Lexicon(
        actions=re.compile(_alternation(action_of)), action_of=action_of,
        party_of=dict(data["parties"]), parties=re.compile(_alternation(data["parties"])),
        objects=tuple(sorted(data["objects"], key=len, reverse=True)),
        possessive=tuple(data["possessive"]), agents=tuple(data["agents"]),
        modal=re.compile(_alternation(modality_of)), modality_of=modality_of,
        negation=re.compile(f"(?:{_alternation(data['negations'])})$"), window=int(data["window"]))


# what may stand between an actor and its modal word or verb: adverbs, not a clause
ADJACENT = re.compile(r"(?:均|亦|也|则|即|仍|还|都|同样|依法|依约|有权|另行|自行|随时|单方面?|单方|[,，]?同时)*")


def read_sentence(s: str, lex: Lexicon | None = None) -> tuple[Act, ...]:
    """The acts of one view sentence."""
    lex = lex or lexicon()
    acts = []
    parties = [m for m in lex.parties.finditer(s) if _is_subject(s, m, lex)]
    for m in lex.actions.finditer(s):
        low = max(0, m.start() - lex.window)
        modal = None
        for mm in lex.modal.finditer(s, low, m.start()):
            modal = mm  # the last one before the verb
        anchor = modal.start() if modal else m.start()
        actor = _actor(s, parties, anchor, lex)
        negated = _negated(s, modal.start() if modal else None, m.start(), lex)
        modality = lex.modality_of[modal.group(0)] if modal else None
        acts.append(Act(lex.action_of[m.group(0)], actor, modality, negated, m.start(), m.end()))
    return tuple(acts)


def _is_subject(s: str, m: re.Match, lex: Lexicon) -> bool:
    """A party word that can be a sentence's subject: not an object, not a possessor."""
    before, after = s[max(0, m.start() - 2):m.start()], s[m.end():m.end() + 1]
    if any(before.endswith(a) for a in lex.agents):
        return True
    if after in lex.possessive or any(before.endswith(o) for o in lex.objects):
        return False
    return True


def _actor(s: str, parties: list[re.Match], anchor: int, lex: Lexicon) -> str | None:
    """The party right before ``anchor`` (adverbs between), else the sentence's first subject."""
    before = [m for m in parties if m.end() <= anchor]
    if not before:
        return None
    last = before[-1]
    if ADJACENT.fullmatch(s, last.end(), anchor):
        return lex.party_of[last.group(0)]
    return lex.party_of[before[0].group(0)]


def _negated(s: str, modal_start: int | None, verb_start: int, lex: Lexicon) -> bool:
    """A negation right before the verb, or right before its modal word."""
    for at in (verb_start, modal_start):
        if at is not None and lex.negation.search(s, max(0, at - 2), at):
            return True
    return False


def read(text: str, parties: Parties | None = None) -> Reading:
    """The reading of one clause text."""
    v = view(text, parties)
    lex = lexicon()
    sentences = tuple(Sentence(m.start(), m.end(), m.group(0), read_sentence(m.group(0), lex))
                      for m in SENTENCES.finditer(v.text))
    return Reading(v, sentences)


def read_all(clauses: tuple[Clause, ...], parties: Parties) -> tuple[Clause, ...]:
    """Every clause with its reading (the pipeline's stage)."""
    return tuple(evolve(c, reading=read(c.text, parties)) for c in clauses)
