"""The rule book: one-sidedness rules, protections and negotiation asks, as validated data.

resources/rules.yaml declares every flag and protection (label, the details shown beside it)
and the rules that find them: trigger patterns on the role-normalised view of a sentence and/or
conditions on its reading (``when``), exceptions (``unless``), wording that binds both sides
(``mutual``), wording that raises the severity (``escalate``), a named measure, the legal basis,
and the rule's own positive and negative examples. resources/briefs.yaml gives the ask and the
fallback for each flag. Both are checked when loaded; errors name the entry and the valid
choices, so a new flag needs only these two files.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Mapping

from .errors import ResourceError
from .measures import DETAIL_READERS, MEASURES
from .reading import Sentence, lexicon
from .taxonomy import load_taxonomy, resource_yaml

SEVERITIES = ("low", "medium", "high")
SEVERITY_CN = {"high": "高", "medium": "中", "low": "低"}
# the codes the spec requires; rules.yaml may declare more
SPEC_FLAGS = ("non_refundable", "excessive_penalty", "liability_cap", "liability_exclusion",
              "unilateral_suspension", "unilateral_termination", "auto_renewal", "unilateral_amendment",
              "vendor_forum", "minimum_commitment", "customer_indemnity", "exclusivity")
SPEC_PROTECTIONS = ("refund_on_vendor_fault", "customer_termination_right", "vendor_penalty",
                    "data_protection", "advance_notice", "service_commitment")
ACTORS = ("vendor", "customer", "carrier", "both", "third", "none")
KINDS = ("finding", "protection")


@dataclass(frozen=True)
class Flag:
    code: str
    kind: str  # finding or protection
    label: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class Example:
    text: str
    vendor: str | None = None
    customer: str | None = None


@dataclass(frozen=True)
class Condition:
    """An act the rule looks for in a sentence's reading: one of ``actions``, done by one of
    ``actors`` ("none": no party named) with one of ``modalities`` ("none": no modal word),
    negated or not (None: either)."""

    actions: frozenset[str]
    actors: frozenset[str] | None = None
    modalities: frozenset[str] | None = None
    negated: bool | None = None
    near: tuple[re.Pattern, ...] = ()

    def act(self, sentence: Sentence):
        """The first act of the sentence the condition holds for, or None."""
        for a in sentence.acts:
            if a.action in self.actions \
                    and (self.actors is None or (a.actor or "none") in self.actors) \
                    and (self.modalities is None or (a.modality or "none") in self.modalities) \
                    and (self.negated is None or a.negated == self.negated) \
                    and (not self.near or self._near(sentence.text, a)):
                return a
        return None

    def _near(self, text: str, act) -> bool:
        """One of ``near`` matches around the act (what it acts on)."""
        around = text[max(0, act.start - NEAR):act.end + NEAR]
        return any(p.search(around) for p in self.near)


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
    when: tuple[Condition, ...] = ()

    @property
    def actions(self) -> frozenset[str]:
        """The actions a reading must hold for a condition of the rule to hold."""
        return frozenset(a for c in self.when for a in c.actions)


@dataclass(frozen=True)
class Advice:
    """What to ask for one finding, fitted to its clause (see briefs.yaml)."""

    ask: str
    fallback: str
    legal: str | None  # a key of legal.yaml
    hit: tuple[int, int] | None = None  # where the variant's pattern matched (offsets of the text given)


@dataclass(frozen=True)
class RuleBook:
    rules: tuple[Rule, ...]
    flags: Mapping[str, Flag]
    legal: dict
    defaults: dict
    asks: Mapping[str, Mapping]
    statutory: tuple[re.Pattern, ...] = ()  # a sentence that only restates a legal duty

    def advice(self, flag: str, clause_view: str, legal: str | None = None) -> Advice:
        """The ask, fallback and legal basis for ``flag`` in a clause (its role-normalised
        text): the first variant whose pattern matches, else the flag's own; ``legal`` is the
        rule's basis, kept unless the variant names another. An ask may quote the clause's own
        words that the variant's pattern found as ``{hit}``."""
        entry = self.asks.get(flag, {})
        for v in entry.get("variants", ()):
            m = v["when"].search(clause_view)
            if m:
                return Advice(v["ask"], v["fallback"], v.get("legal") or legal, m.span())
        return Advice(entry.get("ask", ""), entry.get("fallback", ""), legal)

    def is_statutory(self, sentence: str) -> bool:
        """Does a (role-normalised) sentence only restate a duty the law imposes?"""
        return any(p.search(sentence) for p in self.statutory)

    def label(self, code: str) -> str:
        flag = self.flags.get(code)
        return flag.label if flag else code

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    @property
    def labels(self) -> dict[str, str]:
        return {code: f.label for code, f in self.flags.items()}


