"""Commercial terms a buyer compares: amount, rates, minimum spend, term, largest penalty.

Every value is read from a figure or a Chinese numeral in the text; a term the contract leaves
blank or does not state is None. The contract amount is the total the customer pays under the
contract: a labeled total (合同总金额, 实际付款金额, 总价, 合计…), or a price per year (年费,
每年…元, 1200元/年) times the term when both are stated; a price per year alone is kept as
``annual_amount`` and leaves the amount None. When the amount's figure and its capitals
disagree (5000元（叁仟伍佰元整）) the amount is None and both are kept as ``amount_candidates``.
Money paid up front (预存/预付/预充) is ``prepaid``. Matching runs on the role-normalised view
of each clause (see reading.view), where the customer is 甲方 and the vendor 乙方.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .literals import SEPARATOR, Prefilter, gate
from .model import Clause, Parties, Terms
from .numerals import (
    CAPITAL_AMOUNT,
    CAPITALS_THEN_FIGURE,
    FIGURE_THEN_CAPITALS,
    FIGURES,
    NUMERAL_CHARS,
    parse_amount,
    to_number,
)
from .reading import SENTENCES, view

NUM = rf"(?P<num>{FIGURES}|[{NUMERAL_CHARS}]+)"
FIGURE = rf"(?P<num>{FIGURES})"

# labels of the total, strongest first; a subtotal (合计, 总计) counts only when nothing else does,
# and a handling fee's total (手续费合计) not at all
AMOUNT_LABELS = (
    # every alternative opens with a plain character (see numerals.FIGURES): 合同… and 协议… apart
    re.compile("|".join(f"{w}(?:总金额|总价款?|总额|价款|金额|总?费用(?:共计|总计|合计)?)" for w in ("合同", "协议"))
               + "|实际付款金额|付款金额|总价款?"),
    re.compile(r"费用总计|费用合计|(?<!手续)(?<!手续费)(?:总计|合计)|总金额"),
)
# between a label and its amount: separators (a table's | too), the currency, 大写, brackets
AMOUNT_GAP = re.compile(r"(?:[:：为是共计|()（）\[【]|人民币|RMB|¥|￥|大写){0,6}")
FIGURE_AMOUNT = re.compile(rf"{FIGURE}[\]】]?(?P<wan>万)?元")
# a price per year: "年费12000元", "年服务费…", "服务费为每年人民币36000元", "每年甲方向乙方支付服务费…"
FEE_NAME = r"(?:技术服务|服务|使用|维护|平台|系统|套餐|会员|租用|授权|软件)?费用?"
ANNUAL_LABEL = re.compile(
    rf"(?:每一?年度?(?:甲方)?(?:应|须|需)?(?:向乙方)?(?:支付|缴纳|交纳)?的?(?:{FEE_NAME})?"
    rf"|(?<![\d{NUMERAL_CHARS}个首今本明去当])年度?{FEE_NAME})(?:总计|合计|共计)?")
# the figure first: "合同套餐 1200元/年", "收费标准：99元一年"; not a minimum spend, a unit price or a rate per seat
ANNUAL_PRICE = re.compile(
    rf"(?:(?<!消)(?<!最低使用)费用?|套餐|(?<!单)价格?|标准)(?:[:：为是]|人民币|RMB|¥|￥){{0,3}}"
    rf"{FIGURE}(?P<wan>万)?元(?:/|每|一)(?:1|一)?年(?![\d/每])")
# money paid up front; not a minimum or a top-up each time
PREPAID = re.compile(r"(?<!每次)(?<!最低)(?:预存|预付|预充)(?:款项?|金额|话费|通话费|通信费|服务费|费用?)?")
# a disputed amount counts as the contract's when it is a fee's ("系统使用费5000元（叁仟伍佰元整）")
FEE_BEFORE = re.compile(r"(?<!消)费用?(?:[:：为是]|人民币)*$")
RATE_PER_MINUTE = re.compile(
    rf"{FIGURE}元?(?:/|每)(?:(?P<n>\d+)秒(?:钟)?|分钟|min)")
RATE_PER_MINUTE_BEFORE = re.compile(rf"每分钟{FIGURE}元")
SMS_RATE = re.compile(rf"{FIGURE}元?(?:/|每)条")
MIN_SPEND = re.compile(
    rf"(?P<per_before>每个?月|月度|每个?季度?|季度|每年|年度)?的?"
    rf"(?:最低消费|保底消费|最低使用费)(?:金额|额)?(?:为|是|:|：)?(?:人民币|RMB|¥|￥)?{FIGURE}(?P<wan>万)?元"
    rf"(?:/(?P<per_n>\d*|一)?(?P<per>年|月|季度?))?")
# the contract's own duration, not a retention, warranty or payment period
NOT_THE_TERM = r"(?<!保留)(?<!保存)(?<!保管)(?<!保修)(?<!质保)(?<!付款)(?<!整改)(?<!异议)(?<!账单)"
# the lookahead spares the lookbehinds at positions where no label starts
TERM_LABEL = rf"(?=[有服合协期使]){NOT_THE_TERM}(?:有效期|服务期限?|合同期限?|协议期限?|期限|使用期|有效(?:学习|使用|服务)时间)"
TERM_STRONG = re.compile(
    rf"{TERM_LABEL}[:：]?(?:为|是|共)?"
    # "自2024年1月1日起至2024年12月31日止，共12个月": the dates are passed over, the count is read
    rf"(?:自[^。；]{{0,30}}?(?:起|止)[^。；]{{0,20}}?(?:共|计|合计|为)?)?"
    rf"{NUM}(?P<unit>个月|个自然月|月|年)(?![\d〇零一二三四五六七八九十])")
# "合同期限：自2024年3月1日起至2026年2月28日止": the term from its two dates
_DATE = r"(?P<y{0}>\d{{4}})\s*年\s*(?P<m{0}>\d{{1,2}})\s*月\s*(?P<d{0}>\d{{1,2}})\s*日"
TERM_DATES = re.compile(
    rf"{TERM_LABEL}[^。；\d]{{0,6}}"
    + _DATE.format(1) + r"[^。；\d]{0,4}(?:至|到|—|－|-|~|～)\s*" + _DATE.format(2))
A_LIMIT = re.compile(r"(?:最长|最多|不超过|至多|延长)[^。；，]{0,4}$")  # before a term: a limit, not the term
TERM_WEAK = re.compile(rf"(?:续签|续约|套餐|服务)(?:期|为|期为)?{NUM}(?P<unit>个月|个自然月|年)")
TERM_AFTER = re.compile(rf"/{NUM}(?P<unit>个月|年)")
PERCENT = re.compile(rf"(?:{FIGURE}\s*%|百分之(?P<cn>[{NUMERAL_CHARS}]+)|(?P<per>千|万)分之(?P<part>[{NUMERAL_CHARS}\d.]+)"
                     rf"|(?P<permille>\d+(?:\.\d+)?)\s*‰)")
# a rate per day: "每日按…", "每逾期一日…", "按日计收"
DAILY = re.compile(r"每(?:逾期|延期|延迟|迟延|拖欠|超期)?(?:一)?[日天]|按日|日(?:利率|费率)|/日|每日")
MULTIPLE = re.compile(r"(?P<n>[两二三四五六七八九十双\d]+)\s*(?:[（(]\s*\d+\s*[)）])?\s*倍"
                      r"(?=[^。；]{0,8}(?:服务费|费用|金额|价款|年费|月费|报酬|年薪|违约金|合同款|计算|赔偿))")
SAME_AMOUNT = re.compile(r"等额|同等金额|相同金额|全部(?:合同|协议)?(?:金额|价款)|全部(?:服务费|费用)"
                         r"|(?:全部|全额)(?:的)?(?:保证金|押金|预付款|预存款)")
# what is left of the fees kept as the penalty: its size is not a share of the contract amount
FORFEITED = re.compile(r"(?:未使用|未消费|剩余)的?(?:服务)?(?:费用|服务费|余额)[^。；]{0,6}(?:作为|视为|充作)违约金")
# every alternative opens with a plain character (see numerals.FIGURES)
PENALTY = re.compile("|".join(["违约金", "罚金", "罚款", "扣款", "赔偿金", "滞纳金", "划扣", "扣划",
                               *(f"{n}倍赔偿" for n in "双两二三四五"),
                               *(rf"{w}(?:总)?(?:价款|金额|总额|价)的?\d[^。；]{{0,60}}(?:赔偿|违约)" for w in ("合同", "协议")),
                               # a share of another price: "培训总价的40%承担违约责任"
                               *(rf"{w}(?:总)?(?:价款|金额|总额|价|费用?)的\d+(?:\.\d+)?%[^。；]{{0,40}}(?:赔偿|违约)"
                                 for w in ("培训", "服务", "课程")),
                               r"赔偿(?:合同|协议)(?:总)?(?:价款|金额|总额|价)的?\d"]))
# who pays: "向乙方支付" is the customer paying, so a role right after 向/给 is the payee
CUSTOMER_PAYS = re.compile(r"要求甲方(?:支付|赔偿|承担)"
                           r"|(?<![向给])甲方(?:还|也|亦|仍)?(?:应|须|需|应当)?(?:按[^。；，,]{0,16})?(?:向乙方)?(?:每日|按日|每天)?"
                           r"(?:支付|赔偿|承担|缴纳|交纳)"
                           r"|(?:向|给)乙方(?:进行)?(?:支付|赔偿|缴纳)|赔偿乙方|乙方(?:有权)?(?:将甲方[^。；]{0,12})?(?:扣除|划扣|扣划)|扣除甲方")
VENDOR_PAYS = re.compile(r"要求乙方(?:支付|赔偿|承担)|(?<![向给])乙方(?:应|须|需|应当)?(?:向甲方)?(?:支付|赔偿|承担)"
                         r"|(?:向|给)甲方(?:进行)?(?:支付|赔偿)|赔偿甲方")
EITHER_PAYS = re.compile(r"违约方|过错方|任何一方|任一方|一方违约|向对方支付|要求对方(?:赔偿|支付|承担)")
# with no payer named, the side whose breach opens the sentence pays ("乙方逾期交稿的，每日按…支付违约金")
BREACHER = re.compile(r"(?P<side>甲方|乙方)[^，,。；]{0,12}?(?:逾期|违约|未按|未能|延迟|迟延|擅自|拖延|无故)")
# a fixed sum as the fine: "扣款500元", "罚款为500元"; and so much a time or a day: "500元/次的违约金"
FIXED_FINE = re.compile(rf"(?:扣款|罚款|罚金|赔偿)(?:为|人民币)?{FIGURE}元")
FINE_PER_TIME = re.compile(rf"(?<![\d,.]){FIGURE}元\s*(?:/|每)\s*(?:次|起|单|件|辆|日|天)的?(?:违约金|罚款|罚金)")
# a fixed sum named as the penalty: "支付不低于2万元人民币的违约金", "5000.00元的违约赔偿金"
FIXED_SUM = re.compile(rf"(?<![\d,.]){FIGURE}\s*(?P<wan>万)?元(?:人民币)?的(?:违约金|违约赔偿金|罚款|罚金)")
# the patterns read clause by clause that most clauses never match, each with a search for the
# words it needs: a clause that holds none of them is not read for it (see ``live_ids``)
GATES = {pat: gate(pat) for pat in (*AMOUNT_LABELS, ANNUAL_LABEL, ANNUAL_PRICE, PREPAID, TERM_STRONG, TERM_DATES,
                                    PENALTY, RATE_PER_MINUTE, RATE_PER_MINUTE_BEFORE, SMS_RATE, MIN_SPEND,
                                    TERM_WEAK, TERM_AFTER, FIGURE_THEN_CAPITALS, CAPITALS_THEN_FIGURE)}
# TERM_STRONG and TERM_DATES open with a label: a view without the words of one is read for neither
MAY_TERM_LABEL = gate(re.compile(TERM_LABEL))
# how a stated amount ranks as the contract amount, strongest first
TOTAL, ANNUAL, SUBTOTAL, DISPUTED_FEE = range(4)


@dataclass(frozen=True)
class Penalty:
    """A penalty in one sentence: who pays it, and how big it is."""

    payer: str  # "customer", "vendor" or "either"
    pct: float | None  # of the contract amount; 等额 = 100, 两倍 = 200
    fixed: float | None  # a fixed sum per incident, 元
    sentence: str
    daily: float | None = None  # a rate per day, % of the amount due
    forfeits: bool = False  # the unused fees kept as the penalty


def penalties(v: str) -> list[Penalty]:
    """Penalties in a role-normalised view text."""
    if not PENALTY.search(v):
        return []  # no sentence of it names a penalty
    out = []
    for m in SENTENCES.finditer(v):
        s = m.group(0)
        if not PENALTY.search(s):
            continue
        payer = _payer(s)
        pct, daily = _size(s)
        fixed = None
        f = FIXED_FINE.search(s) or FINE_PER_TIME.search(s) or FIXED_SUM.search(s)
        if f:
            fixed = float(f.group("num").replace(",", "")) * (10000 if f.groupdict().get("wan") else 1)
        if pct is not None or fixed is not None or daily is not None or "违约金" in s:
            out.append(Penalty(payer, pct, fixed, s, daily, FORFEITED.search(s) is not None))
    return out


def _payer(s: str) -> str:
    """Who pays the penalty of a sentence: the side named paying first, else either side, else
    the side in breach, else the customer."""
    c, vend = CUSTOMER_PAYS.search(s), VENDOR_PAYS.search(s)
    if c and (not vend or c.start() < vend.start()):
        return "customer"
    if vend:
        return "vendor"
    if EITHER_PAYS.search(s):
        return "either"
    b = BREACHER.search(s)
    return "vendor" if b and b.group("side") == "乙方" else "customer"


def _view(c: Clause, p: Parties) -> str:
    """The clause's role-normalised text, from its reading when it has one."""
    return c.reading.view.text if c.reading is not None else view(c.text, p).text


