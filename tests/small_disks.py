"""Run command lines with small, nearly full volumes mounted: the disk-full tests' real full disk.

The volumes are tmpfs mounts in a private mount namespace (`unshare`), so they vanish with the commands and
nothing on the machine is touched. Unprivileged where user namespaces are allowed (`unshare -rm`); as root
(CI) a plain mount namespace (`unshare -m`) does. `why_not()` says why neither works on this machine.
"""
from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@cache
def _prefix() -> tuple[list[str] | None, str]:
    """The unshare command line that can mount a tmpfs here, or None with the reason."""
    if not sys.platform.startswith("linux"):
        return None, "tmpfs volumes in a private mount namespace need Linux"
    if shutil.which("unshare") is None:
        return None, "the unshare command (util-linux) is not installed"
    tried = []
    spot = tempfile.mkdtemp(prefix="small-disk-probe-")
    for prefix in (["unshare", "-rm"], ["unshare", "-m"]):
        probe = subprocess.run([*prefix, "sh", "-c", f"mount -t tmpfs -o size=64k tmpfs {shlex.quote(spot)}"],
                               capture_output=True, text=True)
        if probe.returncode == 0:
            os.rmdir(spot)
            return prefix, ""
        tried.append(f"{' '.join(prefix)}: {probe.stderr.strip() or probe.returncode}")
    os.rmdir(spot)
    return None, "cannot mount a tmpfs in a private mount namespace (" + "; ".join(tried) + ")"


def why_not() -> str | None:
    """None when small volumes can be mounted here, else the reason."""
    return _prefix()[1] or None


def run(volumes: dict[Path, str], commands: list[list[str]], env: dict[str, str]) -> list[dict]:
    """Mount a tmpfs of the given size (e.g. "768k") at each path, run the commands in order inside the
    namespace (each a `python main.py` command line) and return each one's returncode, stdout and stderr.

    ["fill", folder, bytes] fills the folder's volume until that many bytes are free; ["unfill", folder] frees it.
    """
    script = ["set -e"]
    for path, size in volumes.items():
        script.append(f"mkdir -p {shlex.quote(str(path))} && mount -t tmpfs -o size={size} tmpfs {shlex.quote(str(path))}")
    script.append(f"exec {shlex.quote(sys.executable)} {shlex.quote(str(Path(__file__).resolve()))} "
                  f"{shlex.quote(json.dumps(commands, ensure_ascii=False))}")
    prefix, reason = _prefix()
    assert prefix is not None, reason
    done = subprocess.run([*prefix, "sh", "-c", "\n".join(script)], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _fill(folder: Path, leave: int) -> None:
    """Fill the volume at `folder` until only `leave` bytes are free."""
    free = shutil.disk_usage(folder).free
    with open(folder / "填充", "ab") as fh:
        fh.write(b"\0" * max(0, free - leave))


def _inside(commands: list[list[str]]) -> None:
    results = []
    for command in commands:
        if command[0] == "fill":
            _fill(Path(command[1]), int(command[2]))
            results.append({"returncode": 0, "stdout": "", "stderr": ""})
        elif command[0] == "unfill":
            (Path(command[1]) / "填充").unlink(missing_ok=True)
            results.append({"returncode": 0, "stdout": "", "stderr": ""})
        else:
            done = subprocess.run([sys.executable, str(ROOT / "main.py"), *command], capture_output=True, text=True,
                                  cwd=ROOT)
            results.append({"returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr})
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    _inside(json.loads(sys.argv[1]))
