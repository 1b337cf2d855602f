"""Measure the analyzer and print the figures (a benchmark, not a test; the machine is shared).

    python benchmarks/bench.py                 # N = 100 and 10,000 (about ten minutes on 2 cores)
    python benchmarks/bench.py --sizes 100,1000

For each N it builds N synthetic contracts by recombining the sample contracts' clauses (seeded;
15–70 clauses each, in random order, with a sample's heading and signature) and measures:
  (a) jieba segmentation alone of the same texts, with the project's tokenizer (the floor);
  (b) analyze() of each contract, in this process, (a) and (b) alternating contract by contract;
  (c) `analyzer batch --jobs 2` over the same files written to disk (contracts/s, and the peak
      memory of the batch: its processes together, sampled);
and once: (d) compare of the five samples with every output written; (e) `analyzer --help` start-up.
Prints contracts per second, the ratio (b)/(a), peak memory and the growth from the smallest to the
largest N, and saves everything as JSON in benchmarks/results/.
"""
from __future__ import annotations

import argparse
import json
import platform
import random
import resource
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


def measure(n: int) -> dict:
    from analyzer.model import Document
    from analyzer.pipeline import aligner, analyze_document
    from analyzer.tokens import tokenizer
    texts = synthetic(n)
    chars = sum(map(len, texts))
    tk = tokenizer()
    aligner()
    analyze_document(Document("warm-up.txt", "0" * 64, texts[0], "text"))  # lazy imports and resources
    # (a) and (b) alternate contract by contract, so a busy spell of the machine weighs on both
    # (no stage keeps memos of texts across contracts, so recombined clauses are read afresh)
    jieba_s = analyze_s = 0.0
    for i, text in enumerate(texts):
        t0 = time.perf_counter()
        tk.cut(text)
        t1 = time.perf_counter()
        analyze_document(Document(f"synthetic/{i:06d}.txt", f"{i:064x}", text, "text"))
        t2 = time.perf_counter()
        jieba_s += t1 - t0
        analyze_s += t2 - t1
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
    return {"n": n, "chars_per_contract": round(chars / n), "jieba_s": round(jieba_s, 3),
            "analyze_s": round(analyze_s, 3), "jieba_per_s": round(n / jieba_s, 1),
            "analyze_per_s": round(n / analyze_s, 1), "ratio_analyze_to_jieba": round(analyze_s / jieba_s, 2),
            "batch_jobs2_s": round(batch_s, 3), "batch_jobs2_per_s": round(n / batch_s, 1),
            "peak_mb_this_process": round(peak_mb(), 1),
            "peak_mb_batch": round(memory.peak_pss_mb, 1), "peak_mb_batch_rss_sum": round(memory.peak_rss_mb, 1)}


class TreeMemory(threading.Thread):
    """Samples the memory of a process and all its descendants (every 0.25 s: each sample reads
    every process's smaps, which costs the batch CPU on a small machine) and keeps the peak
    of their sum: PSS (shared pages divided among the processes that share them, what the
    batch really holds) and RSS (shared pages counted in each process, an upper bound)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        import psutil
        self.root = psutil.Process(pid)
        self.peak_pss_mb = self.peak_rss_mb = 0.0
        self._finished = threading.Event()

    def run(self) -> None:
        import psutil
        while not self._finished.is_set():
            pss = rss = 0
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                break
            for p in procs:
                try:
                    info = p.memory_full_info()
                except psutil.Error:
                    continue
                pss += getattr(info, "pss", info.rss)
                rss += info.rss
            self.peak_pss_mb = max(self.peak_pss_mb, pss / 2**20)
            self.peak_rss_mb = max(self.peak_rss_mb, rss / 2**20)
            self._finished.wait(0.25)

    def stop(self) -> None:
        self._finished.set()
        self.join()


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


def _timed(cmd) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100,10000", help="comma-separated N (default 100,10000)")
    ap.add_argument("--results", default=str(ROOT / "benchmarks" / "results"),
                    help="folder for the JSON figures (default benchmarks/results)")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    runs = []
    for n in sizes:
        r = measure(n)
        runs.append(r)
        print(f"N={n:>6}: jieba {r['jieba_per_s']:>7} contracts/s | analyze {r['analyze_per_s']:>6} contracts/s "
              f"(ratio {r['ratio_analyze_to_jieba']}x jieba) | batch --jobs 2 {r['batch_jobs2_per_s']:>6} contracts/s "
              f"| peak {r['peak_mb_this_process']} MB here, {r['peak_mb_batch']} MB in batch (all its processes)",
              flush=True)
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
    print(f"compare of the 5 samples with all outputs: {cmp_s} s | `analyzer --help`: {help_s} s")
    result = {"when": time.strftime("%Y-%m-%dT%H:%M:%S"), "machine": {"cpus": __import__("os").cpu_count(),
              "python": platform.python_version(), "platform": platform.platform()},
              "runs": runs, "growth": growth, "compare_samples_s": cmp_s, "help_startup_s": help_s}
    out = Path(args.results)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(f"saved {path}")


if __name__ == "__main__":
    main()
