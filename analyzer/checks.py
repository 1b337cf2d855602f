"""Document issues: signs that the text itself is suspect (spec codes).

Each check is a plain function (clauses, parties) → list of DocumentIssue whose message quotes
where the problem is; ``hidden_characters`` reads the clean text instead, which knows what was
removed from the source.
"""
from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections import defaultdict

from .contradictions import DOCUMENT_KINDS, Contradiction, in_clauses
from .model import Clause, DocumentIssue, Parties
from .normalize import Text, fold_each
from .numerals import CAPITALS_THEN_FIGURE, FIGURE_THEN_CAPITALS, parse_amount
from .segment import parse_marker

MONEY_UNIT = re.compile(r"[元圆块角分]")
UNDERSCORES = re.compile(r"_{3,}|＿{2,}")
# a name or number left as a placeholder: "XXX公司", "×××（委托方名称）", "333333xxxxxx"
PLACEHOLDERS = ("XXX", "xxx", "××")
# a run of spaces where a value belongs: "预存      元", "为            。", "    年    月"; it opens
# with its first space and looks behind it from there (see numerals.FIGURES)
GAP = re.compile(r"[ \t\u3000](?<=[\u4e00-\u9fff:：][ \t\u3000])[ \t\u3000]{2,}(?=元|年|月|日|个|份|天|%|％|坐席|座席|[。，；])")
TRUNCATION_MARK = re.compile(r"内容过长已截断|已截断|\(truncated\)|（未完）|（未完待续）|以下内容省略|以下省略")
HAN = re.compile(r"[\u4e00-\u9fff]+")
LATIN = re.compile(r"[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f]*")  # a class first (see numerals.FIGURES)
MID_SENTENCE = ("，", ",", "、", "（", "(", "【", "“", "...", "…")
MAX_QUOTE = 40


def _q(text: str, n: int = MAX_QUOTE) -> str:
    s = re.sub(r"\s+", " ", text).strip()
    return s if len(s) <= n else s[:n] + "…"


def amount_mismatch(clauses, parties=None) -> list[DocumentIssue]:
    out = []
    for c, t in zip(clauses, folded_texts(clauses)):
        if not MONEY_UNIT.search(t):
            continue  # both patterns need a capital amount, which needs a unit
        for pat in (FIGURE_THEN_CAPITALS, CAPITALS_THEN_FIGURE):
            for m in pat.finditer(t):
                fig = float(m.group("fig").replace(",", "")) * (10000 if m.group("wan") else 1)
                try:
                    cap = parse_amount(m.group("cap"))
                except ValueError:
                    continue
                if abs(fig - cap) > 0.005:
                    out.append(DocumentIssue(
                        "amount_mismatch",
                        f"{c.label or c.id}: 小写 {m.group('fig')} 元与大写「{m.group('cap')}」"
                        f"（{cap:g} 元）不一致：「{_q(c.text[m.start():m.end()])}」",
                        c.start, c.end))
    return out


def folded_texts(clauses) -> list[str]:
    """``fold`` of each clause's text (see ``normalize.fold_each``)."""
    return fold_each([c.text for c in clauses])


def party_mismatch(clauses, parties: Parties) -> list[DocumentIssue]:
    out = []
    for role, name in parties.names.items():
        other = parties.signature_names.get(role)
        if name and other and re.sub(r"\s+", "", name) != re.sub(r"\s+", "", other):
            out.append(DocumentIssue(
                "party_mismatch", f"{role}名称不一致：首部为「{name}」，签署处为「{other}」"))
    return out


def blank_fields(clauses, parties: Parties) -> list[DocumentIssue]:
    places = []
    for role, name in parties.names.items():
        if name is None and role not in parties.kinds:  # "乙方：委托服务旅客" names a kind of party: not blank
            places.append(f"首部{role}名称为空")
    for c, t in zip(clauses, folded_texts(clauses)):
        # a blank needs an underscore; fold wrote every wide space as " ": a gap needs " " or a tab
        blank = (("_" in t or "＿" in t) and UNDERSCORES.search(t)) or any(map(t.__contains__, PLACEHOLDERS))
        if blank or (c.style != "signature" and (" " in t or "\t" in t) and GAP.search(t)):
            places.append(f"{c.label or c.id}「{_q(c.text)}」")
    if not places:
        return []
    more = f"等 {len(places)} 处" if len(places) > 3 else ""
    return [DocumentIssue("blank_fields", "合同有未填写的空白：" + "；".join(places[:3]) + more)]


