"""`rightsmark verify`: an adapter around `registry.trust` that fetches or reads the
registry's documents, online or fully offline."""