def _size(s: str) -> tuple[float | None, float | None]:
    """The largest share of the contract amount a penalty sentence states (等额 = 100, 两倍 =
    200), and the largest rate per day it states (千分之五 a day = 0.5)."""
    pct = 100.0 if SAME_AMOUNT.search(s) else None
    daily = None
    for p in PERCENT.finditer(s):
        try:
            val = _percent(p)
        except ValueError:
            continue
        if DAILY.search(s, max(0, p.start() - 24), p.start()):
            daily = max(daily or 0.0, val)
        else:
            pct = max(pct or 0.0, val)
    for m in MULTIPLE.finditer(s):
        try:
            n = 2.0 if m.group("n") == "双" else float(_num(m.group("n")))
        except ValueError:
            continue
        pct = max(pct or 0.0, 100.0 * n)
    return pct, daily


def _percent(p: re.Match) -> float:
    if p.group("num"):
        return float(p.group("num"))
    if p.group("cn"):
        return float(to_number(p.group("cn")))
    if p.group("permille"):
        return float(p.group("permille")) / 10
    part = float(p.group("part")) if re.fullmatch(r"[\d.]+", p.group("part")) else float(to_number(p.group("part")))
    return part / (10 if p.group("per") == "千" else 100)


def _num(s: str) -> float:
    return to_number(s)


