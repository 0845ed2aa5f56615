"""A Mapbox Vector Tile (spec 2.1) encoder for layers of points with integer properties: what the SpatiaLite
path needs to answer with the same bytes-on-the-wire format as PostGIS's ST_AsMVT. Protocol Buffers by hand:
only varints and length-delimited fields are needed."""
from __future__ import annotations

from collections.abc import Iterable

EXTENT = 4096
_POINT = 1
_MOVE_TO_ONE = (1 & 0x7) | (1 << 3)  # command MoveTo, count 1


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _zigzag(n: int) -> int:
    return (n << 1) ^ (n >> 63)


def _field(number: int, payload: bytes) -> bytes:
    """A length-delimited field (wire type 2)."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _uint_field(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def _packed(values: Iterable[int]) -> bytes:
    return b"".join(_varint(v) for v in values)


def point_layer(name: str, points: Iterable[tuple[int, int, dict[str, int]]], extent: int = EXTENT) -> bytes:
    """One layer of point features: (x, y, {key: non-negative int}) in tile coordinates, y pointing down.
    Returns b"" for no points, as ST_AsMVT does."""
    keys: dict[str, int] = {}
    values: dict[int, int] = {}
    features = []
    for x, y, properties in points:
        tags = []
        for key, value in properties.items():
            tags += [keys.setdefault(key, len(keys)), values.setdefault(value, len(values))]
        feature = (_field(2, _packed(tags)) + _uint_field(3, _POINT)
                   + _field(4, _packed((_MOVE_TO_ONE, _zigzag(x), _zigzag(y)))))
        features.append(_field(2, feature))
    if not features:
        return b""
    layer = (_uint_field(15, 2) + _field(1, name.encode()) + b"".join(features)
             + b"".join(_field(3, key.encode()) for key in keys)
             + b"".join(_field(4, _uint_field(5, value)) for value in values)  # Value.uint_value
             + _uint_field(5, extent))
    return _field(3, layer)
