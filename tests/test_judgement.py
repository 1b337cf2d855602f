"""The rules on contracts they were not built on: the development gold and the labeled set.

The development contracts (data/labeled/gold/dev.json) are judged by the rules alone, so the
model, which learned from them, adds nothing to these figures."""
import pytest

from analyzer.evaluate import evaluate, load_gold
from analyzer.pipeline import analyze

from .conftest import LABELED


@pytest.fixture(scope="module")
def dev():
    gold = load_gold(LABELED / "gold" / "dev.json")
    result = {"contracts": [analyze(LABELED / "texts" / name, {"model": False}).to_dict()
                            for name in gold["contracts"]]}
    return evaluate(gold, result)


def test_findings_on_the_development_contracts(dev):
    figures, tally = dev
    assert figures["findings_f1"] >= 0.90 and figures["findings_recall"] >= 0.85, tally.notes


def test_protections_parties_and_risk_order_on_the_development_contracts(dev):
    figures, tally = dev
    assert figures["protections_recall"] >= 0.80, [n for n in tally.notes if "protection" in n]
    ok, n = figures["parties"]
    assert ok / n >= 0.96, [n for n in tally.notes if "want" in n]
    assert figures["risk_order"][0] == figures["risk_order"][1], [n for n in tally.notes if "risk order" in n]


def test_labeled_set_size_and_types():
    import csv
    rows = list(csv.DictReader((LABELED / "SOURCES.tsv").open(encoding="utf-8"), delimiter="\t"))
    gold = load_gold(LABELED / "gold")
    assert len(rows) >= 40 and len({r["service_type"] for r in rows}) >= 10
    assert {r["file"] for r in rows} == set(gold["contracts"]) == {p.name for p in (LABELED / "texts").iterdir()}
    assert all(r["repo"] and r["path"] for r in rows)


def test_gold_evidence_is_in_its_contract():
    import hashlib
    import re
    gold = load_gold(LABELED / "gold")
    for name, c in gold["contracts"].items():
        raw = (LABELED / "texts" / name).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == c["sha256"], name
        text = re.sub(r"\s+", "", raw.decode("utf-8"))
        for item in c["findings"] + c["protections"]:
            assert re.sub(r"\s+", "", item["evidence"]) in text, (name, item["evidence"])
