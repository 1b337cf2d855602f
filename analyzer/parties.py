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


# "委托方（甲方）：…", "服务方(乙方)：…": the role in brackets after a role word
ROLE_IN_BRACKETS = re.compile(r"[\u4e00-\u9fff]{1,6}\s*[(（]\s*([甲乙丙])\s*方\s*[)）](?=\s*[:：])")


def _labels(lines: list[str]) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for line in lines:
        line = ROLE_IN_BRACKETS.sub(r"\1方", line)
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


COMPANY = r"[\u4e00-\u9fffA-Za-z0-9（）()·]{2,40}?(?:股份有限公司|有限责任公司|有限公司|集团|公司)"
SHORT_NAME = re.compile(rf"(?P<full>{COMPANY})[（(](?:以下)?简称[:：]?[“\"「]?(?P<short>[^”\"」）)，,]{{1,20}})")
PROVIDER_PHRASES = (
    re.compile(r"您与(?P<name>[^，。、\s“”\"]{2,30}?)之间"),
    re.compile(rf"感谢您(?:选择|使用)(?P<name>{COMPANY})"),
    re.compile(rf"(?P<name>{COMPANY})(?:向您|为您)提供"),
    re.compile(rf"您(?:与|和)(?P<name>{COMPANY})(?:[(（][^)）]{{0,30}}[)）])?(?:共同|之间|签署|签订|订立|达成|就)"),
)


LEAD_WORDS = ("用户购买", "用户使用", "用户", "欢迎", "您与", "您和", "您", "是由", "由", "购买", "选择", "使用", "感谢",
              "本服务由")


def _company(name: str) -> str:
    """A company name without the words of the sentence it was found in (是由…, 用户购买…)."""
    changed = True
    while changed:
        changed = False
        for lead in LEAD_WORDS:
            if name.startswith(lead) and len(name) - len(lead) >= 4:
                name, changed = name[len(lead):], True
    return name


# A company name is place + trade name + line of business + legal form: 江西 互动网络 科技 有限公司.
PLACES = ("北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建",
          "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
          "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门")
PLACE = re.compile(r"^(?:[\u4e00-\u9fff]{2,3}?(?:省|市|自治区|特别行政区)|" + "|".join(PLACES) + r")"
                   r"(?:[\u4e00-\u9fff]{2,3}?(?:市|区|县))?")
BUSINESS = re.compile(r"(?:科技|信息|技术|网络|通信|通讯|咨询|服务|企业|管理|软件|电子|商务|数据|智能|数字|"
                      r"云计算|互联网|文化|传媒|贸易|实业|发展|集团|股份|有限责任|有限|公司)$")

GENERIC = ("中国", "中华", "国际", "全球", "亚洲", "华夏", "东方")


def _core_name(full: str, folded_text: str) -> str | None:
    """The trade name a text calls the company by, when it does: 江西互动网络科技有限公司 → 互动网络.

    The place is taken off the front and business words off the end, one at a time; the
    longest of these names that the text uses at least twice on its own is the one."""
    name = PLACE.sub("", full, count=1)
    candidates = []
    while name:
        candidates.append(name)
        name = BUSINESS.sub("", name) if BUSINESS.search(name) else ""
    trade = BUSINESS.sub("", candidates[-1]) if candidates else ""  # what no business word is left on
    if len(trade) < 2:
        return None  # never a bare business word (服务, 网络)
    rest = folded_text.replace(fold(full), "")
    for c in candidates:
        if c != full and len(c) >= 2 and c not in GENERIC and rest.count(fold(c)) >= 2:
            return c  # nor a generic one (中国)
    return None


def provider(text: str) -> tuple[str | None, tuple[str, ...]]:
    """The named provider of a text that does not use 甲方/乙方, and the names it goes by."""
    head = fold(text[:3000])
    shorts: dict[str, str] = {}
    for m in SHORT_NAME.finditer(head):
        shorts.setdefault(m.group("short"), _company(m.group("full")))
    for pat in PROVIDER_PHRASES:
        m = pat.search(head)
        if m:
            name = m.group("name")
            full = shorts.get(name, _company(name))
            aliases = {full, name} | {short for short, f in shorts.items() if f == full}
            core = _core_name(full, fold(text))
            if core:
                aliases.add(core)
            return value_from_fold(text[:3000], full), tuple(sorted(aliases, key=len, reverse=True))
    return None, ()


