"""Every rule's own examples; the rule book's data is valid and not keyed to the samples."""
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from analyzer.errors import ResourceError
from analyzer.measures import Context
from analyzer.model import Document
from analyzer.pipeline import analyze_document
from analyzer.reading import read
from analyzer.rules import (
    SPEC_FLAGS,
    SPEC_PROTECTIONS,
    parse_asks,
    parse_flags,
    parse_rules,
    rulebook,
)
from analyzer.score import candidates_of, details, fire, match, match_text, triggers
from analyzer.taxonomy import load_taxonomy

BOOK = rulebook()
CASES = [(r, e, True) for r in BOOK.rules for e in r.positive] + \
        [(r, e, False) for r in BOOK.rules for e in r.negative]


@pytest.mark.parametrize("rule, example, fires", CASES,
                         ids=[f"{r.id}-{'pos' if f else 'neg'}-{i}" for i, (r, e, f) in enumerate(CASES)])
def test_rule_examples(rule, example, fires):
    ctx = Context(vendor=example.vendor, customer=example.customer)
    assert (match_text(rule, example.text, ctx) is not None) is fires


def test_every_spec_flag_and_protection_has_a_rule():
    assert {r.code for r in BOOK.rules if r.kind == "finding"} == set(SPEC_FLAGS)
    assert {r.code for r in BOOK.rules if r.kind == "protection"} == set(SPEC_PROTECTIONS)


def _samples():
    root = Path(__file__).resolve().parent.parent / "data" / "contracts"
    return [re.sub(r"\s+", "", p.read_text(encoding="utf-8")) for p in sorted(root.iterdir()) if p.suffix in (".txt", ".md")]


def test_examples_are_not_sample_sentences():
    samples = _samples()
    for rule in BOOK.rules:
        for e in rule.positive + rule.negative:
            assert not any(re.sub(r"\s+", "", e.text) in s for s in samples), (rule.id, e.text)


def test_no_rule_or_exemplar_names_a_sample_party(gold):
    names = {g[k] for g in gold["contracts"].values() for k in ("vendor", "customer") if g.get(k)}
    data = "".join((Path(__file__).resolve().parent.parent / "analyzer" / "resources" / f).read_text(encoding="utf-8")
                   for f in ("rules.yaml", "taxonomy.yaml"))
    for name in names:
        assert name not in data
        core = re.sub(r"(股份)?有限公司$", "", name)[-4:]
        assert core not in data, core


def _parse(*entries):
    return parse_rules({"rules": list(entries)}, BOOK.legal, load_taxonomy().ids, BOOK.flags)


def test_bad_rule_records_are_rejected_with_the_valid_choices():
    base = {"id": "x", "flag": "non_refundable", "categories": ["refund"], "patterns": ["不退"],
            "examples": {"positive": ["不退"], "negative": ["退"]}}
    with pytest.raises(ResourceError, match="not one of"):
        _parse(dict(base, flag="refundish"))
    with pytest.raises(ResourceError, match="unknown keys"):
        _parse(dict(base, colour="red"))
    with pytest.raises(ResourceError, match="bad pattern"):
        _parse(dict(base, patterns=["(不退"]))
    with pytest.raises(ResourceError, match="examples"):
        _parse(dict(base, examples={"positive": ["不退"]}))
    with pytest.raises(ResourceError, match="measure 'size' is not one of penalty"):
        _parse(dict(base, measure="size"))
    # a rule's patterns are sought in the whole clause before its sentences: no anchors or lookarounds
    for anchored in ("^不退", "不退$", "不(?=退)", "(?<!可)不退", r"\b不退"):
        with pytest.raises(ResourceError, match="anchor or a lookaround"):
            _parse(dict(base, patterns=[anchored]))
    assert _parse(dict(base, patterns=[r"[^。]*不退\$"]))


def test_conditions_on_the_reading_are_checked():
    base = {"id": "x", "flag": "unilateral_termination", "categories": ["termination"],
            "examples": {"positive": ["乙方有权终止"], "negative": ["甲方有权终止"]}}
    rule, = _parse(dict(base, when=[{"action": "terminate", "actor": ["vendor"], "modality": ["right"]}]))
    assert rule.actions == {"terminate"} and not rule.patterns
    with pytest.raises(ResourceError, match="action \\['fly'\\] not among"):
        _parse(dict(base, when=[{"action": "fly"}]))
    with pytest.raises(ResourceError, match="actor \\['landlord'\\] not among vendor, customer"):
        _parse(dict(base, when=[{"action": "terminate", "actor": "landlord"}]))
    with pytest.raises(ResourceError, match="modality"):
        _parse(dict(base, when=[{"action": "terminate", "modality": "perhaps"}]))
    with pytest.raises(ResourceError, match="needs at least one pattern or `when`"):
        _parse(base)


