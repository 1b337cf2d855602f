"""Rules → findings and protections, severities, clause one-sidedness and the risk score.

The rule book (``rules``) is data. Matching is pure: ``match(rule, sentence, context)`` looks at
one read sentence of a clause (its role-normalised text and its acts, see ``reading``): a rule
fires when one of its patterns matches or one of its `when` conditions holds for an act, no
`unless` pattern matches and its measure agrees. ``score`` runs the rules over every clause of a
contract; a clause yields at most one finding per flag, and may carry several flags.

Risk score (0–100), with the numbers in resources/defaults.yaml:
    points = max(0, Σ severity_weight(issue) × (mutual_factor if the issue binds both sides)
                    − protection_offset × number of kinds of protection found)
             + missing_term_weight × number of expected terms the contract leaves out
    risk_score = 100 × (1 − exp(−points / risk_scale))
An issue is a group of findings that restate one point (see ``distinct``), weighed by its most
severe member; a finding that only restates a legal duty (``regulatory``) is not counted.
Clause one-sidedness (−1 favours the customer … +1 favours the vendor):
    tanh((Σ severity weights of its findings − protection_offset × its protections) / 10)
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .distinct import group
from .literals import Prefilter
from .measures import DETAIL_READERS, MEASURES, Context
from .model import Clause, Finding, Parties, Protection, evolve
from .reading import Reading, Sentence, View, read
from .rules import SEVERITIES, SEVERITY_CN, Rule, RuleBook, rulebook
from .segment import titles
from .terms import penalties


@dataclass(frozen=True)
class Hit:
    start: int  # view offsets of the sentence
    end: int
    mutual: bool
    escalated: bool
    value: float | None


# -- matching (pure) -------------------------------------------------------------------------

def match(rule: Rule, sentence: Sentence, context: Context) -> Hit | None:
    """Does ``rule`` fire on one read sentence? Returns the hit or None."""
    return fire(rule, rule.patterns, sentence, context)


def fire(rule: Rule, patterns, sentence: Sentence, context: Context) -> Hit | None:
    """``match`` with the rule's trigger patterns narrowed to ``patterns`` (in the rule's order):
    those that may match the sentence, the others being known to find nothing in it."""
    text = sentence.text
    for p in patterns:
        m = p.search(text)
        if m:
            return settle(rule, m, sentence, context)
    return settle(rule, None, sentence, context) if acts_on(rule, sentence) else None


def settle(rule: Rule, m: re.Match | None, sentence: Sentence, context: Context) -> Hit | None:
    """The hit of a rule whose trigger fired on a sentence (``m``: its pattern's match, None
    when a condition held), unless an exception or the measure says otherwise."""
    text = sentence.text
    for u in rule.unless:
        if u.search(text):
            return None
    mutual = any(p.search(text) for p in rule.mutual)
    value = None
    if rule.measure:
        measured = MEASURES[rule.measure](text, m, context)
        if measured is None:
            return None
        mutual = mutual if measured.mutual is None else measured.mutual
        value = measured.value
    escalated = any(p.search(text) for p in rule.escalate)
    return Hit(sentence.start, sentence.end, mutual, escalated, value)


def acts_on(rule: Rule, sentence: Sentence) -> bool:
    """Does one of the rule's `when` conditions hold for an act of the sentence?"""
    if sentence.acts:
        for c in rule.when:
            if c.act(sentence):
                return True
    return False


def match_text(rule: Rule, text: str, context: Context, parties: Parties | None = None) -> Hit | None:
    """Run one rule over a free text (all its sentences); used by the examples test."""
    return next((h for s in read(text, parties).sentences for h in [match(rule, s, context)] if h), None)


def details(code: str, sentence: str, *, book: RuleBook | None = None) -> dict:
    """Numbers a reader wants beside a finding, as its flag lists them (notice, cure and grace
    periods in days, the basis of a cap)."""
    flag = (book or rulebook()).flags.get(code)
    out: dict = {}
    for what in flag.details if flag else ():
        out.update(DETAIL_READERS[what](sentence))
    return out


# -- annotating ------------------------------------------------------------------------------

def _bump(severity: str, step: int) -> str:
    i = max(0, min(len(SEVERITIES) - 1, SEVERITIES.index(severity) + step))
    return SEVERITIES[i]


def _quote(clause: Clause, v: View, a: int, b: int) -> tuple[str, int, int]:
    s, e = v.span(a, b)
    return clause.text[s:e].strip(), s, e


