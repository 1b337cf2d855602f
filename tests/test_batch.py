"""Corpus mode: parallel, resumable, the same tables locally and on a Dask cluster."""
from pathlib import Path

import pandas as pd
import pytest

from analyzer import batch, pipeline
from analyzer.cli import EXIT_BAD_INPUT, EXIT_INTERNAL, main

TABLES = batch.TABLES


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, sample_paths):
    d = tmp_path_factory.mktemp("corpus")
    for k in range(3):  # 15 contracts: the samples under other names
        for p in sample_paths:
            (d / f"{k}_{p.name}").write_bytes(p.read_bytes())
    (d / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    return d


def tables(out: Path) -> dict[str, pd.DataFrame]:
    return {t: pd.read_parquet(out / f"{t}.parquet") for t in TABLES}


def assert_same(a: dict, b: dict) -> None:
    for t in TABLES:
        pd.testing.assert_frame_equal(a[t], b[t], check_like=False)


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("ref")
    result = batch.run([corpus], out, jobs=1, chunk_size=4)
    assert result.analyzed == 15 and result.failed == 1
    return tables(out)


def test_tables_hold_every_contract_and_the_error(reference):
    assert len(reference["contracts"]) == 15
    assert len(reference["errors"]) == 1 and "OCR" in reference["errors"]["message"][0]
    assert len(reference["clauses"]) > 15 * 30 and len(reference["findings"]) > 15 * 5
    assert reference["contracts"]["source"].is_monotonic_increasing


def test_parallel_processes_give_the_same_tables(corpus, reference, tmp_path):
    batch.run([corpus], tmp_path, jobs=2, chunk_size=2)  # more chunks than are kept in flight
    assert_same(reference, tables(tmp_path))


def test_interrupted_batch_resumes_to_the_same_tables(corpus, reference, tmp_path):
    calls = []

    def stop_after_two_parts():
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        batch.run([corpus], tmp_path, jobs=1, chunk_size=4, on_part=stop_after_two_parts)
    assert not (tmp_path / "contracts.parquet").exists()
    again = batch.run([corpus], tmp_path, jobs=2, chunk_size=4)
    assert again.skipped == 8 and again.analyzed + again.failed == 8
    assert_same(reference, tables(tmp_path))


def test_parts_whose_files_interleave_merge_in_order(corpus, reference, tmp_path):
    files = sorted(corpus.iterdir())
    batch.run(files[::2], tmp_path, jobs=1, chunk_size=3)  # every other file first, the rest after
    again = batch.run([corpus], tmp_path, jobs=1, chunk_size=3)
    assert again.skipped == len(files[::2])
    assert_same(reference, tables(tmp_path))


def test_a_part_an_older_version_wrote_is_redone(corpus, reference, tmp_path):
    import pyarrow.parquet as pq
    batch.run([corpus], tmp_path, jobs=1, chunk_size=4)
    part = sorted((tmp_path / "parts").glob("findings-*.parquet"))[0]
    older = pq.read_table(part)
    pq.write_table(older.drop_columns(["legal_basis", "details"]), part)  # the columns of an older release
    again = batch.run([corpus], tmp_path, jobs=1, chunk_size=4)
    assert again.analyzed + again.failed == 4
    assert_same(reference, tables(tmp_path))


def test_a_half_written_part_is_redone(corpus, reference, tmp_path):
    batch.run([corpus], tmp_path, jobs=1, chunk_size=4)
    part = sorted((tmp_path / "parts").glob("findings-*.parquet"))[0]
    part.unlink()  # as if the batch died while writing this part
    again = batch.run([corpus], tmp_path, jobs=1, chunk_size=4)
    assert again.analyzed + again.failed == 4
    assert_same(reference, tables(tmp_path))


def test_tables_do_not_depend_on_how_the_work_was_cut(corpus, reference, tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "ROW_GROUP", 7)  # many row groups, cut across files and parts
    batch.run([corpus], tmp_path / "a", jobs=1, chunk_size=2)
    batch.run([corpus], tmp_path / "b", jobs=2, chunk_size=5)
    for t in TABLES:
        assert (tmp_path / "a" / f"{t}.parquet").read_bytes() == (tmp_path / "b" / f"{t}.parquet").read_bytes(), t
    assert_same(reference, tables(tmp_path / "a"))


def test_duckdb_can_query_the_tables(corpus, tmp_path):
    duckdb = pytest.importorskip("duckdb")
    batch.run([corpus], tmp_path, jobs=1, chunk_size=8)
    con = duckdb.connect()
    n = con.execute(f"select count(*) from read_parquet('{tmp_path / 'findings.parquet'}') "
                    "where severity = 'high'").fetchone()[0]
    assert n > 0


def test_dask_cluster_gives_the_same_tables(corpus, reference, tmp_path):
    from distributed import LocalCluster
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster:
        result = batch.run([corpus], tmp_path, scheduler=cluster.scheduler_address, chunk_size=2)
    assert result.analyzed == 15
    assert_same(reference, tables(tmp_path))


def test_cli_batch(corpus, tmp_path):
    from click.testing import CliRunner
    r = CliRunner().invoke(main, ["batch", str(corpus), "--out", str(tmp_path), "--jobs", "2"])
    assert r.exit_code == 2  # one file failed
    assert "analyzed 15" in r.output and "1 failed" in r.output
    r = CliRunner().invoke(main, ["batch", str(corpus), "--out", str(tmp_path)])
    assert "skipped 16 already done" in r.output


def test_cli_batch_leaves_out_excluded_files(corpus, tmp_path):
    from click.testing import CliRunner
    r = CliRunner().invoke(main, ["batch", str(corpus), "--out", str(tmp_path), "--exclude", "broken.*",
                                  "--exclude", "2_*"])
    assert r.exit_code == 0, r.output  # the broken file is left out, so nothing failed
    assert "analyzed 10" in r.output and "0 failed" in r.output


# issue 13: a dying worker, a killed parent, two batches, the counts of a resumed batch

def test_a_worker_that_dies_loses_only_what_it_held(corpus, tmp_path, monkeypatch):
    import os
    import signal
    from click.testing import CliRunner
    src = tmp_path / "in"
    src.mkdir()
    for p in sorted(corpus.glob("0_*")):
        (src / p.name).write_bytes(p.read_bytes())
    (src / "z_dies.txt").write_bytes(next(corpus.glob("1_*")).read_bytes())
    real = pipeline.analyze_document

    def killer(doc, settings=None):  # runs in the forked worker
        if doc.source.endswith("z_dies.txt"):
            os.kill(os.getpid(), signal.SIGKILL)
        return real(doc, settings)

    monkeypatch.setattr(pipeline, "analyze_document", killer)
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["batch", str(src), "--out", str(out), "--jobs", "2", "--chunk-size", "1"])
    assert r.exit_code == EXIT_INTERNAL, r.output
    line = [l for l in r.stderr.splitlines() if "worker process died" in l]
    assert len(line) == 1 and "run the same command again" in line[0] and "Traceback" not in r.output
    got = tables(out)  # the final tables are written for what finished
    assert len(got["contracts"]) >= 1
    monkeypatch.setattr(pipeline, "analyze_document", real)
    again = batch.run([src], out, jobs=2, chunk_size=1)
    assert not again.lost and again.counts["contracts"] == 6 and again.skipped == len(got["contracts"])


