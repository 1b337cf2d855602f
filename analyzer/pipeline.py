"""The one place that knows the order of the stages:
load → normalize → segment → parties → reading → align → checks → terms → score → second opinion."""
from __future__ import annotations

import bisect
import errno
import functools
import logging
import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from . import checks, contradictions, expected, learn, parties, playbook, reading, score, terms
from .errors import InputError, printable
from .load import load
from .model import Analysis, Document, evolve
from .normalize import fold
from .segment import clauses_of, forget_markers
from .settings import Settings
from .tokens import cache_dir, segmenter, tokenizer

log = logging.getLogger(__name__)


def aligner(workers: int = 1):
    """The process's fitted aligner for ``workers`` rapidfuzz threads: one per value however it
    is asked for (``aligner()`` is ``aligner(1)``), so a warm-up before forking fills the one the
    workers use."""
    return _cached_aligner(workers)


@functools.lru_cache(maxsize=4)
def _cached_aligner(workers: int):
    return fitted_aligner(workers)


def fitted_aligner(workers: int = 1):
    """A fitted aligner, new at each call. Its fitted state is kept in the user's cache directory,
    keyed by the taxonomy, the user dictionary, the aligner's code, the segmenter and the versions
    of scikit-learn and jieba: later processes load it instead of importing scikit-learn to fit."""
    from .align import Aligner
    from .taxonomy import load_taxonomy
    a = Aligner(tokenizer=tokenizer(), workers=workers)
    folder = cache_dir()
    if folder is None:  # ANALYZER_CACHE_DIR=off: nothing kept on disk
        return a.fit(load_taxonomy())
    path = folder / f"aligner-{aligner_key()}.npz"
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


def aligner_key() -> str:
    import hashlib
    from importlib import metadata, resources
    h = hashlib.sha256()
    here = resources.files("analyzer")
    for part in (here / "resources" / "taxonomy.yaml", here / "resources" / "userdict.txt", here / "align.py"):
        h.update(part.read_bytes())
    h.update(segmenter().encode())
    for dist in ("scikit-learn", "jieba"):
        try:
            h.update(f"{dist} {metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            pass
    return h.hexdigest()[:20]


def forget_texts() -> None:
    """Drop what is kept across analyses keyed by text: folds, the numbering of line starts, a
    contract's party words (all bounded). Each analysis then reads its text afresh, as the
    benchmark measures it; a long-running process may call it to give the memory back."""
    fold.cache_clear()
    forget_markers()
    reading.forget_party_words()


def analyze_document(doc: Document, settings: Settings | dict | None = None) -> Analysis:
    s = Settings.resolve(settings)
    clean, clauses = clauses_of(doc.text)
    p = parties.resolve(clean.text, clauses, vendor_role=s.vendor_role)
    clauses = aligner(s.workers).transform(reading.read_all(clauses, p))
    clashes = contradictions.in_clauses(clauses, p)
    issues = checks.check(clauses, p, clean=clean, contradictions=clashes)
    t = terms.extract(clauses, p)

    def to_source(clause, start, end):
        base = bisect.bisect_left(clean.offsets, clause.start)
        return clean.span(base + start, base + end)

    pb = playbook.of(s.playbook) or playbook.packaged()
    book = pb.book()
    findings, protections = score.score(clauses, p, to_source=to_source, book=book)
    findings = pb.apply(findings)
    model = learn.packaged() if s.model else None
    opinions = learn.second_opinion(clauses, findings, protections, model, to_source=to_source) if model else ()
    left_out = expected.missing(clauses, protections, t, p)
    return Analysis(document=doc, parties=p, clauses=clauses, findings=findings, protections=protections,
                    issues=issues, terms=t, risk_score=score.risk_score(findings, protections, left_out, book=book),
                    clause_scores=score.clause_scores(clauses, findings, protections, book=book),
                    second_opinion=opinions,
                    missing=left_out, contradictions=contradictions.find(clauses, p, findings, protections, known=clashes))


def analyze(path: str | Path, settings: Settings | dict | None = None) -> Analysis:
    """Analyze one contract file."""
    s = Settings.resolve(settings)
    return analyze_document(load(path, max_bytes=int(s.max_file_mb * 2**20)), s)


@dataclass(frozen=True)
class Failure:
    """A file that could not be analyzed. ``internal``: a defect of the analyzer, not of the file."""
    source: str
    message: str
    internal: bool = False


def analyze_many(paths, settings: Settings | dict | None = None, *, progress=None):
    """Analyze every path; bad files become Failures and never stop the others.

    Sources and messages are printable (``errors.printable``): a file name that is not UTF-8
    shows with \\x escapes, so every output can hold it."""
    s = Settings.resolve(settings)
    done, failed = [], []
    for path in paths:
        shown = printable(path)
        try:
            done.append(_shown_as(analyze(path, s), shown))
        except InputError as e:
            failed.append(Failure(shown, printable(e)))
        except RecursionError:
            failed.append(Failure(shown, f"{shown}: too deeply nested to read; pass it as plain text"))
        except Exception as e:  # a defect of ours must not lose the other files
            failed.append(Failure(shown, printable(f"{shown}: internal error ({type(e).__name__}: {e}); "
                                                   "the other files were analyzed; please report this file"),
                                  internal=True))
        if progress:
            progress()
    return done, failed


def _shown_as(a: Analysis, source: str) -> Analysis:
    """The analysis with ``source`` as its document's source (a new record when it differs)."""
    return a if a.document.source == source else evolve(a, document=evolve(a.document, source=source))


CONTRACT_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".docx", ".pdf", ".html", ".htm")
# files a folder of contracts often holds that are not contracts: never taken from a folder
NOT_CONTRACTS = ("README*", "readme*", "Readme*", "LICENSE*", "LICENCE*", "license*", "CHANGELOG*",
                 "changelog*", "CONTRIBUTING*", "NOTICE*", "AUTHORS*")


