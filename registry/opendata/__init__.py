"""Open data: the daily signed export of the public register (docs/open-data.md)."""
