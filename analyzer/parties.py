"""Who is who: one resolver for every name a party goes by.

A contract names its parties in many ways: role labels in the heading or the signature block
("甲方：…", "受托方（乙方）：…"), a full name with its short names anywhere in the text
("X（以下简称“本公司”）", "X（下称“商户”或“甲方”）"), a trade name, the words a vendor's own terms
use for itself and the reader (本公司, 平台, 我方 / 您, 用户), a bank account's holder. The vendor
is the side that provides the service, read from what the text says each side does ("乙方向甲方
提供…", "X为您提供…", "您与X之间…"), never from the letter. ``resolve`` gathers all of it once;
every later stage reads the role-normalised text built from the words it took for each side
(see ``reading``).
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import SettingsError
from .literals import Prefilter, gate
from .model import Parties, ROLE_CHOICES
from .normalize import fold, folding_to, squash
from .taxonomy import resource_yaml

ROLES = ("甲方", "乙方", "丙方")


@functools.lru_cache(maxsize=1)
def vocabulary() -> dict:
    """resources/parties.yaml: role words, self-references, organisation endings."""
    return resource_yaml("parties.yaml")


def generic() -> Parties:
    """What a text of unknown parties is read with: the role and self-reference words."""
    v = vocabulary()
    return Parties({}, {}, None, None, "no text", vendor_words=("乙方", *v["vendor_roles"], *v["vendor_self"]),
                   customer_words=("甲方", *v["customer_roles"], *v["customer_self"]))


# -- labels ----------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _label_pattern() -> re.Pattern:
    """A role label and its value; the value stops where a second label starts on the same line."""
    v = vocabulary()
    words = "|".join(sorted(v["vendor_roles"] + v["customer_roles"], key=len, reverse=True))
    role = rf"(?:[甲乙丙]\s*方|{words})"
    bracket = r"(?:\s*[(（][^)）]{0,10}[)）])?"
    return re.compile(rf"(?<![\u4e00-\u9fff])[【\[]?(?P<role>{role})[】\]]?{bracket}\s*[:：][ \t\u3000]*?"
                      rf"(?P<value>[^\n]*?)(?=\s*[【\[]?{role}[】\]]?{bracket}\s*[:：]|\s*$)")


# "委托方（甲方）：…", "【受托方】（乙方）：…": the letter in brackets after a role word is the label
LETTER_IN_BRACKETS = r"[(（]\s*([甲乙丙])\s*方\s*[)）]"
ROLE_IN_BRACKETS = re.compile(rf"[【\[]?[\u4e00-\u9fff]{{1,6}}[】\]]?\s*{LETTER_IN_BRACKETS}(?=\s*[:：])")
# a quick search that finds something in every text ROLE_IN_BRACKETS matches in
MAY_ROLE_IN_BRACKETS = re.compile(LETTER_IN_BRACKETS).search
NOT_A_NAME = re.compile(r"^(?:\(|（)?(?:以下简称|盖章|签章|签字|公章)|^[_\s.．…【】\[\]—－\-–/]*$")
# a value that is only a note in brackets says who signs, and is neither a name nor a blank ("乙方：（学员）")
ONLY_A_NOTE = re.compile(r"^\s*[(（][^()（）_]+[)）]\s*$")
# a label that defines its party: "甲方：指上海某某实业有限公司，统一社会信用代码：…" (folded)
DEFINED_AS = re.compile(r"(?:是指|系指|即指|指)(?P<name>[^,。;]+)")
NAME_END = re.compile(r"\s{2,}|[(（](?:以下|下称|简称|或简称|或称)|\s*[(（](?:盖章|签章|签字|公章|客户|用户)[)）]"
                      r"|\s+[\u4e00-\u9fff]{2,8}\s*[:：]")  # or where the next field's label starts


def _clean_name(value: str) -> str | None:
    """The name in a label's value, as written; None when the value is blank or only says what
    kind of party it is ("委托服务旅客")."""
    return _name_in(value, _name_part(value))


# a blank in brackets after a kind of party, where its name is to be filled in: "项目发起人（________）"
BLANK_AFTER = re.compile(r"\s*[(（]_+[)）]$")


def _name_in(value: str, v: str) -> str | None:
    """``_clean_name`` of a value whose name part (``_name_part``) is ``v``."""
    if not v or NOT_A_NAME.match(v) or len(v) > 60:
        return None
    if _generic_noun().search(BLANK_AFTER.sub("", v) if "_" in v else v) and not _org().search(v):
        return None
    return value_from_fold(value, v)


def _name_part(value: str) -> str:
    """A label's value folded, up to where the name ends (a note in brackets, the next label)."""
    v = fold(value).strip(" \t:：")
    v = v.strip("【】[] \t")
    v = NAME_END.split(v)[0].strip(" 【】[]")
    defined = DEFINED_AS.match(v)
    return re.sub(r"\s+", " ", defined.group("name") if defined else v)


@functools.lru_cache(maxsize=1)
def _generic_noun() -> re.Pattern:
    return re.compile(f"(?:{'|'.join(vocabulary()['kinds_of_party'])})$")


def value_from_fold(original: str, folded: str) -> str:
    """The original spelling of a folded name (names are quoted as written)."""
    f = fold(original)
    i = f.find(folded)
    return original[i:i + len(folded)] if i >= 0 else folded


def labels(lines: list[str]) -> dict[str, str | None]:
    """Role label → the name after it, the first filled one of each role (also from a heading
    laid out in two columns)."""
    found: dict[str, str | None] = {}
    for role, value in _label_values(lines):
        if not found.get(role):
            found[role] = _clean_name(value)
    for role, name in columns(lines).items():
        if not found.get(role):
            found[role] = name
    return found


def kinds(lines: list[str]) -> dict[str, str]:
    """Role label → the kind of party written after it instead of a name ("乙方：委托服务旅客"),
    for the labels that name none: such a label is not blank."""
    found: dict[str, str] = {}
    for role, value in _label_values(lines):
        v = _name_part(value)
        if v and _name_in(value, v) is None and not NOT_A_NAME.match(v):
            found.setdefault(role, v)
    return found


