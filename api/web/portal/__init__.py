"""The signed-in portals of the secretariat, auditors and providers."""
