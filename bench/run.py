"""Run the benchmarks and print each workload's time against its baseline, measured in the same run.

    python -m bench.run            # all workloads
    python -m bench.run demo pay   # some of them

Each module in WORKLOADS has run() -> list of (name, ours_seconds, baseline_seconds, target_ratio).
The machine is noisy: read the ratios, not the seconds. Benchmarks are not tests and assert nothing.
"""
from __future__ import annotations

import importlib
import sys
import time

WORKLOADS = {
    "demo": "bench.demo_load",
    "gui": "bench.gui_table",
    "pay": "bench.pay",
    "import": "bench.importing",
    "reports": "bench.reports",
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
    chosen = argv or list(WORKLOADS)
    rows = []
    for key in chosen:
        try:
            module = importlib.import_module(WORKLOADS[key])
        except ModuleNotFoundError as exc:
            print(f"{key}: 尚未提供（{exc.name}）")
            continue
        print(f"== {key} ==", flush=True)
        for row in module.run():
            name, ours, baseline = row[:3]
            target = row[3] if len(row) > 3 else None
            rows.append((name, ours, baseline, target))
            _print_row(name, ours, baseline, target)
    print("\n汇总 (workload / ours s / baseline s / ratio / target)")
    for row in rows:
        _print_row(*row)
    return 0


def _print_row(name, ours, baseline, target) -> None:
    ratio = ours / baseline if baseline else float("inf")
    verdict = "" if target is None else ("  ok" if ratio <= target else "  OVER TARGET")
    limit = "" if target is None else f" ≤{target}×"
    print(f"{name:<48} {ours:9.3f} {baseline:9.3f} {ratio:7.2f}×{limit}{verdict}", flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
