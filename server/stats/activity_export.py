"""The worker-activity report for Excel: the rows the page shows, in its order, as CSV and as a workbook the office can
sign and print (report.table_sheet: a title naming the place and month, the compiling line, what each flag means,
units in the headings, the completion rate as a percentage), with a second sheet of every phone's last pull and
push."""
from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook

from .. import clock
from ..roles import ROLE
from .columns import heading
from .export import to_csv
from .report import period_zh, table_sheet

TITLE = "工作人员活跃度"
NEVER_SYNCED = "从未同步"
# key → (heading, unit), in the page's order
COLUMNS = {
    "username": ("账号", None), "display_name": ("姓名", None), "role": ("角色", None),
    "town_name": ("所属镇（街道）", None), "village_name": ("所属村（社区）", None), "cell_name": ("所属网格", None),
    "households": ("负责户数", "户"), "households_due": ("本月应访未访", "户"), "completion_rate": ("走访完成率", "%"),
    "visits": ("走访人次", "人次"), "visits_far": ("距住户过远", "人次"), "visits_poor_gps": ("定位精度差", "人次"),
    "last_visit_at": ("最近走访", None), "last_sync_at": ("最近同步", None), "phone_count": ("同步手机", "部"),
}
PERCENT = {"completion_rate"}
PHONE_COLUMNS = {"username": ("账号", None), "display_name": ("姓名", None), "device_id": ("手机标识", None),
                 "last_pull_at": ("最近拉取", None), "last_push_at": ("最近推送", None),
                 "user_agent": ("浏览器", None)}


def title(place: str, month: dt.date) -> str:
    """宁陕县工作人员活跃度（2026年11月）: also the files' name."""
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return f"{place}{TITLE}（{period_zh(month, following)}）"


def note(limits: dict) -> str:
    return (f"应访未访：网格员为本网格本月无人走访的户，包联干部为本人本月未走访的包联户；距住户过远：距住户超过 "
            f"{limits['max_distance_m']} 米；定位精度差：定位精度差于 {limits['max_accuracy_m']} 米；最近同步为导出时的情况")


def china_time(moment: dt.datetime | None) -> dt.datetime | None:
    """A moment as China's wall clock, to the minute (Excel has no time zones)."""
    return None if moment is None else moment.astimezone(clock.CHINA).replace(tzinfo=None, second=0, microsecond=0)


def _shown(row: dict) -> dict:
    """A row's values as the office reads them: the role's Chinese name, China times, 从未同步."""
    return {**row, "role": ROLE[row["role"]].zh, "last_visit_at": china_time(row["last_visit_at"]),
            "last_sync_at": china_time(row["last_sync_at"]) or NEVER_SYNCED}


def _minute(value):
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, dt.datetime) else value


def activity_csv(rows: list[dict]) -> str:
    """One line per row, the rate as the page shows it (a percentage to one decimal), times as China's."""
    return to_csv([{key: _minute(value) for key, value in _shown(row).items()} for row in rows], COLUMNS, PERCENT)


def activity_workbook(rows: list[dict], lines: list[str]) -> bytes:
    """Sheet 工作人员活跃度: the rows under `lines` (title, compiling line, note); sheet 同步手机: each phone of each
    row's user, the one synced last first."""
    book = Workbook()
    people = book.active
    people.title = TITLE
    keys = list(COLUMNS)
    table_sheet(people, lines, [heading(key, COLUMNS) for key in keys],
                [[_shown(row)[key] for key in keys] for row in rows],
                percent_columns={keys.index(key) for key in PERCENT}, frozen_columns=2)
    phones = [{"username": row["username"], "display_name": row["display_name"], **phone,
               "device_id": str(phone["device_id"]), "last_pull_at": china_time(phone["last_pull_at"]),
               "last_push_at": china_time(phone["last_push_at"])} for row in rows for phone in row["phones"]]
    table_sheet(book.create_sheet("同步手机"), lines[:2], [heading(key, PHONE_COLUMNS) for key in PHONE_COLUMNS],
                [[phone[key] for key in PHONE_COLUMNS] for phone in phones], frozen_columns=2)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()
