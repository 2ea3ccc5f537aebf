# One way to run everything: the same targets in the README, in CI and on a developer's machine.
UV := deploy/local/uv
# the share of the synthetic city `make up` loads: DEMO=1 for all of it
DEMO ?= 0.01
STACK := python3 deploy/local/stack.py
WEB := services/gateway/web

.PHONY: up down wipe status test lint format sync browser compose-cli kustomize contracts lighthouse bench bench-registry bench-needs bench-resources bench-matching bench-points bench-gateway bench-redemptions bench-notify bench-cobuilding bench-replicas bench-province

up: sync           ## install, start Kafka, FerretDB and the eight services, load the demo, print the URLs
	$(STACK) up --services --demo $(DEMO)

down:              ## stop everything `make up` or the tests started
	$(STACK) down

wipe:              ## stop everything and delete the stored data (not the downloads)
	$(STACK) wipe

status:
	$(STACK) status

test: sync lint browser compose-cli kustomize  ## lint, then every unit, integration, end-to-end and browser test on the real stack
	$(STACK) up
	$(UV) run pytest

lint:
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy
	$(UV) run lint-imports

format:
	$(UV) run ruff check --fix .
	$(UV) run ruff format .

# bytecode compiled once, at install, as the images do (uv does not by default): each of the
# stack's Python processes compiled its imports anew at every start, a second of CPU each
sync: $(WEB)/node_modules/.package-lock.json  ## the Python packages (uv.lock) and the portal's front-end packages (package-lock.json)
	$(UV) sync --frozen --compile-bytecode

# installed again only when the lock file changed or node_modules is missing (npm ci takes 1.6 s
# even with nothing new)
$(WEB)/node_modules/.package-lock.json: $(WEB)/package-lock.json
	npm ci --prefix $(WEB) --no-audit --no-fund --loglevel=error

browser:           ## Debian's Chromium and a Chinese font, for the browser tests (Playwright never downloads a browser)
	@command -v chromium >/dev/null && fc-list :lang=zh | grep -q . || \
	  apt-get install -y -q chromium fonts-wqy-microhei >/dev/null || \
	  (apt-get update -q && apt-get install -y -q chromium fonts-wqy-microhei >/dev/null)

kustomize:         ## kustomize from the Go module proxy into .local/bin, which renders deploy/k8s for tests/deploy
	@test -x .local/bin/kustomize || GOBIN=$(CURDIR)/.local/bin go install sigs.k8s.io/kustomize/kustomize/v5@v5.7.1

compose-cli:       ## Debian's docker-compose, which renders docker-compose.yml for tests/deploy (no Docker engine needed)
	@command -v docker-compose >/dev/null || \
	  apt-get install -y -q docker-compose >/dev/null || \
	  (apt-get update -q && apt-get install -y -q docker-compose >/dev/null)

lighthouse: sync browser  ## Lighthouse's phone profile on the portal's main pages (after `make up`; DEMO=1: the whole city), into docs/lighthouse.md
	npm ci --prefix devkit/lighthouse --no-audit --no-fund --loglevel=error
	$(STACK) up --services
	$(UV) run python -m devkit.lighthouse

contracts:         ## rewrite the event schema snapshots after a deliberate contract change
	$(UV) run python -m contract.snapshots --write

bench: bench-registry bench-needs bench-resources bench-matching bench-points bench-gateway bench-redemptions bench-notify bench-cobuilding bench-replicas bench-province  ## every benchmark; each prints a table, then one JSON line

bench-registry:    ## import the whole synthetic city through the registry, time its queries
	$(STACK) up
	$(UV) run python -m devkit.bench.organizations

bench-needs:       ## post 20,000 needs and 100,000 claims through the needs service, count the events
	$(STACK) up
	$(UV) run python -m devkit.bench.needs

bench-resources:   ## share 11,387 venues and services, import 100,000 bookings, search free venues, book under load
	$(STACK) up
	$(UV) run python -m devkit.bench.resources

bench-matching:    ## the engine against greedy and the exact optimum at 0.25x, 1x, 4x; end to end over Kafka
	$(STACK) up
	$(UV) run python -m devkit.bench.matching

bench-points:      ## the city's history (20,006 needs, ~113,000 completed claims) earned through Kafka; reads; a recount
	$(STACK) up
	$(UV) run python -m devkit.bench.points

bench-gateway: sync  ## the first page and the statistics API under 200 clients (after `make up DEMO=1`: the whole city)
	$(STACK) up --services
	$(UV) run python -m devkit.bench.gateway

bench-redemptions: ## 2,000 people redeem one item of 1,000 in the points shop at once: orders against stock, balances
	$(STACK) up
	$(UV) run python -m devkit.bench.redemptions

bench-notify:      ## a day of the city's events (claims, wishes, bookings, proposals) decided into inboxes through Kafka; inbox reads
	$(STACK) up
	$(UV) run python -m devkit.bench.notify

bench-cobuilding:  ## 10,000 residents' concerns put in at once, all escalated by the test clock; a district's figures, a community's list
	$(STACK) up
	$(UV) run python -m devkit.bench.cobuilding

bench-replicas:    ## after `make up DEMO=1`: restarts from the database and from a snapshot; a write seen by another replica
	$(STACK) up --services
	$(UV) run python -m devkit.bench.replicas

bench-province: sync  ## twenty cities: matching over 12 instances (batch, % of optimum, p99, memory each); read models a district
	$(UV) run python -m devkit.bench.province