def _label_values(lines: list[str]):
    """(role, value) of each role label in the lines, in order; a value that is only a note in
    brackets is left out."""
    pattern = _label_pattern()
    for line in lines:
        if ":" not in line and "：" not in line:
            continue  # every label ends in a colon
        line = ROLE_IN_BRACKETS.sub(r"\1方", line) if MAY_ROLE_IN_BRACKETS(line) else line
        for m in pattern.finditer(line):
            if not ONLY_A_NOTE.match(m.group("value")):
                yield re.sub(r"\s", "", m.group("role")), m.group("value")


# a heading in two columns: "定作方（甲方）   承揽方（乙方）" over "单位名称:…   单位名称:…"
COLUMN_HEAD = re.compile(r"^\s*(?:[\u4e00-\u9fff]{1,5}\s*[(（]\s*)?(?P<a>[甲乙])\s*方\s*[)）]?\s{1,}"
                         r"(?:[\u4e00-\u9fff]{1,5}\s*[(（]\s*)?(?P<b>[甲乙])\s*方\s*[)）]?\s*$")
COLUMN_NAMES = re.compile(r"^\s*(?:单位|公司)?名称\s*[:：]\s*(?P<a>\S*)\s+(?:单位|公司)?名称\s*[:：]\s*(?P<b>\S*)\s*$")


def columns(lines: list[str]) -> dict[str, str | None]:
    """Names from a two-column heading, by the letters over the columns."""
    fang = folding_to("方")  # a head holds 方: a line without a character that folds to it is not folded
    for i, line in enumerate(lines[:-1]):
        head = COLUMN_HEAD.match(fold(line)) if any(map(line.__contains__, fang)) else None
        if head and head.group("a") != head.group("b"):
            for below in lines[i + 1:i + 4]:
                names = COLUMN_NAMES.match(fold(below))
                if names:
                    return {head.group(k) + "方": _clean_name(names.group(k)) for k in ("a", "b")}
    return {}


# -- definitions: a name and the short names the text calls it by ------------------------------

DEFINITION = re.compile(r"[(（](?P<inner>[^（()）\n]{0,60}?)[)）]")
DEFINES = re.compile(r"(?:以下|下文|下|以上)?(?:简称|称为|统称|合称|称)(?:为)?[:：]?")
QUOTE_OPENS = "“\"「『‘'"
QUOTED = re.compile(rf"[{QUOTE_OPENS}]\s*(?P<q>[^”\"」』’'\s]{{1,16}}?|[A-Za-z][A-Za-z0-9.&\- ]{{1,40}}?[A-Za-z0-9.])\s*[”\"」』’']")
SAME_BELOW = re.compile(r"[，,]\s*(?:以下|下文|下)同$")  # "，下同": the short name holds from here on
BARE = re.compile(r"^(?P<q>[\u4e00-\u9fffA-Za-z]{1,12})")
# the words of a sentence before the name it speaks of ("本协议为X", "…全资子公司X", "…授权X")
LEAD = re.compile(r"^.*?(?:是由|由|成为|(?:协议|条款|合同|服务)(?:为|是)|(?:购买|选择|使用)的?|感谢您|欢迎您与|您与|您和|授权|"
                  r"全资子公司|子公司|旗下|委托|提供方|提供商|运营方|承运人|承运方|归属于|属于|均归|是指|系指|即指|指|[】\]］])|^[)）]+[与和及]?"
                  r"|^与|^即")  # "用户[…]与杭州…有限公司": the other party's description ends with its 与; "，即杭州…"
# a company named with its affiliates ("…有限公司及其关联公司（以下简称“Wederful”）"): the company itself
AFFILIATES = re.compile(r"(?:及|和|与|或)其(?:关联公司|关联方|关联企业|子公司|分公司|分支机构)$")
# a name in Latin letters right before a bracket: "FedRoad.com Logistics（以下简称本公司）"
LATIN_NAME = re.compile(r"(?<![A-Za-z0-9.&\- ])[A-Za-z][A-Za-z0-9.&\- ]{1,60}[A-Za-z0-9.]$")
# a name in quotes right before a bracket: "“悠哉工作网”（域名为…，以下简称“悠哉工作”）"
QUOTED_NAME = re.compile(r"[“\"「]([^”\"」，,。；\s]{2,20})[”\"」]\s*$")
# a definitions list: "1.中译语通科技（北京）有限公司：以下简称“甲方”。"
DEFINITION_LINE = re.compile(r"(?m)^[ \t]*(?:\d{1,2}[.、]\s*)?(?P<full>[^:：\n，,。]{2,40}?)[:：]"
                             r"[^\n]{0,60}?(?:以下简称|下称|简称)[为:：]?[“\"「](?P<short>[^”\"」\n]{1,16})[”\"」]")
MAY_DEFINITION_LINE = gate(DEFINITION_LINE)


PLACEHOLDER = re.compile(r"(?:[×xX*＊_＿]{2}|某某)$")


@functools.lru_cache(maxsize=1)
def latin_org() -> re.Pattern:
    """A name in Latin letters with a company's legal form (LLC, Ltd., Inc., Pte. Ltd. …)."""
    forms = "|".join(map(re.escape, vocabulary()["latin_org_endings"]))
    return re.compile(rf"^[A-Za-z][A-Za-z0-9.&,\- ]*?\b(?:{forms})$", re.I)


@functools.lru_cache(maxsize=1)
def _org() -> re.Pattern:
    endings = "|".join(sorted(vocabulary()["org_endings"], key=len, reverse=True))
    return re.compile(rf"(?P<name>[\u4e00-\u9fffA-Za-z0-9（）()·\-]{{2,40}}?(?:{endings}))$")