# -- loading and checking --------------------------------------------------------------------

def compile_patterns(patterns, where: str) -> tuple[re.Pattern, ...]:
    """Compile a list of patterns from a resource; a bad one is an error naming ``where``."""
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


def _choices(value, valid, what: str, where: str) -> frozenset[str] | None:
    if value is None:
        return None
    items = [value] if isinstance(value, str) else list(value)
    bad = [v for v in items if v not in valid]
    if bad or not items:
        raise ResourceError(f"{where}: {what} {bad or '[]'} not among {', '.join(valid)}")
    return frozenset(items)


CONDITION_KEYS = {"action", "actor", "modality", "negated", "near"}
NEAR = 20  # characters either side of an act that `near` patterns look at


def parse_conditions(items, where: str) -> tuple[Condition, ...]:
    """``when`` records: each an action (or list) with optional actor, modality, negated and
    ``near`` (patterns one of which must match within NEAR characters of the act)."""
    lex = lexicon()
    actions, modalities = sorted(set(lex.action_of.values())), sorted(set(lex.modality_of.values())) + ["none"]
    out = []
    for item in items or ():
        if not isinstance(item, dict) or "action" not in item or set(item) - CONDITION_KEYS:
            raise ResourceError(f"{where}: a `when` condition is a mapping of {sorted(CONDITION_KEYS)} with an action")
        if item.get("negated") not in (None, True, False):
            raise ResourceError(f"{where}: negated is true or false")
        out.append(Condition(_choices(item["action"], actions, "action", where),
                             _choices(item.get("actor"), ACTORS, "actor", where),
                             _choices(item.get("modality"), modalities, "modality", where),
                             item.get("negated"), compile_patterns(item.get("near"), where)))
    return tuple(out)


def parse_flags(data: dict) -> dict[str, Flag]:
    """The `flags` section: every code with its kind, label and details."""
    flags = {}
    for code, entry in (data.get("flags") or {}).items():
        where = f"rules.yaml flags/{code}"
        if not isinstance(entry, dict) or set(entry) - {"kind", "label", "details"} or "label" not in entry:
            raise ResourceError(f"{where}: a flag is a mapping of kind, label and details")
        if entry.get("kind") not in KINDS:
            raise ResourceError(f"{where}: kind {entry.get('kind')!r} is not one of {', '.join(KINDS)}")
        details = tuple(entry.get("details") or ())
        bad = [d for d in details if d not in DETAIL_READERS]
        if bad:
            raise ResourceError(f"{where}: details {bad} not among {', '.join(DETAIL_READERS)}")
        flags[code] = Flag(code, entry["kind"], str(entry["label"]), details)
    for kind, required in (("finding", SPEC_FLAGS), ("protection", SPEC_PROTECTIONS)):
        missing = [c for c in required if c not in flags or flags[c].kind != kind]
        if missing:
            raise ResourceError(f"rules.yaml flags: the spec's {kind} codes {missing} are missing")
    return flags


RULE_KEYS = {"id", "flag", "code", "categories", "severity", "legal", "why", "patterns", "unless",
             "mutual", "escalate", "measure", "examples", "when"}


def parse_rules(data: dict, legal: dict, taxonomy_ids: tuple[str, ...],
                flags: Mapping[str, Flag] | None = None) -> tuple[Rule, ...]:
    """Validate and compile rule records; errors name the rule and the valid choices."""
    flags = flags if flags is not None else parse_flags(data)
    rules = []
    for kind, section in (("finding", "rules"), ("protection", "protections")):
        valid = [c for c, f in flags.items() if f.kind == kind]
        for entry in data.get(section) or ():
            rules.append(_rule(entry, kind, section, valid, legal, taxonomy_ids))
    ids = [r.id for r in rules]
    if len(set(ids)) != len(ids):
        raise ResourceError("rules.yaml: duplicate rule ids")
    return tuple(rules)


