"""The README's two set-up commands are true: the main job works and CI runs the test command."""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

from analyzer.learn import Model, features, packaged
from analyzer.reading import read

ROOT = Path(__file__).resolve().parent.parent


def setup_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Set-up.*?```sh\n(.*?)```", text, re.S).group(1)
    return [line for line in block.strip().splitlines() if line.strip()]


def test_two_setup_commands():
    assert len(setup_commands()) == 2


def test_ci_runs_the_readme_test_command():
    test_cmd = setup_commands()[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_cmd in ci


def test_main_job_runs_as_written(tmp_path):
    main_job = setup_commands()[0].split("&&", 1)[1].strip()
    # run it from the repository root, as the README says, with this interpreter's analyzer
    cmd = main_job.replace("analyzer ", f"{shlex.quote(sys.executable)} -m analyzer ", 1)
    r = subprocess.run(cmd, shell=True, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert (ROOT / "reports").exists()


def test_use_commands_run():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Use.*?```sh\n(.*?)```", text, re.S).group(1)
    for line in block.strip().splitlines():
        cmd = line.split("#", 1)[0].strip()
        args = shlex.split(cmd)
        assert args[0] == "analyzer"
        r = subprocess.run([sys.executable, "-m", "analyzer", *args[1:]], cwd=ROOT, capture_output=True,
                           text=True, timeout=300)
        assert r.returncode == 0, (cmd, r.stderr)


def sh_block(heading: str) -> list[str]:
    """The commands of the first ```sh block under a README heading, comments dropped."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(rf"{re.escape(heading)}\n.*?```sh\n(.*?)```", text, re.S).group(1)
    return [line.split("#", 1)[0].strip() for line in block.strip().splitlines() if line.strip()]


def test_batch_command_runs():
    (cmd,) = sh_block("### A whole contract repository")
    args = shlex.split(cmd)
    assert args[:2] == ["analyzer", "batch"]
    r = subprocess.run([sys.executable, "-m", "analyzer", *args[1:]], cwd=ROOT, capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stderr
    out = ROOT / args[args.index("--out") + 1]
    assert all((out / f"{t}.parquet").exists() for t in ("contracts", "clauses", "findings"))


def test_benchmark_command_runs(tmp_path):
    """The README's benchmark command, at a size a test can afford (the figures are not checked:
    this machine is shared; the command's own run measures them)."""
    (cmd,) = sh_block("## Speed")
    args = shlex.split(cmd)
    assert args[:2] == ["python", "benchmarks/bench.py"]
    r = subprocess.run([sys.executable, *args[1:], "--sizes", "12,24", "--results", str(tmp_path)], cwd=ROOT,
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr
    (saved,) = tmp_path.glob("bench-*.json")
    figures = json.loads(saved.read_text(encoding="utf-8"))
    assert [run["n"] for run in figures["runs"]] == [12, 24]
    assert figures["growth"]["n_ratio"] == 2 and figures["compare_samples_s"] > 0
    assert figures["one_file_analyze"]["median_s"] > 0 and figures["help_startup_s"] > 0
    for run in figures["runs"]:
        assert run["ratio_analyze_to_jieba"] > 0 and run["batch_jobs2_per_s"] > 0 and run["peak_mb_batch"] > 0


def test_judgement_commands_and_figures(tmp_path):
    """The README's judgement commands run, the cross-validation prints the figures the README
    states, and the packaged model is what the refit command makes from the repo's data."""
    cmds = sh_block("## How well it judges")
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for cmd in cmds:
        args = shlex.split(cmd)
        assert args[0] == "analyzer"
        if args[1:3] == ["model", "fit"]:
            args[args.index("--out") + 1] = str(tmp_path)  # the packaged model stays as it is
        r = subprocess.run([sys.executable, "-m", "analyzer", *args[1:]], cwd=ROOT, capture_output=True,
                           text=True, timeout=900)
        assert r.returncode == 0, (cmd, r.stderr)
        if "--cv" in args:
            for line in r.stdout.splitlines():
                if line.startswith(("rules:", "model:", "rules + model:")):
                    assert line.split(":", 1)[1].strip().split(" | document")[0] in text, line
    refit = Model.load(tmp_path)
    docs = [features(read(t)) for t in ("服务商有权随时终止本协议。", "客户应按月付款。", "服务商对此不承担责任。")]
    assert refit.codes == packaged().codes
    assert np.allclose(refit.confidence(docs), packaged().confidence(docs), atol=1e-6)


def test_python_examples_run(tmp_path):
    """Every ```python block of the README runs as written, from a folder that has the
    repository's data/ (what it writes lands in that folder)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks
    (tmp_path / "data").symlink_to(ROOT / "data")
    for block in blocks:
        r = subprocess.run([sys.executable, "-c", block], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                           env={**os.environ, "MPLBACKEND": "Agg"})
        assert r.returncode == 0, r.stderr
    assert (tmp_path / "report.html").stat().st_size > 0 and (tmp_path / "comparison.xlsx").stat().st_size > 0


def test_notebook_command_runs(tmp_path):
    """The README's notebook line (after its install step) executes both notebooks, here on a
    copy so the repository's notebooks stay as they are."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    line = re.search(r"```sh\n(pip install -e '\.\[notebook\]' && (jupyter nbconvert [^\n]*))\n```", text).group(2)
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    (tmp_path / "data").symlink_to(ROOT / "data")
    r = subprocess.run(line, shell=True, cwd=tmp_path, capture_output=True, text=True, timeout=600,
                       env={**os.environ, "MPLBACKEND": "Agg"})
    assert r.returncode == 0, r.stderr
    for nb in sorted((tmp_path / "notebooks").glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        assert all(c.get("execution_count") for c in cells if c["cell_type"] == "code"), nb.name