def full_name(before: str) -> str | None:
    """The organisation named right before a bracket: the run back to the last punctuation, with the
    words of its sentence taken off the front ("是由…", "…全资子公司", "…授权")."""
    latin = LATIN_NAME.search(before.rstrip())
    if latin and len(latin.group(0).split()) >= 2:
        return latin.group(0).strip()
    quoted = QUOTED_NAME.search(before)
    if quoted:
        return quoted.group(1)
    run = AFFILIATES.sub("", re.split(r"[，,。；;：:、“”\"《》\s]", before)[-1])
    m = _org().search(run)
    if not m or PLACEHOLDER.search(run, 0, m.start()):
        return None  # none, or one not filled in ("××国际咨询公司")
    name = m.group("name")
    while True:
        cut = _lead_off(name)
        if cut == name or not _org().search(cut) or len(cut) < 4:
            break
        name = cut
    return _from_place(name)


def _lead_off(name: str) -> str:
    """``name`` without the words of its sentence before it (one LEAD), read on its fold, so that
    traditional characters count as the simplified ones ("服務是…股份有限公司")."""
    m = LEAD.match(fold(name))
    return name[m.end():] if m else name


def _from_place(name: str) -> str:
    """A company's name without what it is said to be before its place: "…平台运营者北京华夏电通科技有限公司",
    "…专用账户为上海富友支付服务有限公司" → the name from 北京, 上海."""
    role = ROLE_BEFORE_PLACE.search(name)
    return name[role.end():] if role and _org().search(name[role.end():]) else name


def _short_names(inner: str) -> list[str]:
    """The short names a bracket defines: （以下简称“X”“Y”）, （简称X）, （“X”）."""
    d = DEFINES.search(inner)
    if d:
        rest = inner[d.end():]
        shorts = [q.group("q") for q in QUOTED.finditer(rest)]
        if not shorts:
            bare = BARE.match(rest)
            shorts = [bare.group("q")] if bare else []
        return shorts
    if not inner.strip().startswith(tuple(QUOTE_OPENS)):
        return []  # QUOTED opens with one
    q = QUOTED.fullmatch(SAME_BELOW.sub("", inner.strip()))  # （“我方”）, （“本公司”，下同）
    return [q.group("q")] if q else []


def _name_before_brand(before: str, shorts: list[str]) -> str | None:
    """The company named right before the brand a bracket defines: "…X有限公司宜步出行（以下简称“宜步出行”）"."""
    before = before.rstrip()
    brand = next((s for s in shorts if before.endswith(s)), None)
    return full_name(before[:-len(brand)]) if brand else None


def definitions(text: str) -> list[tuple[str | None, tuple[str, ...]]]:
    """Every (full name as written or None, short names folded) the text defines, in order."""
    folded = fold(text)
    out = []
    for m in DEFINITION.finditer(folded):
        shorts = [s for s in _short_names(m.group("inner")) if not s.startswith("本") or s in vocabulary()["vendor_self"]]
        if shorts:
            start = max(0, m.start() - 60)
            full = full_name(folded[start:m.start()]) or _name_before_brand(folded[start:m.start()], shorts)
            if full:
                k = folded.rfind(full, start, m.start())
                full = text[k:k + len(full)]
            out.append((full, tuple(shorts)))
    for m in DEFINITION_LINE.finditer(folded) if MAY_DEFINITION_LINE(folded) else ():
        full = text[m.start("full"):m.end("full")].strip()
        out.append((full if _org().search(fold(full)) else None,
                    (m.group("short"),) + (() if _org().search(fold(full)) else (squash(m.group("full")),))))
    return out


# -- which side provides ---------------------------------------------------------------------

# who provides to whom (weight 1; 2 when a service is what is provided) and who pays whom (weight 2):
# "甲方向乙方提供证明文件" is a customer handing over documents, "甲方向乙方支付" is plain
PROVIDES = (
    re.compile(r"(?P<x>[甲乙])方[^。；，,甲乙]{0,12}?(?:向|为|给)(?P<y>[甲乙])方(?:[^。；，,]{0,12})?(?:提供|开通|交付)"),
    re.compile(r"(?P<x>[甲乙])方让(?P<y>[甲乙])方使用"),
    re.compile(r"(?P<y>[甲乙])方(?:有权)?(?:使用|租用|购买|申请|享有|享受|接受)(?P<x>[甲乙])方(?:提供|的)"),
    re.compile(r"(?P<x>[甲乙])方(?:可|可以|能够|有能力)提供的(?:各项|以下|下列)?服务"),  # "（一）甲方可提供的服务"
    re.compile(r"(?P<x>[甲乙])方作为[^。；，,]{0,24}(?:提供商|提供方|服务商|服务方|供应商)"),
    re.compile(r"(?P<y>[甲乙])方作为[^。；，,]{0,24}(?:接受方|使用方|用户|客户)"),
)
FEE = r"(?:服务费|费用|款项|价款|货款|广告费|年费|月租|月费|使用费|报酬|滞纳金|预付款|首付款|尾款|合同款|发布费|代理费)"
PAYS = (
    re.compile(r"(?P<y>[甲乙])方(?:应|须|需)?(?:按时|及时)?(?:向|给)(?P<x>[甲乙])方(?:支付|付款|缴纳|交纳|打款|汇款)"),
    re.compile(r"(?P<y>[甲乙])方(?:应|须|需)?(?:按时|及时)?(?:支付|缴纳|交纳)[^。；]{0,10}(?:给|予)(?P<x>[甲乙])方"),
    # a fee paid with the payer or the payee named apart from the verb
    # the letter opens the text or follows a mark or a digit: checked behind the letter, so that the
    # pattern opens with a character class (searched for fast) and not with a lookbehind
    re.compile(rf"(?P<y>[甲乙])(?<![^。；;，,：:)）、\]】\d][甲乙])方(?![的之])[^。；甲乙的]{{0,24}}(?:支付|缴纳|交纳|付清|结清)"
               rf"[^。；甲乙]{{0,12}}{FEE}"),
    re.compile(rf"(?:向|给)(?P<x>[甲乙])方(?:支付|缴纳|交纳|付清)[^。；甲乙]{{0,12}}{FEE}"),
)
# every phrase with its vote, in the order they are tried
PHRASES = tuple((1, pat) for pat in PROVIDES) + tuple((2, pat) for pat in PAYS)
# every phrase names a side by its letter: a text without one holds none
LETTERED = re.compile("[甲乙]方")
SERVICE_AFTER = re.compile(r"[^。；，,]{0,4}(?:服务|平台|系统|技术|产品|线路|号码|课程|培训|咨询|软件|网络|通信|电信)")