def _explain(book: RuleBook, rule: Rule, clause: Clause, f: Finding) -> str:
    parts = [f"【{book.label(rule.code)}·{SEVERITY_CN[f.severity]}】条款 {clause.label or clause.id}：「{f.quote}」。",
             f"{rule.why}。"]
    if f.value is not None:
        parts.append(f"违约金约为合同金额的 {f.value:g}%，达到 {book.defaults['penalty_screen_pct']}% 的筛查线。")
    if f.mutual:
        parts.append("该约定对双方同样适用，风险相对较低，但仍值得关注。")
    if f.regulatory:
        parts.append("该句只是复述法律法规或监管要求，属法定义务，不是可谈判的条款，不计入风险分。")
    ref = next((v for v in book.legal.values() if v["cite"] == f.legal_basis), None) if f.legal_basis else None
    if ref:
        parts.append(f"依据：{ref['cite']}。{ref['text'].strip()}")
    return "".join(parts)


def context(parties: Parties, book: RuleBook) -> Context:
    """What the rules know of a contract beyond its sentences."""
    named = parties.vendor is not None
    online = parties.vendor_role is None and (named or parties.addresses_reader)
    return Context(parties.vendor, parties.customer, float(book.defaults["penalty_screen_pct"]),
                   float(book.defaults["penalty_daily_pct"]),
                   standard_form=online or (named and parties.customer is None), click_through=online)


def reading_of(clause: Clause, parties: Parties) -> Reading:
    """The clause's reading, read now when the clause was not read by the pipeline."""
    return clause.reading if clause.reading is not None else read(clause.text, parties)


def score(clauses: tuple[Clause, ...], parties: Parties, *, to_source=None,
          book: RuleBook | None = None) -> tuple[tuple[Finding, ...], tuple[Protection, ...]]:
    """Findings and protections of one contract.

    ``to_source(clause, start, end)`` maps a span of a clause's text to source offsets; without
    it the clause's own span is used.
    """
    book = book or rulebook()
    ctx = context(parties, book)
    findings: list[Finding] = []
    protections: list[Protection] = []
    above = titles(clauses)  # a title names a subject; what is agreed is in the clauses under it
    body = [c for c in clauses if c.style != "signature" and c.id not in above]
    readings = [reading_of(c, parties) for c in body]
    for clause, r, candidates in zip(body, readings, triggers(book.rules).candidates(readings)):
        for rule, hits in _hits(candidates, r, ctx):
            a, b, _ = hits[0]
            quote, qs, qe = _quote(clause, r.view, a, b)
            start, end = to_source(clause, qs, qe) if to_source else (clause.start, clause.end)
            facts = details(rule.code, " ".join(r.view.text[x:y] for x, y, _ in hits), book=book)
            if rule.kind == "protection":
                protections.append(Protection(rule.code, clause.id, clause.text, quote, start, end, rule.id,
                                              f"{book.label(rule.code)}：「{quote}」。{rule.why}。", facts))
                continue
            said = [r.view.text[x:y] for x, y, _ in hits]
            legal = book.advice(rule.code, r.view.text, rule.legal).legal
            findings.append(Finding(
                flag=rule.code, severity=_bump(rule.severity, int(any(h.escalated for _, _, h in hits))),
                mutual=all(h.mutual for _, _, h in hits), clause_id=clause.id,
                text=clause.text, quote=quote, start=start, end=end, rule=rule.id, category=clause.category,
                explanation="", legal_basis=book.legal[legal]["cite"] if legal else "",
                value=max((h.value for _, _, h in hits if h.value is not None), default=None), details=facts,
                regulatory=all(book.is_statutory(x) for x in said)))
    findings = _mutual_penalties(findings, readings, book)
    by_id = {c.id: c for c in clauses}
    findings = [evolve(f, explanation=_explain(book, book.rule(f.rule), by_id[f.clause_id], f))
                for f in findings]
    return tuple(findings), tuple(protections)


def _hits(candidates, r: Reading, ctx: Context):
    """(rule, its hits in the clause's sentences) for the first rule of each code that fires.
    A trigger pattern that finds nothing in the clause finds nothing in its sentences (trigger
    patterns do not look beyond what they match, see ``rules``), so a sentence is tried with
    only the patterns that match the clause. A clause of one sentence is the sentence: its
    patterns are tried in it directly (searching the clause first would search it twice)."""
    done: set[str] = set()
    text = r.view.text
    single = len(r.sentences) == 1 and r.sentences[0].text == text
    for rule, patterns in candidates:
        if rule.code in done:
            continue
        live = patterns if single or not patterns else [p for p in patterns if p.search(text)]
        if not (live or rule.when):
            continue
        hits = [(s.start, s.end, h) for s in r.sentences for h in [fire(rule, live, s, ctx)] if h]
        if hits:
            done.add(rule.code)
            yield rule, hits


