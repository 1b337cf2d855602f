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

import bisect
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import NamedTuple

from .literals import WordFinder
from .model import Clause, Parties, evolve
from .normalize import fold, fold_each
from .parties import generic
from .taxonomy import resource_yaml

SENTENCES = re.compile(r"[^。；;!?！？]+[。；;!?！？]?")
_SPACES = re.compile(r"\s+")
QUOTES, UNQUOTES = "“\"「『", "”\"」』"  # around a party's name: "“观测云”有权" reads 乙方有权


class View:
    """A matching copy of a clause (see the module docstring). ``index[i]`` is the clause-text
    index of view character ``i``; it is worked out when first asked and kept with the view (few
    views are ever mapped back to their clause)."""

    __slots__ = ("text", "_folded", "_words", "_index")

    def __init__(self, text: str, folded: str, words: tuple[tuple[int, int, str], ...] = ()):
        """``folded``: the clause text folded; ``words``: the party words written as role words
        (see ``_view``)."""
        self.text, self._folded, self._words = text, folded, words
        self._index: list[int] | range | None = None

    @property
    def index(self) -> list[int] | range:
        if self._index is None:
            self._index = _index(self._folded, self._words)
        return self._index

    def span(self, start: int, end: int) -> tuple[int, int]:
        """View [start, end) → clause-text [start, end)."""
        index = self.index
        if start >= end:
            return (index[start] if start < len(index) else (index[-1] + 1 if index else 0),) * 2
        return index[start], index[end - 1] + 1


class _Roles(NamedTuple):
    """The party words of one contract: a finder of them, longest first; the role word
    each is written as; the characters after which each is part of another word (用户名)."""

    words: WordFinder
    role_of: dict[str, str]
    bound: dict[str, str]


@functools.lru_cache(maxsize=64)  # one entry per contract's party words; an analysis reads one at a time
def _roles(vendor_words: tuple[str, ...], customer_words: tuple[str, ...]) -> _Roles:
    to = {w: "甲方" for w in customer_words}
    to.update({w: "乙方" for w in vendor_words})
    compounds = lexicon().compounds
    bound = {w: compounds.get(w, "") + compounds.get(w[-1], "") for w in to}
    return _Roles(WordFinder(to), to, bound)


def forget_party_words() -> None:
    """Drop the party words of the contracts read so far (kept, bounded, across contracts)."""
    _roles.cache_clear()


def _roles_of(parties: Parties | None) -> _Roles | None:
    """The party words ``parties`` gives (the generic ones without parties), or None if none."""
    p = parties if parties is not None else generic()
    return _roles(p.vendor_words, p.customer_words) if p.vendor_words or p.customer_words else None


def view(text: str, parties: Parties | None = None) -> View:
    """The role-normalised view of ``text``; without parties, role and self-reference words are
    taken at their usual meaning (您 the customer, 本公司 the vendor)."""
    return _view(text, _roles_of(parties))


def _view(text: str, roles: _Roles | None, folded: str | None = None) -> View:
    """The view of ``text``: its folded text (``folded`` when the caller has it), the party
    words of that text without whitespace (start, end, role word) and the view text they make."""
    folded = fold(text) if folded is None else folded
    s = folded if _no_space(folded) else "".join(folded.split())  # str.split's whitespace is \s
    words = tuple(_role_words(s, roles)) if roles is not None else ()
    if not words:
        return View(s, folded)
    out, last = [], 0
    for start, end, role in words:
        out += (s[last:start], role)
        last = end
    out.append(s[last:])
    return View("".join(out), folded, words)


def _index(folded: str, words: tuple[tuple[int, int, str], ...]) -> list[int] | range:
    """The index in the clause text of each character of the view ``_view`` makes of ``folded``
    with ``words``: a role word stands at the first and last characters of its party word."""
    index = _unspaced(folded)
    if not words:
        return index
    idx: list[int] = []
    last = 0
    for start, end, _ in words:
        idx.extend(index[last:start])
        idx.extend((index[start], index[end - 1]))
        last = end
    idx.extend(index[last:])
    return idx


def _no_space(text: str) -> bool:
    """Does the text hold no whitespace (\\s)? Every whitespace character but " " is unprintable,
    so a printable text without " " holds none: two quick scans, before the pattern's slower one."""
    return (" " not in text and text.isprintable()) or _SPACES.search(text) is None


