"""The figures the seeds judge counties by, each defined once, in SQL (DOMAIN.md)."""
