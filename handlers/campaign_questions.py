"""A member asking when the shop's own campaign is ("周五闪购是几点开始呀", "会员日是哪天", "今晚有直播吗") is answered
from the schedule the bot posts it by, at once, where they asked: nobody knows the answer better than the bot, and
the owner was nudged about a question the bot could have answered.

Only a question about when (handlers/rules/campaign_questions.toml): a campaign's word and a word of asking when,
and nothing about an order ("闪购的东西什么时候发货" is about shipping, "会员日的券什么时候能用" about a coupon in
hand: both wait for the owner as before). The answer is the campaign on now (a flash sale within its hours, a member
day or a live stream's notice that day), else the next post planned; with no such campaign active, the question
waits for the owner too. The owner's own FAQ entry, if one answers it, goes first (handlers/faq.py runs before).
A group gets one answer a kind in ten minutes: whoever asks meanwhile has it just above. Off hours the answer
carries the off-hours line, one message rather than two, as an FAQ answer does. The weekly review says how many
were answered: what the bot said on the shop's behalf.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

from core.clock import from_db
from core.context import Context
from core.events import Message
from core.learning import without_mentions
from core.registry import on_message
from core.rules import from_member, in_shop_group, private
from core.text import excerpt
from handlers import off_hours
from handlers.addressing import automatic_reply
from handlers.campaigns import Showing, on_or_next
from handlers.periods import Period

RULES = tomllib.loads((Path(__file__).parent / "rules" / "campaign_questions.toml").read_text(encoding="utf-8"))
KIND_OF_WORD = {word: kind for kind, words in RULES["kinds"].items() for word in words}
KIND_WORDS = "|".join(map(re.escape, sorted(KIND_OF_WORD, key=len, reverse=True)))
NAMES_A_CAMPAIGN = re.compile(KIND_WORDS)
DAYS = "|".join(map(re.escape, RULES["asks_whether_on"]))
ASKS_WHEN = re.compile("|".join(map(re.escape, RULES["asks_when"]))
                       + f"|(?:{DAYS})(?:有没有|有|是)(?:{KIND_WORDS})|(?:{KIND_WORDS})(?:是不是|是|在)(?:{DAYS})")
ABOUT_AN_ORDER = re.compile("|".join(map(re.escape, RULES["about_an_order"])))
ONLY_A_CAMPAIGN = re.compile(f"\\s*(?:{KIND_WORDS})\\s*(?:{'|'.join(map(re.escape, RULES['bare_asking']))})*\\s*")
GROUP_ONCE = dt.timedelta(minutes=10)  # one answer a kind a group in this span
LIFETIME = dt.timedelta(hours=1)  # an answer later than this is given up and reported, not sent
MEMO = "campaign_questions"  # ctx.memo: when each group was last answered about each kind


def kinds_asked_when(text: str) -> list[str]:
    """The kinds of campaign `text` asks the time of, in the order it names them; none for anything else."""
    text = without_mentions(text)
    asks = ASKS_WHEN.search(text) or ONLY_A_CAMPAIGN.fullmatch(text)
    if not asks or ABOUT_AN_ORDER.search(text):
        return []
    return list(dict.fromkeys(KIND_OF_WORD[word] for word in NAMES_A_CAMPAIGN.findall(text)))


@on_message(priority=55, rule=from_member & ~automatic_reply & (private | in_shop_group))
def answer_when(ctx: Context, message: Message) -> bool | None:
    showing = [found for kind in kinds_asked_when(message.text) if (found := on_or_next(ctx, kind))]
    if not showing:
        return None
    if message.room is not None:
        fresh = [s for s in showing if not _answered_lately(ctx, message.room, s.campaign.kind)]
        if not fresh:
            return True  # the answer is just above
        showing = fresh
    ctx.say("campaign_when", "campaign_when", room=message.room, to=message.sender, about=excerpt(message.text),
            expires_at=ctx.now + LIFETIME, campaigns=[_shown(s) for s in showing],
            **off_hours.line_words(ctx, off_hours.carries_the_line(ctx, message)))
    return True


def week_figures(ctx: Context, period: Period) -> dict:
    """How many members were told a campaign's time in the period (a week), as the outbox sent it."""
    start, end = (from_db(moment, ctx.config.tz) for moment in (period.start, period.end))
    return {"campaign_answers": ctx.sent_since(start, until=end, kind="campaign_when")}


def _answered_lately(ctx: Context, room: str, kind: str) -> bool:
    """Whether this group was answered about this kind within GROUP_ONCE; if not, it is now."""
    return not ctx.first_in(MEMO, f"{room}:{kind}", GROUP_ONCE)


def _shown(showing: Showing) -> dict:
    """What the template says of one campaign: its kind, whether it is on, its moments and its own details."""
    details = showing.campaign.details
    return {"kind": showing.campaign.kind, "on_now": showing.on_now, "at": showing.at, "ends": showing.ends,
            "ended": showing.ended, "products": details.get("products") or [], "discount": details.get("discount"),
            "hours": details.get("duration_hours"), "topic": details.get("topic")}
