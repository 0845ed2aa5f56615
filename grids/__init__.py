"""Geometry for the grid, independent of Flask: coordinate systems, import, validation, partition, assignment."""