@functools.lru_cache(maxsize=1)
def phrase_filter() -> Prefilter:
    """Which of PHRASES a text may hold, from the words each needs (one pass over the text): a
    text without a phrase's words is not scanned for it."""
    return Prefilter([pat for _, pat in PHRASES])


def detect_vendor_role(text: str, votes: Counter | None = None, *,
                       squeezed: str | None = None) -> tuple[str | None, str]:
    """The letter (甲方/乙方) that provides the service, and the phrase that shows it; ``votes``
    may bring votes of other evidence; ``squeezed``: the text folded and without whitespace, when
    the caller has it already."""
    votes = Counter(votes or {})
    first: dict[str, str] = {}
    t = squeezed if squeezed is not None else squash(fold(text))
    seen: set[int] = set()  # one vote per phrase, however many patterns see it
    for i in phrase_filter().candidates([t])[0] if LETTERED.search(t) else ():
        weight, pat = PHRASES[i]
        for m in pat.finditer(t):
            if m.end() in seen:
                continue
            seen.add(m.end())
            groups = m.groupdict()
            x = groups.get("x") or ("乙" if groups["y"] == "甲" else "甲")
            y = groups.get("y") or ("乙" if x == "甲" else "甲")
            if x == y:
                continue
            w = weight + (weight == 1 and SERVICE_AFTER.match(t, m.end()) is not None)
            votes[x + "方"] += w
            first.setdefault(x + "方", m.group(0))
    if not votes:
        return None, ""
    role, _ = max(votes.items(), key=lambda kv: (kv[1], kv[0] == "乙方"))
    return role, first.get(role, "")


# the reader of a vendor's own terms, in the phrases that name the vendor beside it
READER = r"(?:您|你|贵司|贵方|贵单位|用户|客户|订户|会员|商户|其注册用户|其用户)(?:[(（][^（()）]{0,20}[)）])?"
# what a name (in Chinese) never holds
NOT_IN_NAME = r"，,。；;：:、“”\"《》\s（()）【】［］\[\]"
# a name: no punctuation, but a place in brackets inside it ("无忧帮帮（深圳）科技有限公司"), in quotes or not
_NAME = (r"[“\"]?(?P<name>[A-Za-z][A-Za-z0-9.&\-]*(?: [A-Za-z0-9.&\-]+)+"
         rf"|(?:[^{NOT_IN_NAME}]|[(（][\u4e00-\u9fff]{{2,4}}[)）]){{2,40}}?)[”\"]?")
DEFINED_LENGTH = 40  # the most characters of a definition in brackets after a name
_DEFINED = rf"(?:[(（][^（()）]{{0,{DEFINED_LENGTH}}}[)）])?"
# a name starts after punctuation or at a line's start, and may carry its definition in brackets
NAME_SLOT = rf"(?<![^{NOT_IN_NAME}!！?？]){_NAME}{_DEFINED}"
# a character in no name, Chinese or Latin (a Latin name may hold a space, a place is in brackets)
NAME_STOP = re.compile(rf"(?![ (（)）])[{NOT_IN_NAME}]")
# what may stand between a NAME_SLOT's name and what follows the slot: a closing quote, a
# definition in brackets and a comma
NAME_TAIL = 1 + (DEFINED_LENGTH + 2) + 1
# (not what goes on between the reader and another: "会员和广告商之间的行为" names a third party)
AGREE = (r"(?:运营方|运营者|运营商)?(?:已经|已|将)?"
         r"(?:之间(?!的?(?:行为|纠纷|争议|交易|往来|联系|沟通|买卖))|共同|签署|签订|订立|达成|就)")
# what follows the name in the phrases that open with it ("X与您…之间", "X为您提供")
WITH_READER = rf"(?:与|和){READER}{AGREE}"
FOR_READER = rf"(?:向|为|给){READER}提供"
# the phrases (compiled when first needed: see provider_phrases)
NAMED_PROVIDER = (
    rf"{READER}(?:与|和){_NAME}{_DEFINED}{AGREE}",
    rf"{NAME_SLOT}[，,]?{WITH_READER}",
    rf"感谢{READER}(?:选择|使用|选用){_NAME}(?:的|为|提供|[，,。])",
    rf"{NAME_SLOT}{FOR_READER}",
    rf"(?:购买|使用|选择){_NAME}{_DEFINED}(?:提供|运作|运营)的",
    rf"由{_NAME}{_DEFINED}(?:负责)?(?:研发|开发)?(?:运营|经营|提供)",
    rf"双方(?:为|是){_NAME}{_DEFINED}(?:与|和)[^，,。；]{{0,8}}?{READER}",
    rf"由{_NAME}{_DEFINED}(?:创立|创办|设立)",
    rf"(?:所有权|经营权|运营权)[^。；]{{0,10}}(?:归|属于){_NAME}{_DEFINED}所有",
)
# for a phrase that opens with a name, what follows the name
AFTER_THE_NAME = {NAMED_PROVIDER[1]: WITH_READER, NAMED_PROVIDER[3]: FOR_READER}


@functools.lru_cache(maxsize=1)
def provider_phrases() -> tuple[tuple[re.Pattern, Callable, re.Pattern | None], ...]:
    """Each phrase of NAMED_PROVIDER compiled, with a quick search that finds something in every
    text it matches in (for a phrase that opens with a name, what follows the name; for the others,
    the words they need) and, for the former, that search's pattern. Compiled once, when first
    needed (some 10 ms): a contract whose lettered parties are named never needs them."""
    out = []
    for source in NAMED_PROVIDER:
        pattern = re.compile(source)
        after = re.compile(AFTER_THE_NAME[source]) if source in AFTER_THE_NAME else None
        out.append((pattern, after.search if after else gate(pattern), after))
    return tuple(out)


