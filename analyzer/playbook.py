"""A negotiating playbook: the customer's own positions, and where each vendor meets them.

A team does not negotiate from a generic list: it has positions ("our penalty cap is 20%",
"disputes in our city", "data protection is a must"). A playbook (YAML, see
resources/playbook.yaml) says, per flag, whether it is acceptable, its severity for this
customer and the wording to ask for; thresholds (penalty %, daily rate, term, renewal); the
protections and terms every contract must have; and the customer's name and city. It is
validated when loaded: an error names the file, the line and the key.

``Playbook.book`` gives the rule book with its thresholds; ``Playbook.apply`` fits a contract's
findings to the playbook (an acceptable flag is no finding, a forum in the customer's city is
none, severities as the team sets them); ``positions`` tells, per position and vendor,
MATCH / DEVIATION / MISSING with the clause quoted. The packaged playbook holds no position of
its own and changes nothing.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from .errors import InputError
from .contradictions import FORUM
from .expected import by_code as expected_terms
from .model import Analysis, Finding
from .numerals import to_number
from .rules import SEVERITIES, Advice, RuleBook, rulebook
from .taxonomy import resource_yaml

MATCH, DEVIATION, MISSING = "MATCH", "DEVIATION", "MISSING"
STATUS_CN = {MATCH: "符合", DEVIATION: "偏离", MISSING: "缺失"}
THRESHOLDS = {"max_penalty_pct": "penalty_screen_pct", "max_daily_penalty_pct": "penalty_daily_pct",
              "max_term_months": None, "max_renewal_months": None, "min_liability_cap_pct": None,
              "min_payment_days": None, "min_sla_pct": None}  # → the rule book's default it sets
FLAG_KEYS = {"acceptable", "severity", "ask", "fallback"}
TOP_KEYS = {"version", "team", "customer", "thresholds", "flags", "required"}
RENEWAL_PERIOD = re.compile(r"(?:续(?:展|期|约|签|订)|顺延|延长)[^。；]{0,12}?(?P<num>\d+|[一二两三四五六七八九十]+)(?P<unit>个月|年)")
SAME_PERIOD = re.compile(r"续(?:展|期|约)[^。；]{0,10}(?:相同|同等|一致)")
# the size of a liability cap, as a share of the contract amount
CAP_SHARE = re.compile(r"(?P<pct>\d+(?:\.\d+)?)\s*[%％]|(?P<times>\d+|[一二两三四五六七八九十]+)\s*倍")
CAP_WHOLE = re.compile(r"(?:合同|协议|交易)(?:标的)?(?:总)?(?:金额|价款|总价|总额)|(?:服务费|费用)总额")
# how long the customer has to pay: "签订后五个工作日内付款"
PAYMENT_DAYS = re.compile(r"(?:签订|签署|生效|收到[^。；，]{0,10}|开具[^。；，]{0,6})(?:后|之日起)(?P<num>\d+|[一二两三四五六七八九十]+)"
                          r"个?(?:工作日|日|天)内[^。；]{0,8}(?:支付|付款|付清|缴纳|结清)")
SERVICE_LEVEL = re.compile(r"(?:可用率|可用性|在线率|接通率|稳定性)[^。；]{0,10}?(?P<pct>\d{2}(?:\.\d+)?)\s*[%％]")


@dataclass(frozen=True)
class FlagPosition:
    acceptable: bool = False
    severity: str | None = None
    ask: str | None = None
    fallback: str | None = None


@dataclass(frozen=True)
class Playbook:
    source: str = "packaged"
    team: str | None = None
    customer_name: str | None = None
    customer_city: str | None = None
    thresholds: Mapping[str, float | None] = field(default_factory=dict)
    flags: Mapping[str, FlagPosition] = field(default_factory=dict)
    required_protections: tuple[str, ...] = ()
    required_terms: tuple[str, ...] = ()

    def book(self, base: RuleBook | None = None) -> RuleBook:
        """The rule book with this playbook's thresholds (penalty %, daily rate)."""
        base = base or rulebook()
        changed = {key: self.thresholds[t] for t, key in THRESHOLDS.items()
                   if key and self.thresholds.get(t) is not None}
        return replace(base, defaults={**base.defaults, **changed}) if changed else base

    def advice(self, advice: Advice, flag: str) -> Advice:
        """The analyzer's advice with this team's own ask and fallback for the flag, where it has them."""
        pos = self.flags.get(flag, FlagPosition())
        return replace(advice, ask=pos.ask or advice.ask, fallback=pos.fallback or advice.fallback)

    def apply(self, findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
        """The findings as this customer sees them: acceptable flags and forums in its own city
        dropped, severities as the team sets them."""
        out = []
        for f in findings:
            pos = self.flags.get(f.flag, FlagPosition())
            if pos.acceptable or (f.flag == "vendor_forum" and self.customer_city and self.customer_city in f.quote):
                continue
            out.append(replace(f, severity=pos.severity) if pos.severity else f)
        return tuple(out)


@dataclass(frozen=True)
class Position:
    """One position of the playbook as one vendor meets it."""

    code: str
    label: str
    status: str  # MATCH, DEVIATION or MISSING
    clause: str = ""  # where the contract says it
    quote: str = ""
    detail: str = ""


def positions(pb: Playbook, a: Analysis) -> tuple[Position, ...]:
    """Every position of the playbook for one contract: the flags it does not accept, the
    required protections and terms, and the thresholds on term and renewal."""
    book = rulebook()
    out = [_flag_position(book, a, code) for code, f in book.flags.items()
           if f.kind == "finding" and not pb.flags.get(code, FlagPosition()).acceptable]
    out += [_protection_position(book, a, code) for code in pb.required_protections]
    known = expected_terms()
    out += [Position(f"term:{code}", f"必备条款：{known[code].label}", MISSING if code in a.missing else MATCH)
            for code in pb.required_terms]
    out += [p for p in (_term_position(pb, a), _renewal_position(pb, a), _cap_position(pb, a),
                        _payment_position(pb, a), _sla_position(pb, a), _forum_position(pb, a)) if p]
    return tuple(out)


def _where(a: Analysis, item) -> dict:
    return {"clause": a.clause(item.clause_id).label, "quote": item.quote}


def _flag_position(book: RuleBook, a: Analysis, code: str) -> Position:
    hit = next((f for f in a.findings if f.flag == code), None)
    label = f"不接受：{book.label(code)}"
    return Position(code, label, DEVIATION, **_where(a, hit)) if hit else Position(code, label, MATCH)


def _protection_position(book: RuleBook, a: Analysis, code: str) -> Position:
    hit = next((p for p in a.protections if p.code == code), None)
    label = f"必须有：{book.label(code)}"
    return Position(code, label, MATCH, **_where(a, hit)) if hit else Position(code, label, MISSING)


def _term_position(pb: Playbook, a: Analysis) -> Position | None:
    limit = pb.thresholds.get("max_term_months")
    if limit is None:
        return None
    label = f"合同期不超过 {limit:g} 个月"
    months = a.terms.term_months
    if months is None:
        return Position("max_term_months", label, MISSING)
    return Position("max_term_months", label, DEVIATION if months > limit else MATCH, detail=f"{months:g} 个月")


def _renewal_position(pb: Playbook, a: Analysis) -> Position | None:
    limit = pb.thresholds.get("max_renewal_months")
    if limit is None:
        return None
    label = f"自动续约每次不超过 {limit:g} 个月"
    renewal = next((f for f in a.findings if f.flag == "auto_renewal"), None)
    if renewal is None:
        return Position("max_renewal_months", label, MATCH, detail="无自动续约")
    months = renewal_months(renewal.quote, a.terms.term_months)
    status = MISSING if months is None else DEVIATION if months > limit else MATCH
    return Position("max_renewal_months", label, status, detail=f"{months:g} 个月" if months else "续约期未写明",
                    **_where(a, renewal))


def _cap_position(pb: Playbook, a: Analysis) -> Position | None:
    floor = pb.thresholds.get("min_liability_cap_pct")
    if floor is None:
        return None
    label = f"赔偿上限不低于合同金额的 {floor:g}%"
    cap = next((f for f in a.findings if f.flag == "liability_cap"), None)
    if cap is None:
        return Position("min_liability_cap_pct", label, MATCH, detail="无赔偿上限")
    pct = cap_pct(cap.quote)
    status = MISSING if pct is None else DEVIATION if pct < floor else MATCH
    return Position("min_liability_cap_pct", label, status,
                    detail=f"上限约为合同金额的 {pct:g}%" if pct is not None else "上限的计算基础未写成合同金额的比例",
                    **_where(a, cap))


def cap_pct(text: str) -> float | None:
    """A liability cap as a % of the contract amount: "不超过合同总金额" → 100, "两倍" → 200,
    "30%" → 30; None when it is measured otherwise (当月服务费, 已付费用)."""
    m = CAP_SHARE.search(text)
    if m and m.group("pct"):
        return float(m.group("pct"))
    if m:
        return float(to_number(m.group("times")) * 100)
    return 100.0 if CAP_WHOLE.search(text) else None


def _payment_position(pb: Playbook, a: Analysis) -> Position | None:
    least = pb.thresholds.get("min_payment_days")
    if least is None:
        return None
    label = f"付款期限不少于 {least:g} 日"
    hit = _first(a, PAYMENT_DAYS)
    if hit is None:
        return Position("min_payment_days", label, MISSING, detail="合同未写明付款期限")
    days, clause, quote = hit
    return Position("min_payment_days", label, DEVIATION if days < least else MATCH, clause.label, quote,
                    f"{days:g} 日")


def _sla_position(pb: Playbook, a: Analysis) -> Position | None:
    least = pb.thresholds.get("min_sla_pct")
    if least is None:
        return None
    label = f"服务可用率不低于 {least:g}%"
    hit = _first(a, SERVICE_LEVEL, "pct")
    if hit is None:
        return Position("min_sla_pct", label, MISSING, detail="合同未承诺可用率")
    pct, clause, quote = hit
    return Position("min_sla_pct", label, DEVIATION if pct < least else MATCH, clause.label, quote, f"{pct:g}%")


def _forum_position(pb: Playbook, a: Analysis) -> Position | None:
    city = pb.customer_city
    if not city:
        return None
    label = f"争议在甲方所在地（{city}）解决"
    forums = [(c, m) for c in a.clauses if c.style != "signature" for m in [FORUM.search(c.text)] if m]
    if not forums:
        return Position("customer_forum", label, MISSING, detail="合同未约定争议解决地")
    home = next(((c, m) for c, m in forums if city in m.group(0)), None)
    c, m = home or forums[0]
    return Position("customer_forum", label, MATCH if home else DEVIATION, c.label, m.group(0))


def _first(a: Analysis, pattern: re.Pattern, group: str = "num"):
    """The first number ``pattern`` reads in the contract's clauses: (value, clause, words)."""
    for c in a.clauses:
        m = pattern.search(re.sub(r"\s+", "", c.text))
        if m:
            return float(to_number(m.group(group))), c, m.group(0)
    return None


def renewal_months(text: str, term_months: float | None) -> float | None:
    """How long one automatic renewal runs: "自动续期一年" → 12; "续展期与本合同服务期相同" → the term."""
    m = RENEWAL_PERIOD.search(re.sub(r"\s+", "", text))
    if m:
        n = to_number(m.group("num"))
        return float(n * 12 if m.group("unit") == "年" else n)
    return term_months if SAME_PERIOD.search(text) else None


# -- loading ---------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def packaged() -> Playbook:
    """The packaged playbook: no position of its own; today's results exactly."""
    return parse(resource_yaml("playbook.yaml"), source="packaged")


def of(value) -> Playbook | None:
    """A settings' playbook as a Playbook: None stays None, a path is read (once per path)."""
    if value is None or isinstance(value, Playbook):
        return value
    return _loaded(str(value))


@functools.lru_cache(maxsize=8)
def _loaded(path: str) -> Playbook:
    return load(path)


def template() -> str:
    """The commented starting file `analyzer playbook init` writes."""
    from importlib import resources
    return (resources.files("analyzer") / "resources" / "playbook.yaml").read_text(encoding="utf-8")


def load(path: str | Path) -> Playbook:
    """Read and validate a playbook file; a bad one raises InputError naming the line and key."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(str(path), f"cannot be read as a UTF-8 playbook ({e})", "pass a YAML playbook file")
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark else ""
        raise InputError(str(path), f"{line}is not valid YAML ({getattr(e, 'problem', e)})", "fix the playbook")
    try:
        return parse(data, source=str(path))
    except PlaybookError as e:
        raise InputError(str(path), f"line {_line_of(text, e.keys)}: {'.'.join(e.keys)}: {e.message}",
                         "fix the playbook (`analyzer playbook init` writes a valid one to start from)")


class PlaybookError(ValueError):
    def __init__(self, keys: tuple[str, ...], message: str):
        super().__init__(message)
        self.keys, self.message = keys, message


def _line_of(text: str, keys: tuple[str, ...]) -> int:
    """The line (1-based) of the deepest of ``keys`` found in the YAML text."""
    node, line = yaml.compose(text), 1
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            break
        pair = next(((k, v) for k, v in node.value if k.value == key), None)
        if pair is None:
            break
        line, node = pair[0].start_mark.line + 1, pair[1]
    return line


def parse(data, *, source: str = "playbook") -> Playbook:
    """Validate a playbook mapping; PlaybookError names the keys and the valid choices."""
    if not isinstance(data, dict):
        raise PlaybookError((), "a playbook is a mapping of " + ", ".join(sorted(TOP_KEYS)))
    _unknown(data, TOP_KEYS, ())
    customer = _mapping(data, "customer", {"name", "city"})
    return Playbook(source, _text(data, ("team",)), _text(customer, ("customer", "name")),
                    _text(customer, ("customer", "city")), _thresholds(data), _flags(data),
                    *_required(data))


def _mapping(data: dict, key: str, valid: set[str]) -> dict:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise PlaybookError((key,), f"must be a mapping of {', '.join(sorted(valid))}")
    _unknown(value, valid, (key,))
    return value


def _unknown(data: dict, valid: set[str], where: tuple[str, ...]) -> None:
    bad = sorted(str(k) for k in data if k not in valid)
    if bad:
        raise PlaybookError(where + (bad[0],), f"unknown key; valid: {', '.join(sorted(valid))}")


def _text(data: dict, keys: tuple[str, ...]) -> str | None:
    value = data.get(keys[-1])
    if value is not None and not isinstance(value, str):
        raise PlaybookError(keys, "must be text")
    return value.strip() or None if isinstance(value, str) else None


def _thresholds(data: dict) -> dict[str, float | None]:
    given = _mapping(data, "thresholds", set(THRESHOLDS))
    out = {}
    for key in THRESHOLDS:
        value = given.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0):
            raise PlaybookError(("thresholds", key), "must be a positive number (or null)")
        out[key] = None if value is None else float(value)
    return out


def _flags(data: dict) -> dict[str, FlagPosition]:
    book = rulebook()
    valid = {c for c, f in book.flags.items() if f.kind == "finding"}
    given = _mapping(data, "flags", valid)
    out = {}
    for code, entry in given.items():
        entry = entry or {}
        if not isinstance(entry, dict):
            raise PlaybookError(("flags", code), f"must be a mapping of {', '.join(sorted(FLAG_KEYS))}")
        _unknown(entry, FLAG_KEYS, ("flags", code))
        if entry.get("severity") is not None and entry["severity"] not in SEVERITIES:
            raise PlaybookError(("flags", code, "severity"), f"must be one of {', '.join(SEVERITIES)}")
        if not isinstance(entry.get("acceptable", False), bool):
            raise PlaybookError(("flags", code, "acceptable"), "must be true or false")
        out[code] = FlagPosition(entry.get("acceptable", False), entry.get("severity"),
                                 _text(entry, ("flags", code, "ask")), _text(entry, ("flags", code, "fallback")))
    return out


def _required(data: dict) -> tuple[tuple[str, ...], tuple[str, ...]]:
    given = _mapping(data, "required", {"protections", "terms"})
    book = rulebook()
    choices = {"protections": [c for c, f in book.flags.items() if f.kind == "protection"],
               "terms": list(expected_terms())}
    out = []
    for key, valid in choices.items():
        codes = given.get(key) or []
        bad = [c for c in codes if c not in valid] if isinstance(codes, list) else [codes]
        if bad:
            raise PlaybookError(("required", key), f"{bad[0]!r} is not one of {', '.join(valid)}")
        out.append(tuple(codes))
    return out[0], out[1]
