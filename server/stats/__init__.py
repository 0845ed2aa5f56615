"""The figures the county is judged by, each defined once, in SQL (docs/domain.md, "The figures the county is
judged by")."""
