# Two commands: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
BENCH_PG_URL ?= postgresql://postgres@127.0.0.1:5432/postgres

.PHONY: run init test unit test-sqlite test-postgres lint catalogs bench bench-scale clean tools \
	cluster cluster-stop cluster-status cluster-tools drill bench-replicas

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "needs $(PYTHON)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The pages' translations (docs/languages.md): each language's messages.po compiled to its
# messages.mo, again whenever a .po changes. The .mo files are not committed; without them
# the registry compiles the .po in memory.
CATALOGS := $(wildcard api/i18n/locale/*/LC_MESSAGES/messages.po)
$(CATALOGS:.po=.mo): %.mo: %.po $(STAMP)
	$(BIN)/python -m api.i18n.compile

catalogs: $(CATALOGS:.po=.mo)

init: $(STAMP) catalogs
	$(BIN)/rightsmark init --demo

run: init
	$(BIN)/rightsmark serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports
	$(BIN)/python -m api.i18n.check

# Every test on SQLite; then every database test again on PostgreSQL when it answers.
test: lint catalogs test-sqlite test-postgres

# The pure tests only (tests/unit: no database, no app, no server): seconds, one process.
unit: $(STAMP)
	$(BIN)/pytest -q tests/unit

# The browser tests drive Debian's chromium (never a downloaded browser), the load smoke test
# Debian's wrk, the README tour jq and curl: install them if missing (as root; otherwise
# those tests say they skip).
tools:
	@if { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/wrk ] || [ ! -x /usr/bin/jq ] || [ ! -x /usr/bin/curl ]; } && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium wrk jq curl; \
	fi
	@$(MAKE) --no-print-directory cluster-tools

# The high-availability cluster's programs (Debian's etcd-server, patroni, PostgreSQL 15),
# installed when missing and running as root; without them the drill test says it skips.
cluster-tools:
	@if { [ ! -x /usr/bin/etcd ] || [ ! -x /usr/bin/patroni ] || [ ! -x /usr/lib/postgresql/15/bin/postgres ]; } && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends etcd-server patroni postgresql-15 curl; \
	fi

# etcd and three PostgreSQL 15 nodes under Patroni on 127.0.0.1, data in var/cluster/
# (docs/operations.md, "High availability"); prints how to serve on it. Stopped by cluster-stop.
cluster: $(STAMP) cluster-tools
	ops/cluster/cluster.sh start

cluster-stop:
	ops/cluster/cluster.sh stop

cluster-status:
	ops/cluster/cluster.sh status

# Figure 10a alone on `make cluster`'s cluster (~1.5 min): mixed traffic with public reads on
# the standbys against the primary alone. `make bench` measures it (and the failover figures
# 10b, 10c) on a cluster of its own.
bench-replicas: $(STAMP) cluster
	$(BIN)/python -m bench.replicas --seconds 20

# The failover drill against `make cluster`'s cluster (~1 min a run; DRILL_RUNS=5 for five).
drill: $(STAMP) cluster
	$(BIN)/python -m tests.e2e.cluster.drill --runs $${DRILL_RUNS:-1}

# Two workers; a module's tests stay on one (loadscope), so its real server or world is built once.
test-sqlite: $(STAMP) tools
	$(BIN)/pytest -n 2 --dist loadscope -q

test-postgres: $(STAMP)
	@if $(BIN)/python -m tests.support.pg_available "$(PG_URL)"; then \
		RIGHTSMARK_TEST_DATABASE_URL="$(PG_URL)" $(BIN)/pytest -n 2 --dist loadscope -q -m db -p no:randomly; \
	else \
		echo "*** PostgreSQL at $(PG_URL) is not reachable: SKIPPING the PostgreSQL run ***"; \
	fi

# Every figure: the pure and server figures with the mixed load (~4 min), the cluster figures
# 10a-10c on a Patroni cluster of its own when etcd, patroni and PostgreSQL 15 are installed
# (~3 min; skipped with a message otherwise), then the scale run.
bench: $(STAMP)
	@if $(BIN)/python -m tests.support.pg_available "$${RIGHTSMARK_BENCH_POSTGRES:-$(BENCH_PG_URL)}"; then \
		$(BIN)/python -m bench --load-postgres; \
	else \
		echo "*** PostgreSQL is not reachable: the mixed load runs on SQLite only ***"; \
		$(BIN)/python -m bench; \
	fi
	$(MAKE) --no-print-directory bench-scale

# 200,000 providers and 1,000,000 certificates on PostgreSQL beside 1 % of that (12-17 min on 2 cores;
# RIGHTSMARK_BENCH_POSTGRES names the server, default postgresql://postgres@127.0.0.1:5432/postgres).
bench-scale: $(STAMP)
	@if $(BIN)/python -m tests.support.pg_available "$${RIGHTSMARK_BENCH_POSTGRES:-$(BENCH_PG_URL)}"; then \
		$(BIN)/python -m bench scale; \
	else \
		echo "*** PostgreSQL is not reachable: SKIPPING the scale run (figures 8a-8e) ***"; \
	fi

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
