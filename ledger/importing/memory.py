"""Remembered column mappings: a clerk who once told the importer what “现工作单位” means is not asked again.

Kept as JSON in the data folder, keyed by the ledger and a fingerprint of the header texts. Not in the
database's Setting table, because a mapping describes files on this computer rather than ledger data: it needs
no write permission, leaves no audit entries, survives switching to another database, and never travels into
a shared PostgreSQL server where another office's workbooks look different.
"""
from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime
from pathlib import Path

from .. import paths

FILE_NAME = "import_mappings.json"
KEEP = 200  # layouts remembered; the oldest are forgotten first


def _path() -> Path:
    return paths.data_dir() / FILE_NAME


def _load() -> dict:
    try:
        data = json.loads(_path().read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}  # a missing or damaged file only means nothing is remembered


def recall(kind: str, fingerprint: str) -> dict[int, str | None] | None:
    """The mapping remembered for this ledger and layout: column index -> field key (None: ignored)."""
    entry = _load().get(f"{kind}:{fingerprint}")
    if not isinstance(entry, dict) or not isinstance(entry.get("mapping"), dict):
        return None
    try:
        return {int(k): (v or None) for k, v in entry["mapping"].items()}
    except (TypeError, ValueError):
        return None


def remember(kind: str, fingerprint: str, headers: list[str], mapping: dict[int, str | None]) -> None:
    """Keep the columns the user set by hand for files of this layout (written atomically)."""
    if not fingerprint:
        return
    data = _load()
    data[f"{kind}:{fingerprint}"] = {"headers": headers, "mapping": {str(k): v for k, v in mapping.items()},
                                     "saved_at": datetime.now().isoformat(timespec="seconds")}
    if len(data) > KEEP:
        oldest = sorted(data, key=lambda k: str(data[k].get("saved_at", "")))[:len(data) - KEEP]
        for key in oldest:
            del data[key]
    target = _path()
    fd, tmp = tempfile.mkstemp(prefix=".mappings-", suffix=".json", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
        os.replace(tmp, target)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def forget(kind: str, fingerprint: str) -> None:
    data = _load()
    if data.pop(f"{kind}:{fingerprint}", None) is not None:
        _path().write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
