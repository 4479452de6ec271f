"""Piccolo app of the transparency log: its tables and migrations."""

from __future__ import annotations

import os

from piccolo.conf.apps import AppConfig

from registry.transparency.tables import (
    LogCheckpointRow,
    LogEntryRow,
    LogHeadRow,
    LogKeyRow,
    LogSubtreeRow,
)

APP_CONFIG = AppConfig(
    app_name="transparency",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "migrations"),
    table_classes=[LogHeadRow, LogEntryRow, LogSubtreeRow, LogCheckpointRow, LogKeyRow],
)
