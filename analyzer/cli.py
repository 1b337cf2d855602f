"""Command line: thin commands over the library. Errors become one line and an exit code
(``EXIT_CODES``); the CLI, not the library, configures logging.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import traceback

import click

from .errors import AnalyzerError, printable
from .tokens import segmenter

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_CODES = f"""Exit codes:

\b
  {EXIT_OK}    done
  {EXIT_FINDINGS}    a finding at or above --fail-on
  {EXIT_BAD_INPUT}    bad input or usage: each bad file is one line on stderr; the good ones are
       still analyzed and written
  {EXIT_INTERNAL}    internal error (a defect of the analyzer; please report it); what could be
       done is still written
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C)"""
SEVERITY_ORDER = ("low", "medium", "high")
DEBUG_ENV = "ANALYZER_DEBUG"  # set to 1: an internal error prints its traceback too


def _fail(message: str, code: int = EXIT_BAD_INPUT):
    """One line on stderr, then exit."""
    click.echo(printable(message), err=True)
    sys.exit(code)


class _Commands(click.Group):
    """The command group: an unexpected exception is one line and exit 3, never a traceback
    and never 1 (the code of findings); Ctrl-C exits 130."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            _fail("interrupted; a batch resumes where it stopped when run again", EXIT_INTERRUPTED)
        except Exception as e:
            if os.environ.get(DEBUG_ENV):
                traceback.print_exc()
            _fail(f"analyzer: internal error ({type(e).__name__}: {e}); this is a defect of the analyzer, "
                  f"not of your files: please report it with the command you ran ({DEBUG_ENV}=1 shows "
                  "the traceback)", EXIT_INTERNAL)


class _EchoHandler(logging.Handler):
    """The library's warnings (a symbolic link that loops, files left from an earlier report),
    one line each on stderr."""

    def emit(self, record):
        click.echo(printable(self.format(record)), err=True)


class _AtLeast(logging.Filter):
    """Lets through records of ``level`` and above (jieba sets its logger's level to DEBUG when
    it is imported, later than the CLI starts, so its chatter is filtered rather than levelled)."""

    def __init__(self, level: int):
        super().__init__()
        self.level = level

    def filter(self, record) -> bool:
        return record.levelno >= self.level


def _configure_logging() -> None:
    """The CLI's logging: the analyzer's warnings on stderr; jieba's and pdfminer's chatter
    (dictionary loading, font warnings of damaged PDFs) silenced."""
    log, jieba = logging.getLogger("analyzer"), logging.getLogger("jieba")
    if not any(isinstance(h, _EchoHandler) for h in log.handlers):
        log.addHandler(_EchoHandler(logging.WARNING))
    if not any(isinstance(f, _AtLeast) for f in jieba.filters):
        jieba.addFilter(_AtLeast(logging.WARNING))
    logging.getLogger("pdfminer").setLevel(logging.ERROR)


def _settings(vendor_role, max_mb, model=True, playbook=None):
    from .errors import SettingsError
    from .settings import Settings
    from .playbook import load as load_playbook
    try:
        book = load_playbook(playbook) if playbook else None  # read once, before any contract
        return Settings.resolve(vendor_role=vendor_role, max_file_mb=max_mb, model=model, playbook=book)
    except SettingsError as e:
        raise click.UsageError(str(e))
    except AnalyzerError as e:  # a playbook that cannot be read: one line naming the line and key
        _fail(str(e))


def _run(paths, settings, exclude=(), skip=()):
    from .pipeline import analyze_many, expand
    files = expand(paths, exclude, skip=skip)
    if not files:
        raise click.UsageError("no contract files found in the paths given")
    if len(files) < 10 or not sys.stderr.isatty():
        return analyze_many(files, settings)
    from rich.progress import Progress
    with Progress(transient=True) as bar:
        task = bar.add_task("analyzing", total=len(files))
        return analyze_many(files, settings, progress=lambda: bar.advance(task))


def _report_failures(failed) -> None:
    if failed:
        click.echo(f"{len(failed)} file(s) could not be analyzed:", err=True)
        for f in failed:
            click.echo(f"  {printable(f.message)}", err=True)


def _exit_code(analyses, failed, fail_on=None) -> int:
    """3 when a file met a defect of ours, 2 when a file was bad, 1 for findings at or above
    ``fail_on``, else 0."""
    if any(f.internal for f in failed):
        return EXIT_INTERNAL
    if failed:
        return EXIT_BAD_INPUT
    if fail_on:
        floor = SEVERITY_ORDER.index(fail_on)
        if any(SEVERITY_ORDER.index(f.severity) >= floor for a in analyses for f in a.findings):
            return EXIT_FINDINGS
    return EXIT_OK


VENDOR_ROLE = click.option("--vendor-role", type=click.Choice(["甲方", "乙方"]), default=None,
                           help="Which party provides the service, when the detection gets it wrong.")
