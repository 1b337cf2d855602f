"""Measure the analyzer and print the figures (a benchmark, not a test; the machine is shared).

    python benchmarks/bench.py                 # N = 100 and 10,000 (about ten minutes on 2 cores)
    python benchmarks/bench.py --sizes 100,1000

On the real texts (the five samples and the 27 contracts of the development corpus,
data/labeled/gold/dev.json), in several rounds: plain jieba (the jieba package with its default
settings, ``jieba.lcut``) and analyze() of each text, alternating text by text in this process;
the medians of the rounds and the ratio analyze/jieba.

For each N it builds N synthetic contracts by recombining the sample contracts' clauses (seeded;
15–70 clauses each, in random order, with a sample's heading and signature) and measures:
  (a) plain jieba of the same texts (the floor an analysis built on jieba could not go below);
  (a') the analyzer's own segmenter (``tokens.segmenter()``: rjieba where installed) of them;
  (b) analyze() of each contract, in this process, (a), (a') and (b) alternating contract by contract;
  (c) `analyzer batch --jobs 2` over the same files written to disk (contracts/s, and the peak
      memory of the batch: its processes together, sampled from /proc);
and once: (d) compare of the five samples with every output written; (e) `analyzer --help` start-up.
Prints contracts per second, the ratios (b)/(a), peak memory and the growth from the smallest to the
largest N, and saves everything as JSON in benchmarks/results/.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def sample_pool():
    from analyzer.load import load
    from analyzer.pipeline import expand
    from analyzer.segment import clauses_of
    heads, bodies, tails = [], [], []
    for p in expand([ROOT / "data" / "contracts"]):
        _, clauses = clauses_of(load(p).text)
        first = next((i for i, c in enumerate(clauses) if c.number), 0)
        heads.append("\n".join(c.text for c in clauses[:first]))
        tails.append("\n".join(c.text for c in clauses if c.style == "signature"))
        bodies.extend(c.text for c in clauses[first:] if c.style != "signature")
    return heads, bodies, tails


def synthetic(n: int, seed: int = 7) -> list[str]:
    heads, bodies, tails = sample_pool()
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        k = rng.randint(15, 70)
        out.append("\n".join([rng.choice(heads), *rng.sample(bodies, min(k, len(bodies))), rng.choice(tails)]))
    return out


def peak_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def plain_jieba():
    """``jieba.lcut`` of the jieba package with its default settings, its dictionary loaded."""
    import jieba
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba.lcut


def real_documents() -> list:
    """The five samples and the development corpus, as the analyzer reads them."""
    from analyzer.load import load
    from analyzer.pipeline import expand
    corpus = json.loads((ROOT / "data" / "labeled" / "gold" / "dev.json").read_text(encoding="utf-8"))
    texts = ROOT / "data" / "labeled" / "texts"
    return [load(p) for p in expand([ROOT / "data" / "contracts"])] + [load(texts / n) for n in corpus["contracts"]]


def measure_real(rounds: int) -> dict:
    """Plain jieba and analyze() on the real texts, alternating text by text, over several rounds;
    what the analyzer keeps across analyses keyed by text is dropped before each one
    (``forget_texts``, untimed), so each round reads every text afresh."""
    from analyzer.pipeline import aligner, analyze_document, forget_texts
    docs = real_documents()
    lcut = plain_jieba()
    aligner()
    jieba_rounds, analyze_rounds = [], []
    for r in range(rounds + 1):  # round 0 warms up: lazy imports and resources
        jieba_s = analyze_s = 0.0
        for doc in docs:
            forget_texts()
            t0 = time.perf_counter()
            lcut(doc.text)
            t1 = time.perf_counter()
            analyze_document(doc)
            t2 = time.perf_counter()
            jieba_s += t1 - t0
            analyze_s += t2 - t1
        if r:
            jieba_rounds.append(jieba_s)
            analyze_rounds.append(analyze_s)
    ratios = [a / j for a, j in zip(analyze_rounds, jieba_rounds)]
    n = len(docs)
    return {"texts": n, "rounds": rounds, "chars_per_text": round(sum(len(d.text) for d in docs) / n),
            "jieba_ms_per_text": round(statistics.median(jieba_rounds) / n * 1000, 2),
            "analyze_ms_per_text": round(statistics.median(analyze_rounds) / n * 1000, 2),
            "ratio_analyze_to_jieba": round(statistics.median(ratios), 2),
            "ratio_min_max": [round(min(ratios), 2), round(max(ratios), 2)]}


def measure(n: int) -> dict:
    from analyzer.model import Document
    from analyzer.pipeline import aligner, analyze_document, forget_texts
    from analyzer.tokens import tokenizer
    texts = synthetic(n)
    chars = sum(map(len, texts))
    lcut = plain_jieba()
    tk = tokenizer()
    aligner()
    analyze_document(Document("warm-up.txt", "0" * 64, texts[0], "text"))  # lazy imports and resources
    # (a), (a') and (b) alternate contract by contract, so a busy spell of the machine weighs on all;
    # the memos kept across analyses are dropped before each (untimed): recombined clauses are read afresh
    jieba_s = own_s = analyze_s = 0.0
    for i, text in enumerate(texts):
        forget_texts()
        t0 = time.perf_counter()
        lcut(text)
        t1 = time.perf_counter()
        tk.cut(text)
        t2 = time.perf_counter()
        analyze_document(Document(f"synthetic/{i:06d}.txt", f"{i:064x}", text, "text"))
        t3 = time.perf_counter()
        jieba_s += t1 - t0
        own_s += t2 - t1
        analyze_s += t3 - t2
    batch_s, memory = run_batch(texts)
    return {"n": n, "chars_per_contract": round(chars / n), "jieba_s": round(jieba_s, 3),
            "segmenter_s": round(own_s, 3), "analyze_s": round(analyze_s, 3), "jieba_per_s": round(n / jieba_s, 1),
            "segmenter_per_s": round(n / own_s, 1), "analyze_per_s": round(n / analyze_s, 1),
            "ratio_analyze_to_jieba": round(analyze_s / jieba_s, 2),
            "ratio_segmenter_to_jieba": round(own_s / jieba_s, 2),
            "batch_jobs2_s": round(batch_s, 3), "batch_jobs2_per_s": round(n / batch_s, 1),
            "peak_mb_this_process": round(peak_mb(), 1), **memory}


def run_batch(texts: list[str]) -> tuple[float, dict]:
    """`analyzer batch --jobs 2` over the texts written to disk: its wall time and peak memory."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in"
        src.mkdir()
        for i, text in enumerate(texts):
            (src / f"{i:06d}.txt").write_text(text, encoding="utf-8")
        t = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "analyzer", "batch", str(src), "--out", str(Path(tmp) / "out"),
                                 "--jobs", "2", "--chunk-size", "50"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        memory = TreeMemory(proc.pid)
        memory.start()
        _, err = proc.communicate()
        batch_s = time.perf_counter() - t
        memory.stop()
        if proc.returncode != 0:
            raise SystemExit(f"batch failed: {err}")
    return batch_s, memory.peaks()


