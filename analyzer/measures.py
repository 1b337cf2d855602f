"""Checks a rule can name as its `measure`, and the numbers a flag can show as its `details`.

Both are registries: rules.yaml names them, the rule book refuses a name that is not here, and
the scorer calls them. A measure looks at one view sentence once a rule's trigger has fired and
says whether the finding stands, and with what value; a detail reader pulls one number a
reader wants beside a finding (a notice period, the basis of a cap).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .numerals import to_number
from .parties import is_org
from .terms import penalties


@dataclass(frozen=True)
class Context:
    """What a rule may know beyond the sentence: the parties' names and the penalty screen."""

    vendor: str | None = None
    customer: str | None = None
    penalty_screen_pct: float = 30.0
    penalty_daily_pct: float = 0.5
    standard_form: bool = False  # the vendor's own terms: click-through, or a template left blank for the customer
    click_through: bool = False  # terms the customer accepts online, without 甲方/乙方


@dataclass(frozen=True)
class Measured:
    """A measure's verdict: the finding stands, binds both sides or not, with a value."""

    mutual: bool | None = None  # None: leave it to the rule's `mutual` patterns
    value: float | None = None


def penalty(sentence: str, m: re.Match, context: Context) -> Measured | None:
    """A penalty on the customer at or above the screen, a daily rate at or above the daily
    screen, a fixed fine, or the unused fees kept as the penalty."""
    pens = [p for p in penalties(sentence) if p.payer in ("customer", "either")
            and ((p.pct is not None and p.pct >= context.penalty_screen_pct) or p.fixed is not None or p.forfeits
                 or (p.daily is not None and p.daily >= context.penalty_daily_pct))]
    if not pens:
        return None
    value = max((p.pct for p in pens if p.pct is not None), default=None)
    return Measured(all(p.payer == "either" for p in pens), value)


def vendor_penalty(sentence: str, m: re.Match, context: Context) -> Measured | None:
    """A penalty the vendor pays (alone or as either side)."""
    return Measured() if any(p.payer in ("vendor", "either") for p in penalties(sentence)) else None


SIGNING_PLACE = ("签订地", "签约地", "签署地")
CITY = re.compile(r"([\u4e00-\u9fff]{2,3}?)(?:省|市|自治区)")


def vendor_seat(sentence: str, m: re.Match, context: Context) -> Measured | None:
    """A court or arbitration seat in the vendor's city (the city in its name, not the
    customer's); in the vendor's own standard terms, any court or seat named that is not the
    customer's; in terms accepted online, the place of signing (the vendor's own)."""
    seat = m.group("seat") if m is not None and "seat" in m.re.groupindex else ""
    vendor, customer = context.vendor or "", context.customer or ""
    if seat in SIGNING_PLACE:
        return Measured() if context.click_through else None
    if is_org(seat):  # "向X有限公司所在地法院起诉": the court of a company that is not the customer
        return None if customer and (customer in seat or seat in customer) else Measured()
    places = [seat[-n:] for n in (4, 3, 2) if len(seat) >= n]
    places += [c.group(1)[-n:] for c in CITY.finditer(seat) for n in (3, 2)]
    if any(p in customer for p in places) or "甲方" in seat:
        return None
    if any(p in vendor for p in places) or context.standard_form:
        return Measured()
    return None


MEASURES = {"penalty": penalty, "vendor_penalty": vendor_penalty, "vendor_seat": vendor_seat}


# -- details ---------------------------------------------------------------------------------

_N = r"(?P<n>\d+|[零一二两三四五六七八九十百]+)"
NOTICE_PERIOD = re.compile(rf"(?:提前|事先|预先|[到届]期前|之前|前)\s*{_N}\s*个?(?P<unit>工作日|自然日|日|天|小时|个月|月)"
                           r"[^。；]{0,8}(?:通知|告知|公告)")
CURE_PERIOD = re.compile(rf"{_N}\s*个?(?P<unit>工作日|自然日|日|天|小时)(?:内|之内)[^。；]{{0,6}}"
                         r"(?:纠正|改正|补正|整改|补足|续费|付款|支付|交清)")
GRACE_PERIOD = re.compile(rf"(?:超过|逾期|满|停断|欠费)\s*{_N}\s*个?(?P<unit>工作日|自然日|日|天|个月)")
CAP_BASIS = re.compile(r"(?:不超过|不得超过|最高不超过|上限为?|(?:最高|赔偿)限额为?|最高额为?|以)"
                       r"(?P<basis>[^。；，,]{2,24}?)(?:为限|。|；|，|,|$)")


def _days(m: re.Match) -> float:
    n, unit = to_number(m.group("n")), m.group("unit")
    return {"小时": n / 24, "个月": n * 30, "月": n * 30}.get(unit, n)


def _period(name: str, pattern: re.Pattern):
    def read(sentence: str) -> dict:
        m = pattern.search(sentence)
        if not m:
            return {}
        try:
            return {f"{name}_days": round(_days(m), 2)}
        except ValueError:
            return {}
    return read


def cap_basis(sentence: str) -> dict:
    m = CAP_BASIS.search(sentence)
    return {"cap_basis": m.group("basis")} if m else {}


DETAIL_READERS = {"cap_basis": cap_basis, "notice": _period("notice", NOTICE_PERIOD),
                  "cure": _period("cure", CURE_PERIOD), "grace": _period("grace", GRACE_PERIOD)}
