"""Production-shape tooling run from the Makefile: `make bench`, `make loadtest`, `make drill`."""
