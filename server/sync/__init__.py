"""Offline sync: phones push what they captured (idempotently) and pull what they need."""
