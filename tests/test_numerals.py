"""Chinese numerals, with a property test against an independent converter."""
import pytest
from hypothesis import given, strategies as st

from analyzer.numerals import cn_to_int, parse_amount

SMALL = "零一二三四五六七八九"
CAPITAL = "零壹贰叁肆伍陆柒捌玖"


def to_chinese(n: int, digits: str = SMALL, units=("", "十", "百", "千")) -> str:
    """An independent int → Chinese writer (standard form, with 零 for gaps)."""
    if n == 0:
        return digits[0]

    def four(x: int) -> str:
        out, zero = "", False
        for power in (3, 2, 1, 0):
            d = x // 10**power % 10
            if d == 0:
                zero = bool(out)
                continue
            if zero:
                out += digits[0]
                zero = False
            out += digits[d] + units[power]
        return out

    parts = []
    for unit, size in (("亿", 10**8), ("万", 10**4), ("", 1)):
        chunk = n // size % 10**4 if size < 10**8 else n // size
        if chunk:
            if parts and chunk < 1000:
                parts.append(digits[0])
            parts.append(four(chunk) + unit)
        elif parts and size == 1 and n % 10**4:
            parts.append(digits[0])
    return "".join(parts)


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_small_numerals_round_trip(n):
    assert cn_to_int(to_chinese(n)) == n


@given(st.integers(min_value=1, max_value=10**8 - 1))
def test_financial_capitals_round_trip(n):
    text = to_chinese(n, CAPITAL, ("", "拾", "佰", "仟")) + "元整"
    assert parse_amount(text) == n


@pytest.mark.parametrize("text, value", [
    ("十二", 12), ("两千", 2000), ("陆", 6), ("叁", 3), ("一百零五", 105), ("二〇二三", 2023),
])
def test_everyday_forms(text, value):
    assert cn_to_int(text) == value


@pytest.mark.parametrize("text, value", [
    ("壹万贰仟圆整", 12000), ("叁仟伍佰元整", 3500), ("壹仟圆", 1000), ("叁佰元伍角", 300.5),
    ("贰拾元零伍分", 20.05),
])
def test_amounts(text, value):
    assert parse_amount(text) == value


@pytest.mark.parametrize("bad", ["", "甲方", "12"])
def test_rejects_non_numerals(bad):
    with pytest.raises(ValueError):
        cn_to_int(bad)
