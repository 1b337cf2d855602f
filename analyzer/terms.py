"""Commercial terms a buyer compares: amount, rates, minimum spend, term, largest penalty.

Every value is read from a figure or a Chinese numeral in the text; a term the contract leaves
blank or does not state is None. Matching runs on the role-normalised view of each clause
(see reading.view), where the customer is 甲方 and the vendor 乙方.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .literals import gate
from .model import Clause, Parties, Terms
from .numerals import NUMERAL_CHARS, CAPITAL_AMOUNT, parse_amount, to_number
from .reading import SENTENCES, view

NUM = rf"(?P<num>\d+(?:,\d{{3}})*(?:\.\d+)?|[{NUMERAL_CHARS}]+)"
FIGURE = r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)"

# labels of the total, strongest first; a subtotal (合计, 共计) counts only when nothing else does
AMOUNT_LABELS = (
    re.compile(r"(?:合同|协议)(?:总金额|总价款?|总额|价款|金额)|实际付款金额|付款金额|总价款|合同总价"),
    re.compile(r"费用总计|费用合计|总计|合计|总金额"),
)
AMOUNT_AFTER_LABEL = re.compile(
    rf"^(?:[:：为是共计]|人民币|RMB|¥|￥){{0,4}}{FIGURE}(?P<wan>万)?元")
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
TERM_LABEL = rf"(?=[有服合协期使]){NOT_THE_TERM}(?:有效期|服务期限?|合同期限?|协议期限?|期限|使用期)"
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
TERM_WEAK = re.compile(rf"(?:续签|续约|套餐|服务)(?:期|为|期为)?{NUM}(?P<unit>个月|个自然月|年)")
TERM_AFTER = re.compile(rf"/{NUM}(?P<unit>个月|年)")
PERCENT = re.compile(rf"(?:{FIGURE}\s*%|百分之(?P<cn>[{NUMERAL_CHARS}]+)|(?P<per>千|万)分之(?P<part>[{NUMERAL_CHARS}\d.]+)"
                     rf"|(?P<permille>\d+(?:\.\d+)?)\s*‰)")
# a rate per day: "每日按…", "每逾期一日…", "按日计收"
DAILY = re.compile(r"每(?:逾期|延迟|迟延|拖欠|超期)?(?:一)?[日天]|按日|日(?:利率|费率)|/日|每日")
MULTIPLE = re.compile(r"(?P<n>[两二三四五六七八九十双\d]+)\s*(?:[（(]\s*\d+\s*[)）])?\s*倍"
                      r"(?=[^。；]{0,8}(?:服务费|费用|金额|价款|年费|月费|报酬|年薪|违约金|合同款|计算|赔偿))")
SAME_AMOUNT = re.compile(r"等额|同等金额|相同金额|全部(?:合同|协议)?(?:金额|价款)|全部(?:服务费|费用)"
                         r"|(?:全部|全额)(?:的)?(?:保证金|押金|预付款|预存款)")
# what is left of the fees kept as the penalty: its size is not a share of the contract amount
FORFEITED = re.compile(r"(?:未使用|未消费|剩余)的?(?:服务)?(?:费用|服务费|余额)[^。；]{0,6}(?:作为|视为|充作)违约金")
PENALTY = re.compile(r"违约金|罚金|罚款|扣款|赔偿金|滞纳金|划扣|扣划|(?:双倍|两倍|[二三四五]倍)赔偿"
                     r"|(?:合同|协议)(?:总)?(?:价款|金额|总额|价)的?\d[^。；]{0,60}(?:赔偿|违约)"
                     r"|赔偿(?:合同|协议)(?:总)?(?:价款|金额|总额|价)的?\d")
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
FIXED_FINE = re.compile(rf"(?:扣款|罚款|罚金|赔偿){FIGURE}元")
DIGIT = re.compile(r"\d")
# these start with a figure or an optional word, and scan slowly: first a search for the words they need
MAY_RATE, MAY_SMS_RATE, MAY_MIN_SPEND = gate(RATE_PER_MINUTE), gate(SMS_RATE), gate(MIN_SPEND)


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
        f = FIXED_FINE.search(s)
        if f:
            fixed = float(f.group("num").replace(",", ""))
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


def extract(clauses: tuple[Clause, ...], p: Parties) -> Terms:
    """Read the commercial terms from the clauses."""
    found: dict[str, float] = {}
    evidence: dict[str, str] = {}

    def put(key: str, value: float, clause: Clause) -> None:
        if key not in found:
            found[key] = round(value, 6)
            evidence[key] = clause.id

    weak_term = None
    amounts: list[tuple[int, float, Clause]] = []
    for c in clauses:
        v = _view(c, p)
        for tier, pat in enumerate(AMOUNT_LABELS):
            for m in pat.finditer(v):
                amount = _amount_after(v[m.end():m.end() + 30])
                if amount:
                    amounts.append((tier, amount, c))
        if DIGIT.search(v):  # the rates and the minimum spend are written in figures
            for m in RATE_PER_MINUTE.finditer(v) if MAY_RATE(v) else ():
                seconds = int(m.group("n")) if m.group("n") else 60
                if seconds:
                    put("rate_per_minute", float(m.group("num")) * 60 / seconds, c)
            for m in RATE_PER_MINUTE_BEFORE.finditer(v):
                put("rate_per_minute", float(m.group("num")), c)
            for m in SMS_RATE.finditer(v) if MAY_SMS_RATE(v) else ():
                put("sms_rate", float(m.group("num")), c)
            for m in MIN_SPEND.finditer(v) if MAY_MIN_SPEND(v) else ():
                value = _num(m.group("num")) * (10000 if m.group("wan") else 1)
                per, n = m.group("per"), m.group("per_n")
                if per is None and m.group("per_before"):  # "每月最低消费额为…元"
                    per = next(ch for ch in m.group("per_before") if ch in "月季年")
                count = _num(n) if n else 1.0
                if per == "月":
                    value = value * 12 / count
                elif per and per.startswith("季"):
                    value = value * 4 / count
                elif per == "年":
                    value = value / count
                put("minimum_spend", value, c)
        weak_term = _terms_in(v, c, put, weak_term)
    if amounts:
        _, amount, clause = min(amounts, key=lambda a: a[0])
        put("contract_amount", amount, clause)
    if "term_months" not in found and weak_term:
        put("term_months", weak_term[0], weak_term[1])
    pcts = [pen.pct for c in clauses for pen in penalties(_view(c, p))
            if pen.payer in ("customer", "either") and pen.pct is not None]
    if pcts:
        found["penalty_pct_max"] = max(pcts)
    return Terms(**found, evidence=evidence)


def _terms_in(v: str, c: Clause, put, weak_term):
    """The contract's term in one clause view: a strong statement is put at once, the first weak
    one is kept for when no clause states the term strongly."""
    for m in TERM_STRONG.finditer(v):
        months = _months(m)
        if months:
            put("term_months", months, c)
    for m in TERM_DATES.finditer(v):
        months = _months_between(m)
        if months:
            put("term_months", months, c)
    if weak_term is None:
        for pat in (TERM_WEAK, TERM_AFTER):
            m = pat.search(v)
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


def _amount_after(rest: str) -> float | None:
    """The amount right after a label, in figures or in capitals; None when blank or zero."""
    a = AMOUNT_AFTER_LABEL.match(rest)
    if a:
        value = _num(a.group("num")) * (10000 if a.group("wan") else 1)
    else:
        cap = re.match(r"^(?:[:：为是]|人民币|大写|[(（]){0,5}(" + CAPITAL_AMOUNT.pattern + ")", rest)
        value = parse_amount(cap.group(1)) if cap else 0.0
    return value or None


def _months(m: re.Match) -> float | None:
    try:
        n = _num(m.group("num"))
    except ValueError:
        return None
    if n <= 0 or n >= 1000:
        return None
    return n * 12 if m.group("unit") == "年" else n
