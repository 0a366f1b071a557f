# The two commands of the README's Quick start, plus the benchmarks.
.PHONY: demo test bench
demo:
	bash scripts/demo.sh
test:
	bash scripts/test.sh
bench:
	bash scripts/bench.sh