def live(views, patterns=tuple(GATES)) -> frozenset[re.Pattern]:
    """The ``patterns`` (of GATES) that may match in one of the views (every one that does, and
    maybe more); ``views``: (clause, view text) pairs."""
    joined = SEPARATOR.join(v for _, v in views)  # no word of a gate holds the separator
    return frozenset(pat for pat in patterns if GATES[pat](joined))


@functools.lru_cache(maxsize=1)
def gates_at_once() -> tuple[Prefilter, tuple[re.Pattern, ...]]:
    """The patterns of GATES and a filter telling which of them may match in a text: the same
    answer as their gates, for many texts in one pass."""
    patterns = tuple(GATES)
    return Prefilter(patterns), patterns


def live_ids(views) -> list[frozenset[int]]:
    """For each view, the ids of the patterns of GATES that may match in it (every one that
    does, and maybe more); ``views``: (clause, view text) pairs. Told by ids, tested as
    ``id(pat) in may``: a set lookup of a compiled pattern hashes its whole program each time, an
    id costs nothing to hash (the patterns live as long as the module)."""
    found, patterns = gates_at_once()
    ids = [id(pat) for pat in patterns]
    return [frozenset(ids[i] for i in may) for may in found.candidates([v for _, v in views])]


def extract(clauses: tuple[Clause, ...], p: Parties) -> Terms:
    """Read the commercial terms from the clauses."""
    found: dict[str, float] = {}
    evidence: dict[str, str] = {}

    def put(key: str, value: float, clause: Clause) -> None:
        if key not in found:
            found[key] = round(value, 6)
            evidence[key] = clause.id

    views, mays = _views_to_read(clauses, p)
    weak_term = None
    for (c, v), may in zip(views, mays):
        _rates_in(v, c, put, may)
        weak_term = _terms_in(v, c, put, weak_term, may)
    if "term_months" not in found and weak_term:
        put("term_months", weak_term[0], weak_term[1])
    disputed = _amount_in(views, found.get("term_months"), put, mays)
    if disputed:
        evidence["amount_candidates"] = disputed[1].id
    _prepaid_in([cv for cv, may in zip(views, mays) if id(PREPAID) in may], put)
    pcts = [pen.pct for (_, v), may in zip(views, mays) if id(PENALTY) in may for pen in penalties(v)
            if pen.payer in ("customer", "either") and pen.pct is not None]
    if pcts:
        found["penalty_pct_max"] = max(pcts)
    return Terms(**found, amount_candidates=disputed[0] if disputed else (), evidence=evidence)


