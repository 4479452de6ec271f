"""Database plumbing: the engine and its connections (`piccolo_conf`, `pooled`), migrations
and write transactions (`database`), the one unique-race helper (`races`), the process's read
caches and the rule that keeps them fresh (`cache`), and the registry app's tables."""