NOT_A_SLOT_NAME = re.compile(r"^[的之其该本此各等及与和或并]|^(?:本协议|本条款|双方|对方|他人|第三方)|^[甲乙丙]方"
                             r"|^(?:服务|协议|条款|产品|软件|系统|内容|信息)$")  # a thing the text defines is no party


def _slot_name(raw: str) -> str:
    """The name in a provider phrase's slot, without the words of its sentence:
    "本服务条款是阿里云及/或其所代表的…" → 阿里云."""
    name = raw
    while True:
        cut = _lead_off(name)
        if cut == name or len(cut) < 2:
            break
        name = cut
    return _from_place(re.split(r"及/或|及|/|或|和|以及", name)[0] or raw)


def _speaks_of_itself(slot: str, selves) -> bool:
    """Does a provider phrase's slot name the vendor by a word for itself ("使用计划以及我们所提供的"):
    then what the slot starts with is a thing the reader uses, not the provider."""
    return any(w in slot for w in selves)


@functools.lru_cache(maxsize=1)
def _verbs() -> frozenset[str]:
    """The action words of the reading vocabulary: never a name ("暂停、终止向您提供服务")."""
    return frozenset(w for words in resource_yaml("reading.yaml")["actions"].values() for w in words)


def slot_phrases(pattern: re.Pattern, after: re.Pattern, text: str):
    """``pattern.finditer(text)`` for a phrase that opens with a NAME_SLOT followed by ``after``,
    searched for only from a little before each place ``after`` is found (searching from every
    character is slow: the name may be any run of up to 40).

    The same matches: of a match from s whose ``after`` starts at q, the characters in
    [s + 1, q - NAME_TAIL) are its name's, and no name holds a NAME_STOP; so none starts before
    the last NAME_STOP ahead of q - NAME_TAIL, for q the first place of ``after`` past the last match."""
    pos, backwards = 0, None
    while (following := after.search(text, pos)) is not None:
        start, limit = pos, following.start() - NAME_TAIL
        if limit > pos:
            backwards = backwards or text[::-1]  # the last NAME_STOP before limit is the first one in here
            stop = NAME_STOP.search(backwards, len(text) - limit, len(text) - pos)
            start = len(text) - 1 - stop.start() if stop else pos
        m = pattern.search(text, start)
        if m is None:
            return
        yield m
        pos = m.end()


def named_providers(head: str, known: set[str] = frozenset()) -> list[str]:
    """The providers a vendor's own terms name beside their reader ("您与X之间", "X为您提供",
    "由X负责运营"), in order of appearance: names of organisations, names the text defines
    (``known``), and short ones it uses at least three times (a brand: 腾讯云, 阿里云)."""
    v = vocabulary()
    generic_words = set(v["vendor_self"] + v["customer_self"] + v["vendor_roles"] + v["customer_roles"])
    found = []
    for pat, may, after in provider_phrases():
        for m in slot_phrases(pat, after, head) if after else pat.finditer(head) if may(head) else ():
            name = _slot_name(m.group("name"))
            if (NOT_A_SLOT_NAME.search(name) or PLACEHOLDER.search(name) or "__" in name or name in generic_words
                    or name in _verbs() or _speaks_of_itself(m.group("name"), v["vendor_self"])):
                continue
            if _org().search(name) or name in known or (len(name) <= 12 and head.count(name) >= 3):
                found.append((m.start(), name))
                break
    return list(dict.fromkeys(name for _, name in sorted(found)))


# -- the resolver ----------------------------------------------------------------------------

COMPANY = r"[\u4e00-\u9fffA-Za-z0-9（）()·]{2,40}?(?:股份有限公司|有限责任公司|有限公司|集团|公司)"


def account_holder(text: str, role: str) -> str | None:
    """The company named as the holder of a role's bank account ("乙方账户信息：户名：…"):
    the role's name when the heading leaves it out."""
    folded = fold(text)
    m = re.compile(rf"{role}的?(?:对公|收款|指定)?(?:银行)?(?:账户|帐户|账号|帐号)(?:信息|资料)?[\s:：]*"
                   rf"(?:户名|公司名称|账户名称|帐户名称|开户名称|单位名称|名称)\s*[:：]\s*(?P<name>{COMPANY})").search(folded)
    return value_from_fold(text[m.start("name"):m.end("name")], m.group("name")) if m else None


PAYEE = re.compile(rf"(?:收款人|收款单位|收款方|户名|账户名称|帐户名称|开户名称|开户名)(?:名称)?(?:/[A-Za-z ]+)?\s*[:：]\s*"
                   rf"(?P<name>{COMPANY})")


def payee(text: str) -> str | None:
    """The company the text says to pay ("收款人名称：…", "户名：…"): in a vendor's own terms,
    the vendor's registered name beside the brand it goes by."""
    m = PAYEE.search(fold(text))
    return text[m.start("name"):m.end("name")] if m else None


# A company name is place + trade name + line of business + legal form: 江西 互动网络 科技 有限公司.
PLACES = ("北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建",
          "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
          "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门")
PLACE = re.compile(r"^(?:[\u4e00-\u9fff]{2,3}?(?:省|市|自治区|特别行政区)|" + "|".join(PLACES) + r")"
                   r"(?:[\u4e00-\u9fff]{2,3}?(?:市|区|县))?")
# a word ending a description of who someone is, right before the place a company name opens with
ROLE_BEFORE_PLACE = re.compile(r"(?:者|方|商|为|是|即)(?=" + "|".join(PLACES) + r"|[\u4e00-\u9fff]{2,3}?省)")
BUSINESS = re.compile(r"(?:科技|信息|技术|网络|通信|通讯|咨询|服务|企业|管理|软件|电子|商务|数据|智能|数字|"
                      r"云计算|互联网|文化|传媒|贸易|实业|发展|集团|股份|有限责任|有限|公司)$")
GENERIC = ("中国", "中华", "国际", "全球", "亚洲", "华夏", "东方")


def core_name(full: str, folded_text: str) -> str | None:
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


