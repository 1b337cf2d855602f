"""Corpus mode: analyze thousands of files in parallel into Parquet tables.

Work is cut into chunks of files; each chunk is analyzed in a worker and written as one part
file per table (``parts/``, written atomically): by the worker itself when it is a local
process, by the parent from the rows a Dask worker sends back (a cluster's machines may not
share a disk). A restarted batch skips every file whose path and sha256 are already in a
complete part, so an interrupted batch resumes where it stopped. At the end the parts are merged
into ``contracts.parquet``, ``clauses.parquet``, ``findings.parquet``, ``protections.parquet`` and
``errors.parquet``, sorted so that the same inputs always give the same tables.

One batch at a time holds an output folder (``LOCK``); local workers end with the batch, even
when it is killed. A worker that dies (killed, out of memory) ends the batch early: the tables
are still merged from what finished, and the files it did not reach are reported as ``lost``
(a rerun does them).
"""
from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import sys
import threading
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass
from pathlib import Path

from . import playbook, records
from .errors import OutputError, SettingsError, printable
from .model import TERM_KEYS
from .pipeline import aligner, analyze_many, expand
from .settings import Settings

TABLES = ("contracts", "clauses", "findings", "protections", "errors")
LOCK = ".analyzer-batch.lock"  # held (flock) by the batch writing into the folder
SORT_KEYS = {"contracts": ["source"], "clauses": ["source", "start", "id"],
             "findings": ["source", "start", "flag", "clause_id"], "protections": ["source", "start", "code"],
             "errors": ["source"]}


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def add_analysis(tables: dict[str, dict[str, list]], analysis) -> None:
    """Add one analysis to the chunk's tables (table → column → values)."""
    a, d = analysis, analysis.document
    key = {"sha256": d.sha256, "source": d.source}
    contract = dict(key, format=d.format, vendor=a.vendor, customer=a.customer, vendor_role=a.parties.vendor_role,
                    risk_score=a.risk_score, clauses=len(a.clauses), findings=len(a.findings),
                    protections=len(a.protections), document_issues=",".join(i.code for i in a.issues),
                    **{k: v for k, v in a.terms.values().items()})
    for name, value in contract.items():
        tables["contracts"].setdefault(name, []).append(value)
    for table, spec, items in (("clauses", records.CLAUSE, a.clauses), ("findings", records.FINDING, a.findings),
                               ("protections", records.PROTECTION, a.protections)):
        records.extend_columns(tables[table], spec, items, a, **key)


def analyze_chunk(paths: list[str], settings: dict) -> dict[str, dict[str, list]]:
    """Analyze a chunk of files (in a worker) into its tables, column by column; bad files become
    error rows (``internal`` marks a defect of the analyzer; it is not a column of the table)."""
    done, failed = analyze_many(paths, Settings.resolve(settings))
    out: dict[str, dict[str, list]] = {t: {} for t in TABLES}
    for a in done:
        add_analysis(out, a)
    path_of = {printable(p): p for p in paths}  # sources are printable; the file is opened by its path
    errors = out["errors"]
    for f in failed:
        try:
            sha = _sha256(Path(path_of.get(f.source, f.source)))
        except OSError:
            sha = ""
        for name, value in (("sha256", sha), ("source", f.source), ("message", f.message), ("internal", f.internal)):
            errors.setdefault(name, []).append(value)
    return out


def _counts(tables: dict[str, dict[str, list]]) -> dict[str, int]:
    return {"contracts": len(tables["contracts"].get("source", ())), "errors": len(tables["errors"].get("source", ())),
            "internal": sum(tables["errors"].get("internal", ()))}


def analyze_chunk_to_part(paths: list[str], settings: dict, parts: str) -> dict[str, int]:
    """Analyze a chunk in a local worker and write its part there; returns the part's counts.

    Local workers share the output folder, so the tables need not travel back to the parent."""
    tables = analyze_chunk(paths, settings)
    _write_part(Path(parts), tables)
    return _counts(tables)