def _children(pid: int) -> set[int]:
    kids = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.add(int(stat.parent.name))
    return kids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_killing_the_batch_ends_its_workers(corpus, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time
    src = tmp_path / "in"
    src.mkdir()
    for k in range(8):
        for p in sorted(corpus.glob("0_*")):
            (src / f"{k}_{p.name}").write_bytes(p.read_bytes())
    workers: set[int] = set()
    parent = subprocess.Popen([sys.executable, "-m", "analyzer", "batch", str(src), "--out", str(tmp_path / "out"),
                               "--jobs", "2", "--chunk-size", "1"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while len(workers := _children(parent.pid)) < 2 and time.time() < deadline and parent.poll() is None:
            time.sleep(0.1)
        assert len(workers) >= 2, "the batch never started its workers"
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=30)
        deadline = time.time() + 10
        while any(_alive(w) for w in workers) and time.time() < deadline:
            time.sleep(0.1)
        assert not [w for w in workers if _alive(w)]
    finally:  # whatever happened, leave no process of this test running
        for w in workers | _children(parent.pid) | {parent.pid}:
            try:
                os.kill(w, signal.SIGKILL)
            except OSError:
                pass


def test_a_second_batch_into_the_same_folder_is_told_another_holds_it(corpus, tmp_path):
    fcntl = pytest.importorskip("fcntl")
    from click.testing import CliRunner
    out = tmp_path / "out"
    out.mkdir()
    with open(out / batch.LOCK, "a") as held:  # as a running batch holds it
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        r = CliRunner().invoke(main, ["batch", str(corpus), "--out", str(out)])
    assert r.exit_code == EXIT_BAD_INPUT
    line = [l for l in r.stderr.splitlines() if str(out) in l]
    assert len(line) == 1 and "another batch holds this folder" in line[0] and "--out" in line[0]
    assert not (out / "contracts.parquet").exists()
    r = CliRunner().invoke(main, ["batch", str(corpus), "--out", str(out)])  # once it is free
    assert "analyzed 15" in r.output, r.output


def test_a_resumed_batch_counts_the_failures_of_the_whole_folder(corpus, tmp_path):
    from click.testing import CliRunner
    CliRunner().invoke(main, ["batch", str(corpus), "--out", str(tmp_path)])
    r = CliRunner().invoke(main, ["batch", str(corpus), "--out", str(tmp_path)])
    assert r.exit_code == EXIT_BAD_INPUT  # the errors table still holds the broken file
    assert "analyzed 0, skipped 16 already done, 1 failed (0 in this run)" in r.output


def test_an_unwritable_out_names_the_folder_not_a_scheduler(corpus, tmp_path):
    from click.testing import CliRunner
    (tmp_path / "a_file").write_text("x")
    out = tmp_path / "a_file" / "out"
    r = CliRunner().invoke(main, ["batch", str(corpus), "--out", str(out)])
    assert r.exit_code == EXIT_BAD_INPUT
    line = [l for l in r.stderr.splitlines() if str(out) in l]
    assert len(line) == 1 and "cannot write to" in line[0] and "scheduler" not in line[0]


def test_the_output_folder_inside_the_input_is_not_read(corpus, tmp_path):
    import shutil as sh
    src = tmp_path / "in"
    sh.copytree(corpus, src)
    (src / "out" / "parts").mkdir(parents=True)
    (src / "out" / "parts" / "stray.txt").write_bytes(next(corpus.glob("0_*")).read_bytes())
    result = batch.run([src], src / "out", jobs=1, chunk_size=8)
    assert result.analyzed == 15 and result.failed == 1


def test_units_of_work_spread_over_the_workers_within_bounds():
    assert batch.auto_chunk_size(100, 2) == 13
    assert batch.auto_chunk_size(10_000, 2) == batch.MAX_CHUNK
    assert batch.auto_chunk_size(5, 2) == batch.MIN_CHUNK
    assert batch.auto_chunk_size(0, 1) == batch.MIN_CHUNK


def test_default_units_give_the_same_tables(corpus, reference, tmp_path):
    result = batch.run([corpus], tmp_path, jobs=2)
    assert result.analyzed == 15 and len(list((tmp_path / "parts").glob("contracts-*.parquet"))) == 2
    assert_same(reference, tables(tmp_path))
