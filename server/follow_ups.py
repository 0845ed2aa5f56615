"""Open follow-ups 待回访: a visit with a follow-up date, the latest of its household (a later visit supersedes it),
that nobody has marked done, of a household still on the register. One definition for the phones' list (pull) and
the sweep's reminders; join Household to the query that uses it."""
import sqlalchemy as sa

from .models import FollowUpDone, Household, Visit


def open_follow_up():
    done = sa.select(FollowUpDone.visit_id).where(FollowUpDone.visit_id == Visit.id)
    return sa.and_(Visit.follow_up_on.is_not(None), Visit.visited_at >= Household.last_visit_at, ~done.exists(),
                   Household.retired_at.is_(None))
