"""Clauses of one contract that contradict each other, each with both quotes.

Two kinds are read from the clauses alone: two forums for disputes and renewal rules that
disagree (these, with two amounts or two terms for one contract, are the spec's
``conflicting_clauses`` document issue). Two more need the findings: a refund the contract
refuses in one place and grants in another for the same event (the customer ending the
contract), and a right to terminate the customer is given in one place and denied in another.
Those depend on which clause governs which case, so they are reported for the reader to check
and are not document issues.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .literals import SEPARATOR, gate
from .model import Clause, Finding, Parties, Protection
from .score import reading_of
from .terms import stated_terms, stated_totals

FORUM = re.compile(
    r"(?:提交|提起|提请|向|由|交|报)(?P<where>[^。；，,]{0,16}?)(?P<kind>仲裁委员会|仲裁院|仲裁中心|法院)"
    r"(?=[^。；]{0,14}(?:诉讼|起诉|仲裁|裁决|管辖|解决|审理))")
AUTO_RENEW = re.compile(r"续展|自动续(?:约|期|签|订)|自动(?:顺延|延(?:续|长))")
NOT_RENEWED = re.compile(r"不(?:得|再|予)?续展|不自动续")
NO_RENEW = re.compile(r"视为(?:不再|不|放弃)续(?:约|签|订|展)|不再续约")
# the customer ending the contract early, or by its own choice
CUSTOMER_ENDS = re.compile(r"甲方[^。；]{0,12}(?:提前|选择|申请|要求|单方)?[^。；]{0,4}(?:终止|解除|停用|退出)")
AT_WILL = re.compile(r"随时|任意|无需(?:任何)?理由|提前[^。；]{0,8}(?:书面)?通知[^。；]{0,8}(?:终止|解除)")
NO_EARLY_EXIT = re.compile(r"甲方[^。；]{0,10}(?:不得|不能|无权|不可)[^。；]{0,6}(?:提前|单方|擅自)?(?:终止|解除)")

# renewal rules are rare: the clauses are read for them only when the contract holds their words
MAY_AUTO_RENEW, MAY_NO_RENEW = gate(AUTO_RENEW), gate(NO_RENEW)
# a forum is named in few clauses, and FORUM scans slowly (from 向, 由…): a clause is read for it
# only when it holds the words the pattern needs
MAY_FORUM = gate(FORUM)

KINDS = {"forum": "争议解决地约定不一致", "renewal": "续约约定相互矛盾", "amount": "合同金额前后不一致",
         "term": "合同期限前后不一致", "refund": "退款约定相互矛盾（同为甲方提前终止，一处退款、一处不退）",
         "termination": "甲方解除权约定相互矛盾（一处允许、一处禁止）"}
DOCUMENT_KINDS = ("forum", "renewal", "amount", "term")  # reported as conflicting_clauses


@dataclass(frozen=True)
class Contradiction:
    kind: str  # a key of KINDS
    first: str  # clause ids
    second: str
    first_quote: str
    second_quote: str

    @property
    def label(self) -> str:
        return KINDS[self.kind]


def _sentence(clause: Clause, parties: Parties | None, m_start: int, m_end: int) -> str:
    """The clause's words of the sentence holding a match (view offsets)."""
    r = reading_of(clause, parties)
    s = next((s for s in r.sentences if s.start <= m_start < s.end), None)
    a, b = r.view.span(s.start, s.end) if s else r.view.span(m_start, m_end)
    return clause.text[a:b].strip()


def forum_key(where: str, kind: str) -> str:
    w = re.sub(r"\s+", "", where)
    if kind != "法院":
        return "arbitration:" + re.sub(r"^(?:将争议|争议|由|至|到)", "", w)
    for word, key in (("甲方", "customer"), ("乙方", "vendor"), ("原告", "plaintiff"), ("被告", "defendant"),
                      ("签署地", "signing"), ("签订地", "signing"), ("履行地", "performance")):
        if word in w:
            return "court:" + key
    named = re.search(r"([\u4e00-\u9fff]{2,10}(?:市|区|县))", w)
    return "court:" + named.group(1) if named else ""