class TreeMemory(threading.Thread):
    """Samples the memory of a process and all its descendants (every 0.25 s: each sample reads
    every process's /proc entry, which costs the batch CPU on a small machine) and keeps the peak
    of their sum: PSS (shared pages divided among the processes that share them, what the
    batch really holds) and RSS (shared pages counted in each process, an upper bound).

    Without /proc (not Linux), the peak is that of the largest single process, from getrusage."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.root = pid
        self.peak_pss_mb = self.peak_rss_mb = 0.0
        self._finished = threading.Event()

    def run(self) -> None:
        while not self._finished.is_set():
            pss = rss = 0
            for pid in descendants(self.root):
                kb = rollup_kb(pid)
                pss += kb.get("Pss", kb.get("Rss", 0))
                rss += kb.get("Rss", 0)
            self.peak_pss_mb = max(self.peak_pss_mb, pss / 1024)
            self.peak_rss_mb = max(self.peak_rss_mb, rss / 1024)
            self._finished.wait(0.25)

    def stop(self) -> None:
        self._finished.set()
        self.join()

    def peaks(self) -> dict:
        """The peak memory of the batch (call after it ended), and how it was measured."""
        if self.peak_rss_mb:
            return {"peak_mb_batch": round(self.peak_pss_mb, 1), "peak_mb_batch_rss_sum": round(self.peak_rss_mb, 1),
                    "peak_mb_batch_of": "all its processes together"}
        return {"peak_mb_batch": round(peak_mb(resource.RUSAGE_CHILDREN), 1),
                "peak_mb_batch_of": "its largest process"}


def descendants(root: int) -> list[int]:
    """``root`` and every process below it, from the parent ids in /proc (empty without /proc)."""
    if not os.path.isdir("/proc"):
        return []
    parent = {}
    with os.scandir("/proc") as entries:
        for entry in entries:
            try:
                stat = Path(entry.path, "stat").read_text() if entry.name.isdigit() else None
            except OSError:  # ended meanwhile
                continue
            if stat:  # "pid (name) state ppid ...": the name may hold spaces and parentheses
                parent[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    if root not in parent:
        return []
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(p for p, pp in parent.items() if pp == pid)
    return found


def rollup_kb(pid: int) -> dict[str, int]:
    """A process's memory totals in kB (Rss, Pss, ...) from /proc/PID/smaps_rollup; {} when gone."""
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]
    except OSError:
        return {}
    out = {}
    for line in lines:
        key, _, value = line.partition(":")
        if value.strip().endswith("kB"):
            out[key] = int(value.split()[0])
    return out


