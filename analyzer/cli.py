"""Command line: thin commands over the library. Errors become one line and an exit code.

Exit codes: 0 done; 1 a finding at or above --fail-on; 2 bad input or usage.
"""
from __future__ import annotations

import json
import sys

import click

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2
SEVERITY_ORDER = ("low", "medium", "high")


def _settings(vendor_role, max_mb, model=True):
    from .errors import SettingsError
    from .settings import Settings
    try:
        return Settings.resolve(vendor_role=vendor_role, max_file_mb=max_mb, model=model)
    except SettingsError as e:
        raise click.UsageError(str(e))


def _run(paths, settings, exclude=()):
    from .pipeline import analyze_many, expand
    files = expand(paths, exclude)
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
            click.echo(f"  {f.message}", err=True)


def _exit_code(analyses, failed, fail_on) -> int:
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
                            "matches GLOB (e.g. 'drafts/*'); may be repeated. README, LICENSE and CHANGELOG files are always left out.")
NO_MODEL = click.option("--no-model", "no_model", is_flag=True,
                        help="Rules only: leave out the second opinion of the model learned from labeled contracts.")
FAIL_ON = click.option("--fail-on", type=click.Choice(SEVERITY_ORDER), default=None,
                       help="Exit 1 when a finding of this severity or higher is found.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="analyzer")
def main():
    """Compare vendors' Chinese service contracts and score one-sided terms.

    Exit codes: 0 done; 1 a finding at or above --fail-on; 2 bad input or usage.
    """


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: a readable outline; json: the machine-readable result.")
@VENDOR_ROLE
@MAX_MB
@EXCLUDE
@NO_MODEL
@FAIL_ON
def analyze(paths, fmt, vendor_role, max_mb, exclude, no_model, fail_on):
    """Analyze contracts: parties, clause tree, document issues, terms and findings.

    Example: analyzer analyze data/contracts --format json > result.json
    """
    from .render.text import outline
    analyses, failed = _run(paths, _settings(vendor_role, max_mb, not no_model), exclude)
    if fmt == "json":
        doc = {"contracts": [a.to_dict() for a in analyses],
               "errors": [{"source": f.source, "message": f.message} for f in failed]}
        click.echo(json.dumps(doc, ensure_ascii=False, indent=1))
    else:
        for a in analyses:
            click.echo(outline(a))
    _report_failures(failed)
    sys.exit(_exit_code(analyses, failed, fail_on))


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
    from .errors import AnalyzerError
    from .evaluate import evaluate as run_eval, load_gold, summary_line
    try:
        gold_doc = load_gold(gold)
    except AnalyzerError as e:
        raise click.UsageError(str(e))
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
    sys.exit(EXIT_BAD_INPUT if failed else EXIT_OK)


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
    from .errors import AnalyzerError
    from .evaluate import load_gold
    from .learn import fit, training_set
    from .rules import rulebook
    try:
        gold_doc = load_gold(gold)
    except AnalyzerError as e:
        raise click.UsageError(str(e))
    analyses, failed = _run(paths, _settings(None, None, False))
    train = training_set(analyses, gold_doc)
    if not train:
        raise click.UsageError(f"none of the contracts in {', '.join(paths)} is labeled in {gold}")
    contracts = len({e.contract for e in train})
    fitted = fit(train, list(rulebook().flags), about={"contracts": contracts, "clauses": len(train)})
    try:
        written = fitted.save(out)
    except OSError as e:
        click.echo(f"{out}: cannot write the model ({e}); choose another --out folder", err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(f"fitted on {len(train)} clauses of {contracts} contracts; codes: {', '.join(fitted.codes)}; "
               f"wrote {', '.join(str(w) for w in written)}")
    _report_failures(failed)
    sys.exit(EXIT_BAD_INPUT if failed else EXIT_OK)


@main.command(name="compare")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--out", "out", required=True, type=click.Path(file_okay=False),
              help="Folder for the report; nothing is written outside it.")
@VENDOR_ROLE
@MAX_MB
@EXCLUDE
@NO_MODEL
@FAIL_ON
def compare_cmd(paths, out, vendor_role, max_mb, exclude, no_model, fail_on):
    """Compare vendors: HTML report, Excel, Markdown, negotiation briefs, charts, CSV, JSON.

    Example: analyzer compare data/contracts --out reports/samples
    """
    from .comparison import compare
    from .errors import AnalyzerError
    from .render.report import write_all
    analyses, failed = _run(paths, _settings(vendor_role, max_mb, not no_model), exclude)
    if not analyses:
        _report_failures(failed)
        click.echo("no contract could be analyzed; nothing written", err=True)
        sys.exit(EXIT_BAD_INPUT)
    try:
        written = write_all(compare(analyses), out)
    except (AnalyzerError, OSError) as e:
        click.echo(f"{out}: cannot write the report ({e}); choose another --out folder", err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(f"compared {len(analyses)} contract(s); wrote {len(written)} files to {out}")
    comp = compare(analyses, with_counterparts=False)
    for rank, name, score in comp.ranking():
        click.echo(f"  {rank}. {name}  risk {score:g}" if rank else f"  -. {name}  not ranked: {comp.unranked[name]}")
    _report_failures(failed)
    sys.exit(_exit_code(analyses, failed, fail_on))


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--out", "out", required=True, type=click.Path(file_okay=False), help="Folder for the Parquet tables.")
@click.option("--jobs", type=click.IntRange(1, 256), default=1, show_default=True, help="Parallel processes.")
@click.option("--scheduler", default=None, help="Run on a Dask cluster instead: tcp://HOST:PORT of its scheduler.")
@click.option("--chunk-size", type=click.IntRange(1, 10000), default=25, show_default=True,
              help="Files per unit of work.")
@VENDOR_ROLE
@MAX_MB
@EXCLUDE
@NO_MODEL
def batch(paths, out, jobs, scheduler, chunk_size, vendor_role, max_mb, exclude, no_model):
    """Analyze a whole contract repository into Parquet tables (contracts, clauses, findings,
    protections, errors). Resumes where it stopped: files already done are skipped by sha256.

    Example: analyzer batch contracts/ --out reports/corpus --jobs 2
    """
    from . import batch as batch_mod
    from .errors import AnalyzerError
    settings = _settings(vendor_role, max_mb, not no_model)
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
        click.echo(f"batch: {e}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except OSError as e:
        click.echo(f"batch: cannot reach the scheduler or write to {out} ({e})", err=True)
        sys.exit(EXIT_BAD_INPUT)
    finally:
        if bar is not None:
            bar.stop()
    click.echo(f"analyzed {result.analyzed}, skipped {result.skipped} already done, {result.failed} failed; "
               f"tables in {out}: " + ", ".join(f"{t} {n}" for t, n in result.counts.items()))
    sys.exit(EXIT_BAD_INPUT if result.failed else EXIT_OK)
