"""Backup and restore: `rightsmark export` writes a consistent snapshot of the whole registry
(every table's rows, the evidence files, the public keys, a manifest of checksums and the
log's size and root) to one zip archive; `rightsmark import` restores it into an empty
database on either engine, all or nothing, and proves the restored log is the one exported.

- `manifest.py`, `rows.py`, `logcheck.py`: pure (format, row encoding, log recomputation);
- `archive.py`: the zip file itself (hashing writer, checksum-verifying reader);
- `schema.py`: which tables, in which order, with which column kinds;
- `snapshot.py` (export) and `restore.py` (import): the database side.
"""
