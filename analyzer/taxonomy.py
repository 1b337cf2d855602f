"""The clause taxonomy, loaded from resources/taxonomy.yaml and validated."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import yaml

from .errors import ResourceError

SPEC_CATEGORIES = ("scope", "fees", "payment", "minimum_commitment", "refund", "term_renewal",
                   "termination", "suspension", "service_level", "customer_obligations",
                   "acceptable_use", "assignment", "breach_penalty", "liability_limit", "indemnity",
                   "force_majeure", "dispute", "confidentiality", "data_protection", "amendment",
                   "general", "parties")
UNCLASSIFIED = "unclassified"


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    description: str
    keywords: tuple[str, ...]
    exemplars: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    categories: tuple[Category, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.categories)

    def label(self, category_id: str) -> str:
        if category_id == UNCLASSIFIED:
            return "未归类"
        return next(c.label for c in self.categories if c.id == category_id)


def parse(data: dict, *, source: str = "taxonomy") -> Taxonomy:
    """Validate a taxonomy mapping; errors name the entry and the valid keys."""
    if not isinstance(data, dict) or not isinstance(data.get("categories"), list):
        raise ResourceError(f"{source}: expected a mapping with a 'categories' list")
    keys = {"id", "label", "description", "keywords", "exemplars"}
    cats = []
    for i, entry in enumerate(data["categories"]):
        if not isinstance(entry, dict) or set(entry) != keys:
            got = sorted(entry) if isinstance(entry, dict) else type(entry).__name__
            raise ResourceError(f"{source}: category #{i} has keys {got}; expected {sorted(keys)}")
        if not entry["keywords"] or not entry["exemplars"]:
            raise ResourceError(f"{source}: category {entry['id']!r} needs keywords and exemplars")
        cats.append(Category(entry["id"], entry["label"], entry["description"],
                             tuple(entry["keywords"]), tuple(entry["exemplars"])))
    ids = [c.id for c in cats]
    if len(set(ids)) != len(ids):
        raise ResourceError(f"{source}: duplicate category ids")
    missing = set(SPEC_CATEGORIES) - set(ids)
    if missing:
        raise ResourceError(f"{source}: spec categories missing: {sorted(missing)}")
    return Taxonomy(tuple(cats))


def resource_yaml(name: str):
    """One of the package's YAML resources, read with PyYAML's C parser when it has one."""
    text = (resources.files("analyzer") / "resources" / name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@functools.lru_cache(maxsize=1)
def load_taxonomy() -> Taxonomy:
    return parse(resource_yaml("taxonomy.yaml"), source="resources/taxonomy.yaml")