@dataclass(frozen=True)
class BatchResult:
    """``analyzed`` and ``failed``: files of this run; ``counts``: rows of each table, the whole
    folder (``counts["errors"]`` counts the files that failed in this run or an earlier one);
    ``internal``: failures of this run that are defects of the analyzer; ``lost``: files not
    analyzed because a worker died (a rerun does them)."""
    out: Path
    analyzed: int
    skipped: int
    failed: int
    counts: dict
    internal: int = 0
    lost: tuple[str, ...] = ()


def _schema(table: str):
    import pyarrow as pa
    s, i, f = pa.string(), pa.int64(), pa.float64()
    key = [("sha256", s), ("source", s)]
    cols = {
        "contracts": key + [("format", s), ("vendor", s), ("customer", s), ("vendor_role", s), ("risk_score", f),
                            ("clauses", i), ("findings", i), ("protections", i), ("document_issues", s)]
                     + [(k, f) for k in TERM_KEYS],
        "clauses": key + records.arrow_fields(records.CLAUSE),
        "findings": key + records.arrow_fields(records.FINDING),
        "protections": key + records.arrow_fields(records.PROTECTION),
        "errors": key + [("message", s)],
    }[table]
    return pa.schema(cols)


def _write_part(parts: Path, tables: dict[str, dict[str, list]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    shas = sorted(sha + source for t in ("contracts", "errors")
                  for sha, source in zip(tables[t].get("sha256", ()), tables[t].get("source", ())))
    name = hashlib.sha256("\n".join(shas).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    for table in TABLES:
        tmp = parts / f".{table}-{name}.parquet.tmp"
        schema = _schema(table)
        columns = tables[table] or {f.name: [] for f in schema}
        pq.write_table(pa.Table.from_pydict(columns, schema=schema), tmp)
        os.replace(tmp, parts / f"{table}-{name}.parquet")


def _done(parts: Path) -> set[tuple[str, str]]:
    """(sha256, source) of every file already in a complete part; incomplete parts are removed.

    A file is done when the same path with the same bytes was analyzed: a changed file is redone."""
    import pyarrow.parquet as pq
    names = {p.name.split("-", 1)[1] for p in parts.glob("*-*.parquet")}
    done = set()
    for name in sorted(names):
        if not _current(parts, name):
            for t in TABLES:  # a batch died while writing this part, or an older version wrote it: redo
                (parts / f"{t}-{name}").unlink(missing_ok=True)
            continue
        for table in ("contracts", "errors"):
            t = pq.read_table(parts / f"{table}-{name}", columns=["sha256", "source"])
            done.update(zip(t.column("sha256").to_pylist(), t.column("source").to_pylist()))
    return done


def _current(parts: Path, name: str) -> bool:
    """Is the part whole, and written with today's columns?"""
    import pyarrow.parquet as pq
    paths = [(t, parts / f"{t}-{name}") for t in TABLES]
    return (all(p.exists() for _, p in paths)
            and all(pq.read_schema(p).names == _schema(t).names for t, p in paths))


ROW_GROUP = 65536  # rows per row group of the merged tables, whatever the parts were


def merge(out: Path) -> dict[str, int]:
    """Merge the parts into the final tables, sorted; returns row counts.

    Every file's rows sit in one part, so the merge walks the files in order and reads the part
    holding each run of them, a few parts at a time: memory stays flat however large the corpus.
    Row groups have a fixed size, so the tables do not depend on how the work was cut into parts.
    The tables are merged two at a time, in threads (Arrow leaves the interpreter while it reads,
    sorts and writes)."""
    import pyarrow.parquet as pq
    from concurrent.futures import ThreadPoolExecutor
    parts = out / "parts"
    # which part holds each file: every file has its one row in the part's contracts or errors
    owner: dict[str, str] = {}
    for f in sorted(parts.glob("contracts-*.parquet")):
        name = f.name.split("-", 1)[1]
        for table in ("contracts", "errors"):
            for source in pq.read_table(parts / f"{table}-{name}", columns=["source"]).column("source").to_pylist():
                owner[source] = name
    size = Counter(owner.values())  # files in each part
    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = dict(zip(TABLES, pool.map(lambda table: _merge_table(out, table, owner, size), TABLES)))
    return counts


def _merge_table(out: Path, table: str, owner: dict[str, str], size: Counter) -> int:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq
    parts = out / "parts"
    schema = _schema(table)
    cache: OrderedDict = OrderedDict()

    def part(name: str):
        if name not in cache:
            t = pq.read_table(parts / f"{table}-{name}")
            cache[name] = t if t.schema.equals(schema) else t.cast(schema)
            if len(cache) > 4:
                cache.popitem(last=False)
        return cache[name]

    tmp = out / f".{table}.parquet.tmp"
    buffered: list = []
    n_buffered = count = 0
    with pq.ParquetWriter(tmp, schema) as writer:
        for name, group in itertools.groupby(sorted(owner), key=owner.get):
            sources = list(group)
            t = part(name)
            if len(sources) < size[name]:  # the part's files are not all in one run of the order
                t = t.filter(pc.is_in(t.column("source"), value_set=pa.array(sources, pa.string())))
            buffered.append(t.sort_by([(k, "ascending") for k in SORT_KEYS[table]]))
            n_buffered += t.num_rows
            while n_buffered >= ROW_GROUP:
                whole = pa.concat_tables(buffered)
                writer.write_table(whole.slice(0, ROW_GROUP), row_group_size=ROW_GROUP)
                buffered, n_buffered = [whole.slice(ROW_GROUP)], n_buffered - ROW_GROUP
                count += ROW_GROUP
        if n_buffered or not count:
            rest = pa.concat_tables(buffered) if buffered else schema.empty_table()
            writer.write_table(rest, row_group_size=ROW_GROUP)
            count += rest.num_rows
    os.replace(tmp, out / f"{table}.parquet")
    return count


MIN_CHUNK, MAX_CHUNK = 10, 250  # files per unit of work when not given: a part's files, and the resume step


def auto_chunk_size(files: int, workers: int) -> int:
    """Files per unit of work: about four units per worker, so the work spreads evenly, within
    MIN_CHUNK … MAX_CHUNK (fewer, larger parts cost less to write and to merge)."""
    return max(MIN_CHUNK, min(MAX_CHUNK, -(-files // (4 * max(1, workers)))))


def run(paths, out, *, jobs: int = 1, scheduler: str | None = None, chunk_size: int | None = None,
        settings: Settings | dict | None = None, progress=None, on_part=None, exclude=()) -> BatchResult:
    """Analyze every contract file under ``paths`` into Parquet tables in ``out``.

    ``scheduler`` is a Dask scheduler address (tcp://HOST:PORT); otherwise ``jobs`` local processes.
    ``chunk_size``: files per unit of work (None: ``auto_chunk_size``).
    ``on_part`` is called after each part is written (tests use it to interrupt a batch);
    ``exclude`` leaves out files inside the folders (see ``pipeline.expand``); ``out`` is never
    read as input. Raises ``OutputError`` when another batch holds ``out``.
    """
    s = Settings.resolve(settings)
    out = Path(out)
    parts = out / "parts"
    parts.mkdir(parents=True, exist_ok=True)
    with _holding(out):
        todo, skipped = _todo(expand(paths, exclude, skip=(out,)), parts)
        size = chunk_size or auto_chunk_size(len(todo), jobs)
        chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
        settings_dict = {"vendor_role": s.vendor_role, "max_file_mb": s.max_file_mb, "workers": 1,
                         "model": s.model, "playbook": playbook.of(s.playbook)}  # a playbook read once
        tally = Counter()

        def written(counts):
            tally.update(counts)
            if progress:
                progress(counts["contracts"] + counts["errors"])
            if on_part:
                on_part()

        def collect(tables):  # tables from a Dask worker, which may not see our disk
            _write_part(parts, tables)
            written(_counts(tables))

        finished = True
        if scheduler:
            _run_dask(scheduler, chunks, settings_dict, collect)
        elif jobs <= 1 or len(chunks) <= 1:
            for chunk in chunks:
                written(analyze_chunk_to_part(chunk, settings_dict, str(parts)))
        else:
            finished = _run_processes(jobs, chunks, settings_dict, str(parts), written)
        lost = () if finished else _unfinished(todo, parts)
        counts = merge(out)
    return BatchResult(out, tally["contracts"], skipped, tally["errors"], counts, tally["internal"], lost)


def _todo(files: list[Path], parts: Path) -> tuple[list[str], int]:
    """The files still to analyze, and how many are done already (same path, same bytes)."""
    done = _done(parts)
    todo, skipped = [], 0
    for f in files:
        try:  # nothing done yet (a new batch): no need to read the files here
            sha = _sha256(f) if done else None
        except OSError:
            sha = None
        if sha is not None and (sha, printable(f)) in done:
            skipped += 1
        else:
            todo.append(str(f))
    return todo, skipped


def _unfinished(todo: list[str], parts: Path) -> tuple[str, ...]:
    """The files of ``todo`` in no complete part (their worker died)."""
    done = {source for _, source in _done(parts)}
    return tuple(printable(f) for f in todo if printable(f) not in done)


@contextlib.contextmanager
def _holding(out: Path):
    """Hold ``out`` for this batch (an advisory lock, released when the process ends, however
    it ends): a second batch into the same folder is refused instead of mixing its parts."""
    try:
        import fcntl
    except ImportError:  # Windows: no lock
        yield
        return
    with open(out / LOCK, "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise OutputError(f"{printable(out)}: another batch holds this folder; wait for it to finish "
                              "or choose another --out") from None
        yield


def _warm() -> None:
    """What every worker needs loaded: the fitted aligner (with the tokenizer) and Arrow's
    Parquet writer. Forked workers inherit them from the parent instead of each loading its own."""
    import pyarrow as pa
    import pyarrow.parquet  # noqa: F401
    aligner()
    pa.Table.from_pylist([], schema=_schema("errors"))  # Arrow imports pandas on its first table


def _start_worker(parent: int) -> None:
    """A local worker's start: end with the batch that started it, then load what it needs."""
    _die_with_parent(parent)
    _warm()


PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent ends


def _die_with_parent(parent: int) -> None:
    """Make this process end when ``parent`` ends, even by kill -9: by a signal from the kernel
    on Linux, elsewhere by a thread that watches the parent."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    else:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent ended before the signal was set
        os._exit(1)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def _run_processes(jobs, chunks, settings_dict, parts, written) -> bool:
    """Run the chunks in ``jobs`` local processes; False when a worker died (the batch stops
    there: what finished is kept)."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool
    method = "spawn" if os.name == "nt" else "fork"
    if method == "fork":
        _warm()  # forked workers inherit the fitted aligner instead of each fitting its own
    ctx = multiprocessing.get_context(method)
    queue = iter(chunks)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_start_worker,
                             initargs=(os.getpid(),)) as pool:
        running = set()
        try:
            # a few chunks in flight per worker, so memory stays flat however many files the batch holds
            running = {pool.submit(analyze_chunk_to_part, c, settings_dict, parts)
                       for c in itertools.islice(queue, 2 * jobs)}
            while running:
                finished, running = wait(running, return_when=FIRST_COMPLETED)
                for fut in finished:
                    written(fut.result())
                    nxt = next(queue, None)
                    if nxt is not None:
                        running.add(pool.submit(analyze_chunk_to_part, nxt, settings_dict, parts))
        except BrokenProcessPool:
            return False
        except BaseException:
            for fut in running:
                fut.cancel()
            raise
    return True


def _run_dask(address, chunks, settings_dict, collect) -> None:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise SettingsError("--scheduler needs Dask: pip install 'analyzer[distributed]'")
    queue = iter(chunks)
    try:
        client = Client(address, timeout="30s")
    except OSError as e:
        raise SettingsError(f"cannot reach the Dask scheduler at {address} ({e}); "
                            "check the address and that the scheduler runs") from None
    with client:
        workers = max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))
        pending = as_completed([client.submit(analyze_chunk, c, settings=settings_dict, pure=False)
                                for c in itertools.islice(queue, 2 * workers)])
        for fut in pending:
            collect(fut.result())
            fut.release()
            nxt = next(queue, None)
            if nxt is not None:
                pending.add(client.submit(analyze_chunk, nxt, settings=settings_dict, pure=False))