@dataclass
class _Side:
    """What is known of one side while resolving: its letter, its names as written (best first)
    and the words the text uses for it (folded, without spaces)."""

    role: str | None = None
    names: list[str] = field(default_factory=list)
    words: set[str] = field(default_factory=set)

    def add(self, *, name: str | None = None, words=()) -> None:
        if name and name not in self.names:
            self.names.append(name)
        self.words |= {squash(fold(w)) for w in ((name,) if name else ()) + tuple(words) if w}

    def knows(self, group: set[str]) -> bool:
        return bool(group & self.words)


def resolve(text: str, clauses, *, vendor_role: str | None = None) -> Parties:
    """Names, roles and the words of each side (see the module docstring)."""
    folded = fold(text)
    squeezed = squash(folded)
    first_numbered = next((i for i, c in enumerate(clauses) if c.number), len(clauses))
    head = [c.text for c in clauses[:first_numbered]]
    tail = [c.text for c in clauses if c.style == "signature"]
    names, signature = labels(head), labels(tail)
    heading = head
    if not any(names.values()):  # the parties listed inside the first numbered clause ("一、合同主体")
        heading = head + text.splitlines()[:24]
        names = labels(text.splitlines()[:24]) or names
    defs = definitions(text)
    role, evidence = _vendor_role(text, squeezed, names, signature, vendor_role)
    vendor, customer = _sides(role, names, signature, bracket_roles(head + tail))
    _definitions(defs, role, vendor, customer)
    if role is None or not vendor.names:
        _named_provider(text, folded, squeezed, defs, vendor)
    if role and not vendor.names:
        vendor.add(name=account_holder(text, role))
    if role is None and not any(_org().search(fold(n)) for n in vendor.names):
        paid = payee(text)
        if paid and paid not in customer.names:
            vendor.names.insert(0, paid)
            vendor.add(name=paid)
    if not vendor.names:
        _unnamed_vendor(text, defs, role, vendor, customer)
    if role is None:
        _brand(squeezed, defs, vendor)
    _self_references(squeezed, role, vendor, customer)
    standing = list(STANDING_NAME.finditer(folded)) if vendor.names or customer.names else []
    vendor_name = _best_name(vendor.names, text, standing)
    if vendor_name:
        vendor.add(words=[core_name(squash(fold(vendor_name)), folded)])
        vendor.add(words=brand_words(squeezed, squash(fold(vendor_name)), vendor.words | customer.words))
    if not evidence:
        evidence = f"the provider is named beside its reader: {vendor_name}" if vendor_name else "no provider found"
    return Parties(
        addresses_reader=_addressed(folded),
        names=names, signature_names=signature, vendor_role=role, customer_role=customer.role,
        role_evidence=evidence, vendor_name=vendor_name, customer_name=_best_name(customer.names, text, standing),
        vendor_words=_words(vendor.words - customer.words), customer_words=_words(customer.words),
        definitions=tuple(((f,) if f else ()) + s for f, s in defs), kinds=kinds(heading))


def parties(text: str, clauses, *, vendor_role: str | None = None) -> Parties:
    """The pipeline's name for ``resolve``."""
    return resolve(text, clauses, vendor_role=vendor_role)


def bracket_roles(lines: list[str]) -> dict[str, str]:
    """Role words labelled with a letter in brackets ("受托方（乙方）：") → that letter."""
    out = {}
    for line in lines:
        for m in ROLE_IN_BRACKETS.finditer(line) if MAY_ROLE_IN_BRACKETS(line) else ():
            word = re.sub(r"[【\[\]】\s(（].*", "", m.group(0).lstrip("【["))
            out.setdefault(word, m.group(1) + "方")
    return out


def _vendor_role(text, squeezed, names, signature, vendor_role) -> tuple[str | None, str]:
    if vendor_role is not None:
        if vendor_role not in ROLES:
            raise SettingsError(f"vendor role {vendor_role!r} is not one of {', '.join(ROLE_CHOICES)}")
        return vendor_role, "set by the user"
    lettered = {r: names.get(r) or signature.get(r) for r in ROLE_CHOICES if r in names or r in signature}
    filled = [r for r, n in lettered.items() if n]
    drafter = filled[0] if len(lettered) == 2 and len(filled) == 1 else None  # a template filled in for itself
    votes = Counter({drafter: 2} if drafter else {})
    if lettered:  # the platform is the provider's ("在乙方平台发布"): a vote each time
        platform = {r: squeezed.count(r + "平台") + squeezed.count(r + "的平台") for r in ROLE_CHOICES}
        votes.update({r: n for r, n in platform.items() if n})
    role, phrase = detect_vendor_role(text, votes, squeezed=squeezed)
    if role:
        if phrase:
            return role, phrase
        return role, (f"only {drafter} is named: the drafter of a template is its vendor" if role == drafter
                      else f"the platform is {role}'s ({role}平台)")
    if lettered and _addressed(squeezed):
        named = [r for r in ROLE_CHOICES if r in squeezed]
        if len(named) == 1:  # terms spoken to 您 that letter one side only ("您与…公司（以下简称"甲方"）")
            return named[0], f"only {named[0]} is lettered and the reader is addressed as 您: {named[0]} provides"
    return ("乙方", "no provider phrase found; 乙方 assumed") if lettered else (None, "")


def _addressed(folded: str) -> bool:
    """Does the text speak to its reader (您 or 你 three times or more)?"""
    return folded.count("您") + folded.count("你") >= 3


def _sides(role, names, signature, bracketed) -> tuple[_Side, _Side]:
    """Both sides from the letters and the labels."""
    v = vocabulary()
    vendor, customer = _Side(role), _Side()
    if role:
        other = "乙方" if role == "甲方" else "甲方"
        customer.role = other if (other in names or other in signature) else None
        vendor.add(words=[role])
        customer.add(words=[other])
    for labelled in (names, signature):
        for word, name in labelled.items():
            letter = bracketed.get(word, word)
            side = vendor if letter == role or (role is None and word in v["vendor_roles"]) else \
                customer if letter in customer.words or (role is None and word in v["customer_roles"]) else None
            if side is not None:
                side.add(name=name, words=[word])
    for word, letter in bracketed.items():
        (vendor if letter == role else customer).add(words=[word])
    return vendor, customer


