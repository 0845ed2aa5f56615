"""What each kind of message says, about what, and where it opens: the one home of the messages' wording. Texts
name places, steps, colours and counts, never a person, an ID number or a phone number: a message may go out by
SMS or into a group chat (server/notifications/rules.py decides who hears what)."""
from __future__ import annotations

from dataclasses import dataclass

from grids.codes import LEVEL_SHORT_ZH

from ..models.vocab import NOTIFICATION_KINDS
from ..roles import ROLE

RISK_ZH = {"red": "红色", "orange": "橙色", "yellow": "黄色", "blue": "蓝色"}
SEVERITY = {"high": ("high", "高风险"), "medium": ("medium", "中风险"), "low": ("low", "低风险")}
PHASE = {"accept": ("acceptance", "受理"), "resolve": ("resolution", "办结")}


@dataclass(frozen=True)
class Kind:
    subject: str  # what it is about: a dispute, an alert, a cell (its report), a visit (its follow-up), a move
    en: str
    zh: str


KINDS = {
    "dispute_arrived": Kind("dispute", "A {risk} dispute in {place} awaits acceptance at {level} level",
                            "{place}有一件{risk_zh}矛盾纠纷到{level_zh}级，待受理"),
    "case_assigned": Kind("dispute", "You lead the case of a {risk} dispute in {place} (包案)",
                          "您被指定为{place}一件{risk_zh}矛盾纠纷的包案领导"),
    "deadline_near": Kind("dispute", "A dispute in {place} nears its {phase} limit ({due})",
                          "{place}一件矛盾纠纷{phase_zh}期限将至（{due}）"),
    "deadline_passed": Kind("dispute", "A dispute in {place} is past its {phase} limit ({due})",
                            "{place}一件矛盾纠纷已超过{phase_zh}期限（{due}）"),
    "supervised": Kind("dispute", "A dispute you hold in {place} is under supervision (督办)",
                       "您承办的{place}一件矛盾纠纷被督办"),
    # not the alert's reason: it may name the parties (repeat disputes); the alert itself says it after sign-in
    "alert_raised": Kind("alert", "A {severity}-severity early warning for {place}", "{place}有一条{severity_zh}预警待处理"),
    "report_due": Kind("cell", "The {period_en} report of {place} is due and not filed",
                       "{place}{period_zh}尚未填报，请及时报告"),
    "follow_up_due": Kind("visit", "A follow-up visit you planned in {place} is due ({due})",
                          "您在{place}约定的回访已到期（{due}）"),
    "move_awaiting": Kind("move", "A household moving into {place} awaits your acceptance",
                          "有一户迁入{place}，待您接收"),
}
assert tuple(KINDS) == NOTIFICATION_KINDS  # noqa: S101  (the table's CHECK and this wording agree)


def kinds_for(role: str) -> list[str]:
    """The kinds a user of the role can be told (rules.py): who acts at a level hears of disputes arriving there, their
    limits, supervisions and alerts; a case's leader of the case, its limits and supervisions; who works from the
    phone of their follow-ups; a grid worker of the cell's report and the households moving in."""
    held = ROLE[role]
    kinds = set()
    if held.handles:
        kinds |= {"dispute_arrived", "deadline_near", "deadline_passed", "supervised", "alert_raised"}
    if held.leads_cases:
        kinds |= {"case_assigned", "deadline_near", "deadline_passed", "supervised"}
    if held.on_phone:
        kinds.add("follow_up_due")
    if held.bound_to == ("cell",):
        kinds |= {"report_due", "move_awaiting"}
    return [kind for kind in KINDS if kind in kinds]


def texts(kind: str, **params) -> tuple[str, str]:
    """(English, Chinese) of a message, from its parameters; the risk colour, level and phase read in both."""
    extra = {}
    if "risk" in params:
        extra["risk_zh"] = RISK_ZH.get(params["risk"], params["risk"])
    if "level" in params:
        extra["level_zh"] = LEVEL_SHORT_ZH.get(params["level"], params["level"])
    if "severity" in params:
        extra["severity_zh"] = SEVERITY[params["severity"]][1]
    if "phase" in params:
        params = {**params, "phase": PHASE[params["phase"]][0], "phase_zh": PHASE[params["phase"]][1]}
    values = {**params, **extra}
    return KINDS[kind].en.format(**values), KINDS[kind].zh.format(**values)


API_ADDRESS = {  # where a client reads the thing a message is about, by its subject
    "dispute": "/api/disputes/{id}", "alert": "/api/alerts/{id}", "cell": "/api/grid/units/{id}",
    "visit": "/api/households/{household_code}/visits", "move": "/api/households/moves/{id}",
}
