"""The surveillance cycle driven by the registry: scheduled surveillance audits and
recertifications (docs/assurance.md, "The surveillance cycle")."""