class Triggers:
    """A rule book's trigger patterns and conditions, indexed for many readings at once."""

    def __init__(self, rules: tuple[Rule, ...]):
        self.rules = rules
        self.patterns = [(k, p) for k, rule in enumerate(rules) for p in rule.patterns]
        self.prefilter = Prefilter([p for _, p in self.patterns])
        self.by_action: dict[str, list[int]] = {}  # the rules with a condition on each action
        for k, rule in enumerate(rules):
            for action in rule.actions:
                self.by_action.setdefault(action, []).append(k)

    def candidates(self, readings: list[Reading]) -> list[list[tuple[Rule, list[re.Pattern]]]]:
        """For each reading, the rules that may fire on it (a superset; in book order), each
        with its trigger patterns that may match the reading's view (in the rule's order): a
        pattern may when the view holds its literal words (see ``literals``); a rule may when
        one of its patterns may, or it has a condition on an action the reading holds."""
        rules, patterns, by_action = self.rules, self.patterns, self.by_action
        out = []
        for r, found in zip(readings, self.prefilter.candidates([r.view.text for r in readings])):
            may: dict[int, list[re.Pattern]] = {}
            for i in found:
                k, p = patterns[i]
                if k in may:
                    may[k].append(p)
                else:
                    may[k] = [p]
            for sentence in r.sentences:
                for act in sentence.acts:
                    for k in by_action.get(act.action, ()):
                        if k not in may:
                            may[k] = []
            out.append([(rules[k], may[k]) for k in sorted(may)])
        return out


def candidates_of(rules: tuple[Rule, ...], readings: list[Reading]) -> list[list[Rule]]:
    """For each reading, the rules that may fire on it (a superset; in book order): those with a
    pattern whose literal words it holds (see ``literals``), or with a condition on an action
    it holds."""
    return [[rule for rule, _ in found] for found in triggers(rules).candidates(readings)]


_TRIGGERS: dict[int, Triggers] = {}
TRIGGER_BOOKS = 8  # rule books whose triggers are kept indexed (the packaged one, a few test books)


def triggers(rules: tuple[Rule, ...]) -> Triggers:
    """The indexed triggers of a rule book, built once per book (at most TRIGGER_BOOKS kept)."""
    kept = _TRIGGERS.get(id(rules))
    if kept is None or kept.rules is not rules:
        kept = Triggers(rules)
        if len(_TRIGGERS) >= TRIGGER_BOOKS:
            _TRIGGERS.clear()
        _TRIGGERS[id(rules)] = kept
    return kept


def _mutual_penalties(findings, readings: list[Reading], book) -> list[Finding]:
    """A penalty on the customer is mutual when the vendor owes at least as much elsewhere."""
    vendor_pcts = None  # read when a penalty finding first asks
    out = []
    for f in findings:
        if f.flag == "excessive_penalty" and not f.mutual and f.value is not None:
            vendor_pcts = vendor_pcts if vendor_pcts is not None else _vendor_pcts(readings)
            if any(v >= f.value for v in vendor_pcts):
                f = evolve(f, mutual=True)
        if f.mutual:
            f = evolve(f, severity=_bump(f.severity, -1))
        out.append(f)
    return out


def _vendor_pcts(readings: list[Reading]) -> list[float]:
    """The penalties (% of the amount) the vendor owes anywhere in the contract."""
    return [p.pct for r in readings for p in penalties(r.view.text) if p.payer == "vendor" and p.pct is not None]


def risk_score(findings, protections, missing=(), *, book: RuleBook | None = None) -> float:
    """0–100; see the module docstring for the formula."""
    d = (book or rulebook()).defaults
    points = sum(d["severity_weights"][g.severity] * (d["mutual_factor"] if g.mutual else 1.0)
                 for g in group([f for f in findings if not f.regulatory]))
    points = max(0.0, points - d["protection_offset"] * len({p.code for p in protections}))
    points += d["missing_term_weight"] * len(missing)  # protections make up for no missing term
    return round(100.0 * (1.0 - math.exp(-points / d["risk_scale"])), 1)


def clause_scores(clauses, findings, protections, *, book: RuleBook | None = None) -> dict[str, float]:
    """One-sidedness of each clause, −1 (favours the customer) … +1 (favours the vendor)."""
    d = (book or rulebook()).defaults
    raw = {c.id: 0.0 for c in clauses}
    for f in findings:
        raw[f.clause_id] += d["severity_weights"][f.severity] * (d["mutual_factor"] if f.mutual else 1.0)
    for p in protections:
        raw[p.clause_id] -= d["protection_offset"]
    return {k: round(math.tanh(v / 10.0), 3) for k, v in raw.items()}