def truncated(clauses, parties=None) -> list[DocumentIssue]:
    body = [c for c in clauses if c.style != "signature"]
    if not body:
        return []
    for c in clauses:
        m = TRUNCATION_MARK.search(c.text)
        if m:
            return [DocumentIssue("truncated", f"{c.label or c.id}: 文本带有截断标记「{m.group(0)}」，"
                                               f"其后的条款缺失", c.start, c.end)]
    last = body[-1].text.rstrip()
    if len(last) > 10 and last.endswith(MID_SENTENCE):
        return [DocumentIssue("truncated", f"{body[-1].label or body[-1].id}: 文本在句中结束"
                                           f"「…{_q(last[-30:])}」", body[-1].start, body[-1].end)]
    return []


DOTS = re.compile(r"[.-]")  # between the parts of a dotted number ("2.3", "2-3")
SEQUENCED = {"chapter", "article", "cn", "cn_paren", "paren", "arabic", "half_paren", "circled"}


def numbering_anomaly(clauses, parties=None) -> list[DocumentIssue]:
    """Numbers out of order, repeated or skipped within a list. A list that goes on from where
    the list of its form under the previous heading stopped (第四条 opening 第二章 after 第三条,
    items 3–5 under 二、 after 1–2 under 一、) is numbered through, as laws and many contracts are."""
    groups: dict[tuple, list[Clause]] = defaultdict(list)
    by_id = {c.id: c for c in clauses}
    values = {c.id: _value(c) for c in clauses if c.number}
    for c in clauses:
        # the later pieces of a long clause split in two do not start with its number: _value is None
        if c.number and (c.style in SEQUENCED or c.style.startswith("dotted")):
            groups[(c.parent, c.style)].append(c)
    before = _last_of_form_before(clauses, values)
    preceding = {c.id: p.text for p, c in itertools.pairwise(clauses)}
    problems = []
    for (parent, style), group in groups.items():
        up = by_id.get(parent) if style.startswith("dotted") else None  # the clause a dotted list is under
        pv = _value(up) if up is not None else None
        same_family = up is not None and (up.style == "arabic" or up.style.startswith("dotted"))
        disorder = _order_problems(group, _goes_on_from(group[0], values, before, preceding), values)
        for c in group:
            if c.id in disorder:
                problems.append(f"{c.label} {disorder[c.id]}")
            if pv is not None and same_family and values[c.id] is not None and int(DOTS.split(c.number)[-2]) != pv:
                problems.append(f"{c.label} 与上级条款 {up.number} 的编号不符")
    if not problems:
        return []
    more = f"等 {len(problems)} 处" if len(problems) > 4 else ""
    return [DocumentIssue("numbering_anomaly", "条款编号异常：" + "；".join(problems[:4]) + more)]


def _last_of_form_before(clauses, values: dict[str, int | None]) -> dict[str, int]:
    """For each clause that opens its list (the first of its form under its parent), the number
    of the last clause of that form under another parent before it, if any."""
    last: dict[str, tuple[str | None, int]] = {}  # form → (its parent, its number)
    seen: set[tuple] = set()
    out = {}
    for c in clauses:
        v = values.get(c.id)
        if v is None or c.style not in SEQUENCED:
            continue
        if (c.parent, c.style) not in seen:
            seen.add((c.parent, c.style))
            if c.style in last and last[c.style][0] != c.parent:
                out[c.id] = last[c.style][1]
        last[c.style] = (c.parent, v)
    return out


def _goes_on_from(first: Clause, values, before: dict[str, int], preceding: dict[str, str]) -> int | None:
    """The number a list that opens with ``first`` goes on from: the last of its form under the
    previous heading when it is numbered through, 1 when item 1 opens inside the line before it;
    None when it should start at 1."""
    v, last = values[first.id], before.get(first.id) if first.style in SEQUENCED else None
    if last is not None and v == last + 1:
        return last
    return 1 if v == 2 and _opens_inline(preceding.get(first.id), first.style) else None