def test_flags_and_briefs_are_validated_at_load():
    data = {"flags": {c: {"kind": f.kind, "label": f.label} for c, f in BOOK.flags.items()}}
    assert set(parse_flags(data)) == set(BOOK.flags)
    with pytest.raises(ResourceError, match="spec's finding codes \\['exclusivity'\\] are missing"):
        parse_flags({"flags": {c: v for c, v in data["flags"].items() if c != "exclusivity"}})
    with pytest.raises(ResourceError, match="details \\['colour'\\]"):
        parse_flags({"flags": dict(data["flags"], exclusivity={"kind": "finding", "label": "x", "details": ["colour"]})})
    # a new flag: declared in rules.yaml, and briefs.yaml must give its ask
    flags = parse_flags({"flags": dict(data["flags"], data_lock_in={"kind": "finding", "label": "数据锁定"})})
    with pytest.raises(ResourceError, match="briefs.yaml data_lock_in"):
        parse_asks(dict(BOOK.asks), flags)
    asks = parse_asks(dict(BOOK.asks, data_lock_in={"ask": "数据可随时导出。", "fallback": "终止后三十日内可导出。"}), flags)
    assert asks["data_lock_in"]["ask"]
    with pytest.raises(ResourceError, match="related 'refund' is not one of"):
        parse_asks(dict(BOOK.asks, exclusivity={"ask": "a", "fallback": "b", "related": "refund"}), BOOK.flags)


@pytest.mark.parametrize("flag", [c for c, f in BOOK.flags.items() if f.kind == "finding"])
def test_every_flag_has_an_ask_and_a_fallback(flag):
    entry = BOOK.asks[flag]
    assert len(entry["ask"]) >= 10 and len(entry["fallback"]) >= 10
    assert entry["ask"] != entry["fallback"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.sampled_from([e.text for r in BOOK.rules for e in r.positive + r.negative]),
                          st.text(alphabet="甲乙方不予退还费用违约金百分之三十终止服务，。；\n0123456789", max_size=40)),
                min_size=1, max_size=8))
def test_candidate_rules_are_a_superset_of_the_rules_that_match(texts):
    found = candidates_of(BOOK.rules, [read(t) for t in texts])
    for text, candidates in zip(texts, found):
        matching = [r for r in BOOK.rules if any(p.search(read(text).view.text) for p in r.patterns)]
        assert set(r.id for r in matching) <= set(r.id for r in candidates)
        assert [r.id for r in candidates] == [r.id for r in BOOK.rules if r in candidates]  # book order


def test_legal_references_state_the_law_as_the_spec_does():
    assert "第496条至第498条" in BOOK.legal["standard_terms"]["cite"]
    pen = BOOK.legal["penalty"]
    assert "第585条" in pen["cite"] and "第65条" in pen["cite"] and "2023" in pen["cite"]
    assert "损失的百分之三十" in pen["text"] and "并非法律标准" in pen["text"]


def test_resources_are_plain_yaml():
    root = Path(__file__).resolve().parent.parent / "analyzer" / "resources"
    for f in ("rules.yaml", "taxonomy.yaml", "legal.yaml", "defaults.yaml"):
        assert isinstance(yaml.safe_load((root / f).read_text(encoding="utf-8")), dict)


def test_numbers_beside_findings():
    assert details("liability_cap", "乙方的赔偿总额不超过甲方已支付的服务费为限。") == {"cap_basis": "甲方已支付的服务费"}
    assert details("advance_notice", "乙方应提前三日通知甲方。") == {"notice_days": 3}
    assert details("unilateral_termination", "系统停断7天仍未续费的，合同自动终止。") == {"grace_days": 7}
    got = details("customer_termination_right", "违约方应在二十日内纠正，否则守约方有权终止协议。")
    assert got == {"cure_days": 20}
    assert details("exclusivity", "甲方优先选择乙方。") == {}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([e.text for r in BOOK.rules for e in r.positive + r.negative]), min_size=1, max_size=4)
       .map("".join))
def test_a_clause_is_tried_with_only_the_patterns_that_may_match_it(text):
    """Each rule fires on the same sentences, with the same hit, whether every trigger pattern
    is tried or only those the prefilter lets through and that match the whole clause."""
    ctx = Context()
    r = read(text)
    found = dict(triggers(BOOK.rules).candidates([r])[0])
    for rule in BOOK.rules:
        every = [match(rule, s, ctx) for s in r.sentences]
        live = [p for p in found.get(rule, ()) if p.search(r.view.text)]
        narrowed = [fire(rule, live, s, ctx) if rule in found else None for s in r.sentences]
        assert narrowed == every, rule.id


def test_a_title_over_its_clauses_is_read_for_no_rule():
    text = "4、客户账号管理及账户注销\n4.1 客户应妥善保管账号和密码。\n4.2 服务商有权随时注销客户账号，无需通知。\n"
    a = analyze_document(Document("t.txt", "0" * 64, text, "text"), {"model": False})
    flagged = {f.clause_id for f in a.findings if f.flag == "unilateral_termination"}
    assert flagged == {c.id for c in a.clauses if c.text.startswith("4.2")}