def _rule(entry: dict, kind: str, section: str, valid, legal: dict, taxonomy_ids) -> Rule:
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
    pos, neg = _examples(examples.get("positive"), where), _examples(examples.get("negative"), where)
    if not pos or not neg:
        raise ResourceError(f"{where}: needs positive and negative examples")
    patterns, when = compile_patterns(entry.get("patterns"), where), parse_conditions(entry.get("when"), where)
    if not patterns and not when:
        raise ResourceError(f"{where}: needs at least one pattern or `when` condition")
    for p in patterns:
        if _context_dependent(p.pattern):
            raise ResourceError(f"{where}: pattern {p.pattern!r} uses an anchor or a lookaround; "
                                "trigger patterns must match a text whatever surrounds it")
    return Rule(rid, kind, code, cats, severity, entry.get("legal"), entry.get("why", ""), patterns,
                compile_patterns(entry.get("unless"), where), compile_patterns(entry.get("mutual"), where),
                compile_patterns(entry.get("escalate"), where), entry.get("measure"), pos, neg, when)


def parse_asks(data: dict, flags: Mapping[str, Flag], legal: Mapping | None = None) -> dict[str, dict]:
    """briefs.yaml: for every finding flag an ask and a fallback; `related` names a protection;
    `variants` (each a `when` pattern with its own ask and fallback, and optionally `legal`)
    fit the ask to the clause."""
    data = data or {}
    findings = [c for c, f in flags.items() if f.kind == "finding"]
    protections = [c for c, f in flags.items() if f.kind == "protection"]
    unknown = sorted(set(data) - set(findings))
    if unknown:
        raise ResourceError(f"briefs.yaml: {unknown} are not flags; valid: {', '.join(findings)}")
    out = {}
    for code in findings:
        entry = data.get(code)
        where = f"briefs.yaml {code}"
        if not isinstance(entry, dict) or set(entry) - {"ask", "fallback", "related", "variants"}:
            raise ResourceError(f"{where}: needs a mapping of ask, fallback and (optionally) related, variants")
        _check_ask(entry, where)
        if entry.get("related") is not None and entry["related"] not in protections:
            raise ResourceError(f"{where}: related {entry['related']!r} is not one of {', '.join(protections)}")
        out[code] = dict(entry, variants=tuple(_variant(v, f"{where} variant {i + 1}", legal)
                                               for i, v in enumerate(entry.get("variants") or ())))
    return out


def _check_ask(entry: dict, where: str) -> None:
    if not all(isinstance(entry.get(k), str) and entry[k].strip() for k in ("ask", "fallback")):
        raise ResourceError(f"{where}: ask and fallback must be non-empty text")


def _variant(entry, where: str, legal: Mapping | None) -> dict:
    if not isinstance(entry, dict) or set(entry) - {"when", "ask", "fallback", "legal"} or "when" not in entry:
        raise ResourceError(f"{where}: a variant is a mapping of when, ask, fallback and (optionally) legal")
    _check_ask(entry, where)
    if entry.get("legal") is not None and legal is not None and entry["legal"] not in legal:
        raise ResourceError(f"{where}: legal {entry['legal']!r} is not one of {', '.join(legal)}")
    return dict(entry, when=compile_patterns([entry["when"]], where)[0])


@functools.lru_cache(maxsize=1)
def rulebook() -> RuleBook:
    """The packaged rule book, loaded and checked once."""
    data = resource_yaml("rules.yaml")
    legal, defaults = resource_yaml("legal.yaml"), resource_yaml("defaults.yaml")
    flags = parse_flags(data)
    rules = parse_rules(data, legal, load_taxonomy().ids, flags)
    return RuleBook(rules, flags, legal, defaults, parse_asks(resource_yaml("briefs.yaml"), flags, legal),
                    compile_patterns(data.get("statutory"), "rules.yaml statutory"))
