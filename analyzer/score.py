"""Rules → findings and protections, severities, clause one-sidedness and the risk score.

Rules are data (resources/rules.yaml). Matching is pure: ``match(rule, sentence, context)``
looks at one sentence of a clause's role-normalised view. ``score`` runs every rule over every
clause of a contract and builds the findings; a clause yields at most one finding per flag.

Risk score (0–100), with the numbers in resources/defaults.yaml:
    points = Σ severity_weight(finding) × (mutual_factor if the finding binds both sides)
             − protection_offset × number of protections          (never below 0)
    risk_score = 100 × (1 − exp(−points / risk_scale))
Clause one-sidedness (−1 favours the customer … +1 favours the vendor):
    tanh((Σ severity weights of its findings − protection_offset × its protections) / 10)
"""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, replace

from .errors import ResourceError
from .model import Clause, Finding, Parties, Protection
from .parties import View, view
from .terms import SENTENCES, penalties

SEVERITIES = ("low", "medium", "high")
SEVERITY_CN = {"high": "高", "medium": "中", "low": "低"}
SPEC_FLAGS = ("non_refundable", "excessive_penalty", "liability_cap", "liability_exclusion",
              "unilateral_suspension", "unilateral_termination", "auto_renewal", "unilateral_amendment",
              "vendor_forum", "minimum_commitment", "customer_indemnity", "exclusivity")
SPEC_PROTECTIONS = ("refund_on_vendor_fault", "customer_termination_right", "vendor_penalty",
                    "data_protection", "advance_notice", "service_commitment")
_N = r"(?P<n>\d+|[零一二两三四五六七八九十百]+)"
NOTICE_PERIOD = re.compile(rf"(?:提前|事先|预先|[到届]期前|之前|前)\s*{_N}\s*个?(?P<unit>工作日|自然日|日|天|小时|个月|月)"
                           r"[^。；]{0,8}(?:通知|告知|公告)")
CURE_PERIOD = re.compile(rf"{_N}\s*个?(?P<unit>工作日|自然日|日|天|小时)(?:内|之内)[^。；]{{0,6}}"
                         r"(?:纠正|改正|补正|整改|补足|续费|付款|支付|交清)")
GRACE_PERIOD = re.compile(rf"(?:超过|逾期|满|停断|欠费)\s*{_N}\s*个?(?P<unit>工作日|自然日|日|天|个月)")
CAP_BASIS = re.compile(r"(?:不超过|不得超过|最高不超过|上限为?|(?:最高|赔偿)限额为?|最高额为?|以)(?P<basis>[^。；，,]{2,24}?)(?:为限|。|；|，|,|$)")
DETAILS = {
    "liability_cap": ("cap_basis",),
    "unilateral_suspension": ("notice", "grace"),
    "unilateral_termination": ("notice", "grace", "cure"),
    "advance_notice": ("notice",),
    "customer_termination_right": ("cure", "grace"),
}
MEASURES = ("penalty", "vendor_penalty", "vendor_seat")


@dataclass(frozen=True)
class Example:
    text: str
    vendor: str | None = None
    customer: str | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str  # "finding" or "protection"
    code: str  # the flag or the protection code
    categories: tuple[str, ...]
    severity: str
    legal: str | None
    why: str
    patterns: tuple[re.Pattern, ...]
    unless: tuple[re.Pattern, ...]
    mutual: tuple[re.Pattern, ...]
    escalate: tuple[re.Pattern, ...]
    measure: str | None
    positive: tuple[Example, ...]
    negative: tuple[Example, ...]


@dataclass(frozen=True)
class Context:
    """What a rule may know beyond the sentence: the parties' names."""

    vendor: str | None = None
    customer: str | None = None
    penalty_screen_pct: float = 30.0


@dataclass(frozen=True)
class Hit:
    start: int  # view offsets of the sentence
    end: int
    mutual: bool
    escalated: bool
    value: float | None


@dataclass(frozen=True)
class RuleBook:
    rules: tuple[Rule, ...]
    labels: dict
    legal: dict
    defaults: dict

    def label(self, code: str) -> str:
        return self.labels.get(code, code)


def _resource(name: str) -> dict:
    from .taxonomy import resource_yaml
    return resource_yaml(name)


