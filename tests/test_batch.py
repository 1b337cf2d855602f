"""Corpus mode: parallel, resumable, the same tables locally and on a Dask cluster."""
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analyzer import batch

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
    from analyzer.cli import main
    r = CliRunner().invoke(main, ["batch", str(corpus), "--out", str(tmp_path), "--jobs", "2"])
    assert r.exit_code == 2  # one file failed
    assert "analyzed 15" in r.output and "1 failed" in r.output
    r = CliRunner().invoke(main, ["batch", str(corpus), "--out", str(tmp_path)])
    assert "skipped 16 already done" in r.output


def test_cli_batch_leaves_out_excluded_files(corpus, tmp_path):
    from click.testing import CliRunner
    from analyzer.cli import main
    r = CliRunner().invoke(main, ["batch", str(corpus), "--out", str(tmp_path), "--exclude", "broken.*",
                                  "--exclude", "2_*"])
    assert r.exit_code == 0, r.output  # the broken file is left out, so nothing failed
    assert "analyzed 10" in r.output and "0 failed" in r.output
