"""Resident-level seed helpers: ID numbers, phones, masking, household makeup.

All randomness comes from an explicit ``random.Random`` passed as ``rng``.
"""
from __future__ import annotations

import datetime
import random

# The checks live with the server, which validates petitioners' numbers; re-exported for the seed's callers.
from server.identity import MAX_BIRTH_YEAR, MIN_BIRTH_YEAR, id_check_digit, is_valid_id_number  # noqa: F401

# Chinese mainland mobile prefixes (China Mobile / Unicom / Telecom / virtual).
MOBILE_PREFIXES = (
    [str(p) for p in range(130, 140)]
    + ["145", "147", "150", "151", "152", "153", "155", "156", "157", "158", "159"]
    + ["166", "170", "171", "173", "175", "176", "177", "178"]
    + [str(p) for p in range(180, 190)]
    + ["191", "198", "199"]
)

RELATIONS = ("spouse", "child", "parent", "grandchild", "sibling", "other")


def _check_sex(sex: str) -> None:
    if sex not in ("M", "F"):
        raise ValueError(f"sex must be 'M' or 'F', got {sex!r}")


def id_number(rng: random.Random, region_code: str,
              birth_date: datetime.date, sex: str) -> str:
    """18-digit ID: region + YYYYMMDD + 3-digit sequence (odd = male) + check."""
    _check_sex(sex)
    if not (isinstance(region_code, str) and len(region_code) == 6
            and region_code.isascii() and region_code.isdigit()):
        raise ValueError(f"region_code must be 6 ASCII digits, got {region_code!r}")
    if not MIN_BIRTH_YEAR <= birth_date.year <= MAX_BIRTH_YEAR:
        raise ValueError(f"birth year out of range: {birth_date}")
    # Male 001..999 odd, female 002..998 even (never the all-zero sequence).
    seq = rng.randrange(0, 500) * 2 + 1 if sex == "M" else rng.randrange(1, 500) * 2
    first17 = f"{region_code}{birth_date:%Y%m%d}{seq:03d}"
    return first17 + id_check_digit(first17)


def _years_before(d: datetime.date, years: int) -> datetime.date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 Feb in a non-leap target year
        return d.replace(year=d.year - years, day=28)


def age_on(born: datetime.date, today: datetime.date) -> int:
    """Completed years of age on ``today``."""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def birth_date(rng: random.Random, min_age: int, max_age: int,
               today: datetime.date) -> datetime.date:
    """Uniform birth date such that min_age <= age_on(result, today) <= max_age."""
    if not 0 <= min_age <= max_age:
        raise ValueError(f"need 0 <= min_age <= max_age, got {min_age}, {max_age}")
    latest = _years_before(today, min_age)
    earliest = _years_before(today, max_age + 1) + datetime.timedelta(days=1)
    return earliest + datetime.timedelta(days=rng.randrange((latest - earliest).days + 1))


def mobile_number(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"


# ---------------------------------------------------------------- households
# Calibrated so that, with household_head_age(), mean size (incl. head) is
# ~3.2 and ~12 % of households are one elderly-leaning person living alone.

_HEAD_AGE_BANDS = ((25, 34, 12), (35, 44, 18), (45, 54, 25),
                   (55, 64, 22), (65, 74, 15), (75, 90, 8))


def household_head_age(rng: random.Random) -> int:
    """Age of a rural household head (registered household, 户籍)."""
    lo, hi, _ = rng.choices(_HEAD_AGE_BANDS, weights=[b[2] for b in _HEAD_AGE_BANDS])[0]
    return rng.randint(lo, hi)


def _p_alone(age: int) -> float:
    if age >= 70:
        return 0.28
    if age >= 60:
        return 0.15
    return 0.05


def _other_sex(sex: str) -> str:
    return "F" if sex == "M" else "M"


def _rand_sex(rng: random.Random, p_male: float = 0.52) -> str:
    return "M" if rng.random() < p_male else "F"


def household_members(rng: random.Random, head_sex: str, head_age: int,
                      today: datetime.date) -> list[dict]:
    """Members other than the head: dicts {'relation', 'sex', 'age'}.

    Ages are completed years on ``today``; the caller turns them into dates
    with ``birth_date(rng, age, age, today)`` and draws names / IDs itself.
    Children are >= 20 years younger than both parents, parents >= 20 years
    older than the head, grandchildren >= 42 years younger than the head.
    """
    _check_sex(head_sex)
    if not isinstance(today, datetime.date):
        raise TypeError("today must be a datetime.date")
    if not 16 <= head_age <= 110:
        raise ValueError(f"implausible head age {head_age}")
    members: list[dict] = []

    def add(relation: str, sex: str, age: int) -> None:
        members.append({"relation": relation, "sex": sex, "age": age})

    if rng.random() < _p_alone(head_age):
        return members

    # Spouse: less likely for the very young (unmarried) and very old (widowed).
    p_spouse = 0.55 if head_age < 28 else 0.72 if head_age >= 75 else 0.92
    youngest_parent = head_age
    if rng.random() < p_spouse:
        gap = max(0, round(rng.gauss(2.5, 2.5)))  # husbands a little older
        spouse_age = head_age - gap if head_sex == "M" else head_age + gap
        spouse_age = max(20, min(105, spouse_age))
        add("spouse", _other_sex(head_sex), spouse_age)
        youngest_parent = min(head_age, spouse_age)

    # Children still registered in the household; older heads have seen most
    # children marry out into households of their own.
    if head_age < 60:
        weights = (17, 42, 33, 8)
    elif head_age < 75:
        weights = (45, 35, 15, 5)
    else:
        weights = (55, 33, 10, 2)
    n_children = rng.choices((0, 1, 2, 3), weights=weights)[0]
    child_age = youngest_parent - rng.randint(20, 32)
    oldest_child = None
    for _ in range(n_children):
        if child_age < 0:
            break
        sex = _rand_sex(rng)
        add("child", sex, child_age)
        if oldest_child is None:
            oldest_child = (sex, child_age)
        child_age -= rng.randint(1, 6)

    # A married son living with his parents brings a daughter-in-law.
    if (oldest_child and oldest_child[0] == "M" and oldest_child[1] >= 23
            and rng.random() < 0.4):
        add("other", "F", max(20, oldest_child[1] - rng.randint(0, 4)))

    # Grandchildren: includes left-behind children (留守儿童) whose parents work away.
    if head_age >= 50 and rng.random() < (0.45 if head_age >= 60 else 0.25):
        cap = min(17, head_age - 42)
        for _ in range(rng.choice((1, 1, 2))):
            add("grandchild", _rand_sex(rng), rng.randint(0, cap))

    # An elderly parent (more often a widowed mother) living with the head.
    if head_age <= 65 and rng.random() < 0.15:
        for sex in (("F",) if rng.random() < 0.7 else ("F", "M")):
            parent_age = head_age + rng.randint(20, 34)
            if parent_age <= 100:
                add("parent", sex, parent_age)

    # Occasionally an unmarried sibling.
    if rng.random() < 0.03:
        add("sibling", _rand_sex(rng, 0.7), max(16, head_age + rng.randint(-10, 10)))
    return members
