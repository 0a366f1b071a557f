# The two commands of the README's Quick start, plus the benchmarks.
.PHONY: demo serve test bench
demo:
	bash scripts/demo.sh
# Production on one machine, on loopback behind a TLS proxy (docs/deploy.md).
serve:
	bash scripts/serve.sh
test:
	bash scripts/test.sh
bench:
	bash scripts/bench.sh