def _definitions(defs, role, vendor: _Side, customer: _Side) -> None:
    """A defined name joins the side one of its names already belongs to."""
    v = vocabulary()
    for full, shorts in defs:
        group = {squash(fold(w)) for w in shorts + ((full,) if full else ())}
        if vendor.knows(group):
            side = vendor
        elif customer.knows(group):
            side = customer
        elif role is None and group & set(v["vendor_roles"] + v["vendor_self"]):
            side = vendor
        elif role is None and group & set(v["customer_roles"] + v["customer_self"]):
            side = customer
        else:
            continue
        side.add(name=full, words=shorts)


def _named_provider(text: str, folded: str, squeezed: str, defs, vendor: _Side) -> None:
    """Vendors named beside their reader ("您与X之间", "X为您提供"), each with its short names,
    ahead of the names found before: an organisation's name first."""
    known = {squash(fold(w)) for full, shorts in defs for w in shorts + ((full,) if full else ())}
    earlier, vendor.names = vendor.names, []
    for name in sorted(named_providers(folded[:4000], known), key=lambda n: not _org().search(n)):
        group = next((g for g in defs if name in g[1] or (g[0] and name == squash(fold(g[0])))
                      or any(len(short) >= 2 and name.startswith(short) for short in g[1])), None)
        if group is not None:
            vendor.add(name=group[0] or name, words=group[1])
            continue
        k = folded.find(name)
        vendor.add(name=text[k:k + len(name)] if k >= 0 else name)
    vendor.names += [n for n in earlier if n not in vendor.names]
    _acting_group(squeezed, defs, vendor)


def _acting_group(squeezed: str, defs, vendor: _Side) -> None:
    """When the phrase names the vendor jointly with another ("X与固守大数据有限公司为您提供"), the
    company the text defines and makes act (固守有权…) is the vendor."""
    if not vendor.names:
        return
    acts = "|".join(vocabulary()["acts"])
    scored = [(sum(len(re.findall(f"{re.escape(s)}(?:{acts})", squeezed)) for s in shorts), full, shorts)
              for full, shorts in defs if full and _org().search(fold(full))]
    if not scored:
        return
    n, full, shorts = max(scored, key=lambda t: t[0])
    if n >= 2 and vendor.names[0] not in full and any(s in vendor.names[0] for s in shorts):
        vendor.names.insert(0, full)
        vendor.add(name=full, words=shorts)


def is_org(name: str) -> bool:
    """Whether ``name`` names an organisation (ends as a company, a school, "Ltd." does)."""
    return bool(_org().search(fold(name)) or latin_org().search(name.strip()))


def _unnamed_vendor(text: str, defs, role, vendor: _Side, customer: _Side) -> None:
    """A vendor no phrase named: in terms without 甲方/乙方, the company the text defines; else the
    company in the letterhead (the first lines), as the drafter of its own form."""
    if role is None:
        group = next(((f, shorts) for f, shorts in defs if f and is_org(f) and f not in customer.names), None)
        if group is not None:
            vendor.add(name=group[0], words=group[1])
            return
    for line in text.strip().splitlines()[:3]:
        line = line.strip()
        if 4 <= len(line) <= 40 and is_org(line) and line not in customer.names:
            vendor.add(name=line)
            return


def _self_references(squeezed: str, role, vendor: _Side, customer: _Side) -> None:
    """本公司/平台/我方 and 您/用户: always in a text without 甲方/乙方; in one with them, a vendor
    word only when it acts (平台有权…) and of the reader's words only 您/你."""
    v = vocabulary()
    acts = "|".join(v["acts"])
    for word in v["vendor_self"]:
        if word in customer.words:
            continue
        if role is None or word in v["vendor_only"] or _acts_twice(word, acts, squeezed):
            vendor.add(words=[word])
    if role is None and _acts_twice(BLANK, acts, squeezed):
        vendor.add(words=[BLANK])  # a template's name left as a blank: "________有权终止…"
    reader = v["customer_self"] + (v["customer_roles"] if role is None else [])
    customer.add(words=[w for w in reader if w not in vendor.words and (role is None or w in ("您", "你"))])
    if role is None:
        vendor.add(words=[w for w in v["vendor_roles"] if w not in customer.words])


def _acts_twice(word: str, acts: str, squeezed: str) -> bool:
    """Whether ``word`` is followed twice or more by one of ``acts`` (an alternation of the act words)."""
    return word in squeezed and len(re.findall(f"{word}(?:{acts})", squeezed)) >= 2  # searched for where it occurs


def brand_words(squeezed: str, name: str, known: set[str]) -> list[str]:
    """Short names the text makes act (玉龙传媒有权…) that are drawn from the vendor's name in order
    (北京玉龙腾飞影视传媒有限公司): the text's own name for the vendor, never defined."""
    counts: Counter[str] = Counter()
    letters = set(name)
    # a word kept is drawn from the name and ends with the three characters before the act (an act
    # after others is passed over: no word kept is counted there, the kept ones in the same order)
    for word in _words_before_acts(squeezed, 8, lambda at: at >= 3 and letters.issuperset(squeezed[at - 3:at])):
        # its endings of three characters or more that open with two of the name's
        counts.update(word[k:] for k in range(len(word) - 2) if word[k:k + 2] in name)
    found = [w for w, n in counts.items() if n >= 2 and w not in known and w != name
             and _subsequence(w, name) and not any(k in w for k in known)]
    return [w for w in found if not any(w != o and w in o for o in found)]  # the longest of nested ones


# the word right before an act, in the window _words_before_acts searches
RUN_BEFORE = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]{2,8}$")


def _words_before_acts(squeezed: str, reach: int, keep=None):
    """The word (RUN_BEFORE) within ``reach`` characters right before each act of the text, for
    the acts whose start ``keep`` passes (all of them without it)."""
    for m in _acts().finditer(squeezed):
        at = m.start()
        if keep is None or keep(at):
            run = RUN_BEFORE.search(squeezed, max(0, at - reach), at)
            if run:
                yield run.group(0)