def account_holder(text: str, role: str) -> str | None:
    """The company named as the holder of a role's bank account ("乙方账户信息：户名：…"):
    the role's name when the heading leaves it out."""
    folded = fold(text)
    m = re.compile(rf"{role}的?(?:对公|收款|指定)?(?:银行)?(?:账户|帐户|账号|帐号)(?:信息|资料)?[\s:：]*"
                   rf"(?:户名|公司名称|账户名称|帐户名称|开户名称|单位名称|名称)\s*[:：]\s*(?P<name>{COMPANY})").search(folded)
    return value_from_fold(text[m.start("name"):m.end("name")], m.group("name")) if m else None


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
        if vendor_role is None and ("乙方" in names or "乙方" in signature):
            vendor_role, evidence = "乙方", "no provider phrase found; 乙方 assumed"
    customer_role = None
    if vendor_role:
        others = [r for r in ("甲方", "乙方") if r != vendor_role and r in roles_present]
        customer_role = others[0] if others else None
    named, aliases = (None, ())
    if vendor_role is None:
        named, aliases = provider(text)
        if named:
            evidence = f"no 甲方/乙方; the provider is named: {named}"
    elif not (names.get(vendor_role) or signature.get(vendor_role)):
        named = account_holder(text, vendor_role)
    return Parties(names=names, signature_names=signature, vendor_role=vendor_role,
                   customer_role=customer_role, role_evidence=evidence, provider=named, provider_aliases=aliases)


# In documents without 甲方/乙方 the parties go by other words.
CUSTOMER_ALIASES = ("您", "用户", "客户方", "客户", "委托方", "委托人", "采购方", "采购人", "买方", "需方")
VENDOR_ALIASES = ("我们", "我司", "本公司", "本平台", "服务方", "服务商", "服务提供方", "服务提供者", "受托方", "受托人",
                  "咨询方", "咨询者", "供应商", "卖方", "供方")
_SWAP = re.compile("甲方|乙方")
_NON_SPACE = re.compile(r"\S+")
_SPACE = re.compile(r"\s")
_ALIAS = re.compile("|".join(sorted(CUSTOMER_ALIASES + VENDOR_ALIASES, key=len, reverse=True)))


class View:
    """A matching copy of a clause: folded, without whitespace, with the vendor written 乙方 and
    the customer 甲方. ``index[i]`` is the clause-text index of view character ``i``."""

    __slots__ = ("text", "index")

    def __init__(self, text: str, index: list[int] | range):
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
    names = p.provider_aliases if p is not None and aliases else ()
    return _view(text, swap, aliases, names)


def _replace_names(s: str, index: list[int] | range, names: tuple[str, ...]) -> tuple[str, list[int] | range]:
    """Write each of ``names`` (longest first) as 乙方, keeping the index map."""
    for name in names:
        if not name or name not in s:
            continue
        out, idx, pos = [], [], 0
        while True:
            k = s.find(name, pos)
            if k < 0:
                break
            out.append(s[pos:k])
            idx.extend(index[pos:k])
            out.append("乙方")
            idx.extend([index[k], index[k + len(name) - 1]])
            pos = k + len(name)
        out.append(s[pos:])
        idx.extend(index[pos:])
        s, index = "".join(out), idx
    return s, index


@functools.lru_cache(maxsize=4096)
def _view(text: str, swap: bool, aliases: bool, names: tuple[str, ...] = ()) -> View:
    folded = fold(text)
    if _SPACE.search(folded) is None:  # most clauses: nothing to take out
        s, index = folded, range(len(folded))
    else:
        chars, index = [], []
        for m in _NON_SPACE.finditer(folded):
            chars.append(m.group(0))
            index.extend(range(m.start(), m.end()))
        s = "".join(chars)
    if swap:
        s = _SWAP.sub(lambda m: "乙方" if m.group(0) == "甲方" else "甲方", s)
    if names:
        s, index = _replace_names(s, index, tuple(fold(n).replace(" ", "") for n in names))
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
