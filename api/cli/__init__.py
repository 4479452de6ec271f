"""The `rightsmark` command line (`main`), its subcommands loaded lazily (`lazy`).
Imports nothing from `api.http` or `api.web`."""
