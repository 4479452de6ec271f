"""Corrective actions tracked to closure: every non-conformity of a filed assessment becomes
an action the provider answers with a plan and evidence, the auditor (or the secretariat)
reviews and verifies, and `rightsmark lifecycle run` enforces (docs/assurance.md)."""