def _unspaced(folded: str) -> list[int] | range:
    """The index in ``folded`` of each character that is not whitespace."""
    if _no_space(folded):
        return range(len(folded))
    index: list[int] = []
    last = 0
    for m in _SPACES.finditer(folded):
        index += range(last, m.start())
        last = m.end()
    index += range(last, len(folded))
    return index


def _role_words(s: str, roles: _Roles) -> list[tuple[int, int, str]]:
    """(start, end, role word) of each party word in ``s`` that stands for its party, with the
    quotes around it (a quote between two party words goes with the first)."""
    out = []
    role_of, bound, n = roles.role_of, roles.bound, len(s)
    taken = 0  # where the last party word found, quotes included, ends
    for start, end, w in roles.words.find(s):
        quoted = start > taken and s[start - 1] in QUOTES
        if quoted:
            start -= 1
        if end < n and s[end] in UNQUOTES:
            end, quoted = end + 1, True
        taken = end
        role = role_of[w]
        if (w == role and not quoted) or s[end:end + 1] in bound[w]:
            continue  # 用户名, 客户端: a word of its own, not the party
        out.append((start, end, role))
    return out


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
    immediate: bool = False  # 立即, 随时, 直接: at once


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
    actions: re.Pattern
    action_of: dict
    party_of: dict
    parties: re.Pattern
    objects: tuple[str, ...]
    requests: tuple[str, ...]
    possessive: tuple[str, ...]
    agents: tuple[str, ...]
    openers: re.Pattern
    modal: re.Pattern
    modality_of: dict
    immediate: re.Pattern
    negation: re.Pattern
    window: int
    compounds: Mapping[str, str]  # party word → characters after which it is part of another word