MAX_MB = click.option("--max-mb", type=float, default=None, help="Largest input file in MB (default 20).")
EXCLUDE = click.option("--exclude", multiple=True, metavar="GLOB",
                       help="Leave out files inside the folders given whose name or path within the folder "
                            "matches GLOB (e.g. 'drafts/*'); may be repeated. README, LICENSE and CHANGELOG "
                            "files are always left out.")
PLAYBOOK = click.option("--playbook", type=click.Path(dir_okay=False), default=None,
                        help="The customer's playbook (YAML; `analyzer playbook init FILE` writes one to start from).")
NO_MODEL = click.option("--no-model", "no_model", is_flag=True,
                        help="Rules only: leave out the second opinion of the model learned from labeled contracts.")
FAIL_ON = click.option("--fail-on", type=click.Choice(SEVERITY_ORDER), default=None,
                       help="Exit 1 when a finding of this severity or higher is found.")


def _show_version(ctx, _param, value) -> None:
    """--version: the analyzer's version and the segmenter it uses (named without loading it)."""
    if not value or ctx.resilient_parsing:
        return
    from importlib import metadata
    click.echo(f"analyzer {metadata.version('analyzer')} (segmenter: {segmenter()})")
    ctx.exit()


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]},
             help="Compare vendors' Chinese service contracts and score one-sided terms.\n\n" + EXIT_CODES)
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version,
              help="Show the version and the word segmenter in use, and exit.")
def main():
    _configure_logging()


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: a readable outline; json: the machine-readable result.")
@VENDOR_ROLE
@MAX_MB
@EXCLUDE
@NO_MODEL
@PLAYBOOK
@FAIL_ON
def analyze(paths, fmt, vendor_role, max_mb, exclude, no_model, playbook, fail_on):
    """Analyze contracts: parties, clause tree, document issues, terms and findings.

    Example: analyzer analyze data/contracts --format json > result.json
    """
    from .render.text import outline
    settings = _settings(vendor_role, max_mb, not no_model, playbook)
    analyses, failed = _run(paths, settings, exclude)
    if fmt == "json":
        doc = {"contracts": [_with_positions(a, settings.playbook) for a in analyses],
               "errors": [{"source": f.source, "message": f.message} for f in failed]}
        click.echo(json.dumps(doc, ensure_ascii=False, indent=1))
    else:
        for a in analyses:
            click.echo(outline(a))
    _report_failures(failed)
    sys.exit(_exit_code(analyses, failed, fail_on))


def _with_positions(a, pb) -> dict:
    """The contract's JSON record; with a playbook, each position as the contract meets it."""
    from dataclasses import asdict
    from .playbook import positions
    record = a.to_dict()
    if pb is not None:
        record["positions"] = [asdict(p) for p in positions(pb, a)]
    return record


def _gold(gold, command: str) -> dict:
    """The gold file (or folder); a malformed one is one line and exit 2."""
    from .evaluate import load_gold
    try:
        return load_gold(gold)
    except AnalyzerError as e:
        _fail(f"{command}: {e}")


@main.command(name="eval")
@click.argument("gold", type=click.Path(exists=True))
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@VENDOR_ROLE
@NO_MODEL
@click.option("--cv", is_flag=True,
              help="Leave-one-contract-out: judge each contract with a model fitted on the others, and print "
                   "per-flag precision and recall for the rules alone and with the model.")
@click.option("--verbose", "-v", is_flag=True, help="List every missed and false item.")
def evaluate(gold, paths, vendor_role, no_model, cv, verbose):
    """Score the analysis of PATHS against GOLD, a gold file or a folder of them (same figures as
    the spec's scorer).

    Example: analyzer eval data/labeled/gold/samples.json data/contracts
    """
    from .evaluate import evaluate as run_eval, summary_line
    gold_doc = _gold(gold, "eval")
    analyses, failed = _run(paths, _settings(vendor_role, None, not (no_model or cv)))
    if cv:
        _cross_validation(analyses, gold_doc)
    else:
        figures, tally = run_eval(gold_doc, {"contracts": [a.to_dict() for a in analyses]})
        if verbose:
            for note in tally.notes:
                click.echo(note)
        click.echo(summary_line(figures))
    _report_failures(failed)
    sys.exit(_exit_code(analyses, failed))


def _cross_validation(analyses, gold_doc) -> None:
    from .evaluate import summary_line
    from .learn import cross_validate
    result = cross_validate(analyses, gold_doc)
    kinds = list(result.figures)
    click.echo(f"leave-one-contract-out over {result.contracts} labeled contracts (P/R per code)")
    click.echo(f"{'code':<28}{'gold':>6}" + "".join(f"{k:>16}" for k in kinds))
    for code in result.per_code["rules"]:
        tp, _, fn = result.per_code["rules"][code]
        cells = "".join(f"{_ratio(tp, tp + fp):>10.2f}{_ratio(tp, tp + fn):>6.2f}"
                        for tp, fp, fn in (result.per_code[k].get(code, (0, 0, 0)) for k in kinds))
        click.echo(f"{code:<28}{tp + fn:>6}{cells}")
    for kind in kinds:
        click.echo(f"{kind + ':':<15}{summary_line(result.figures[kind])}")


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