def _views_to_read(clauses, p: Parties) -> tuple[list[tuple[Clause, str]], list[frozenset[int]]]:
    """The (clause, view) pairs that a pattern of GATES may match in, and for each the ids of
    those patterns (see ``live_ids``): every term is read by a pattern of GATES, so the other
    views state none."""
    views = [(c, _view(c, p)) for c in clauses]
    read = [(cv, may) for cv, may in zip(views, live_ids(views)) if may]
    return [cv for cv, _ in read], [may for _, may in read]


def _rates_in(v: str, c: Clause, put, may) -> None:
    """The rate per minute, the SMS rate and the minimum spend (元 a year) in one clause view;
    ``may``: the ids of the patterns of GATES worth running in it (see ``live_ids``)."""
    for m in RATE_PER_MINUTE.finditer(v) if id(RATE_PER_MINUTE) in may else ():
        seconds = int(m.group("n")) if m.group("n") else 60
        if seconds:
            put("rate_per_minute", float(m.group("num")) * 60 / seconds, c)
    for m in RATE_PER_MINUTE_BEFORE.finditer(v) if id(RATE_PER_MINUTE_BEFORE) in may else ():
        put("rate_per_minute", float(m.group("num")), c)
    for m in SMS_RATE.finditer(v) if id(SMS_RATE) in may else ():
        put("sms_rate", float(m.group("num")), c)
    for m in MIN_SPEND.finditer(v) if id(MIN_SPEND) in may else ():
        spend = _per_year(m)
        if spend is not None:
            put("minimum_spend", spend, c)