def _compile(patterns, where: str) -> tuple[re.Pattern, ...]:
    out = []
    for p in patterns or ():
        try:
            out.append(re.compile(p))
        except re.error as e:
            raise ResourceError(f"{where}: bad pattern {p!r}: {e}")
    return tuple(out)


_PATTERN_TOKEN = re.compile(r"\\.|\[(?:\\.|[^\]\\])*\]|\(\?<?[=!]|[\^$]")


def _context_dependent(pattern: str) -> bool:
    """Does the pattern use an anchor (^ $ \\A \\Z \\b \\B) or a lookaround? Such a pattern could
    match a sentence alone and not the clause that holds it, and ``score`` looks for a rule's
    patterns in the whole clause before it tries the clause's sentences."""
    for m in _PATTERN_TOKEN.finditer(pattern):
        token = m.group(0)
        if token.startswith("["):
            continue  # a character class: ^ in it is negation
        if not token.startswith("\\") or token in ("\\A", "\\Z", "\\b", "\\B"):
            return True
    return False


def _examples(items, where: str) -> tuple[Example, ...]:
    out = []
    for item in items or ():
        if isinstance(item, str):
            out.append(Example(item))
        elif isinstance(item, dict) and "text" in item and set(item) <= {"text", "vendor", "customer"}:
            out.append(Example(**item))
        else:
            raise ResourceError(f"{where}: an example is a string or a mapping of text, vendor, customer")
    return tuple(out)


RULE_KEYS = {"id", "flag", "code", "categories", "severity", "legal", "why", "patterns", "unless",
             "mutual", "escalate", "measure", "examples"}


def parse_rules(data: dict, legal: dict, taxonomy_ids: tuple[str, ...]) -> tuple[Rule, ...]:
    """Validate and compile rule records; errors name the rule and the valid choices."""
    rules = []
    for kind, section, valid in (("finding", "rules", SPEC_FLAGS), ("protection", "protections", SPEC_PROTECTIONS)):
        for entry in data.get(section) or ():
            rid = entry.get("id", "?")
            where = f"rules.yaml {section}/{rid}"
            extra = set(entry) - RULE_KEYS
            if extra:
                raise ResourceError(f"{where}: unknown keys {sorted(extra)}; valid: {sorted(RULE_KEYS)}")
            code = entry.get("flag" if kind == "finding" else "code")
            if code not in valid:
                raise ResourceError(f"{where}: {code!r} is not one of {', '.join(valid)}")
            severity = entry.get("severity", "medium")
            if severity not in SEVERITIES:
                raise ResourceError(f"{where}: severity {severity!r} is not one of {', '.join(SEVERITIES)}")
            cats = tuple(entry.get("categories") or ())
            bad = [c for c in cats if c not in taxonomy_ids]
            if bad or not cats:
                raise ResourceError(f"{where}: categories {bad or '[]'} not in the taxonomy")
            if entry.get("legal") is not None and entry["legal"] not in legal:
                raise ResourceError(f"{where}: legal {entry['legal']!r} is not one of {', '.join(legal)}")
            if entry.get("measure") is not None and entry["measure"] not in MEASURES:
                raise ResourceError(f"{where}: measure {entry['measure']!r} is not one of {', '.join(MEASURES)}")
            examples = entry.get("examples") or {}
            pos = _examples(examples.get("positive"), where)
            neg = _examples(examples.get("negative"), where)
            if not pos or not neg:
                raise ResourceError(f"{where}: needs positive and negative examples")
            patterns = _compile(entry.get("patterns"), where)
            if not patterns:
                raise ResourceError(f"{where}: needs at least one pattern")
            for p in patterns:
                if _context_dependent(p.pattern):
                    raise ResourceError(f"{where}: pattern {p.pattern!r} uses an anchor or a lookaround; "
                                        "trigger patterns must match a text whatever surrounds it")
            rules.append(Rule(rid, kind, code, cats, severity, entry.get("legal"), entry.get("why", ""),
                              patterns, _compile(entry.get("unless"), where), _compile(entry.get("mutual"), where),
                              _compile(entry.get("escalate"), where), entry.get("measure"), pos, neg))
    ids = [r.id for r in rules]
    if len(set(ids)) != len(ids):
        raise ResourceError("rules.yaml: duplicate rule ids")
    return tuple(rules)


