"""The one place that knows the order of the stages:
load → normalize → segment → parties → reading → align → checks → terms → score → second opinion."""
from __future__ import annotations

import bisect
import functools
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from . import checks, contradictions, expected, learn, parties, reading, score, terms
from .errors import InputError
from .load import load
from .model import Analysis, Document
from .segment import clauses_of
from .settings import Settings


@functools.lru_cache(maxsize=4)
def aligner(workers: int = 1):
    """The process's fitted aligner. Its fitted state is kept in the user's cache directory,
    keyed by the taxonomy, the user dictionary, the aligner's code and the versions of
    scikit-learn and jieba: later processes load it instead of importing scikit-learn to fit."""
    from .align import Aligner
    from .taxonomy import load_taxonomy
    from .tokens import cache_dir, tokenizer
    a = Aligner(tokenizer=tokenizer(), workers=workers)
    path = cache_dir() / f"aligner-{_aligner_key()}.npz"
    try:
        return a.load_fitted(path)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        a.fit(load_taxonomy())  # none stored yet, or unreadable: fit, and store for next time
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp.npz")
    try:
        a.save_fitted(tmp)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
    return a


def _aligner_key() -> str:
    import hashlib
    from importlib import metadata, resources
    h = hashlib.sha256()
    here = resources.files("analyzer")
    for part in (here / "resources" / "taxonomy.yaml", here / "resources" / "userdict.txt", here / "align.py"):
        h.update(part.read_bytes())
    for dist in ("scikit-learn", "jieba"):
        try:
            h.update(f"{dist} {metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            pass
    return h.hexdigest()[:20]


def analyze_document(doc: Document, settings: Settings | dict | None = None) -> Analysis:
    s = Settings.resolve(settings)
    clean, clauses = clauses_of(doc.text)
    p = parties.resolve(clean.text, clauses, vendor_role=s.vendor_role)
    clauses = aligner(s.workers).transform(reading.read_all(clauses, p))
    issues = checks.check(clauses, p)
    t = terms.extract(clauses, p)

    def to_source(clause, start, end):
        base = bisect.bisect_left(clean.offsets, clause.start)
        return clean.span(base + start, base + end)

    findings, protections = score.score(clauses, p, to_source=to_source)
    model = learn.packaged() if s.model else None
    opinions = learn.second_opinion(clauses, findings, protections, model, to_source=to_source) if model else ()
    left_out = expected.missing(clauses, protections, t, p)
    return Analysis(document=doc, parties=p, clauses=clauses, findings=findings, protections=protections,
                    issues=issues, terms=t, risk_score=score.risk_score(findings, protections, left_out),
                    clause_scores=score.clause_scores(clauses, findings, protections), second_opinion=opinions,
                    missing=left_out, contradictions=contradictions.find(clauses, p, findings, protections))


def analyze(path: str | Path, settings: Settings | dict | None = None) -> Analysis:
    """Analyze one contract file."""
    s = Settings.resolve(settings)
    return analyze_document(load(path, max_bytes=int(s.max_file_mb * 2**20)), s)


@dataclass(frozen=True)
class Failure:
    source: str
    message: str


def analyze_many(paths, settings: Settings | dict | None = None, *, progress=None):
    """Analyze every path; bad files become Failures and never stop the others."""
    s = Settings.resolve(settings)
    done, failed = [], []
    for path in paths:
        try:
            done.append(analyze(path, s))
        except InputError as e:
            failed.append(Failure(str(path), str(e)))
        except RecursionError:
            failed.append(Failure(str(path), f"{path}: too deeply nested to read; pass it as plain text"))
        except Exception as e:  # a defect of ours must not lose the other files
            failed.append(Failure(str(path), f"{path}: internal error ({type(e).__name__}: {e}); "
                                             "the other files were analyzed; please report this file"))
        if progress:
            progress()
    return done, failed


CONTRACT_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".docx", ".pdf", ".html", ".htm")
# files a folder of contracts often holds that are not contracts: never taken from a folder
NOT_CONTRACTS = ("README*", "readme*", "Readme*", "LICENSE*", "LICENCE*", "license*", "CHANGELOG*",
                 "changelog*", "CONTRIBUTING*", "NOTICE*", "AUTHORS*")


def expand(paths, exclude=()) -> list[Path]:
    """Files as given, and the contract files inside folders (sorted), each once.

    ``exclude``: glob patterns; a file found inside a folder is left out when its name or its
    path within the folder (with /) matches one ("README*", "drafts/*"). Files named
    themselves are always taken, and files named like a folder's notes (``NOT_CONTRACTS``:
    README, LICENSE…) never are taken from a folder."""
    from fnmatch import fnmatchcase
    out, seen = [], set()
    exclude = tuple(exclude) + NOT_CONTRACTS

    def excluded(f: Path, root: Path) -> bool:
        rel = f.relative_to(root).as_posix()
        return any(fnmatchcase(f.name, g) or fnmatchcase(rel, g) for g in exclude)

    for p in map(Path, paths):
        items = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in CONTRACT_SUFFIXES
                       and not any(part.startswith(".") for part in f.relative_to(p).parts)
                       and not excluded(f, p)) \
            if p.is_dir() else [p]
        for f in items:
            key = str(f.resolve()) if f.exists() else str(f)
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out
