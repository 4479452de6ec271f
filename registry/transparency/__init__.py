"""The public transparency log: an append-only RFC 9162 Merkle log of the registry's
decisions, with C2SP signed checkpoints. `append_event` is the one entry point for writers."""
