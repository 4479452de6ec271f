"""Core-rights standards as versioned, data-only rule sets (pure: no Piccolo, no Litestar)."""
