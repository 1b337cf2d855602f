import json
from pathlib import Path

import pytest

from analyzer.pipeline import analyze

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "contracts"
GOLD = ROOT / "data" / "labeled" / "gold" / "samples.json"
LABELED = ROOT / "data" / "labeled"


@pytest.fixture(scope="session")
def gold():
    return json.loads(GOLD.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def sample_paths():
    return sorted(p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".md"))


@pytest.fixture(scope="session")
def sample_analyses(sample_paths):
    return [analyze(p) for p in sample_paths]


@pytest.fixture(scope="session")
def sample_result(sample_analyses):
    return {"contracts": [a.to_dict() for a in sample_analyses]}
