"""Run the benchmarks and print each workload's time against its baseline, measured in the same run.

    python -m bench.run                    # all workloads
    python -m bench.run page startup pay   # some of them
    python -m bench.run --quick page       # fewer repeats and pages (a first look on a busy machine)
    python -m bench.run --pg URL server    # PostgreSQL (also run when STREETLEDGER_TEST_PG is set)

Each module in WORKLOADS has run() -> list of (name, ours_seconds, baseline_seconds, target_ratio[, ours peak
RSS MB, baseline peak RSS MB]); a module whose run() takes `quick` is told, one that takes `url` the server's. Sides run in processes of their
own report their peak RSS (bench/child.py). The machine is noisy: read the ratios, not the seconds.
Benchmarks are not tests and assert nothing.
"""
from __future__ import annotations

import importlib
import inspect
import os
import sys
import time

WORKLOADS = {
    "page": "bench.page_open",
    "startup": "bench.startup",
    "demo": "bench.demo_load",
    "gui": "bench.gui_table",
    "pay": "bench.pay",
    "import": "bench.importing",
    "reports": "bench.reports",
    "server": "bench.server",
}


def best_of(func, repeat: int = 3) -> float:
    """The fastest of a few runs: the least disturbed by other work on the machine."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    url = os.environ.get("STREETLEDGER_TEST_PG")
    if "--pg" in argv:
        at = argv.index("--pg")
        url, argv = argv[at + 1], argv[:at] + argv[at + 2:]
    chosen = [a for a in argv if a != "--quick"] or [key for key in WORKLOADS if key != "server" or url]
    rows = []
    for key in chosen:
        try:
            module = importlib.import_module(WORKLOADS[key])
        except ModuleNotFoundError as exc:
            print(f"{key}: 尚未提供（{exc.name}）")
            continue
        print(f"== {key} ==", flush=True)
        wants = inspect.signature(module.run).parameters
        told = {k: v for k, v in (("quick", quick), ("url", url)) if k in wants}
        for row in module.run(**told):
            row = tuple(row) + (None,) * (6 - len(row))
            rows.append(row)
            _print_row(*row)
    print("\n汇总 (workload / ours s / baseline s / ratio / target / peak RSS MB ours, baseline)")
    for row in rows:
        _print_row(*row)
    return 0


def _print_row(name, ours, baseline, target, ours_rss=None, baseline_rss=None) -> None:
    ratio = ours / baseline if baseline else float("inf")
    verdict = "" if target is None else ("  ok" if ratio <= target else "  OVER TARGET")
    limit = "" if target is None else f" ≤{target}×"
    rss = "" if ours_rss is None else f"  RSS {ours_rss:.0f}" + ("" if baseline_rss is None else f" / {baseline_rss:.0f}") + " MB"
    print(f"{name:<48} {ours:9.3f} {baseline:9.3f} {ratio:7.2f}×{limit}{verdict}{rss}", flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
