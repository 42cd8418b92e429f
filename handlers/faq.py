"""Answers to the questions members ask most (运费, 发货, 退换), at once, day and night.

The owner keeps the entries in chat (/faq add, list, edit, del, stats); config.toml's [[faq]] seeds some at the
first start that sees them, and the chat wins after that. An answer is the shop's copy, linted when written.

A member's question that names an entry's keyword gets its answer where it was asked (`faq_answer`): in private
at once; in a group a minute later, so that everyone who asks the same within that minute (after a flash sale,
several do) is named in one message. Then the group gets no second answer to that entry for 10 minutes: whoever
asks meanwhile has it just above, and counts as answered. A member gets an entry's answer once a day; asking
again goes the usual way (the owner is nudged, or the off-hours reply), since the answer did not settle it.
Never for a complaint (handlers/complaints.py runs first and takes it), never to the shop's own people, never in
a group that is not the shop's. Off hours the answer carries the off-hours line itself, one message rather than
two (handlers/off_hours.py); an answered question never waits for the owner (handlers/response_nudges.py runs
after this and is not reached).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import unicodedata
from collections import Counter

from core.clock import to_db
from core.commands import plain
from core.config import FAQ_ANSWER_AT_MOST, FAQ_KEYWORD_AT_LEAST, FAQ_KEYWORD_AT_MOST
from core.context import Context
from core.events import Message
from core.numbers import page_number
from core.registry import Action, UsageError, command, job, on_message, on_start
from core.rules import from_member, in_shop_group, mentions_bot, private, rule
from core.templates import copy_problems
from core.text import excerpt, quote
from handlers import off_hours
from handlers.addressing import RULES, automatic_reply
from handlers.opening_hours import is_open
from handlers.response_nudges import nudged_since

log = logging.getLogger(__name__)

GATHER = dt.timedelta(minutes=1)  # a group's answer waits this long for others asking the same
GROUP_ONCE = dt.timedelta(minutes=10)  # one answer to an entry per group in this span
LIFETIME = dt.timedelta(hours=1)  # an answer later than this is given up and reported, not sent
REVIEW = dt.timedelta(days=7)
KEYWORDS_AT_MOST = 10
PAGE = 10  # entries per page of /faq list
SHOWN = 5  # entries and topics in the week's figures
SEPARATORS = re.compile(r"[,，、;；]+")
MEMO = "faq"  # ctx.memo: the config entries already seeded, by signature


@rule
def phrased_as_question(ctx: Context, message: Message) -> bool:
    return any(marker in message.text for marker in RULES["markers"])


# In a group the keyword must come in a question (members chat about 运费 too); in private, or @-mentioning the
# bot, the member is asking the shop whatever the phrasing.
asks_a_question = from_member & ~automatic_reply & (private | (in_shop_group & (mentions_bot | phrased_as_question)))


@on_message(priority=50, rule=asks_a_question)
def answer_from_faq(ctx: Context, message: Message) -> bool | None:
    entry = _matching_entry(ctx, message.text)
    if entry is None:
        return None
    if (last := _last_answered_today(ctx, message.sender, entry)) is not None:
        # Asked again at once: the answer is on its way or just above. Later that day: it did not settle it.
        return True if last > to_db(ctx.now - GROUP_ONCE) else None
    closed = not is_open(ctx.config, ctx.now)
    if closed:
        off_hours.told_in_another_answer(ctx, message.sender)
    leads = message.room is None or not (ctx.is_scheduled(_key(message.room, entry)) or _posted_lately(ctx, message.room, entry))
    _record(ctx, entry, message.sender, message.room, leads=leads)
    if message.room is None:
        _send(ctx, entry, None, [message.sender], closed, about=excerpt(message.text))
    elif leads:
        post_group_answer.schedule(ctx, ctx.now + GATHER, key=_key(message.room, entry), room=message.room,
                                   entry=entry, askers=[message.sender], closed=closed, about=excerpt(message.text))
    elif (gathering := ctx.timer(_key(message.room, entry))) is not None:  # named in the answer about to go
        payload = gathering.payload
        post_group_answer.schedule(ctx, gathering.due_at, key=gathering.key, **{
            **payload, "askers": [*payload["askers"], message.sender], "closed": payload["closed"] or closed})
    return True


def _key(room: str, entry: int) -> str:
    return f"faq:{room}:{entry}:"


@job("faq_answer")
def post_group_answer(ctx: Context, payload: dict) -> None:
    _send(ctx, payload["entry"], payload["room"], payload["askers"], payload["closed"], about=payload["about"])


def _send(ctx: Context, entry: int, room: str | None, askers: list[str], closed: bool, *, about: str) -> None:
    answer = _answer_of(ctx, entry)
    if answer is None:
        return  # the owner deleted the entry within the minute: it is no longer the shop's answer
    several = len(askers) > 1  # one person is @-mentioned by the transport; several are named in the text
    ctx.say("faq_answer", "faq_answer", room=room, to=None if several else askers[0], about=about,
            expires_at=ctx.now + LIFETIME, answer=answer, closed=closed,
            names=" ".join(f"@{ctx.name_of(asker)}" for asker in askers) if several else None,
            **(off_hours.closed_words(ctx) if closed else {"opens": None, "phone": None}))


def _matching_entry(ctx: Context, text: str) -> int | None:
    """The entry whose keyword the text names; the longest keyword wins (包邮 over 邮, 退货地址 over 退货)."""
    said = plain(text).lower()
    found = [(len(keyword), entry) for keyword, entry in ctx.db.execute("SELECT keyword, entry FROM faq_keywords")
             if keyword in said]
    return max(found)[1] if found else None


def _day_start(ctx: Context) -> dt.datetime:
    local = ctx.now.astimezone(ctx.config.tz)
    return dt.datetime.combine(local.date(), dt.time(), tzinfo=ctx.config.tz)


def _last_answered_today(ctx: Context, contact: str, entry: int) -> str | None:
    """When this entry last answered the member today (stored time), if it did."""
    return ctx.db.execute(
        "SELECT max(at) FROM faq_answers WHERE contact = ? AND entry = ? AND at >= ?",
        [contact, entry, to_db(_day_start(ctx))],
    ).fetchone()[0]


def _posted_lately(ctx: Context, room: str, entry: int) -> bool:
    return ctx.db.execute(
        "SELECT 1 FROM faq_answers WHERE room = ? AND entry = ? AND at > ? AND leads LIMIT 1",
        [room, entry, to_db(ctx.now - GROUP_ONCE)],
    ).fetchone() is not None


def _record(ctx: Context, entry: int, contact: str, room: str | None, *, leads: bool) -> None:
    ctx.db.execute(
        "INSERT INTO faq_answers (entry, contact, room, at, leads) VALUES (?, ?, ?, ?, ?)",
        [entry, contact, room, to_db(ctx.now), int(leads)],
    )


def _answer_of(ctx: Context, entry: int) -> str | None:
    row = ctx.db.execute("SELECT answer FROM faq_entries WHERE id = ?", [entry]).fetchone()
    return row[0] if row else None


def _keywords_of(ctx: Context, entry: int) -> list[str]:
    return [row[0] for row in ctx.db.execute("SELECT keyword FROM faq_keywords WHERE entry = ? ORDER BY rowid", [entry])]


def _entry_holding(ctx: Context, keyword: str) -> int | None:
    row = ctx.db.execute("SELECT entry FROM faq_keywords WHERE keyword = ?", [keyword]).fetchone()
    return row[0] if row else None


def _create(ctx: Context, keywords: list[str], answer: str, source: str) -> int:
    entry = ctx.db.execute(
        "INSERT INTO faq_entries (answer, source, created_at, updated_at) VALUES (?, ?, ?, ?)",
        [answer, source, to_db(ctx.now), to_db(ctx.now)],
    ).lastrowid
    ctx.db.conn.executemany("INSERT INTO faq_keywords (keyword, entry) VALUES (?, ?)", [(k, entry) for k in keywords])
    return entry


def _normal(keyword: str) -> str:
    """A keyword as stored and matched: as it reads (full-width letters plain), lower case."""
    return plain(keyword).strip().lower()


# The owner's commands


ACTIONS = (
    Action("/faq add 关键词1,关键词2 答案", "添加问答：成员问到任一关键词就自动回答（关键词用逗号或顿号隔开）",
           ("/faq add 运费,邮费,包邮 满99元包邮，不满99元运费8元", "/faq add 发货、几天发 下单后48小时内发货")),
    Action("/faq list [页码]", "列出全部问答，每页10条", ("/faq list", "/faq list 2")),
    Action("/faq edit 关键词 新答案", "修改这个关键词所在问答的答案", ("/faq edit 运费 满88元包邮，不满88元运费8元",)),
    Action("/faq del 关键词", "删除这个关键词所在的问答（连同它的其他关键词）", ("/faq del 运费",)),
    Action("/faq stats", "近7天各问答回答了多少次，哪些问题最常等您回复", ("/faq stats",)),
)


@command("faq", usage="/faq add|list|edit|del|stats …", summary="常见问题自动回答：添加、列出、修改、删除、统计",
         aliases=("常见问题",), examples=tuple(example for action in ACTIONS for example in action.examples),
         actions=ACTIONS)
def change_faq(ctx: Context, args: list[str]) -> None:
    action, rest = (args[0].lower(), args[1:]) if args else ("list", [])
    if action == "add":
        _add(ctx, rest)
    elif action == "list":
        _list(ctx, rest)
    elif action in ("edit", "del"):
        if not rest:
            raise UsageError(f"请写出关键词，例如 {'/faq edit 运费 新答案' if action == 'edit' else '/faq del 运费'}")
        entry = _entry_holding(ctx, _normal(rest[0]))
        if entry is None:
            raise UsageError(f"没有关键词{quote(rest[0], 20)}，/faq list 可查看全部问答")
        if action == "edit":
            _edit(ctx, entry, rest)
        else:
            _delete(ctx, entry, rest)
    elif action == "stats":
        if rest:
            raise UsageError("/faq stats 不需要别的参数")
        ctx.reply("command_reply", "faq_stats", **week_figures(ctx))
    else:
        raise UsageError(f"不认识{quote(args[0], 20)}：可以是 add、list、edit、del 或 stats")


def _add(ctx: Context, args: list[str]) -> None:
    if len(args) < 2:
        raise UsageError("格式：/faq add 关键词1,关键词2 答案，例如 /faq add 运费,邮费 满99元包邮")
    keywords = _keywords(args[0])
    answer = _answer(ctx, args[1:])
    for keyword in keywords:
        if (holder := _entry_holding(ctx, keyword)) is not None:
            raise UsageError(f"关键词{quote(keyword, 20)}已在问答“{_title(ctx, holder)}”里。"
                             f"要改那条的答案，请用 /faq edit {keyword} 新答案")
    _create(ctx, keywords, answer, "chat")
    ctx.reply("command_reply", "faq_changed", change="added", title=excerpt("、".join(keywords)), answer=excerpt(answer))


def _edit(ctx: Context, entry: int, args: list[str]) -> None:
    if len(args) < 2:
        raise UsageError(f"请写出新答案，例如 /faq edit {excerpt(args[0], 20)} 满88元包邮")
    answer = _answer(ctx, args[1:])
    ctx.db.execute("UPDATE faq_entries SET answer = ?, source = 'chat', updated_at = ? WHERE id = ?",
                   [answer, to_db(ctx.now), entry])
    ctx.reply("command_reply", "faq_changed", change="edited", title=_title(ctx, entry), answer=excerpt(answer))


def _delete(ctx: Context, entry: int, args: list[str]) -> None:
    if len(args) > 1:
        raise UsageError("只需要一个关键词，例如 /faq del 运费")
    title = _title(ctx, entry)
    for table, column in (("faq_keywords", "entry"), ("faq_answers", "entry"), ("faq_entries", "id")):
        ctx.db.execute(f"DELETE FROM {table} WHERE {column} = ?", [entry])
    ctx.reply("command_reply", "faq_changed", change="deleted", title=title, answer=None)


def _list(ctx: Context, args: list[str]) -> None:
    page = page_number(args)
    total = ctx.db.execute("SELECT count(*) FROM faq_entries").fetchone()[0]
    pages = max(1, -(-total // PAGE))
    if not 1 <= page <= pages:
        raise UsageError(f"只有 {pages} 页")
    rows = ctx.db.execute("SELECT id, answer FROM faq_entries ORDER BY id LIMIT ? OFFSET ?", [PAGE, (page - 1) * PAGE])
    entries = [{"title": _title(ctx, entry), "answer": excerpt(answer, 40)} for entry, answer in rows.fetchall()]
    ctx.reply("command_reply", "faq_list", entries=entries, total=total, page=page, pages=pages)


def _title(ctx: Context, entry: int) -> str:
    """An entry as the owner knows it: by its keywords."""
    return excerpt("、".join(_keywords_of(ctx, entry)))


def _keywords(word: str) -> list[str]:
    keywords = list(dict.fromkeys(k for k in (_normal(part) for part in SEPARATORS.split(word)) if k))
    if not keywords:
        raise UsageError("请写出关键词，多个用逗号或顿号隔开，例如 运费,邮费")
    if len(keywords) > KEYWORDS_AT_MOST:
        raise UsageError(f"一条问答最多 {KEYWORDS_AT_MOST} 个关键词")
    for keyword in keywords:
        if not FAQ_KEYWORD_AT_LEAST <= len(keyword) <= FAQ_KEYWORD_AT_MOST:
            raise UsageError(f"关键词{quote(keyword, 20)}要 {FAQ_KEYWORD_AT_LEAST} 到 {FAQ_KEYWORD_AT_MOST} 个字"
                             "（一个字会误答别的问题）")
    return keywords


def _answer(ctx: Context, words: list[str]) -> str:
    """The answer (the command's words after the keyword), checked as the shop's copy: a length a phone shows,
    and the lint."""
    answer = _as_typed(ctx, words)
    if len(answer) > FAQ_ANSWER_AT_MOST:
        raise UsageError(f"答案太长（{len(answer)} 字），请控制在 {FAQ_ANSWER_AT_MOST} 字以内")
    if problems := copy_problems(answer):
        raise UsageError(f"这段答案{'；'.join(problems)}，请换个说法")
    return answer


def _as_typed(ctx: Context, words: list[str]) -> str:
    """The answer's words as the owner typed them, line breaks kept (an answer is often a short list): the
    message after its first three words (/faq, the action, the keyword). The parsed words, joined, when the
    message does not line up with them."""
    text = "".join(char for char in ctx.event.text if unicodedata.category(char) != "Cf")
    typed = list(re.finditer(r"\S+", text))
    while typed and typed[0][0].startswith(("@", "＠")):
        typed.pop(0)  # "@小店助手 /faq …" in a group
    if typed and typed[0][0] in ("/", "／"):
        typed.pop(0)  # "/ faq add …": the name came as a word of its own
    if len(typed) != 3 + len(words):
        return " ".join(words)
    return text[typed[3].start():].strip()


# config.toml's [[faq]]


@on_start
def seed_from_config(ctx: Context) -> None:
    """Bring in the [[faq]] entries of config.toml that this store has not seen. Each is taken once: an entry the
    owner then edits or deletes in chat stays as the owner left it at every later start. An entry changed in the
    file is taken again, replacing the one it seeded, unless the owner changed that one in chat since."""
    memo = ctx.memo(MEMO)
    for seed in ctx.config.faq:
        keywords = list(dict.fromkeys(_normal(keyword) for keyword in seed.keywords))
        mark = "seeded:" + hashlib.sha256(json.dumps([keywords, seed.answer], ensure_ascii=False).encode()).hexdigest()[:16]
        if memo.get(mark) is not None:
            continue
        holders = {entry for keyword in keywords if (entry := _entry_holding(ctx, keyword)) is not None}
        if not holders:
            _create(ctx, keywords, seed.answer, "config")
        elif len(holders) == 1 and _source(ctx, entry := holders.pop()) == "config":
            ctx.db.execute("DELETE FROM faq_keywords WHERE entry = ?", [entry])
            ctx.db.conn.executemany("INSERT INTO faq_keywords (keyword, entry) VALUES (?, ?)", [(k, entry) for k in keywords])
            ctx.db.execute("UPDATE faq_entries SET answer = ?, updated_at = ? WHERE id = ?", [seed.answer, to_db(ctx.now), entry])
        else:
            log.warning("a [[faq]] entry of config.toml was left out: its keywords belong to entries the owner "
                        "changed in chat (/faq list shows them)")
        memo.set(mark, to_db(ctx.now))


def _source(ctx: Context, entry: int) -> str:
    return ctx.db.execute("SELECT source FROM faq_entries WHERE id = ?", [entry]).fetchone()[0]


# The week's figures (/faq stats and the weekly review)


def week_figures(ctx: Context) -> dict:
    """The last 7 days: how many members each entry answered, and what the questions that waited for the owner
    (nudged) were about, by topic: the candidates for new entries."""
    since = ctx.now - REVIEW
    answered = ctx.db.execute(
        """SELECT entry, count(*) FROM faq_answers WHERE at >= ? AND entry IN (SELECT id FROM faq_entries)
        GROUP BY entry ORDER BY 2 DESC, entry""", [to_db(since)]
    ).fetchall()
    waited = nudged_since(ctx, since)
    topics = Counter(topic for text in waited if (topic := _topic(text)))
    examples: dict[str, str] = {}
    for text in waited:
        if topic := _topic(text):
            examples.setdefault(topic, text)
    return {
        "faq_entries": ctx.db.execute("SELECT count(*) FROM faq_entries").fetchone()[0],
        "faq_answered_total": sum(times for _, times in answered),
        "faq_answered": [{"title": _title(ctx, entry), "times": times} for entry, times in answered[:SHOWN]],
        "faq_waited_total": len(waited),
        "faq_waited": [{"topic": topic, "times": times, "example": examples[topic]}
                       for topic, times in topics.most_common(SHOWN)],
    }


def _topic(question: str) -> str | None:
    """What a question is about, in the words of handlers/rules/questions.toml: the first topic it names."""
    found = [(question.find(topic), -len(topic), topic) for topic in RULES["topics"] if topic in question]
    return min(found)[2] if found else None
