"""Party names and roles: who is 甲方/乙方, and which of them provides the service.

Names come from the heading (the role lines before the first clause) and from the signature
block; the vendor is read from the text ("乙方向甲方提供…", "甲方向乙方支付…"), never assumed
from the letter. ``vendor_role`` overrides the detection.
"""
from __future__ import annotations

import functools
import re
from collections import Counter

from .errors import SettingsError
from .model import Clause, Parties
from .normalize import fold

ROLES = ("甲方", "乙方", "丙方")
# a role label and its value; the value stops where a second label starts on the same line
LABEL = re.compile(r"(?P<role>[甲乙丙])\s*方\s*(?:[(（][^)）]{0,10}[)）])?\s*[:：][ \t\u3000]*?(?P<value>[^\n]*?)"
                   r"(?=\s*[甲乙丙]\s*方\s*(?:[(（][^)）]{0,10}[)）])?\s*[:：]|\s*$)")
NOT_A_NAME = re.compile(r"^(?:\(|（)?(?:以下简称|盖章|签章|签字|公章)|^[_\s.．…]*$")
_SIDE = r"(?P<{}>[甲乙])方"
PROVIDES = (
    # X provides to Y
    re.compile(r"(?P<x>[甲乙])方(?:继续|同意|负责|应|将)?(?:向|为|给)(?P<y>[甲乙])方(?:[^。；，,]{0,12})?(?:提供|开通|交付)"),
    re.compile(r"由(?P<x>[甲乙])方(?:向|为)(?P<y>[甲乙])方提供"),
    re.compile(r"(?P<x>[甲乙])方让(?P<y>[甲乙])方使用"),
    # Y uses what X provides, Y pays X
    re.compile(r"(?P<y>[甲乙])方(?:使用|租用|购买|申请)(?P<x>[甲乙])方(?:提供|的)"),
    re.compile(r"(?P<y>[甲乙])方(?:应|须|需)?(?:按时|及时)?(?:向|给)(?P<x>[甲乙])方(?:支付|付款|缴纳|交纳|打款|汇款)"),
    re.compile(r"(?P<y>[甲乙])方(?:应|须|需)?(?:按时|及时)?(?:支付|缴纳|交纳)[^。；]{0,10}(?:给|予)(?P<x>[甲乙])方"),
)


def _clean_name(value: str) -> str | None:
    v = fold(value).strip(" \t:：")
    v = re.split(r"\s{2,}|[(（]以下简称|\s*[(（](?:盖章|签章|签字|公章)[)）]", v)[0].strip()
    v = re.sub(r"\s+", " ", v)
    if not v or NOT_A_NAME.match(v) or len(v) > 60:
        return None
    return value_from_fold(value, v)


def value_from_fold(original: str, folded: str) -> str:
    """The original spelling of a folded name (names are quoted as written)."""
    f = fold(original)
    i = f.find(folded)
    return original[i:i + len(folded)] if i >= 0 else folded


def _labels(lines: list[str]) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for line in lines:
        for m in LABEL.finditer(line):
            role = m.group("role") + "方"
            if role in found and found[role]:
                continue
            found[role] = _clean_name(m.group("value"))
    return found


def detect_vendor_role(text: str) -> tuple[str | None, str]:
    """The role that provides the service, and the phrase that shows it."""
    votes: Counter[str] = Counter()
    first: dict[str, str] = {}
    t = re.sub(r"\s+", "", fold(text))
    for pat in PROVIDES:
        for m in pat.finditer(t):
            x, y = m.group("x"), m.group("y")
            if x == y:
                continue
            votes[x + "方"] += 1
            first.setdefault(x + "方", m.group(0))
    if not votes:
        return None, ""
    role, _ = max(votes.items(), key=lambda kv: (kv[1], kv[0] == "乙方"))
    return role, first[role]


def parties(text: str, clauses: tuple[Clause, ...], *, vendor_role: str | None = None) -> Parties:
    """Names from the heading and the signature block, and the roles."""
    first_numbered = next((i for i, c in enumerate(clauses) if c.number), len(clauses))
    heading_lines = [c.text for c in clauses[:first_numbered]]
    signature_lines = [c.text for c in clauses if c.style == "signature"]
    names = _labels(heading_lines)
    signature = _labels(signature_lines)
    roles_present = [r for r in ROLES if r in names or r in signature or r in text]
    if vendor_role is not None:
        if vendor_role not in ROLES:
            raise SettingsError(f"vendor role {vendor_role!r} is not one of {', '.join(ROLES)}")
        evidence = "set by the user"
    else:
        vendor_role, evidence = detect_vendor_role(text)
        if vendor_role is None and "乙方" in roles_present:
            vendor_role, evidence = "乙方", "no provider phrase found; 乙方 assumed"
    customer_role = None
    if vendor_role:
        others = [r for r in ("甲方", "乙方") if r != vendor_role and r in roles_present]
        customer_role = others[0] if others else None
    return Parties(names=names, signature_names=signature, vendor_role=vendor_role,
                   customer_role=customer_role, role_evidence=evidence)


# In documents without 甲方/乙方 the parties go by other words.
CUSTOMER_ALIASES = ("您", "用户", "客户方", "客户", "委托方", "买方", "需方")
VENDOR_ALIASES = ("我们", "我司", "本公司", "本平台", "服务方", "服务商", "受托方", "卖方", "供方")
_SWAP = re.compile("甲方|乙方")
_ALIAS = re.compile("|".join(sorted(CUSTOMER_ALIASES + VENDOR_ALIASES, key=len, reverse=True)))


class View:
    """A matching copy of a clause: folded, without whitespace, with the vendor written 乙方 and
    the customer 甲方. ``index[i]`` is the clause-text index of view character ``i``."""

    __slots__ = ("text", "index")

    def __init__(self, text: str, index: list[int]):
        self.text, self.index = text, index

    def span(self, start: int, end: int) -> tuple[int, int]:
        """View [start, end) → clause-text [start, end)."""
        if start >= end:
            return (self.index[start] if start < len(self.index) else (self.index[-1] + 1 if self.index else 0),) * 2
        return self.index[start], self.index[end - 1] + 1


def view(text: str, p: Parties | None) -> View:
    """The role-normalised matching view of ``text`` (see View). Cached: every stage asks."""
    swap = p is not None and p.vendor_role == "甲方"
    aliases = p is None or p.vendor_role is None
    return _view(text, swap, aliases)


@functools.lru_cache(maxsize=4096)
def _view(text: str, swap: bool, aliases: bool) -> View:
    folded = fold(text)
    chars, index = [], []
    for i, ch in enumerate(folded):
        if not ch.isspace():
            chars.append(ch)
            index.append(i)
    s = "".join(chars)
    if swap:
        s = _SWAP.sub(lambda m: "乙方" if m.group(0) == "甲方" else "甲方", s)
    if aliases:
        out, idx, last = [], [], 0
        for m in _ALIAS.finditer(s):
            out.append(s[last:m.start()])
            idx.extend(index[last:m.start()])
            word = "甲方" if m.group(0) in CUSTOMER_ALIASES else "乙方"
            out.append(word)
            idx.extend([index[m.start()]] * 1 + [index[m.end() - 1]] * (len(word) - 1))
            last = m.end()
        out.append(s[last:])
        idx.extend(index[last:])
        s, index = "".join(out), idx
    return View(s, index)
