"""Piccolo app of the national licence registers: its tables and migrations."""

from __future__ import annotations

import os

from piccolo.conf.apps import AppConfig

from registry.registers.tables import LicenceFindingRow, RegisterImportRow

APP_CONFIG = AppConfig(
    app_name="registers",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "migrations"),
    table_classes=[RegisterImportRow, LicenceFindingRow],
)
