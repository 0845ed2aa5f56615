"""Numbering units in reading order: rows from north to south, west to east within a row."""
import numpy as np


def reading_order(lon: np.ndarray, lat: np.ndarray, row_height: float) -> np.ndarray:
    """Indices that sort points north→south by rows of `row_height` degrees, then west→east."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if len(lat) == 0:
        return np.array([], dtype=int)
    row = np.floor((lat.max() - lat) / row_height).astype(int)
    return np.lexsort((lon, row))
