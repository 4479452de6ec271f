"""HTTP API, web pages and the command line: the thin edge over the domain packages."""