def in_clauses(clauses, parties: Parties | None = None) -> list[Contradiction]:
    """Two forums; an automatic renewal beside a rule that the contract is not renewed; two
    contract amounts; two terms."""
    forums: dict[str, tuple[Clause, str]] = {}
    renew = no_renew = None
    body = [c for c in clauses if c.style != "signature"]
    views = [reading_of(c, parties).view.text for c in body]
    joined = SEPARATOR.join(views)  # no word of a gate holds the separator
    renewals, endings = MAY_AUTO_RENEW(joined), MAY_NO_RENEW(joined)
    for c, v in zip(body, views):
        for m in FORUM.finditer(v) if MAY_FORUM(v) else ():
            key = forum_key(m.group("where"), m.group("kind"))
            if key and key not in forums:
                forums[key] = (c, _sentence(c, parties, m.start(), m.end()))
        if renew is None and renewals and (m := AUTO_RENEW.search(v)) and not NOT_RENEWED.search(v):
            renew = (c, _sentence(c, parties, m.start(), m.end()))
        if no_renew is None and endings and (m := NO_RENEW.search(v)):
            no_renew = (c, _sentence(c, parties, m.start(), m.end()))
    out = []
    places = list(forums.values())
    # "court or arbitration" within one clause is a choice, not a contradiction
    other = next((p for p in places[1:] if p[0].id != places[0][0].id), None)
    if other:
        out.append(Contradiction("forum", places[0][0].id, other[0].id, places[0][1], other[1]))
    if renew and no_renew and renew[0].id != no_renew[0].id:
        out.append(Contradiction("renewal", renew[0].id, no_renew[0].id, renew[1], no_renew[1]))
    for kind, stated in (("amount", stated_totals(body, parties)), ("term", stated_terms(body, parties))):
        k = _two_values(kind, list(stated), parties)
        if k:
            out.append(k)
    return out


def _two_values(kind: str, stated, parties) -> Contradiction | None:
    """The first value stated and the first other value stated in another clause."""
    if not stated:
        return None
    value, c, a, b = stated[0]
    other = next((s for s in stated[1:] if s[1].id != c.id and abs(s[0] - value) > 0.005), None)
    if other is None:
        return None
    return Contradiction(kind, c.id, other[1].id, _sentence(c, parties, a, b),
                         _sentence(other[1], parties, other[2], other[3]))


def in_rights(clauses, parties: Parties | None, findings: tuple[Finding, ...],
              protections: tuple[Protection, ...]) -> list[Contradiction]:
    """A refund refused and granted for the customer's early exit; a right to terminate given and denied."""
    by_id = {c.id: c for c in clauses}

    def says(pattern, item) -> bool:  # in the clause: the event may open the sentence before the quote
        return pattern.search(reading_of(by_id[item.clause_id], parties).view.text) is not None

    out = []
    refused = next((f for f in findings if f.flag == "non_refundable" and not f.regulatory
                    and says(CUSTOMER_ENDS, f)), None)
    granted = next((p for p in protections if p.code in ("refund_on_vendor_fault", "customer_termination_right")
                    and "退" in p.quote and says(CUSTOMER_ENDS, p)), None)
    if refused and granted and refused.clause_id != granted.clause_id:
        out.append(Contradiction("refund", granted.clause_id, refused.clause_id, granted.quote, refused.quote))
    right = next((p for p in protections if p.code == "customer_termination_right" and says(AT_WILL, p)), None)
    if right is None:
        return out
    for c in clauses:
        m = NO_EARLY_EXIT.search(reading_of(c, parties).view.text) if c.id != right.clause_id else None
        if m:
            out.append(Contradiction("termination", right.clause_id, c.id, right.quote,
                                     _sentence(c, parties, m.start(), m.end())))
            break
    return out


def find(clauses, parties: Parties | None, findings, protections, *,
         known: list[Contradiction] | None = None) -> tuple[Contradiction, ...]:
    """Every contradiction of a contract, the clause-only kinds first (``known``: those of
    ``in_clauses`` when found already)."""
    first = in_clauses(clauses, parties) if known is None else known
    return tuple(first + in_rights(clauses, parties, findings, protections))
