"""Where the application keeps its files: one place, overridable for tests and portable use.

On Windows the data folder is %APPDATA%\\StreetLedger (never the program folder, so that an upgrade or an
uninstall leaves the data alone); STREETLEDGER_DATA_DIR overrides it.
"""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_DIR_NAME = "StreetLedger"


def data_dir() -> Path:
    override = os.environ.get("STREETLEDGER_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False, roaming=True))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database() -> Path:
    return data_dir() / "streetledger.sqlite"


def backups_dir() -> Path:
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_templates_dir() -> Path:
    """An office's adjusted report templates; a file here wins over the built-in one of the same name."""
    path = data_dir() / "templates"
    path.mkdir(parents=True, exist_ok=True)
    return path


def resources_dir() -> Path:
    """The read-only resources shipped with the application (templates, fonts, translations)."""
    return Path(__file__).resolve().parent.parent / "resources"
