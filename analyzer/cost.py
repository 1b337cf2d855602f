"""Like-for-like cost: what each contract costs a year, over its term and up front.

Contracts price in different ways (a total for three years, a fee per year, a prepaid balance,
a minimum spend), so the numbers are brought to the same footing, from the terms the analyzer
read (``Terms``) and nothing else:

- ``annual_cost`` (元 a year): the contract's own price per year when it prices per year
  (``Terms.annual_amount``); otherwise the contract amount spread over the term,
  ``contract_amount × 12 / term_months``, when both are stated; otherwise None. An amount with
  no term has no annual cost: how long the contract runs is not guessed.
- ``total_over_term`` (元): the contract amount (the total the customer pays under the
  contract); for a price per year with no stated total, the price per year × the term in years.
- ``prepaid`` (元): money paid up front (预存/预付/预充). It is usually spent on usage, so it is
  shown beside the cost and not added to it.
- ``minimum_exposure`` (元): the minimum spend per year × the term in years, what the customer
  owes even if it uses nothing; None unless both are stated.
- ``refundable``: whether prepaid or unused money comes back. "yes": a refund_on_vendor_fault
  protection and no non_refundable finding; "no": a non_refundable finding and no such
  protection; "partly": both; None: neither.
- ``rate_per_minute`` and ``sms_rate`` are shown side by side, not turned into a cost.

Not counted: usage beyond what the amount covers (minutes and messages at their rates), fees
outside the stated total, taxes the total does not include, penalties, and renewals after the
term. When the amount's figure and its capitals disagree (5000元（叁仟伍佰元整）) the amount is
None and both candidates are kept and shown ("5000 或 3500？"), and so are the annual cost and
the total derived from them.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from .model import Analysis, Finding, Protection, Terms

NON_REFUNDABLE = "non_refundable"  # the finding: paid or unused money is kept
REFUND_ON_FAULT = "refund_on_vendor_fault"  # the protection: unused money comes back


class Column(NamedTuple):
    key: str  # the Cost field
    label: str
    decimals: int | None  # shown at most; None for a word


COLUMNS = (
    Column("contract_amount", "合同金额（元）", 2),
    Column("annual_cost", "年化费用（元/年）", 2),
    Column("term_months", "合同期（月）", 1),
    Column("total_over_term", "期内总额（元）", 2),
    Column("prepaid", "预存/预付（元）", 2),
    Column("minimum_exposure", "最低消费敞口（元）", 2),
    Column("refundable", "余额可退", None),
    Column("rate_per_minute", "通话（元/分钟）", 4),
    Column("sms_rate", "短信（元/条）", 4),
)
VENDOR = "供应商"
# how to read the table, shown under it
COST_NOTE = ("年化费用 = 合同金额 ÷ 合同年数（按年计价的取年价）；期内总额为整个合同期应付的金额；"
             "预存款通常用于抵扣用量，单列而不计入费用；最低消费敞口 = 每年最低消费 × 合同年数。"
             "未计入：超出套餐的用量、合同总价以外的费用、税费、违约金和续约。")
UNKNOWN = "未约定"
REFUNDABLE = {"yes": "可退", "no": "不可退", "partly": "部分可退"}
# the columns whose value may be two disputed figures, and the Cost field that holds them
DISPUTED = {"contract_amount": "amount_candidates", "total_over_term": "amount_candidates",
            "annual_cost": "annual_candidates"}


@dataclass(frozen=True)
class Cost:
    """One contract's cost on a like-for-like footing (see the module docstring); None where the
    contract does not say."""

    contract_amount: float | None = None
    amount_candidates: tuple[float, ...] = ()  # the amount's figure and capitals, when they disagree
    term_months: float | None = None
    annual_cost: float | None = None
    annual_candidates: tuple[float, ...] = ()  # the disputed amount, a year
    total_over_term: float | None = None
    prepaid: float | None = None
    minimum_exposure: float | None = None
    refundable: str | None = None  # "yes", "no", "partly"
    rate_per_minute: float | None = None
    sms_rate: float | None = None

    def values(self) -> dict[str, float | str | None]:
        """The raw value of each column, keyed by field name."""
        return {col.key: getattr(self, col.key) for col in COLUMNS}


def cost(analysis: Analysis) -> Cost:
    """The like-for-like cost of one analysed contract."""
    t = analysis.terms
    years = t.term_months / 12 if t.term_months else None
    return Cost(
        contract_amount=t.contract_amount,
        amount_candidates=t.amount_candidates,
        term_months=t.term_months,
        annual_cost=_annual(t, years),
        annual_candidates=tuple(x / years for x in t.amount_candidates) if years else (),
        total_over_term=_total(t, years),
        prepaid=t.prepaid,
        minimum_exposure=t.minimum_spend * years if t.minimum_spend is not None and years else None,
        refundable=refundable(analysis.findings, analysis.protections),
        rate_per_minute=t.rate_per_minute,
        sms_rate=t.sms_rate,
    )


def _annual(t: Terms, years: float | None) -> float | None:
    if t.annual_amount is not None:
        return t.annual_amount
    return t.contract_amount / years if t.contract_amount is not None and years else None


def _total(t: Terms, years: float | None) -> float | None:
    if t.contract_amount is not None:
        return t.contract_amount
    return t.annual_amount * years if t.annual_amount is not None and years else None


def refundable(findings: tuple[Finding, ...], protections: tuple[Protection, ...]) -> str | None:
    """"yes", "no" or "partly" (see the module docstring); None when the contract says neither."""
    kept = any(f.flag == NON_REFUNDABLE for f in findings)
    returned = any(p.code == REFUND_ON_FAULT for p in protections)
    if kept and returned:
        return "partly"
    if kept or returned:
        return "no" if kept else "yes"
    return None


def cost_rows(costs: Mapping[str, Cost]) -> list[dict[str, str]]:
    """One row per vendor, the VENDOR column then the COLUMNS labels, values formatted for display:
    a disputed amount as "5000 或 3500？", an unknown as 未约定."""
    return [{VENDOR: name, **{col.label: _shown(c, col) for col in COLUMNS}} for name, c in costs.items()]


def _shown(c: Cost, col: Column) -> str:
    value = getattr(c, col.key)
    if value is None:
        disputed = getattr(c, DISPUTED[col.key]) if col.key in DISPUTED else ()
        return " 或 ".join(_number(x, col.decimals) for x in disputed) + "？" if disputed else UNKNOWN
    return REFUNDABLE[value] if col.decimals is None else _number(value, col.decimals)


def term_text(t: Terms, key: str) -> str:
    """One of the spec's terms as shown: its number, both figures of a disputed amount
    ("5000 或 3500？"), or 未约定."""
    value = getattr(t, key)
    if value is not None:
        return f"{value:g}"
    if key == "contract_amount" and t.amount_candidates:
        return " 或 ".join(f"{x:g}" for x in t.amount_candidates) + "？"
    return UNKNOWN


def _number(x: float, decimals: int) -> str:
    """A number with at most ``decimals`` places and no trailing zeros: 12000.0 → "12000"."""
    return f"{x:.{decimals}f}".rstrip("0").rstrip(".")