@main.group()
def model():
    """The model learned from labeled contracts: the second opinion beside the rules.

    Example: analyzer model fit data/labeled/gold data/labeled/texts --out analyzer/resources/model
    """


@model.command(name="fit")
@click.argument("gold", type=click.Path(exists=True))
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--out", "out", required=True, type=click.Path(file_okay=False),
              help="Folder for model.npz and model.json (the package reads analyzer/resources/model).")
def model_fit(gold, paths, out):
    """Fit the model on the contracts of PATHS labeled by GOLD (a gold file or a folder of them).

    Example: analyzer model fit data/labeled/gold data/labeled/texts --out analyzer/resources/model
    """
    from .learn import fit, training_set
    from .rules import rulebook
    gold_doc = _gold(gold, "model fit")
    analyses, failed = _run(paths, _settings(None, None, False))
    train = training_set(analyses, gold_doc)
    if not train:
        raise click.UsageError(printable(f"none of the contracts in {', '.join(paths)} is labeled in {gold}"))
    contracts = len({e.contract for e in train})
    fitted = fit(train, list(rulebook().flags), about={"contracts": contracts, "clauses": len(train)})
    try:
        written = fitted.save(out)
    except OSError as e:
        _fail(f"{out}: cannot write the model ({e}); choose another --out folder")
    click.echo(printable(f"fitted on {len(train)} clauses of {contracts} contracts; codes: {', '.join(fitted.codes)}; "
                         f"wrote {', '.join(str(w) for w in written)}"))
    _report_failures(failed)
    sys.exit(_exit_code(analyses, failed))


@main.command(name="compare")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--out", "out", required=True, type=click.Path(file_okay=False),
              help="Folder for the report; nothing is written outside it, and it is never read as input. "
                   "A rerun removes the files of its previous report that it does not write again "
                   "(those listed in the folder's .analyzer-manifest.json, and no other).")
@VENDOR_ROLE
@MAX_MB
@EXCLUDE
@NO_MODEL
@PLAYBOOK
@click.option("--redline", is_flag=True,
              help="Also write each vendor's contract as a Word file marked up with comments and tracked changes "
                   "(briefs/NN_vendor.redline.docx), to send back to the vendor.")
@FAIL_ON
def compare_cmd(paths, out, vendor_role, max_mb, exclude, no_model, playbook, redline, fail_on):
    """Compare vendors: HTML report, Excel, Markdown, negotiation briefs, charts, CSV, JSON.

    Example: analyzer compare data/contracts --out reports/samples
    """
    from .comparison import compare
    from .render.report import write_all
    from .vocabulary import UNRANKED
    settings = _settings(vendor_role, max_mb, not no_model, playbook)
    _refuse_input_as_out(paths, out)
    analyses, failed = _run(paths, settings, exclude, skip=(out,))
    if not analyses:
        _report_failures(failed)
        _fail("no contract could be analyzed; nothing written", _exit_code(analyses, failed))
    comp = compare(analyses, playbook=settings.playbook)
    try:
        written = write_all(comp, out, redlines=redline)
    except (AnalyzerError, OSError) as e:
        _report_failures(failed)
        _fail(f"{out}: cannot write the report ({e}); choose another --out folder")
    click.echo(printable(f"compared {len(analyses)} contract(s); wrote {len(written)} files to {out}; "
                         f"open {os.path.join(out, 'report.html')}"))
    for rank, name, score in comp.ranking():
        click.echo(printable(f"  {rank}. {name}  风险分 {score:g}" if rank
                             else f"  -. {name}  {UNRANKED}：{comp.unranked[name]}"))
    _report_failures(failed)
    sys.exit(_exit_code(analyses, failed, fail_on))


def _refuse_input_as_out(paths, out) -> None:
    """--out may sit inside an input folder (it is skipped), but may not be one."""
    real = os.path.realpath(out)
    for p in paths:
        if os.path.isdir(p) and os.path.realpath(p) == real:
            _fail(f"{out}: --out is the input folder itself; choose another folder "
                  "(a folder inside it is fine: it is never read as input)")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--out", "out", required=True, type=click.Path(file_okay=False), help="Folder for the Parquet tables.")
