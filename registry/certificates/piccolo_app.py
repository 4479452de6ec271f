"""Piccolo app of the certificates sub-package: its tables and migrations."""

from __future__ import annotations

import os

from piccolo.conf.apps import AppConfig

from registry.certificates.tables import CertificateEventRow, CertificateRow, StatusListRow

APP_CONFIG = AppConfig(
    app_name="certificates",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "migrations"),
    table_classes=[CertificateRow, CertificateEventRow, StatusListRow],
)
