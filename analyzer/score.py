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
from dataclasses import dataclass, replace

from .distinct import group
from .literals import Prefilter
from .measures import DETAIL_READERS, MEASURES, Context
from .model import Clause, Finding, Parties, Protection
from .reading import Reading, Sentence, View, read
from .rules import SEVERITIES, SEVERITY_CN, Rule, RuleBook, rulebook
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
    text = sentence.text
    m = next((m for p in rule.patterns for m in [p.search(text)] if m), None)
    if m is None and not any(c.act(sentence) for c in rule.when):
        return None
    if any(u.search(text) for u in rule.unless):
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
    body = [c for c in clauses if c.style != "signature"]
    readings = [reading_of(c, parties) for c in body]
    for clause, r, candidates in zip(body, readings, candidates_of(book.rules, readings)):
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
    findings = [replace(f, explanation=_explain(book, book.rule(f.rule), by_id[f.clause_id], f))
                for f in findings]
    return tuple(findings), tuple(protections)


def _hits(candidates: list[Rule], r: Reading, ctx: Context):
    """(rule, its hits in the clause's sentences) for the first rule of each code that fires."""
    done: set[str] = set()
    for rule in candidates:
        if rule.code in done:
            continue
        if not (rule.when or any(p.search(r.view.text) for p in rule.patterns)):
            continue  # a pattern that finds nothing in the clause finds nothing in its sentences
        hits = [(s.start, s.end, h) for s in r.sentences for h in [match(rule, s, ctx)] if h]
        if hits:
            done.add(rule.code)
            yield rule, hits


def candidates_of(rules: tuple[Rule, ...], readings: list[Reading]) -> list[list[Rule]]:
    """For each reading, the rules that may fire on it (a superset; in book order): those with a
    pattern whose literal words it holds (see ``literals``), or with a condition on an action
    it holds."""
    by_words = _prefilter(rules).candidates([r.view.text for r in readings])
    out = []
    for r, found in zip(readings, by_words):
        actions = r.actions
        keep = set(found) | {k for k, rule in enumerate(rules) if rule.when and rule.actions & actions}
        out.append([rules[k] for k in sorted(keep)])
    return out


_PREFILTERS: dict[int, tuple] = {}


def _prefilter(rules: tuple[Rule, ...]) -> Prefilter:
    """The prefilter of a rule book's trigger patterns, telling rules (built once per book)."""
    kept = _PREFILTERS.get(id(rules))
    if kept is None or kept[0] is not rules:
        kept = (rules, Prefilter([p for rule in rules for p in rule.patterns],
                                 [k for k, rule in enumerate(rules) for _ in rule.patterns]))
        if len(_PREFILTERS) > 8:
            _PREFILTERS.clear()
        _PREFILTERS[id(rules)] = kept
    return kept[1]


def _mutual_penalties(findings, readings: list[Reading], book) -> list[Finding]:
    """A penalty on the customer is mutual when the vendor owes at least as much elsewhere."""
    vendor_pcts = [p.pct for r in readings for p in penalties(r.view.text)
                   if p.payer == "vendor" and p.pct is not None]
    out = []
    for f in findings:
        if f.flag == "excessive_penalty" and not f.mutual and f.value is not None \
                and any(v >= f.value for v in vendor_pcts):
            f = replace(f, mutual=True)
        if f.mutual:
            f = replace(f, severity=_bump(f.severity, -1))
        out.append(f)
    return out


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