# where an item may open inside a line: after a colon or the end of a sentence ("按如下方式处理：1.甲方…")
INLINE_ITEM = re.compile(r"[:：。；;]\s*")


def _opens_inline(text: str | None, style: str) -> bool:
    """Does ``text`` hold item 1 of the numbering form ``style`` inside a line? Then a list of
    that form right after it that starts at 2 goes on from it."""
    for m in INLINE_ITEM.finditer(text or ""):
        marker = parse_marker(text[m.end():])
        if marker is not None and marker.style == style and marker.value == 1:
            return True
    return False


def _order_problems(group: list[Clause], prev: int | None, values) -> dict[str, str]:
    """What is wrong with the number of each clause of one list that is out of order (by clause
    id); ``prev``: the number the list goes on from (None: it should start at 1).

    A list may hold a list of the same form, flattened (1, 2, then 1–7 under 2, then 3): where the
    numbers start over at 1 and later go on from where they left off, that was a list in an item.
    A list that starts over at 1 once and never goes back is two lists (an annex, or items under
    a heading that carries no number); more often, something is amiss. In a bilingual contract
    an item and its translation carry one number."""
    found, before, outer, nested = [], None, [], set()
    for c in group:
        v = values[c.id]
        if v is None or (v == prev and before is not None and _latin(_first_line(c)) != _latin(_first_line(before))):
            continue  # no number read, or the same item in the other language
        if outer and prev is not None and v == outer[-1][0] + 1 and v not in (prev, prev + 1):
            prev, opened = outer.pop()  # back in the list the last one was nested in
            nested.add(opened)
        problem = _order_problem(prev, v)
        if v == 1 and prev is not None and prev > 1:
            outer.append((prev, c.id))
        if problem:
            found.append((c.id, problem))
        prev, before = v, c
    restarts = {opened for _, opened in outer}  # the lists that start over and never go back
    return {i: problem for i, problem in found if i not in nested and not (i in restarts and len(restarts) == 1)}


def _first_line(c: Clause) -> str:
    return c.text.split("\n", 1)[0]


def _latin(text: str) -> bool:
    """Is the text written mostly in Latin letters (more of them than Chinese characters)?"""
    return sum(map(len, LATIN.findall(text))) > sum(map(len, HAN.findall(text)))


def _order_problem(prev: int | None, v: int) -> str | None:
    """What is wrong with number ``v`` after ``prev`` (None: the first of its list), if anything."""
    if prev is None:
        return "前缺少第 1 项" if v != 1 else None
    if v == prev:
        return "编号重复"
    if v < prev:
        return f"排在 {prev} 之后，顺序错乱"
    return "之前跳过了编号" if v > prev + 1 else None


def _value(c: Clause) -> int | None:
    m = parse_marker(c.text)
    return m.value if m else None


def conflicting_clauses(clauses, parties: Parties | None = None, *,
                        found: list[Contradiction] | None = None) -> list[DocumentIssue]:
    """Two forums, renewal rules that disagree (see ``contradictions``), each with both quotes;
    ``found``: the clauses' contradictions when they are known already (``in_clauses``)."""
    by_id = {c.id: c for c in clauses}
    found = in_clauses(clauses, parties) if found is None else found
    return [DocumentIssue("conflicting_clauses", contradiction_message(k, by_id))
            for k in found if k.kind in DOCUMENT_KINDS]


def contradiction_message(k: Contradiction, by_id) -> str:
    one, two = by_id[k.first], by_id[k.second]
    return f"{k.label}：{one.label or one.id}「{k.first_quote}」与 {two.label or two.id}「{k.second_quote}」"


def language(clauses, parties=None) -> list[DocumentIssue]:
    """A project code: the text is mostly not Chinese, so the rules (written for Chinese) see little."""
    text = "".join(c.text for c in clauses)
    latin = sum(map(len, LATIN.findall(text)))
    if latin <= 160:  # han < 0.2 × (han + latin) needs han < latin / 4, and han + latin ≥ 200 then latin > 160
        return []
    han = sum(map(len, HAN.findall(text)))
    letters = han + latin
    if letters >= 200 and han < 0.2 * letters:
        return [DocumentIssue("not_chinese", f"正文大部分不是中文（汉字 {han} / 字母 {letters}）：本工具的规则针对中文合同，"
                                             "结果可能遗漏风险，请使用中文文本或人工审阅")]
    return []


