"""Running one side of a comparison in a process of its own: its wall time and its peak memory (RSS).

A child may print lines of JSON ({"seconds": …} and anything else it wants to say); without "seconds" its wall
time from start to exit is what counts. The peak RSS is the child's own VmHWM (/proc/self/status), printed as it
exits by the wrapper every child is started through (`python -m bench.child ARGS…`): the rusage of a child
(os.wait4, RUSAGE_CHILDREN) also counts the parent's memory, which the child carried until its exec.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Measured:
    """One child's figures: the seconds it reports (or its whole life), its peak RSS in MB, what it said."""

    seconds: float
    rss_mb: float
    said: dict = field(default_factory=dict)


def run_child(args: list[str], env: dict[str, str] | None = None) -> Measured:
    """Run `python args…` from the project folder; raises with the child's error output when it fails."""
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out, tempfile.TemporaryFile("w+", encoding="utf-8") as err:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "bench.child", *args], cwd=ROOT, env=environment,
                                stdout=out, stderr=err)
        code = proc.wait()
        elapsed = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        printed, errors = out.read(), err.read()
    if code:
        raise RuntimeError(f"{' '.join(args)} failed ({code}):\n{errors[-3000:]}")
    said: dict = {}
    for line in printed.splitlines():
        if line.startswith("{"):
            said.update(json.loads(line))
    return Measured(float(said.get("seconds", elapsed)), float(said["rss_mb"]), said)


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def report(seconds: float, **more) -> None:
    """What the parent reads: the time the child measured, and its peak RSS so far (for a child that ends
    with os._exit, which skips the wrapper's own report)."""
    print(json.dumps({"seconds": seconds, "rss_mb": peak_rss_mb(), **more}, ensure_ascii=False), flush=True)


def _wrapped(args: list[str]) -> None:
    """Run `-m module ARGS…` or `script ARGS…` as python would, and print the peak RSS as the process exits."""
    import atexit
    import runpy
    atexit.register(lambda: print(json.dumps({"rss_mb": peak_rss_mb()}), flush=True))
    if args[0] == "-m":
        sys.argv = [args[1], *args[2:]]
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = list(args)
        sys.path[0] = str(Path(args[0]).resolve().parent)
        runpy.run_path(args[0], run_name="__main__")


if __name__ == "__main__":
    _wrapped(sys.argv[1:])


def best(runs: list[Measured]) -> Measured:
    """The fastest run (the least disturbed by other work on the machine), with the highest RSS seen."""
    fastest = min(runs, key=lambda m: m.seconds)
    return Measured(fastest.seconds, max(m.rss_mb for m in runs), fastest.said)