def expand(paths, exclude=(), *, skip=()) -> list[Path]:
    """Files as given, and the contract files inside folders (sorted), each once.

    ``exclude``: glob patterns; a file found inside a folder is left out when its name or its
    path within the folder (with /) matches one ("README*", "drafts/*"). Files named
    themselves are always taken, and files named like a folder's notes (``NOT_CONTRACTS``:
    README, LICENSE…) never are taken from a folder. ``skip``: folders never looked into inside
    the folders given (the output folder: a report is not a contract). Hidden files and folders
    are left out; folders reached through a symbolic link are followed, and a link that loops
    back is left out with a warning naming it (logged; the CLI prints it on stderr)."""
    from fnmatch import fnmatchcase
    out, seen = [], set()
    exclude = tuple(exclude) + NOT_CONTRACTS
    skipped = {os.path.realpath(s) for s in skip}

    def excluded(f: Path, root: Path) -> bool:
        rel = f.relative_to(root).as_posix()
        return any(fnmatchcase(f.name, g) or fnmatchcase(rel, g) for g in exclude)

    for p in map(Path, paths):
        items = sorted(f for f in _files_under(p, skipped)
                       if f.suffix.lower() in CONTRACT_SUFFIXES and not excluded(f, p)) \
            if p.is_dir() else [p]
        for f in items:
            key = str(f.resolve()) if f.exists() else str(f)
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out


def _files_under(root: Path, skip: set[str]):
    """The regular files inside a folder and its subfolders, hidden ones and ``skip`` left out.
    A link to a folder outside ``root`` is followed (one inside is walked anyway); a link back to
    a folder being walked (a loop) is warned about."""
    top = os.path.realpath(root)
    stack = [(root, (top,))]
    while stack:
        folder, ancestors = stack.pop()
        try:
            names = sorted(e.name for e in os.scandir(folder) if not e.name.startswith("."))
        except OSError as e:
            log.warning("%s: cannot be read (%s); skipped", printable(folder), e.strerror)
            continue
        for name in names:
            path = folder / name
            kind = _kind(path)
            real = os.path.realpath(path) if kind == "folder" else None
            if kind == "file":
                yield path
            elif kind == "loop" or real in ancestors:
                log.warning("%s: a symbolic link that loops (to itself or a folder above it); skipped",
                            printable(path))
            elif kind == "folder" and real not in skip and (not path.is_symlink() or not _within(real, top)):
                stack.append((path, ancestors + (real,)))


def _kind(path: Path) -> str:
    """What a path is: "file" (a regular file), "folder", "loop" (a link that leads to itself) or
    "other" (a FIFO, a device, a broken link: never a contract found in a folder)."""
    try:
        mode = path.stat().st_mode
    except OSError as e:
        return "loop" if e.errno == errno.ELOOP else "other"
    return "file" if stat.S_ISREG(mode) else "folder" if stat.S_ISDIR(mode) else "other"


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)
