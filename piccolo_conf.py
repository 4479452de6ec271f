"""For the `piccolo` command run from the project root (e.g. `piccolo migrations new`)."""

from registry.db.piccolo_conf import APP_REGISTRY, DB

__all__ = ["APP_REGISTRY", "DB"]
