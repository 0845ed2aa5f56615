"""Grid administration against the database: import, partition, household assignment.

The geometry work is done by grids/ (which knows nothing of Flask or SQL); this package loads what
it needs from the database, and writes results back in one transaction."""