@functools.lru_cache(maxsize=1)
def rulebook() -> RuleBook:
    from .taxonomy import load_taxonomy
    data, legal, defaults = _resource("rules.yaml"), _resource("legal.yaml"), _resource("defaults.yaml")
    rules = parse_rules(data, legal, load_taxonomy().ids)
    return RuleBook(rules, dict(data.get("labels") or {}), legal, defaults)


# -- matching (pure) -------------------------------------------------------------------------

def sentences(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in SENTENCES.finditer(text)]


def match(rule: Rule, sentence: str, context: Context) -> Hit | None:
    """Does ``rule`` fire on one view sentence? Returns the hit or None."""
    m = next((m for p in rule.patterns for m in [p.search(sentence)] if m), None)
    if m is None or any(u.search(sentence) for u in rule.unless):
        return None
    value = None
    mutual = any(p.search(sentence) for p in rule.mutual)
    if rule.measure == "penalty":
        pens = [p for p in penalties(sentence) if p.payer in ("customer", "either")
                and ((p.pct is not None and p.pct >= context.penalty_screen_pct) or p.fixed is not None)]
        if not pens:
            return None
        value = max((p.pct for p in pens if p.pct is not None), default=None)
        mutual = all(p.payer == "either" for p in pens)
    elif rule.measure == "vendor_penalty":
        if not any(p.payer in ("vendor", "either") for p in penalties(sentence)):
            return None
    elif rule.measure == "vendor_seat":
        if not _seat_favours_vendor(m.group("seat"), context):
            return None
    escalated = any(p.search(sentence) for p in rule.escalate)
    return Hit(0, len(sentence), mutual, escalated, value)


def _seat_favours_vendor(seat: str, context: Context) -> bool:
    """The arbitration seat's city appears in the vendor's name or address, not the customer's."""
    vendor, customer = context.vendor or "", context.customer or ""
    for n in (4, 3, 2):
        place = seat[-n:]
        if len(place) == n and place in vendor:
            return place not in customer
    return False


def match_text(rule: Rule, text: str, context: Context, parties: Parties | None = None) -> Hit | None:
    """Run one rule over a free text (all its sentences); used by the examples test."""
    v = view(text, parties)
    for a, b in sentences(v.text):
        hit = match(rule, v.text[a:b], context)
        if hit:
            return replace(hit, start=a, end=b)
    return None


# -- annotating ------------------------------------------------------------------------------

def _days(m: re.Match) -> float:
    from .numerals import to_number
    n, unit = to_number(m.group("n")), m.group("unit")
    return {"小时": n / 24, "个月": n * 30, "月": n * 30}.get(unit, n)


def details(code: str, sentence: str) -> dict:
    """Numbers a reader wants beside a finding: the cap's basis, notice, grace and cure periods (days)."""
    out: dict = {}
    for what in DETAILS.get(code, ()):
        if what == "cap_basis":
            m = CAP_BASIS.search(sentence)
            if m:
                out["cap_basis"] = m.group("basis")
            continue
        pattern = {"notice": NOTICE_PERIOD, "cure": CURE_PERIOD, "grace": GRACE_PERIOD}[what]
        m = pattern.search(sentence)
        if m:
            try:
                out[f"{what}_days"] = round(_days(m), 2)
            except ValueError:
                pass
    return out


def _bump(severity: str, step: int) -> str:
    i = max(0, min(len(SEVERITIES) - 1, SEVERITIES.index(severity) + step))
    return SEVERITIES[i]


def _quote(clause: Clause, v: View, a: int, b: int) -> tuple[str, int, int]:
    s, e = v.span(a, b)
    return clause.text[s:e].strip(), s, e


def _explain(book: RuleBook, rule: Rule, clause: Clause, quote: str, severity: str, mutual: bool,
             value: float | None) -> str:
    parts = [f"【{book.label(rule.code)}·{SEVERITY_CN[severity]}】条款 {clause.label or clause.id}：「{quote}」。",
             f"{rule.why}。"]
    if value is not None:
        parts.append(f"违约金约为合同金额的 {value:g}%，达到 {book.defaults['penalty_screen_pct']}% 的筛查线。")
    if mutual:
        parts.append("该约定对双方同样适用，风险相对较低，但仍值得关注。")
    if rule.legal:
        ref = book.legal[rule.legal]
        parts.append(f"依据：{ref['cite']}。{ref['text'].strip()}")
    return "".join(parts)


