"""Piccolo app of the employers' sub-package: sign-ups, watchlists, supplier checks."""

from __future__ import annotations

import os

from piccolo.conf.apps import AppConfig

from registry.watchlists.tables import (
    EmployerSignUpRow,
    SupplierCheckRow,
    WatchlistItemRow,
    WatchlistRow,
)

APP_CONFIG = AppConfig(
    app_name="watchlists",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "migrations"),
    table_classes=[EmployerSignUpRow, WatchlistRow, WatchlistItemRow, SupplierCheckRow],
)
