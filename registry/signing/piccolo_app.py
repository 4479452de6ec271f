"""Piccolo app of the signing sub-package: its table and migrations."""

from __future__ import annotations

import os

from piccolo.conf.apps import AppConfig

from registry.signing.tables import SigningKeyRow

APP_CONFIG = AppConfig(
    app_name="signing",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "migrations"),
    table_classes=[SigningKeyRow],
)
