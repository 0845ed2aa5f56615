"""What to generate: the demo county (宁陕县, as the county's own report describes it: docs/domain.md) and the
benchmark county."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
NINGSHAN_OUTLINE = DATA / "ningshan-610923-gcj02.geojson"
ANKANG_OUTLINE = DATA / "ankang-6109-counties-gcj02.geojson"

NINGSHAN_TOWNS = ("城关镇", "四亩地镇", "江口回族镇", "广货街镇", "龙王镇", "筒车湾镇", "金川镇", "皇冠镇",
                  "太山庙镇", "梅子镇", "新场镇")


@dataclass
class CountySpec:
    code: str
    name: str
    outline: Path              # GeoJSON in GCJ-02; every feature's geometry is unioned
    towns: int
    villages: int
    cells: int
    households: int
    communities: int           # how many level-2 units are urban communities (≈80 households a cell)
    cadres: int
    county_staff: int
    visits: int                # over the twelve months
    disputes: int              # over the twelve months
    end_date: dt.date = field(default_factory=dt.date.today)
    seed: int = 610923
    town_names: tuple[str, ...] = ()
    mesh_faces_per_cell: int = 12

    @property
    def start_date(self) -> dt.date:
        return self.end_date - dt.timedelta(days=365)


def demo_spec(end_date: dt.date | None = None) -> CountySpec:
    """宁陕县 as the 宁陕县 county report describes it (docs/domain.md, "The grid"): 11 towns, 80 level-2 grids,
    415 cells, 22,013 households, 2,540 linked cadres."""
    return CountySpec(
        code="610923", name="宁陕县", outline=NINGSHAN_OUTLINE, towns=11, villages=80, cells=415,
        households=22013, communities=6, cadres=2540, county_staff=8, visits=245_000, disputes=1_500,
        end_date=end_date or dt.date.today(), town_names=NINGSHAN_TOWNS)


def benchmark_spec(end_date: dt.date | None = None, households: int = 300_000, cells: int = 6_000,
                   visits: int = 3_600_000, disputes: int = 100_000) -> CountySpec:
    """A county-sized load on the outline of the whole of Ankang (安康市), under a made-up county code."""
    villages = max(1, cells // 5)
    return CountySpec(
        code="619900", name="基准县", outline=ANKANG_OUTLINE, towns=max(1, villages // 40), villages=villages,
        cells=cells, households=households, communities=max(1, villages // 15),
        cadres=max(1, households // 9), county_staff=30, visits=visits, disputes=disputes,
        end_date=end_date or dt.date.today(), seed=619900, mesh_faces_per_cell=8)


def small_spec(end_date: dt.date | None = None) -> CountySpec:
    """A small county on the same outline, for tests that change data (seconds to generate)."""
    return CountySpec(
        code="610923", name="宁陕县", outline=NINGSHAN_OUTLINE, towns=2, villages=6, cells=24, households=1300,
        communities=1, cadres=60, county_staff=2, visits=3000, disputes=40,
        end_date=end_date or dt.date.today(), town_names=NINGSHAN_TOWNS, mesh_faces_per_cell=20)