# invisible characters that belong to a visible one rather than hide text: a variation selector or
# joiner after a symbol (the emoji ⚠️, 👨‍👩‍👧), a soft hyphen inside a Latin word (a hyphenation point)
SYMBOL_PARTS = frozenset("\u200d\ufe0e\ufe0f")
SOFT_HYPHEN = "\xad"
BOM = "\ufeff"
# one stray place is a copy-paste leftover (web editors leave &#8203; in a word); two or more are a pattern
MIN_HIDDEN_PLACES = 2


def hidden_characters(clean: Text) -> list[DocumentIssue]:
    """A project code: the source held invisible characters (zero-width, format, bidi controls,
    variation selectors) in two places or more. The analysis reads the text without them; the
    issue says that the file's text is not what it looks like, and where the first one is."""
    hidden = [(o, ch) for o, ch in clean.invisible if not _part_of_visible(clean, o, ch)]
    places = sum(1 for k, (o, _) in enumerate(hidden) if k == 0 or hidden[k - 1][0] != o - 1)
    if places < MIN_HIDDEN_PLACES:
        return []
    o, ch = hidden[0]
    return [DocumentIssue("hidden_characters",
                          f"文本含 {len(hidden)} 个隐藏字符（零宽、格式、方向控制或变体选择符），分布在 {places} 处，"
                          f"分析时已忽略；首个为 U+{ord(ch):04X}，在原文第 {o + 1} 个字符，{_around(clean, o)}",
                          o, o + 1)]


def _part_of_visible(clean: Text, offset: int, ch: str) -> bool:
    """Is this removed character part of a visible one (``SYMBOL_PARTS``, ``SOFT_HYPHEN``) or the BOM?"""
    if offset == 0 and ch == BOM:
        return True  # a byte order mark that opens the file
    k = bisect.bisect_left(clean.offsets, offset)
    before, after = clean.text[k - 1:k] if k else "", clean.text[k:k + 1]
    if ch in SYMBOL_PARTS:
        return unicodedata.category(before or " ").startswith("S")
    return ch == SOFT_HYPHEN and LATIN.fullmatch(before + after) is not None


def _around(clean: Text, offset: int, n: int = 10) -> str:
    """Where a removed character stood, told by the words of its line on either side of it."""
    t, k = clean.text, bisect.bisect_left(clean.offsets, offset)
    line_start, line_end = t.rfind("\n", 0, k) + 1, t.find("\n", k)
    before = " ".join(t[max(line_start, k - n):k].split())
    after = " ".join(t[k:k + n if line_end < 0 else min(line_end, k + n)].split())
    if not before and not after:  # a blank line: tell the words after it
        return f"位于空白处，其后为「{' '.join(t[k:k + 4 * n].split())[:n]}」"
    if not before:
        return f"位于「{after}」之前"
    return f"位于「{before}」之后" if not after else f"位于「{before}」与「{after}」之间"


# what each document issue is called in the reports
ISSUE_LABELS = {"not_chinese": "非中文文本", "hidden_characters": "隐藏字符", "amount_mismatch": "金额大小写不一致",
                "party_mismatch": "当事人名称不一致", "blank_fields": "有未填写的空白", "truncated": "文本不完整",
                "numbering_anomaly": "条款编号异常", "conflicting_clauses": "条款相互矛盾"}
CHECKS = (language, amount_mismatch, party_mismatch, blank_fields, truncated, numbering_anomaly)


def check(clauses: tuple[Clause, ...], parties: Parties, *, clean: Text | None = None,
          contradictions: list[Contradiction] | None = None) -> tuple[DocumentIssue, ...]:
    """All document issues, in the order of CHECKS, then the clauses that contradict each other
    (``contradictions``: those of ``in_clauses`` when known already); given the clean text the
    clauses come from, first whether the source hid characters."""
    hidden = hidden_characters(clean) if clean is not None else []
    return (tuple(hidden) + tuple(i for fn in CHECKS for i in fn(clauses, parties))
            + tuple(conflicting_clauses(clauses, parties, found=contradictions)))