def _per_year(m: re.Match) -> float | None:
    """A minimum spend match as 元 a year: "300元/月" → 3600, "每季度…9000元" → 36000;
    None for "元/0年" (a spend per no time at all is no minimum spend)."""
    value = _yuan(m.group("num"), m.group("wan"))
    per, n = m.group("per"), m.group("per_n")
    if per is None and m.group("per_before"):  # "每月最低消费额为…元"
        per = next(ch for ch in m.group("per_before") if ch in "月季年")
    count = _num(n) if n else 1.0
    if not count:
        return None
    if per == "月":
        return value * 12 / count
    if per and per.startswith("季"):
        return value * 4 / count
    return value / count if per == "年" else value


def _amount_in(views, months: float | None, put, mays) -> tuple[tuple[float, ...], Clause] | None:
    """Put the contract amount and the price per year. The amount is the first stated of the
    strongest rank: a total's label, else the price per year times the term, else a subtotal,
    else a fee whose figures disagree (these two not beside a price per year).
    When the amount's figure and capitals disagree it is not put; they are returned with the
    clause. ``mays``: for each view, the ids of the patterns of GATES worth running in it (see
    ``live_ids``)."""
    stated: dict[int, tuple[tuple[float, ...], Clause]] = {}
    for rank, values, c in _stated_amounts(views, mays):
        stated.setdefault(rank, (values, c))
    annual = stated.pop(ANNUAL, None)
    if annual:
        if len(annual[0]) == 1:
            put("annual_amount", annual[0][0], annual[1])
        stated.pop(SUBTOTAL, None)  # beside a price per year, a subtotal or a lone fee may be one year's
        stated.pop(DISPUTED_FEE, None)
        if months:
            stated[ANNUAL] = (tuple(x * months / 12 for x in annual[0]), annual[1])
    if not stated:
        return None
    values, c = stated[min(stated)]
    if len(values) == 1:
        put("contract_amount", values[0], c)
        return None
    return values, c