def _alternation(words) -> str:
    """A pattern of ``words`` that matches the longest of them at a position (and, on
    backtracking, the shorter ones in turn), written as a trie: 不(?:再(?:续|为)|承担)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _branches(trie)


def _branches(node: dict) -> str:
    alts = [re.escape(ch) + _branches(child) for ch, child in node.items() if ch]
    if not alts:
        return ""
    if "" in node:  # a word ends here: the longer ones first, then this one
        return f"(?:{'|'.join(alts)}|)"
    return alts[0] if len(alts) == 1 else f"(?:{'|'.join(alts)})"


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """resources/reading.yaml, compiled."""
    data = resource_yaml("reading.yaml")
    action_of = {w: a for a, words in data["actions"].items() for w in words}
    modality_of = {w: m for m, words in data["modalities"].items() for w in words}
    return Lexicon(
        actions=re.compile(_alternation(action_of)), action_of=action_of,
        party_of=dict(data["parties"]), parties=re.compile(_alternation(data["parties"])),
        objects=tuple(sorted(data["objects"], key=len, reverse=True)), requests=tuple(data["requests"]),
        possessive=tuple(data["possessive"]), agents=tuple(data["agents"]),
        openers=re.compile(f"{NUMBERING}(?:{_alternation(data['openers'])})*"),
        modal=re.compile(_alternation(modality_of)), modality_of=modality_of,
        immediate=re.compile(f"(?:{_alternation(data['immediate'])})(?!的)"),
        negation=re.compile(f"(?:{_alternation(data['negations'])})(?:{_alternation(data['negation_fillers'])})?$"),
        window=int(data["window"]), compounds=dict(data["compounds"]))


# what may stand between an actor and its modal word or verb: adverbs, not a clause, and the
# actor's own site or platform ("乙方网站有权…": the vendor acts through it)
ADJACENT = re.compile(r"(?:网站|平台)?(?:均|亦|也|则|即|仍|还|都|同样|依法|依约|另行|自行|随时|立即|直接|单方面?|概|一概|皆|将"
                      r"|[,，]?同时)*")
CLAUSE_BREAK = re.compile(r"[,，:：]")
# where what a side is asked to do ends: its comma-clause, an aside, or another verb phrase of the
# asker's ("要求甲方改正或直接采取…措施": the measures are the asker's)
ASKED_UNTIL = re.compile(r"[,，:：(（]|或|并|且|以及|而")
DEMONSTRATIVES = "其该此所这上前"
QUANTIFIERS = ("任何", "其他", "其它", "所有", "相关", "各", "该", "此")
QUANTIFIER = re.compile(f"(?:{'|'.join(QUANTIFIERS)})$")
PASSIVE = re.compile(r"被(?:[^甲乙]{0,2})$")
NOMINAL = ("时", "后", "之后", "以后", "之前", "前", "之日", "期间", "之时", "当日", "情况", "情形", "事宜",
           "产生的", "引起的", "导致的", "造成的", "所产生", "所引起", "所导致", "所造成")  # what arises from it
# a heading that names a side, and what of it the items under it list (no longer than this)
SIDE_HEADING_LENGTH = 16
SIDE_HEADING = re.compile(r"[\s\d.．、)）(（一二三四五六七八九十]*(?P<side>甲方|乙方)(?:的)?"
                          r"(?P<what>权利和义务|权利义务|权利|义务|责任|职责)?[:：]?")
LIST_AHEAD = re.compile(r"以下|下列|下述|如下")
# the contract itself as the subject of the verb right after it ("本协议自动终止"), not what someone
# asks or agrees to ("要求合同终止", "同意本协议终止")
ENDS_ITSELF = re.compile(r"(?<![求请出意本该此])(?:本|该|此)?(?:合同|协议|合约)"
                         r"(?:即行|即|自动|自行|自然|立即|随即|同时|亦|也|则|将|应|即告)?$")
# a lead-in that lists measures ("乙方有权采取以下措施："), not grounds ("发生下列情形的：")
MEASURES = re.compile(r"(?:措施|方式|处理|处罚|行动|操作)[^，,]{0,6}$|采取|包括")
NUMBERING = r"[\s\d.．、)）(（一二三四五六七八九十第条款a-zA-Z]*"
# the circumstances of an act ("在无需提前通知甲方的情况下，对…进行更新"): its modal words are its own
CIRCUMSTANCE = re.compile(r"在[^，,。；:：]{1,24}?(?:的)?(?:情况|情形|前提)下")
BY_NEED = re.compile(r"根据[^，,。；]{0,40}?需要")  # "根据业务发展需要": a reason, not a modal 需
# modal characters inside other words: 相应, 应付金额, 许可, 可用, 不可抗力, 有权机关. Every alternative
# opens with a plain character (no class), so a search skips ahead to where one may start.
NOT_MODAL = re.compile("|".join([*(c + "应" for c in "相对响供回答适反效理照呼"), r"应(?:用|急|收|付(?:金额|款项|未付|费用|账款))",
                                 *(c + "可" for c in "许认"), r"可(?:用|靠|行|见|抗|信|控|视(?!情|具体|实际)|能性|得)", "不可抗力",
                                 r"有权(?:机关|部门|机构)", "需求", "须知",
                                 *(w + "会" for w in ("入", "协", "社", "机", "学", "工", "商", "聚", "展", "大", "年", "晚",
                                                      "委员", "理事", "董事", "股东", "博览")),
                                 r"会(?:议|计|所|展|务|场|签|谈|同)"]))
BRACKETED = re.compile(r"[(（【\[][^()（）【】\[\]]*[)）】\]]")


class _Party(NamedTuple):
    start: int
    end: int
    side: str
    adjacent_only: bool  # a party inside a clause, after a verb: a subject only right before its verb
    asked: bool = False  # after 要求…: the actor, bound, of what follows it in its comma-clause


def read_sentence(s: str, lex: Lexicon | None = None) -> tuple[Act, ...]:
    """The acts of one view sentence."""
    lex = lex or lexicon()
    found = list(lex.actions.finditer(s))
    if not found:
        return ()
    brackets, breaks = _marks(s)
    parties = _subjects(s, lex, found[-1].start(), brackets, breaks)
    hidden = None  # what holds no modal word (see _hidden), once a modal word is met
    acts: list[Act] = []
    window, modal_words, immediate_words = lex.window, lex.modal, lex.immediate
    for m in found:
        start, end = m.span()
        if s.startswith(NOMINAL, end):
            continue  # "协议终止后", "调整情况": when it happens, not an act
        actor, at = _actor(s, parties, start, lex)
        if ENDS_ITSELF.search(s, max(0, start - 8), start):
            actor = None  # "本合同终止": the contract ends, nobody ends it
        near = start - 3 if start > 3 else 0
        if s.find("被", near, start) >= 0 and PASSIVE.search(s, near, start):
            actor = None  # "其账号可能被注销": done to the subject, by someone unnamed
        low = max(at, start - 2 * window) if at >= 0 else max(0, start - window)
        candidates = list(modal_words.finditer(s, low, start))
        if candidates and hidden is None:
            hidden = _hidden(s, brackets, found)
        modal = _modal(s, candidates, start, hidden, lex) if candidates else None
        clause_start = breaks[bisect.bisect_right(breaks, start) - 1] if breaks and breaks[0] <= start else 0
        negated = _negated(s, modal.start() if modal else None, start, lex, min(low, clause_start))
        immediate = immediate_words.search(s, low, start) is not None
        modality = lex.modality_of[modal.group(0)] if modal else None
        if modality is None and at >= 0 and any(p.asked and p.end == at for p in parties):
            modality = "must"  # what a side is asked to do: "要求乙方保守秘密"
        if modality is None and acts and acts[-1].actor == actor:  # "乙方有权暂停…、注销…，并收回…"
            modality, immediate = acts[-1].modality, immediate or acts[-1].immediate
        acts.append(Act(lex.action_of[m.group(0)], actor, modality, negated, start, end, immediate))
    return tuple(acts)


def _marks(s: str) -> tuple[list[tuple[int, int]], list[int]]:
    """The spans of the closed brackets of ``s`` and where its comma-clauses start."""
    return [m.span() for m in BRACKETED.finditer(s)], [b.end() for b in CLAUSE_BREAK.finditer(s)]


def _hidden(s: str, brackets: list[tuple[int, int]], found: list[re.Match]) -> list[tuple[int, int]]:
    """The spans of ``s`` that hold no modal word: asides, reasons, circumstances, modal characters
    inside other words, and the action words ``found`` themselves ("禁止使用" is a measure, not a
    prohibition)."""
    return brackets + [m.span() for pat in (BY_NEED, CIRCUMSTANCE, NOT_MODAL) for m in pat.finditer(s)] \
        + [m.span() for m in found]


def _modal(s: str, candidates: list[re.Match], verb: int, hidden: list[tuple[int, int]] | None,
           lex: Lexicon) -> re.Match | None:
    """The last of the modal words ``candidates`` before the verb that is not 将 as 把 and lies
    outside the ``hidden`` spans closed before the verb."""
    for mm in reversed(candidates):
        if mm.group(0) == "将" and (lex.parties.match(s, mm.end()) or s[mm.end():mm.end() + 1] in DEMONSTRATIVES):
            continue  # 将 as 把: "将甲方的账户冻结"
        start, end = mm.span()
        for a, b in hidden:
            if a <= start and end <= b <= verb:
                break
        else:
            return mm
    return None


def _subjects(s: str, lex: Lexicon, until: int, brackets: list[tuple[int, int]], breaks: list[int]) -> list[_Party]:
    """The party words of ``s`` that can be a subject and start before ``until``, but those
    inside ``brackets``; ``breaks``: where its comma-clauses start (see ``_marks``)."""
    words = _party_words(s, lex, until, breaks)
    return [p for p in words if not any(a < p.start and p.end < b for a, b in brackets)] if brackets else words


# Latin letters or digits right before a party word qualify it ("VIP会员")
LATIN_MODIFIER = re.compile(r"[A-Za-z0-9]*$")
# a party that only consents to what follows ("甲方同意，…即可终止", "甲方同意乙方基于其判断，有权…"):
# the subject of its consent, not of the acts after it, when a comma or another party comes next
CONSENTS = re.compile(r"(?:已|亦|也|均)?(?:充分)?(?:理解|同意|知悉|确认|认可|接受|明白|了解)"
                      r"(?:(?:并|且|和|及)(?:理解|同意|知悉|确认|认可|接受|明白|了解))*(?=[,，:：]|乙方|甲方)")


def _party_words(s: str, lex: Lexicon, until: int, breaks: list[int]) -> list[_Party]:
    """The party words of a sentence, up to ``until``, that can be a subject: not an object, not
    a possessor. One that opens a comma-clause (after 如, 一旦, …) or follows 由/被 is a subject
    of what follows; one inside a clause only of a verb right after it."""
    out = []
    agents, objects, possessive, party_of = lex.agents, lex.objects, lex.possessive, lex.party_of
    for m in lex.parties.finditer(s):
        start, end = m.span()
        if start >= until:
            break
        low = start - 6 if start > 6 else 0  # what is looked at before the word: s[low:start]
        if s.endswith(QUANTIFIERS, low, start):  # a view holds no line break: only a word at the end is taken off
            bare = QUANTIFIER.search(s, low, start).start()
        else:
            bare = start
        agent = s.endswith(agents, low, bare)
        if not agent and s[end:end + 1] not in possessive and s.endswith(lex.requests, low, bare):
            out.append(_Party(start, end, party_of[m.group()], True, asked=True))
            continue
        if not agent and (s[end:end + 1] in possessive or s.endswith(objects, low, bare)):
            continue
        if CONSENTS.match(s, end):
            continue
        out.append(_Party(start, end, party_of[m.group()], not (agent or _opens(s, lex, start, breaks))))
    return out


def _opens(s: str, lex: Lexicon, start: int, breaks: list[int]) -> bool:
    """Does the party word at ``start`` open its comma-clause (numbering and openers before it)?"""
    k = start
    if start and s[start - 1].isascii() and s[start - 1].isalnum():  # a Latin qualifier: "如VIP会员"
        k -= len(LATIN_MODIFIER.search(s, max(0, start - 12), start).group(0))
    at = bisect.bisect_right(breaks, k) - 1
    clause = breaks[at] if at >= 0 else 0
    return clause == k or lex.openers.fullmatch(s, clause, k) is not None  # nothing before it opens it


def _actor(s: str, parties: list[_Party], anchor: int, lex: Lexicon) -> tuple[str | None, int]:
    """The nearest party before ``anchor`` that stands right before it (adverbs between), before a
    modal word ("甲方同意乙方有权将…冻结"), at the opening of a clause ("乙方一旦发现…，有权…") or
    is asked to do what follows in its comma-clause ("要求乙方在三日内退还"); else the sentence's
    first. Also where it ends (-1 when there is none)."""
    before = [p for p in parties if p.end <= anchor]
    for p in reversed(before):  # the nearest that is adjacent, governs a modal word, or opens a clause
        if p.asked:
            if ASKED_UNTIL.search(s, p.end, anchor) is None:
                return p.side, p.end
            continue
        if not p.adjacent_only:
            return p.side, p.end
        gap = ADJACENT.match(s, p.end).end()
        if gap == anchor or (gap < anchor and lex.modal.match(s, gap)):
            return p.side, p.end
    if before:  # no clause opens with a party: the sentence's first one is its topic
        return before[0].side, before[0].end
    return None, -1


NEGATED_OBLIQUE = re.compile(r"不(?:会|得|再)?(?:对|就|为|向|因|与)")


def _negated(s: str, modal_start: int | None, verb_start: int, lex: Lexicon, since: int = 0) -> bool:
    """A negation right before the verb or its modal word, or before the oblique that the verb
    ends ("不对任何损失负责")."""
    for at in (verb_start, modal_start):
        if at is not None and lex.negation.search(s, max(0, at - 4), at):
            return True
    return NEGATED_OBLIQUE.search(s, max(0, since), verb_start) is not None


def read(text: str, parties: Parties | None = None) -> Reading:
    """The reading of one clause text."""
    return _read(text, _roles_of(parties))


def _read(text: str, roles: _Roles | None, folded: str | None = None) -> Reading:
    v = _view(text, roles, folded)
    lex = lexicon()
    sentences = tuple([Sentence(m.start(), m.end(), t, read_sentence(t, lex))
                       for m in SENTENCES.finditer(v.text) for t in (m.group(0),)])
    return Reading(v, sentences)


def read_all(clauses: tuple[Clause, ...], parties: Parties) -> tuple[Clause, ...]:
    """Every clause with its reading (the pipeline's stage). The items of a list introduced by
    "乙方有权采取以下措施：" are read as the vendor's acts with that right."""
    out: list[Clause] = []
    by_id: dict[str, Clause] = {}
    items: dict[str, Callable[[Reading], Reading] | None] = {}  # clause id → how its list's items read
    roles = _roles_of(parties)
    # folded together: the aligner and the checks fold the same clauses so, and find the fold kept
    for c, folded in zip(clauses, fold_each([c.text for c in clauses])):
        r = _read(c.text, roles, folded)
        parent = by_id.get(c.parent) if c.parent else None
        if parent is not None:
            if parent.id not in items:
                items[parent.id] = _as_item(parent.reading)
            if items[parent.id] is not None:
                r = items[parent.id](r)
        c = evolve(c, reading=r)
        by_id[c.id] = c
        items.pop(c.id, None)
        out.append(c)
    return tuple(out)


def _as_item(parent: Reading) -> Callable[[Reading], Reading] | None:
    """How an item of the list that ``parent`` introduces is read, when not as it stands."""
    lead = lead_in(parent) or side_heading(parent)
    if lead is not None:
        return functools.partial(_inherit, lead=lead)
    return _excluded if disclaims(parent) else None


def side_heading(r: Reading) -> tuple[str, str | None] | None:
    """The (actor, modality) of the items under a heading that names a side ("9.2 乙方", "三、甲方的
    义务"): that side's duties (its rights under "…的权利"; either under "权利和义务")."""
    text = r.view.text
    m = SIDE_HEADING.fullmatch(text) if len(text) <= SIDE_HEADING_LENGTH else None
    if m is None:
        return None
    what = m.group("what")
    return ("vendor" if m.group("side") == "乙方" else "customer",
            "right" if what == "权利" else None if what in ("权利和义务", "权利义务") else "must")


def lead_in(r: Reading) -> tuple[str, str] | None:
    """The (actor, modality) with which a clause ending in a colon introduces its list."""
    if not r.sentences or not r.view.text.rstrip().endswith((":", "：")):
        return None
    s = r.sentences[-1].text.rstrip(":： ")
    if not MEASURES.search(s):
        return None  # a list of grounds ("发生下列情形之一的"), not of what the vendor may do
    lex = lexicon()
    modal = None
    for m in lex.modal.finditer(s):
        modal = m
    if modal is None:
        return None
    actor, _ = _actor(s, _subjects(s, lex, modal.start(), *_marks(s)), modal.start(), lex)
    modality = lex.modality_of[modal.group(0)]
    return (actor, modality) if actor and modality in ("right", "will") else None


def disclaims(r: Reading) -> bool:
    """A clause ending in a colon whose last sentence has the vendor disclaim liability
    ("下列情况，乙方不承担责任："): the items of its list are what the vendor is not liable for."""
    if not r.sentences or not r.view.text.rstrip().endswith((":", "：")) or not LIST_AHEAD.search(r.view.text):
        return False
    acts = r.sentences[-1].acts
    last = max((k for k, a in enumerate(acts) if a.actor in ("vendor", None) and _disclaims(a)), default=None)
    # "乙方不承担…，甲方需要确保…符合下列要求：" lists the customer's duties, not what the vendor disclaims
    return last is not None and all(a.actor != "customer" for a in acts[last + 1:])


def _disclaims(a: Act) -> bool:
    return a.action == "disclaim" or (a.action in ("bear", "indemnify") and (a.negated or a.modality == "exempt"))


def _excluded(r: Reading) -> Reading:
    """An item of a list of what the vendor is not liable for: read as the vendor's disclaimer."""
    sentences = tuple(replace(s, acts=s.acts + (Act("disclaim", "vendor", None, False, 0, len(s.text)),))
                      for s in r.sentences[:1]) + r.sentences[1:]
    return Reading(r.view, sentences)


def _inherit(r: Reading, lead: tuple[str, str]) -> Reading:
    """Acts nobody does, with no modal word, done by the lead-in's actor with its modality."""
    actor, modality = lead
    sentences = tuple(replace(s, acts=tuple(replace(a, actor=actor, modality=modality)
                                            if a.actor is None and a.modality is None else a for a in s.acts))
                      for s in r.sentences)
    return Reading(r.view, sentences)
