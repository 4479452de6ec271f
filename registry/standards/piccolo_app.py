"""Piccolo app of the `standards` package: its tables and migrations."""

from __future__ import annotations

import os

from piccolo.conf.apps import AppConfig

from registry.standards.tables import StandardVersionRow

APP_CONFIG = AppConfig(
    app_name="standards",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "migrations"),
    table_classes=[StandardVersionRow],
)
