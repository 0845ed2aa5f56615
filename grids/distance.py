"""Distance on the ground between two WGS-84 points, for checking that a visit (or its photo) was made at the
household: the haversine on the mean Earth radius, within 0.5 % anywhere, far better than a phone's GPS."""
import math

EARTH_RADIUS_M = 6371008.8


def haversine_m(lon1, lat1, lon2, lat2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))
