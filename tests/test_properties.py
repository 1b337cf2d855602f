"""Properties of segmentation on arbitrary text (numerals and alignment have theirs elsewhere)."""
import re

from hypothesis import given, settings, strategies as st

from analyzer.segment import clauses_of

PIECES = st.sampled_from([
    "一、", "二、", "十、", "（一）", "第一条", "第三条 ", "1.", "2、", "1.1 ", "3.2.", "（1）", "(2)", "①", "●",
    "甲方：", "乙方", "服务", "费用", "不予退还", "违约金", "。", "，", "；", "\n", "\n\n", "  ", "\t", "\u3000",
    "1", "页", "热线：400", "合同", "- ", "[bookmark: _GoBack]", "ａｂｃ", "x" * 30, "的" * 60,
])
TEXTS = st.lists(PIECES, min_size=1, max_size=80).map("".join)


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_offsets_index_the_source_and_clauses_never_overlap(text):
    clean, clauses = clauses_of(text)
    prev_end = 0
    for c in clauses:
        assert 0 <= c.start <= c.end <= len(text)
        assert c.start >= prev_end
        prev_end = c.end
        body = c.text.lstrip()
        if body:
            assert text[c.start] == body[0]
            # the clause is the source's own characters, in order, within its span
            it = iter(text[c.start:c.end])
            assert all(ch in it for ch in squash(c.text))


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_clauses_together_cover_the_clean_text(text):
    clean, clauses = clauses_of(text)
    assert squash("".join(c.text for c in clauses)) == squash(clean.text)
    assert all(len(squash(c.text)) <= 500 for c in clauses)