def _stated_amounts(views, mays):
    """Every amount the clauses state, as (rank, values, clause); values are one figure, or the
    figure and the capitals when they disagree."""
    labels = ((TOTAL, AMOUNT_LABELS[0]), (SUBTOTAL, AMOUNT_LABELS[1]), (ANNUAL, ANNUAL_LABEL))
    for (c, v), may in zip(views, mays):
        for rank, pat in labels:
            for m in pat.finditer(v) if id(pat) in may else ():
                values = _amount_at(v, m.end())
                if values:
                    yield rank, values, c
        for m in ANNUAL_PRICE.finditer(v) if id(ANNUAL_PRICE) in may else ():
            value = _yuan(m.group("num"), m.group("wan"))
            if value:
                yield ANNUAL, (value,), c
        for values in _disputed_fees(v, may):
            yield DISPUTED_FEE, values, c


def stated_totals(clauses, p: Parties | None):
    """Each amount a clause states under a total's label (合同总金额…): (value, clause, start,
    end), the span of the label in the clause's view."""
    views = [(c, _view(c, p)) for c in clauses]
    if not live(views, AMOUNT_LABELS[:1]):
        return
    for c, v in views:
        for m in AMOUNT_LABELS[0].finditer(v):
            values = _amount_at(v, m.end())
            if len(values) == 1:
                yield values[0], c, m.start(), m.end()


def stated_terms(clauses, p: Parties | None):
    """Each term a clause states strongly (期限为N个月, from one date to another), in months:
    (months, clause, start, end) in the clause's view. A limit (最长有效期三年) is no term."""
    for c in clauses:
        v = _view(c, p)
        if not MAY_TERM_LABEL(v):
            continue
        for pat, read in ((TERM_STRONG, _months), (TERM_DATES, _months_between)):
            for m in pat.finditer(v):
                months = read(m)
                if months and not A_LIMIT.search(v, max(0, m.start() - 6), m.start()):
                    yield months, c, m.start(), m.end()