TITLE_MARKS = "《<【[-—·\"“'‘"  # what may stand before the first word of a title ("《滴答互动用户协议》")
ACTS_THROUGH = ("平台", "系统", "网站")  # what a brand acts through ("本家鲜系统可…")
BRAND_LENGTH = 8  # the longest brand looked for
# a brand that opens with 本, as its title shows ("本家鲜"), not the text speaking of itself (本协议)
OWN_NAME = re.compile(r"本[\u4e00-\u9fff]{2,6}(?<!协议)(?<!合同)(?<!条款)(?<!规则)(?<!须知)(?<!声明)")
# words before an act that name no brand: a demonstrative or quantifier first, a side's role last
NOT_A_BRAND = re.compile(r"^(?:本|该|此|其|各|任何|相关|其他|其它|所有|第三)|方$|平台$")


def _brand(squeezed: str, defs, vendor: _Side) -> None:
    """The brand the terms make act: the vendor's name where it has none (``acting_brand``; a name
    is one of its side's words too), else one of its words when the title opens with it
    (``titled_brand``)."""
    if vendor.names:
        brand = titled_brand(squeezed)
        vendor.add(words=[brand] if brand else ())
        return
    shorts = frozenset(squash(fold(w)) for _, words in defs for w in words)
    vendor.add(name=acting_brand(squeezed, shorts))


@functools.lru_cache(maxsize=1)
def _not_brands() -> frozenset[str]:
    """The vocabulary's words for a side, and the things that act: never a brand."""
    v = vocabulary()
    return frozenset(v["vendor_roles"] + v["customer_roles"] + v["vendor_self"] + v["customer_self"]
                     + v["kinds_of_party"] + v["not_brands"])


def _may_be_brand(word: str, *, titled: bool) -> bool:
    """Could ``word`` be a brand: none of the vocabulary's words for a side, and no demonstrative or
    role word (but a brand that opens with 本 in the title: "本家鲜系统服务协议")?"""
    if word in _not_brands():
        return False
    return not NOT_A_BRAND.search(word) or (titled and OWN_NAME.fullmatch(word) is not None)


def titled_brand(squeezed: str) -> str | None:
    """The brand a text opens with ("本家鲜系统服务协议") that acts twice or more, itself or through
    its platform or system ("本家鲜系统可…"): the shortest such opening of three characters or more
    (no common word: "域名服务条款" names no brand), none of the vocabulary's words for a side."""
    title = squeezed.lstrip(TITLE_MARKS)[:BRAND_LENGTH]
    acts = _acts()
    for n in range(3, len(title) + 1):
        word = title[:n]
        if not _may_be_brand(word, titled=True):
            continue
        acting, at = 0, squeezed.find(word)
        while at >= 0 and acting < 2:
            end = at + n
            through = next((t for t in ACTS_THROUGH if squeezed.startswith(t, end)), "")
            acting += acts.match(squeezed, end + len(through)) is not None
            at = squeezed.find(word, at + 1)
        if acting >= 2:
            return word
    return None


def acting_brand(squeezed: str, defined: frozenset[str] = frozenset()) -> str | None:
    """The brand terms that name no company make act and call their platform by ("来人有权…",
    "来人平台服务"), open their title with ("爱特缘服务条约") or define (``defined``: the short
    names of the text's definitions, "以下简称真爱一生网"): of the words right before an act, the
    most frequent one, acting twice or more, that names a platform twice or more, opens the text
    or is defined, and is none of the vocabulary's words for a side."""
    counts: Counter[str] = Counter()
    for word in _words_before_acts(squeezed, BRAND_LENGTH):  # its endings of two characters or more
        for thing in ACTS_THROUGH:  # "装修帮办平台有权…": the brand acts through its platform
            word = word.removesuffix(thing)
        counts.update(word[k:] for k in range(len(word) - 1))
    for word, n in counts.most_common():
        if n < 2:
            return None
        titled = squeezed.lstrip(TITLE_MARKS).startswith(word)
        if _may_be_brand(word, titled=titled) and (titled or squeezed.count(word + "平台") >= 2 or word in defined):
            return word
    return None


@functools.lru_cache(maxsize=1)
def _acts() -> re.Pattern:
    """Any of the words by which a side acts (有权, 应…)."""
    return re.compile(f"(?:{'|'.join(vocabulary()['acts'])})")


def _subsequence(word: str, name: str) -> bool:
    """Every character of ``word`` in ``name``, in order, with its first two characters together."""
    it = iter(name)
    return len(word) >= 3 and word[:2] in name and all(ch in it for ch in word)


BLANK = "________"


def _best_name(candidates: list[str], text: str, standing: list[re.Match]) -> str | None:
    """The first name found, or a longer spelling of it the text also uses (a signature block's
    "深圳前海通金融服务有限公司" for a heading's "通金融服务有限公司"); ``standing``: the
    STANDING_NAME matches of the folded text."""
    if not candidates:
        return None
    name = candidates[0]
    key = fold(name)
    longer = [text[m.start("name"):m.end("name")] for m in standing
              if m.group("name").endswith(key) and 0 < len(m.group("name")) - len(key) <= 6]
    return _usual_spelling(min(longer, key=len) if longer else name, text)


def _usual_spelling(name: str, text: str) -> str:
    """The spelling of ``name`` the text uses most often among those that fold alike ("（深圳）"
    twice and "(深圳)" once: the first); ``name`` itself on a tie."""
    key, folded = fold(name), fold(text)
    spellings = Counter()
    at = folded.find(key)
    while at >= 0:
        spellings[text[at:at + len(key)]] += 1
        at = folded.find(key, at + 1)
    best = max(spellings.values(), default=0)
    return name if spellings[name] == best else next(s for s, n in spellings.items() if n == best)


# a company name standing on its own line, or as the value of a label ("名称：…")
STANDING_NAME = re.compile(rf"(?m)^[ \t]*(?:[^\n:：]{{0,12}}[:：])?[ \t]*(?P<name>{COMPANY})[ \t]*$")


def _words(words) -> tuple[str, ...]:
    """Longest first, so that a name is replaced before a word inside it."""
    return tuple(sorted({w for w in words if w}, key=lambda w: (-len(w), w)))
