"""Runners that are not tests: benchmarks (`tools/bench/`), the load test (`tools/load/`) and the long API fuzzing
run (`tools/fuzz/`), with what they share with the test suite (a throwaway PostgreSQL, the app on a given
database, gunicorn on a free port). The suite may import from here; nothing here imports from `tests/`."""