def compare_samples() -> float:
    from analyzer.comparison import compare
    from analyzer.pipeline import analyze, expand
    from analyzer.render.report import write_all
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        write_all(compare([analyze(p) for p in expand([ROOT / "data" / "contracts"])]), tmp)
        return round(time.perf_counter() - t, 3)


def help_startup() -> float:
    best = min(_timed([sys.executable, "-m", "analyzer", "--help"]) for _ in range(5))
    return round(best, 3)


def one_file_startup() -> dict:
    """``analyzer analyze`` of one sample in a new process, warm (the cache filled and the files
    read once before): the median and the best of five."""
    cmd = [sys.executable, "-m", "analyzer", "analyze", str(next(iter(expand_samples())))]
    _timed(cmd)
    times = [_timed(cmd) for _ in range(5)]
    return {"median_s": round(statistics.median(times), 3), "best_s": round(min(times), 3)}


def expand_samples() -> list[Path]:
    from analyzer.pipeline import expand
    return sorted(expand([ROOT / "data" / "contracts"]))


def _timed(cmd) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True)
    return time.perf_counter() - t


def main() -> None:
    from analyzer.tokens import segmenter
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100,10000", help="comma-separated N (default 100,10000)")
    ap.add_argument("--rounds", type=int, default=5, help="rounds over the real texts (default 5)")
    ap.add_argument("--results", default=str(ROOT / "benchmarks" / "results"),
                    help="folder for the JSON figures (default benchmarks/results)")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    print(f"segmenter: {segmenter()}", flush=True)
    real = measure_real(args.rounds)
    print(f"real texts ({real['texts']}, {real['chars_per_text']} characters each, median of {real['rounds']} rounds): "
          f"jieba {real['jieba_ms_per_text']} ms | analyze {real['analyze_ms_per_text']} ms a text "
          f"(ratio {real['ratio_analyze_to_jieba']}x jieba; rounds {real['ratio_min_max'][0]}–"
          f"{real['ratio_min_max'][1]})", flush=True)
    runs = []
    for n in sizes:
        r = measure(n)
        runs.append(r)
        print(f"N={n:>6}: jieba {r['jieba_per_s']:>7} contracts/s | segmenter {r['segmenter_per_s']:>7} contracts/s "
              f"| analyze {r['analyze_per_s']:>6} contracts/s (ratio {r['ratio_analyze_to_jieba']}x jieba) "
              f"| batch --jobs 2 {r['batch_jobs2_per_s']:>6} contracts/s | peak {r['peak_mb_this_process']} MB here, "
              f"{r['peak_mb_batch']} MB in batch ({r['peak_mb_batch_of']})", flush=True)
    growth = None
    if len(runs) > 1:
        a, b = runs[0], runs[-1]
        growth = {"n_from": a["n"], "n_to": b["n"],
                  "time_ratio_analyze": round(b["analyze_s"] / a["analyze_s"], 2),
                  "time_ratio_batch": round(b["batch_jobs2_s"] / a["batch_jobs2_s"], 2),
                  "n_ratio": b["n"] / a["n"]}
        print(f"growth N={a['n']}→{b['n']} (×{growth['n_ratio']:g}): analyze time ×{growth['time_ratio_analyze']}, "
              f"batch time ×{growth['time_ratio_batch']} (linear is ×{growth['n_ratio']:g})")
    cmp_s = compare_samples()
    help_s = help_startup()
    one = one_file_startup()
    print(f"compare of the 5 samples with all outputs: {cmp_s} s | `analyzer --help`: {help_s} s | "
          f"warm one-file `analyzer analyze`: {one['median_s']} s (best {one['best_s']} s)")
    result = {"when": time.strftime("%Y-%m-%dT%H:%M:%S"), "machine": {"cpus": os.cpu_count(),
              "python": platform.python_version(), "platform": platform.platform()}, "segmenter": segmenter(),
              "real_texts": real, "runs": runs, "growth": growth, "compare_samples_s": cmp_s, "help_startup_s": help_s,
              "one_file_analyze": one}
    out = Path(args.results)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(f"saved {path}")


if __name__ == "__main__":
    main()