@click.option("--jobs", type=click.IntRange(1, 256), default=1, show_default=True, help="Parallel processes.")
@click.option("--scheduler", default=None, help="Run on a Dask cluster instead: tcp://HOST:PORT of its scheduler.")
@click.option("--chunk-size", type=click.IntRange(1, 10000), default=None,
              help="Files per unit of work (default: about four units per job, 10 to 250 files each).")
@VENDOR_ROLE
@MAX_MB
@EXCLUDE
@NO_MODEL
@PLAYBOOK
def batch(paths, out, jobs, scheduler, chunk_size, vendor_role, max_mb, exclude, no_model, playbook):
    """Analyze a whole contract repository into Parquet tables (contracts, clauses, findings,
    protections, errors). Resumes where it stopped: files already done are skipped by sha256.

    Example: analyzer batch contracts/ --out reports/corpus --jobs 2
    """
    from . import batch as batch_mod
    settings = _settings(vendor_role, max_mb, not no_model, playbook)
    bar = None
    try:
        if sys.stderr.isatty():
            from rich.progress import Progress
            bar = Progress(transient=True)
            bar.start()
            task = bar.add_task("analyzing", total=None)
            progress = lambda n: bar.advance(task, n)  # noqa: E731
        else:
            progress = None
        result = batch_mod.run(paths, out, jobs=jobs, scheduler=scheduler, chunk_size=chunk_size,
                               settings=settings, progress=progress, exclude=exclude)
    except AnalyzerError as e:
        _fail(f"batch: {e}")
    except OSError as e:
        _fail(f"batch: cannot write to {out} ({e}); check the disk space and permissions, or choose another --out")
    finally:
        if bar is not None:
            bar.stop()
    click.echo(printable(f"analyzed {result.analyzed}, skipped {result.skipped} already done, "
                         f"{result.counts['errors']} failed ({result.failed} in this run); tables in {out}: "
                         + ", ".join(f"{t} {n}" for t, n in result.counts.items())))
    sys.exit(_batch_exit(result))


def _batch_exit(result) -> int:
    """3 when a worker died or a file met a defect of ours, 2 when the errors table holds rows."""
    if result.lost:
        click.echo(printable(f"batch: a worker process died (killed, or out of memory) before {len(result.lost)} "
                             f"file(s) were analyzed, e.g. {result.lost[0]}; the tables hold the files that "
                             "finished; run the same command again to do the rest"), err=True)
    if result.lost or result.internal:
        return EXIT_INTERNAL
    return EXIT_BAD_INPUT if result.counts["errors"] else EXIT_OK


@main.command(name="redline")
@click.argument("contract", type=click.Path(dir_okay=False))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False),
              help="The marked-up Word file to write (never the contract itself).")
@VENDOR_ROLE
@MAX_MB
@NO_MODEL
@PLAYBOOK
def redline_cmd(contract, out, vendor_role, max_mb, no_model, playbook):
    """Mark up a contract for the vendor: a Word comment on each issue's words (what, why, the legal
    basis, the ask) and the asked-for wording as a tracked change. A .docx keeps its own formatting;
    a .txt/.md/.pdf/.html contract becomes a new .docx. The original is never modified.

    Example: analyzer redline data/contracts/yangdu_outbound_system.txt --out reports/yangdu-redline.docx
    """
    from .comparison import compare
    from .redline import redline
    settings = _settings(vendor_role, max_mb, not no_model, playbook)
    analyses, failed = _run([contract], settings)
    if not analyses:
        _report_failures(failed)
        _fail("nothing written", _exit_code(analyses, failed))
    comp = compare(analyses, with_counterparts=False, playbook=settings.playbook)
    try:
        done = redline(contract, out, comparison=comp, name=comp.names[0], author=comp.playbook.team or "analyzer")
    except AnalyzerError as e:
        _fail(str(e))
    click.echo(printable(f"wrote {done.out}: {done.comments} comment(s), {done.changes} tracked change(s)"))
    for note in done.unanchored:
        click.echo(printable(f"  not marked: {note.label} ({note.clause}): {note.why}"), err=True)
    sys.exit(EXIT_OK)


@main.group(name="playbook")
def playbook_group():
    """The customer's playbook: its positions, thresholds and required terms (see `playbook init`).

    Example: analyzer playbook init my-playbook.yaml
    """


@playbook_group.command(name="init")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace the file when it exists.")
def playbook_init(path, force):
    """Write a commented playbook to start from (it changes nothing until you edit it).

    Example: analyzer playbook init my-playbook.yaml
    """
    from .playbook import template
    if os.path.exists(path) and not force:
        _fail(f"{printable(path)}: already exists; choose another file name, or pass --force to replace it")
    try:
        with open(path, "w" if force else "x", encoding="utf-8") as fh:
            fh.write(template())
    except OSError as e:
        _fail(f"{printable(path)}: cannot be written ({e.strerror}); choose another place")
    click.echo(printable(f"wrote {path}; edit it, then pass it with --playbook"))
