"""Households, their members and tags, the users, and the cadre ↔ household links."""
from __future__ import annotations

import datetime as dt
import random
import sys
from dataclasses import dataclass

import numpy as np
import shapely
from tqdm import tqdm

from grids.crs import LocalEqualArea
from grids.mesh import random_points_in

from . import names, people
from .grid import Unit, scale_to_total

# Neighbouring counties of Ankang and Hanzhong: some heads were born outside the county.
BIRTH_REGIONS = ("610923",) * 17 + ("610902", "610921", "610702")
TAG_RATES = {"subsistence": 0.06, "disabled": 0.05, "poverty_watch": 0.03, "key_person": 0.012}


@dataclass
class Households:
    rows: list[dict]
    members: list[dict]
    tags: list[dict]
    by_cell: dict[int, list[int]]     # cell id → household ids
    points: dict[int, tuple[float, float]]


def ewkt_point(lon: float, lat: float) -> str:
    return f"SRID=4326;POINT({lon:.7f} {lat:.7f})"


def place_points(cell: Unit, n: int, nprng: np.random.Generator) -> np.ndarray:
    """n household locations inside the cell, clustered in hamlets (or blocks, in a community)."""
    poly = cell.boundary
    proj = LocalEqualArea.around(poly)
    metric = proj.to_metres(poly)
    shapely.prepare(poly)
    hamlets = max(1, n // (40 if cell.community else 15))
    sigma = 60.0 if cell.community else 150.0
    centres = random_points_in(metric, hamlets, nprng)
    out = np.empty((0, 2))
    while len(out) < n:
        k = 2 * (n - len(out)) + 8
        c = centres[nprng.integers(len(centres), size=k)]
        xy = c + nprng.normal(0, sigma, size=(k, 2))
        lon, lat = proj.inverse(xy[:, 0], xy[:, 1])
        inside = shapely.contains_xy(poly, lon, lat)
        out = np.vstack([out, np.column_stack([lon, lat])[inside]])
        sigma *= 1.5  # a thin cell may reject most points: widen until it fills
    return out[:n]


def _address(cell: Unit, number: int, rng: random.Random) -> str:
    village = cell.parent
    if cell.community:
        return names.street_address(village.name, rng.choice(names.STREET_STEMS), number)
    return names.address(village.name, cell.seq, number)


def generate_households(spec, cells: list[Unit], rng: random.Random, nprng, quiet: bool = True) -> Households:
    today = spec.end_date
    counts = _household_counts(spec, cells, rng)
    rows, members, tags, by_cell, points = [], [], [], {}, {}
    member_id = 0
    for cell, n in tqdm(list(zip(cells, counts)), unit=" cells", disable=quiet, file=sys.stderr, mininterval=1):
        pts = place_points(cell, n, nprng)
        ids = []
        for seq in range(1, n + 1):
            hid = len(rows) + 1
            head_sex = "M" if rng.random() < 0.85 else "F"
            head_age = people.household_head_age(rng)
            head_birth = people.birth_date(rng, head_age, head_age, today)
            surname_name = names.person_name(rng, head_sex)
            others = people.household_members(rng, head_sex, head_age, today)
            lon, lat = (float(pts[seq - 1][0]), float(pts[seq - 1][1])) if rng.random() > 0.01 else (None, None)
            rows.append({
                "id": hid, "code": f"{cell.code}{seq:04d}", "cell_id": cell.id,
                "address": _address(cell, seq, rng),
                "location": ewkt_point(lon, lat) if lon is not None else None,
                "head_name": surname_name,
                "head_id_number": people.id_number(rng, rng.choice(BIRTH_REGIONS), head_birth, head_sex),
                "phone": people.mobile_number(rng) if rng.random() < 0.9 else None,
                "member_count": 1 + len(others),
            })
            if lon is not None:
                points[hid] = (lon, lat)
            for m in others:
                member_id += 1
                born = people.birth_date(rng, m["age"], m["age"], today)
                name = names.person_name(rng, m["sex"])
                if m["relation"] in ("child", "grandchild") and head_sex == "M":
                    name = surname_name[0] + name[1:]  # children carry the father's surname
                members.append({"id": member_id, "household_id": hid, "name": name, "relation": m["relation"],
                                "sex": m["sex"], "birth_date": born,
                                "id_number": people.id_number(rng, "610923", born, m["sex"])})
            tags.extend({"household_id": hid, "tag": t} for t in _tags(rng, head_age, others))
            ids.append(hid)
        by_cell[cell.id] = ids
    return Households(rows, members, tags, by_cell, points)


def _household_counts(spec, cells, rng) -> list[int]:
    """Households per cell near the cell's target, summing exactly to the county's total."""
    return scale_to_total([c.target_households * rng.uniform(0.8, 1.2) for c in cells], spec.households)


def _tags(rng, head_age, others) -> list[str]:
    out = [t for t, rate in TAG_RATES.items() if rng.random() < rate]
    if not others and head_age >= 65:
        out.append("elderly_alone")
    if any(m["relation"] in ("child", "grandchild") and m["age"] < 16 for m in others) and rng.random() < 0.2:
        out.append("left_behind_child")
    return out


@dataclass
class People:
    users: list[dict]
    links: list[dict]
    worker_of_cell: dict[int, int]
    head_of_village: dict[int, int]
    secretary_of_town: dict[int, int]
    county_staff: list[int]
    cadre_of_household: dict[int, int]
    cadre_changes: dict[int, tuple[int, dt.date]]  # household → (previous cadre, date of change)

    def cadre_on(self, household_id: int, day: dt.date) -> int:
        change = self.cadre_changes.get(household_id)
        if change and day < change[1]:
            return change[0]
        return self.cadre_of_household[household_id]


def generate_people(spec, units: list[Unit], households: Households, password_hash: str,
                    rng: random.Random) -> People:
    users = []

    def add(username, role, unit, name=None):
        sex = "M" if rng.random() < 0.6 else "F"
        users.append({"id": len(users) + 1, "username": username, "password_hash": password_hash, "role": role,
                      "display_name": name or names.person_name(rng, sex), "phone": people.mobile_number(rng),
                      "unit_id": unit.id, "active": True})
        return len(users)

    county = units[0]
    suffix = len(spec.code)
    add("admin", "admin", county, "系统管理员")
    staff = [add(f"county{i:02d}", "county_staff", county) for i in range(1, spec.county_staff + 1)]
    secretary, head, worker = {}, {}, {}
    for u in units:
        if u.level == "town":
            secretary[u.id] = add(f"t{u.code[suffix:]}", "town_secretary", u)
        elif u.level == "village":
            head[u.id] = add(f"v{u.code[suffix:]}", "village_head", u)
        elif u.level == "cell":
            worker[u.id] = add(f"w{u.code[suffix:]}", "grid_worker", u)
    links, cadre_of, changes = _link_cadres(spec, units, households, add, rng)
    return People(users, links, worker, head, secretary, staff, cadre_of, changes)


def _link_cadres(spec, units, households, add, rng):
    """Cadres per village in proportion to its households; each takes a run of neighbouring households.
    A few households changed cadre during the year, so their first link has ended."""
    villages = [u for u in units if u.level == "village"]
    cells_of = {}
    for u in units:
        if u.level == "cell":
            cells_of.setdefault(u.parent.id, []).append(u)
    per_village = [sum(len(households.by_cell[c.id]) for c in cells_of[v.id]) for v in villages]
    cadres_per_village = scale_to_total(per_village, spec.cadres)
    links, cadre_of, changes = [], {}, {}
    start = spec.start_date
    number = 0
    for v, n_cadres in zip(villages, cadres_per_village):
        hh = [h for c in cells_of[v.id] for h in households.by_cell[c.id]]
        cadre_ids = []
        for _ in range(n_cadres):
            number += 1
            cadre_ids.append(add(f"c{number:05d}", "cadre", v))
        for i, chunk in enumerate(np.array_split(np.array(hh), len(cadre_ids))):
            for h in chunk.tolist():
                cadre = cadre_ids[i]
                if rng.random() < 0.03 and len(cadre_ids) > 1:
                    changed = start + dt.timedelta(days=rng.randint(30, 330))
                    previous = cadre_ids[(i + 1) % len(cadre_ids)]
                    links.append({"id": len(links) + 1, "cadre_id": previous, "household_id": h,
                                  "valid_from": start, "valid_to": changed - dt.timedelta(days=1)})
                    links.append({"id": len(links) + 1, "cadre_id": cadre, "household_id": h,
                                  "valid_from": changed, "valid_to": None})
                    changes[h] = (previous, changed)
                else:
                    links.append({"id": len(links) + 1, "cadre_id": cadre, "household_id": h,
                                  "valid_from": start, "valid_to": None})
                cadre_of[h] = cadre
    return links, cadre_of, changes