def _disputed_fees(v: str, may):
    """The figures and capitals that disagree right after a fee's name; ``may``: the ids of
    the patterns of GATES worth running in the view (see ``live_ids``)."""
    for pat in (FIGURE_THEN_CAPITALS, CAPITALS_THEN_FIGURE):
        for m in pat.finditer(v) if id(pat) in may else ():
            values = _figure_and_capitals(m)
            if len(values) == 2 and FEE_BEFORE.search(v[max(0, m.start() - 8):m.start()]):
                yield values


def _prepaid_in(views, put) -> None:
    """The first amount paid up front (预存/预付/预充) the clauses state."""
    for c, v in views:
        for m in PREPAID.finditer(v):
            values = _amount_at(v, m.end())
            if len(values) == 1:
                put("prepaid", values[0], c)
                return


def _amount_at(v: str, pos: int) -> tuple[float, ...]:
    """The amount written at ``pos`` of a view, in figures or in capitals: one value, or the
    figure and the capitals when they disagree (5000元（叁仟伍佰元整） → (5000.0, 3500.0));
    () when blank or zero."""
    pos = AMOUNT_GAP.match(v, pos).end()
    for pat in (FIGURE_THEN_CAPITALS, CAPITALS_THEN_FIGURE):
        m = pat.match(v, pos)
        if m:
            return _figure_and_capitals(m)
    m = FIGURE_AMOUNT.match(v, pos)
    if m:
        value = _yuan(m.group("num"), m.group("wan"))
    else:
        cap = CAPITAL_AMOUNT.match(v, pos)
        value = _capitals(cap.group(0)) if cap else None
    return (value,) if value else ()


def _figure_and_capitals(m: re.Match) -> tuple[float, ...]:
    """An amount written twice (a FIGURE_THEN_CAPITALS or CAPITALS_THEN_FIGURE match): one value
    when both agree, both when they do not, the figure alone when the capitals do not parse."""
    fig, cap = _yuan(m.group("fig"), m.group("wan")), _capitals(m.group("cap"))
    if cap is None or abs(fig - cap) <= 0.005:
        return (fig,) if fig else ()
    return fig, cap


def _capitals(s: str) -> float | None:
    try:
        return parse_amount(s)
    except ValueError:
        return None


def _yuan(num: str, wan: str | None) -> float:
    """An amount in figures, with its 万 if any."""
    return _num(num) * (10000 if wan else 1)


def _terms_in(v: str, c: Clause, put, weak_term, may):
    """The contract's term in one clause view: a strong statement is put at once, the first weak
    one is kept for when no clause states the term strongly."""
    for m in TERM_STRONG.finditer(v) if id(TERM_STRONG) in may else ():
        months = _months(m)
        if months:
            put("term_months", months, c)
    for m in TERM_DATES.finditer(v) if id(TERM_DATES) in may else ():
        months = _months_between(m)
        if months:
            put("term_months", months, c)
    if weak_term is None:
        for pat in (TERM_WEAK, TERM_AFTER):
            m = pat.search(v) if id(pat) in may else None
            months = _months(m) if m else None
            if months:
                return months, c
    return weak_term


def _months_between(m: re.Match) -> float | None:
    """Whole months from the first date to the second, both days counted (None if not dates)."""
    from datetime import date
    try:
        first = date(int(m.group("y1")), int(m.group("m1")), int(m.group("d1")))
        last = date(int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))
    except ValueError:
        return None
    months = round(((last - first).days + 1) / 30.4375)
    return float(months) if 0 < months < 1000 else None


def _months(m: re.Match) -> float | None:
    try:
        n = _num(m.group("num"))
    except ValueError:
        return None
    if n <= 0 or n >= 1000:
        return None
    return n * 12 if m.group("unit") == "年" else n
