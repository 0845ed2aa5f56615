"""Web-Mercator (EPSG:3857) tile arithmetic, as slippy-map clients number tiles: x east, y south from 0."""
from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS = 6378137.0
HALF_WORLD = math.pi * EARTH_RADIUS  # the 3857 plane runs from -HALF_WORLD to +HALF_WORLD on both axes
MAX_ZOOM = 22


@dataclass(frozen=True)
class Tile:
    z: int
    x: int
    y: int

    @property
    def size(self) -> float:
        """Width of the tile in 3857 metres."""
        return 2 * HALF_WORLD / 2 ** self.z

    @property
    def xmin(self) -> float:
        return -HALF_WORLD + self.x * self.size

    @property
    def ymin(self) -> float:
        return HALF_WORLD - (self.y + 1) * self.size

    def lonlat_bounds(self, margin: float = 0.0) -> tuple[float, float, float, float]:
        """(west, south, east, north) in degrees, widened by `margin` of the tile's size on every side."""
        pad = margin * self.size
        west, south = mercator_to_lonlat(self.xmin - pad, self.ymin - pad)
        east, north = mercator_to_lonlat(self.xmin + self.size + pad, self.ymin + self.size + pad)
        return west, south, east, north


def valid_tile(z: int, x: int, y: int) -> bool:
    return 0 <= z <= MAX_ZOOM and 0 <= x < 2 ** z and 0 <= y < 2 ** z


def mercator_to_lonlat(mx: float, my: float) -> tuple[float, float]:
    my = max(-HALF_WORLD, min(HALF_WORLD, my))
    return math.degrees(mx / EARTH_RADIUS), math.degrees(2 * math.atan(math.exp(my / EARTH_RADIUS)) - math.pi / 2)


def lonlat_to_tile(lon: float, lat: float, z: int) -> Tile:
    mx = EARTH_RADIUS * math.radians(lon)
    my = EARTH_RADIUS * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    n = 2 ** z
    return Tile(z, int((mx + HALF_WORLD) / (2 * HALF_WORLD) * n), int((HALF_WORLD - my) / (2 * HALF_WORLD) * n))
