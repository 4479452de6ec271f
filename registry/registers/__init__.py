"""National licence registers: importing them, matching providers' licences, and what a
licence found cancelled, suspended, banned or expired does (docs/assurance.md)."""
