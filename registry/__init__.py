"""Providers, auditors, accounts, certificates, status lists and the transparency log."""

import os

# Piccolo finds its engine through this module path, wherever the process was started from.
os.environ.setdefault("PICCOLO_CONF", "registry.db.piccolo_conf")
