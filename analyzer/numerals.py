"""Chinese numerals, everyday and financial: 十二, 两千, 叁年, 壹万贰仟圆整, 百分之三十."""
from __future__ import annotations

import re

DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "幺": 1, "二": 2, "贰": 2, "貳": 2, "两": 2,
          "兩": 2, "三": 3, "叁": 3, "參": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6,
          "陸": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
FRACTION = {"角": 0.1, "分": 0.01}

NUMERAL_CHARS = "".join(DIGITS) + "".join(UNITS) + "".join(BIG)
NUMERAL_RUN = re.compile(f"[{NUMERAL_CHARS}]+")
# A number in figures (1,200.50). Its first digit stands alone, not in \d+: the engine skips ahead
# to where a pattern that opens with a character class can match, and tries one that opens with a
# repeat at every position (so do CAPITAL_AMOUNT and the amounts built on these).
FIGURES = r"\d\d*(?:,\d{3})*(?:\.\d+)?"
CAPITAL_AMOUNT = re.compile(
    f"[{NUMERAL_CHARS}][{NUMERAL_CHARS}]*(?:[元圆块](?:[{NUMERAL_CHARS}]+[角分])*[整正]?|[角分])"
    f"(?:[{NUMERAL_CHARS}]+[角分])*")


def cn_to_int(text: str) -> int:
    """Parse an integer written in Chinese numerals. Raises ValueError on anything else.

    Positional runs such as 二〇二三 are read digit by digit.
    """
    s = text.strip()
    if not s or any(c not in DIGITS and c not in UNITS and c not in BIG for c in s):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if all(c in DIGITS for c in s) and len(s) > 1:
        return int("".join(str(DIGITS[c]) for c in s))
    total, section, digit = 0, 0, None
    for c in s:
        if c in DIGITS:
            if digit is not None and DIGITS[c] != 0 and digit != 0:
                raise ValueError(f"two digits in a row: {text!r}")
            digit = DIGITS[c]
        elif c in UNITS:
            section += (1 if digit is None else digit) * UNITS[c]
            digit = None
        else:  # 万, 亿
            section += digit or 0
            if section == 0 and total == 0:
                raise ValueError(f"unit without a number: {text!r}")
            total = (total + section) * BIG[c] if BIG[c] > 10**4 else total + section * BIG[c]
            section, digit = 0, None
    return total + section + (digit or 0)


def parse_amount(text: str) -> float:
    """An amount in Chinese capitals, e.g. 壹万贰仟圆整 → 12000, 叁佰元伍角 → 300.5."""
    s = re.sub(r"[整正\s]", "", text)
    s = s.replace("圆", "元").replace("块", "元")
    if "元" in s:
        whole, _, frac = s.partition("元")
    elif s and s[-1] in FRACTION:
        whole, frac = "", s
    else:
        whole, frac = s, ""
    value = float(cn_to_int(whole)) if whole else 0.0
    for m in re.finditer(f"([{''.join(DIGITS)}])([角分])", frac):
        value += DIGITS[m.group(1)] * FRACTION[m.group(2)]
    return round(value, 2)


def to_number(text: str) -> float:
    """A number written in figures (with , or full-width digits) or in Chinese numerals."""
    from .normalize import fold
    s = fold(text).replace(",", "").replace(" ", "")
    try:
        return float(s)
    except ValueError:
        return float(cn_to_int(s))


# an amount in figures beside the same amount in capitals, in either order
FIGURE_THEN_CAPITALS = re.compile(
    rf"(?P<fig>{FIGURES})\s*(?P<wan>万)?\s*元[^。；\n\d]{{0,10}}?"
    rf"(?:大写\s*[:：]?\s*)?[(（]?\s*(?:人民币)?\s*(?P<cap>{CAPITAL_AMOUNT.pattern})")
CAPITALS_THEN_FIGURE = re.compile(
    rf"(?P<cap>{CAPITAL_AMOUNT.pattern})\s*[(（]\s*(?:小写\s*[:：]?\s*)?[¥￥]?\s*"
    rf"(?P<fig>{FIGURES})\s*(?P<wan>万)?\s*元?\s*[)）]")
