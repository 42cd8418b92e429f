"""What did not go out, told to the owner: one summary when messages are given up (/skipped lists them all).

A message is given up when it can no longer go out in time (expired), when a crash or a broken connection left it
unknown whether WeChat has it (uncertain), or when WeChat refused it for good (refused). None is dropped silently:
each is named by whom it was for, what it was, what the member had asked, and how long ago it was queued. After
days down hundreds are given up at once, so the summary lists a few and counts the rest: one short message to the
owner, and /skipped pages through everything (as long as the store keeps it: [store] retention_days).

Under a flood messages are given up every minute, for hours. The owner still gets at most one summary an hour:
what is given up while a summary waits in the outbox is added to it, and the next one is held until an hour after
the last went out. Its "3天前" are said as of when it goes (core/templates.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from core.context import Context
from core.outbox import Outgoing
from core.text import excerpt

# Every kind the bot speaks with (the replay's `kind`, README), as the owner would name it.
KIND_WORDS = {
    "flash_sale": "闪购",
    "member_day": "会员日",
    "light_content": "轻内容",
    "live_notice": "直播预告",
    "command_reply": "指令回复",
    "please_wait": "稍等提醒",
    "welcome": "欢迎",
    "off_hours_reply": "下班自动回复",
    "faq_answer": "常见问题回答",
    "campaign_when": "活动时间回答",
    "complaint_ack": "投诉回复",
    "complaint_alert": "投诉提醒",
    "complaint_reminder": "投诉催办",
    "complaint_overdue": "投诉超时",
    "response_nudge": "待回复提醒",
    "weekly_review": "每周回顾",
    "tier_change": "会员等级变动",
    "campaign_notice": "活动提醒",
    "outbox_report": "发件箱提醒",
    "error_report": "故障提醒",
    "complaint_model_missing": "投诉识别提醒",
    "correction_not_taken": "纠正未采用提醒",
    "picture_unreadable": "图片提醒",
    "file_reply": "文件回复",
    "spam_alert": "广告提醒",
    "remove_member": "移出群成员",
    "link_alert": "断线提醒",
    "link_back": "恢复连接提醒",
    "robot_gone": "群机器人提醒",
    "robot_figures": "每日简报",
}
WHY = {"uncertain": "可能未送达", "refused": "被微信拒收", "expired": "已过时效"}  # also the summary's order
SHOWN = 10  # messages listed in a summary, and on a page of /skipped
WHO_CHARS = 20
REPORT_EVERY = dt.timedelta(hours=1)
REPORTS = "given_up_reports"  # memo namespace: for each owner, the outbox id of the latest summary


def describe(ctx: Context, message: Outgoing) -> dict:
    """One given-up message as the owner reads it: short, and quoting at most 30 characters of anything."""
    if message.room:
        who = ctx.topic_of(message.room) + (f"·{ctx.name_of(message.to)}" if message.to else "")
    else:
        who = ctx.name_of(message.to)
    return {
        "who": excerpt(who, WHO_CHARS),
        "what": KIND_WORDS.get(message.kind, message.kind),
        "text": excerpt(message.text),
        "picture": bool(message.image),  # with the text, or alone
        "about": message.about,
        "queued_at": message.created_at,  # said as 3天前 when the report is read (core/templates.py)
    }


def report_given_up(
    ctx: Context, *, expired: Sequence[Outgoing] = (), uncertain: Sequence[Outgoing] = (),
    refused: Sequence[Outgoing] = (),
) -> None:
    """Tell each owner what was just given up: in the summary still waiting for them, or in a new one held until an
    hour after the last (see the top)."""
    given_up = {"uncertain": uncertain, "refused": refused, "expired": expired}
    counts = {why: len(messages) for why, messages in given_up.items()}
    listed = [dict(describe(ctx, message), why=WHY[why], id=message.id)
              for why, messages in given_up.items() for message in messages]
    reports = ctx.memo(REPORTS)
    for owner in ctx.config.owner.ids:
        latest = reports.get(owner)
        if latest and (waiting := ctx.waiting(int(latest))) is not None:
            added = {why: count + waiting["counts"][why] for why, count in counts.items()}
            ctx.revise(int(latest), "outbox_report", **_summary(added, listed + waiting["listed"]))
            continue
        last_sent = ctx.sent_at(int(latest)) if latest else None
        report = ctx.say("outbox_report", "outbox_report", to=owner, **_summary(counts, listed),
                         not_before=last_sent + REPORT_EVERY if last_sent else None)
        reports.set(owner, str(report))


def _summary(counts: dict[str, int], listed: list[dict]) -> dict:
    """The summary's variables: the ones to check in WeChat first, each kind newest first, SHOWN of them."""
    order = list(WHY.values())
    listed = sorted(listed, key=lambda message: (order.index(message["why"]), -message["id"]))[:SHOWN]
    total = sum(counts.values())
    return {"counts": counts, "listed": listed, "total": total, "more": total - len(listed)}