def score(clauses: tuple[Clause, ...], parties: Parties, *, to_source=None,
          book: RuleBook | None = None) -> tuple[tuple[Finding, ...], tuple[Protection, ...]]:
    """Findings and protections of one contract.

    ``to_source(clause, start, end)`` maps a span of a clause's text to source offsets; without
    it the clause's own span is used.
    """
    book = book or rulebook()
    ctx = Context(parties.vendor, parties.customer, float(book.defaults["penalty_screen_pct"]))
    findings: list[Finding] = []
    protections: list[Protection] = []
    body = [c for c in clauses if c.style != "signature"]
    views = [view(c.text, parties) for c in body]
    for clause, v, candidates in zip(body, views, _candidates(book.rules, [v.text for v in views])):
        if not candidates:
            continue
        sents = [(a, b, v.text[a:b]) for a, b in sentences(v.text)]
        done: set[str] = set()
        for rule in candidates:
            if rule.code in done or not any(p.search(v.text) for p in rule.patterns):
                continue  # a pattern that finds nothing in the clause finds nothing in its sentences
            hits = [(a, b, h) for a, b, s in sents for h in [match(rule, s, ctx)] if h]
            if not hits:
                continue
            done.add(rule.code)
            a, b, hit = hits[0]
            quote, qs, qe = _quote(clause, v, a, b)
            start, end = to_source(clause, qs, qe) if to_source else (clause.start, clause.end)
            facts = details(rule.code, " ".join(v.text[x:y] for x, y, _ in hits))
            if rule.kind == "protection":
                protections.append(Protection(rule.code, clause.id, clause.text, quote, start, end, rule.id,
                                              f"{book.label(rule.code)}：「{quote}」。{rule.why}。", facts))
                continue
            escalated = any(h.escalated for _, _, h in hits)
            mutual = all(h.mutual for _, _, h in hits)
            value = max((h.value for _, _, h in hits if h.value is not None), default=None)
            findings.append(Finding(
                flag=rule.code, severity=_bump(rule.severity, int(escalated)), mutual=mutual, clause_id=clause.id,
                text=clause.text, quote=quote, start=start, end=end, rule=rule.id, category=clause.category,
                explanation="", legal_basis=book.legal[rule.legal]["cite"] if rule.legal else "",
                value=value, details=facts))
    findings = _mutual_penalties(findings, clauses, parties, book)
    findings = [replace(f, explanation=_explain(book, _rule(book, f.rule), _clause(clauses, f.clause_id),
                                                f.quote, f.severity, f.mutual, f.value))
                for f in findings]
    return tuple(findings), tuple(protections)


def _candidates(rules: tuple[Rule, ...], texts: list[str]) -> list[list[Rule]]:
    """For each text, the rules with a pattern that may match in it (a superset; in book order),
    from the literal words their patterns require (see ``literals``)."""
    return [[rules[k] for k in found] for found in _prefilter(rules).candidates(texts)]


_PREFILTERS: dict[int, tuple] = {}


def _prefilter(rules: tuple[Rule, ...]):
    """The prefilter of a rule book's trigger patterns, telling rules (built once per book)."""
    kept = _PREFILTERS.get(id(rules))
    if kept is None or kept[0] is not rules:
        from .literals import Prefilter
        kept = (rules, Prefilter([p for rule in rules for p in rule.patterns],
                                 [k for k, rule in enumerate(rules) for _ in rule.patterns]))
        if len(_PREFILTERS) > 8:
            _PREFILTERS.clear()
        _PREFILTERS[id(rules)] = kept
    return kept[1]


def _rule(book: RuleBook, rule_id: str) -> Rule:
    return next(r for r in book.rules if r.id == rule_id)


def _clause(clauses, clause_id: str) -> Clause:
    return next(c for c in clauses if c.id == clause_id)


def _mutual_penalties(findings, clauses, parties, book) -> list[Finding]:
    """A penalty on the customer is mutual when the vendor owes at least as much elsewhere."""
    vendor_pcts = [p.pct for c in clauses if c.style != "signature"
                   for p in penalties(view(c.text, parties).text)
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


def risk_score(findings, protections, *, book: RuleBook | None = None) -> float:
    """0–100; see the module docstring for the formula."""
    d = (book or rulebook()).defaults
    points = sum(d["severity_weights"][f.severity] * (d["mutual_factor"] if f.mutual else 1.0) for f in findings)
    points = max(0.0, points - d["protection_offset"] * len(protections))
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
