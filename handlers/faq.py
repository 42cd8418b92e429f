"""Answers to the questions members ask most (运费, 发货, 退换), at once, day and night.

The owner keeps the entries in chat (/faq add, list, edit, del, stats); config.toml's [[faq]] seeds some at the
first start that sees them, and the chat wins after that. An answer is the shop's copy, linted when written.

A member's question that names an entry's keyword, or is near enough in meaning to an entry (its answer and its
examples: handlers/faq_matcher.py), gets its answer where it was asked (`faq_answer`): in private
at once; in a group a minute later, so that everyone who asks the same within that minute (after a flash sale,
several do) is named in one message. Then the group gets no second answer to that entry for 10 minutes: whoever
asks meanwhile has it just above, and counts as answered. A member gets an entry's answer once a day; asking
again goes the usual way (the owner is nudged, or the off-hours reply), since the answer did not settle it.
Never for a complaint (handlers/complaints.py runs first and takes it), never to the shop's own people, never in
a group that is not the shop's. Off hours the answer carries the off-hours line itself, one message rather than
two (handlers/off_hours.py); an answered question never waits for the owner (handlers/response_nudges.py runs
after this and is not reached).

The owner sees the last answers by number (/faq recent) and corrects a wrong one (/faq not N): its question
becomes a counter-example of the entry, which then no longer answers it nor questions nearer to it than to the
entry's own. The questions that waited for the owner are grouped by meaning for the week's figures, each group
with a /faq add line ready to copy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import secrets
import unicodedata

from core.clock import to_db
from core.commands import plain
from core.config import (
    FAQ_ANSWER_AT_MOST, FAQ_EXAMPLE_AT_MOST, FAQ_EXAMPLES_AT_MOST, FAQ_KEYWORD_AT_LEAST, FAQ_KEYWORD_AT_MOST,
)
from core.context import Context
from core.events import Message
from core.learning import groups, shared_phrases, without_mentions
from core.numbers import page_count, page_number
from core.registry import Action, command, job, on_message, on_start, Refused, UsageError
from core.rules import from_member, in_shop_group, mentions_shop, private, rule
from core.templates import copy_problems
from core.text import excerpt, quote
from handlers import complaint_detection, off_hours, response_nudges
from handlers.addressing import RULES, about_the_shop, automatic_reply
from handlers.faq_matcher import Entry, Matcher, reading
from handlers.periods import Period, last_days

log = logging.getLogger(__name__)

GATHER = dt.timedelta(minutes=1)  # a group's answer waits this long for others asking the same
GROUP_ONCE = dt.timedelta(minutes=10)  # one answer to an entry per group in this span
LIFETIME = dt.timedelta(hours=1)  # an answer later than this is given up and reported, not sent
REVIEW_DAYS = 7
KEYWORDS_AT_MOST = 10
LISTED_WORD_AT_MOST = 4  # characters of each part of an answer's first word that make it read as keywords
PAGE = 10  # entries per page of /faq list
SHOWN = 5  # entries and topics in the week's figures
SEPARATORS = re.compile(r"[,，、;；]+")
EXAMPLES = re.compile(r"(?:^|\s)例[：:]")  # where an answer's examples begin: "例：" as a word of its own
EXAMPLE_SEPARATORS = re.compile(r"[;；\n]+")
QUESTION_KEPT = 100  # characters of an answered question kept for /faq recent and /faq not
RECENT = 10  # answers /faq recent lists
# The week's questions that waited for the owner are grouped when this similar (greedy, around the most central:
# core/learning.py's `groups`). On data/faq/dev.json's 200 answerable questions, asked of 10 entries in 20 unlike
# wordings each, two-thirds of the pairs grouped at 0.25 were asked of the same entry; 0.2 groups more, half wrongly.
GROUPED_AT_LEAST = 0.25
GROUPED_AT_MOST = 500  # the week's latest questions grouped: grouping is quadratic, and /faq stats must answer soon
# Words of asking, with the question markers: how a question asks, which must not decide what it is grouped with.
ASKING = re.compile("|".join(map(re.escape, sorted(
    [*RULES["markers"], "可以", "你们", "你家", "我们", "有冇", "一下", "大概", "请问", "老板", "掌柜", "店长", "啥",
     "能", "我", "要", "的", "了", "啊", "呀"], key=len, reverse=True))))
MEMO = "faq"  # ctx.memo: the config entries already seeded, by signature; the entries' version (`_changed`)


@rule
def phrased_as_question(ctx: Context, message: Message) -> bool:
    return any(marker in message.text for marker in RULES["markers"])


# In a group the keyword must come in a question (members chat about 运费 too): one with a question's marks, or one
# the question model reads as asking the shop, as the nudge does ("寄到西藏要加钱不" has no mark, and it waited
# for the owner beside the entry that answers it); in private, or @-mentioning the bot or an owner, the member is
# asking the shop whatever the phrasing.
asks_a_question = from_member & ~automatic_reply & (
    private | (in_shop_group & (mentions_shop | phrased_as_question | about_the_shop)))


@on_message(priority=50, rule=asks_a_question)
def answer_from_faq(ctx: Context, message: Message) -> bool | None:
    entry = _matching_entry(ctx, message.text)
    if entry is None:
        return None
    if (last := _last_answered_today(ctx, message.sender, entry)) is not None:
        # Asked again at once: the answer is on its way or just above. Later that day: it did not settle it.
        return True if last > to_db(ctx.now - GROUP_ONCE) else None
    closed = off_hours.carries_the_line(ctx, message)
    leads = message.room is None or not (ctx.is_scheduled(_key(message.room, entry)) or _posted_lately(ctx, message.room, entry))
    _record(ctx, entry, message, leads=leads)
    if message.room is None:
        _send(ctx, entry, None, [message.sender], closed, about=excerpt(message.text))
    elif leads:
        post_group_answer.schedule(ctx, ctx.now + GATHER, key=_key(message.room, entry), room=message.room,
                                   entry=entry, askers=[message.sender], closed=closed, about=excerpt(message.text))
    elif (gathering := ctx.timer(_key(message.room, entry))) is not None:  # named in the answer about to go
        post_group_answer.amend(ctx, gathering, askers=[*gathering.payload["askers"], message.sender],
                                closed=gathering.payload["closed"] or closed)
    return True


def _key(room: str, entry: int) -> str:
    return f"faq:{room}:{entry}:"


@job("faq_answer")
def post_group_answer(ctx: Context, payload: dict) -> None:
    _send(ctx, payload["entry"], payload["room"], payload["askers"], payload["closed"], about=payload["about"])


def _send(ctx: Context, entry: int, room: str | None, askers: list[str], closed: bool, *, about: str) -> None:
    answer = _answer_of(ctx, entry)
    if answer is None:  # the owner deleted the entry within the minute: it is no longer the shop's answer, and the
        for asker in askers:  # question is not dropped: it waits for the shop as any other does
            response_nudges.wait_for_an_answer(ctx, Message(asker, about, room))
        return
    several = len(askers) > 1  # one person is @-mentioned by the transport; several are named in the text
    ctx.say("faq_answer", "faq_answer", room=room, to=None if several else askers[0], about=about,
            expires_at=ctx.now + LIFETIME, answer=answer, **off_hours.line_words(ctx, closed),
            names=" ".join(f"@{ctx.name_of(asker)}" for asker in askers) if several else None)


def answers(ctx: Context, message: Message) -> bool:
    """Whether the FAQ answers this message: a question the shop has already answered, which the complaint path
    leaves to the FAQ when it is only in doubt (handlers/complaints.py). Only what answer_from_faq would answer:
    "说一下运费" said to the group, not to the bot, gets no answer, so the owner must still be asked about it."""
    return asks_a_question(ctx, message) and _matching_entry(ctx, message.text) is not None


def _matching_entry(ctx: Context, text: str) -> int | None:
    found = _matcher(ctx).match(text)
    return found.entry if found else None


# The matcher of the entries as they stand, by their version: built again only when they change (a tf-idf fit
# costs milliseconds, a message may spend a fraction of one). A version is random, so that two stores (the tests
# run many in one process) never share one; one matcher is kept, since a bot runs on one store.
_built: dict[str, Matcher] = {}


def _matcher(ctx: Context) -> Matcher:
    version = ctx.memo(MEMO).get("version") or _changed(ctx)
    if version not in _built:
        _built.clear()
        _built[version] = Matcher(_entries(ctx))
    return _built[version]


def _changed(ctx: Context) -> str:
    """Note that the entries changed (their keywords, examples, answers or corrections): a new version."""
    version = secrets.token_hex(8)
    ctx.memo(MEMO).set("version", version)
    return version


def _entries(ctx: Context) -> list[Entry]:
    listed = {}
    for table, column in (("faq_keywords", "keyword"), ("faq_examples", "text"), ("faq_counterexamples", "text")):
        listed[table] = {}
        for entry, text in ctx.db.execute(f"SELECT entry, {column} FROM {table} ORDER BY rowid"):
            listed[table].setdefault(entry, []).append(text)
    return [Entry(entry, tuple(listed["faq_keywords"].get(entry, ())), tuple(listed["faq_examples"].get(entry, ())),
                  answer, tuple(listed["faq_counterexamples"].get(entry, ())))
            for entry, answer in ctx.db.execute("SELECT id, answer FROM faq_entries ORDER BY id")]


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


def _record(ctx: Context, entry: int, message: Message, *, leads: bool) -> None:
    ctx.db.execute(
        "INSERT INTO faq_answers (entry, contact, room, at, leads, question) VALUES (?, ?, ?, ?, ?, ?)",
        [entry, message.sender, message.room, to_db(ctx.now), int(leads), message.text[:QUESTION_KEPT]],
    )


def _answer_of(ctx: Context, entry: int) -> str | None:
    row = ctx.db.execute("SELECT answer FROM faq_entries WHERE id = ?", [entry]).fetchone()
    return row[0] if row else None


def _keywords_of(ctx: Context, entry: int) -> list[str]:
    return [row[0] for row in ctx.db.execute("SELECT keyword FROM faq_keywords WHERE entry = ? ORDER BY rowid", [entry])]


def _entry_holding(ctx: Context, keyword: str) -> int | None:
    row = ctx.db.execute("SELECT entry FROM faq_keywords WHERE keyword = ?", [keyword]).fetchone()
    return row[0] if row else None


def _create(ctx: Context, keywords: list[str], answer: str, examples: list[str], source: str) -> int:
    entry = ctx.db.execute(
        "INSERT INTO faq_entries (answer, source, created_at, updated_at) VALUES (?, ?, ?, ?)",
        [answer, source, to_db(ctx.now), to_db(ctx.now)],
    ).lastrowid
    _set(ctx, entry, "faq_keywords", "keyword", keywords)
    _set(ctx, entry, "faq_examples", "text", examples)
    return entry


def _set(ctx: Context, entry: int, table: str, column: str, texts: list[str]) -> None:
    """An entry's keywords or examples, replaced by `texts`."""
    ctx.db.execute(f"DELETE FROM {table} WHERE entry = ?", [entry])
    ctx.db.conn.executemany(f"INSERT INTO {table} ({column}, entry) VALUES (?, ?)", [(t, entry) for t in texts])
    _changed(ctx)


def _normal(keyword: str) -> str:
    """A keyword as stored and matched: as it reads (full-width letters plain), lower case."""
    return plain(keyword).strip().lower()


# The owner's commands


ACTIONS = (
    Action("/faq add 关键词1,关键词2 答案 [例：问法1；问法2]",
           "添加问答：成员问到任一关键词，或问的意思和答案、例句相近，就自动回答（关键词用逗号或顿号隔开）",
           ("/faq add 运费,邮费,包邮 满99元包邮，新疆西藏补10元 例：寄到新疆要加钱吗；满多少包邮",
            "/faq add 发货、几天发 下单后48小时内发货")),
    Action("/faq list [页码]", "列出全部问答和例句，每页10条", ("/faq list", "/faq list 2")),
    Action("/faq edit 关键词 [新答案] [例：问法1；问法2]", "修改这个关键词所在问答的答案或例句（写了例句就换掉原来的例句）",
           ("/faq edit 运费 满88元包邮，不满88元运费8元", "/faq edit 运费 例：发顺丰要加钱吗；包邮吗")),
    Action("/faq del 关键词", "删除这个关键词所在的问答（连同它的其他关键词）", ("/faq del 运费",)),
    Action("/faq recent", "最近的自动回答，带编号：谁问的、问了什么、用了哪条问答", ("/faq recent",)),
    Action("/faq not 编号", "这条自动回答答错了，以后这句和与它相近的问题不再用这条问答回答", ("/faq not 12",)),
    Action("/faq stats", "近7天各问答回答了多少次，哪些问题最常等您回复（按意思归类，附添加指令）", ("/faq stats",)),
)


@command("faq", usage="/faq add|list|edit|del|recent|not|stats …",
         summary="常见问题自动回答：添加、列出、修改、删除、最近回答、纠正、统计",
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
    elif action in ("recent", "stats"):
        if rest:
            raise UsageError(f"/faq {action} 不需要别的参数")
        if action == "recent":
            _recent(ctx)
        else:
            ctx.reply("command_reply", "faq_stats", **week_figures(ctx, last_days(ctx, REVIEW_DAYS)))
    elif action == "not":
        _not(ctx, rest)
    else:
        raise UsageError(f"不认识{quote(args[0], 20)}：可以是 add、list、edit、del、recent、not 或 stats")


def _add(ctx: Context, args: list[str]) -> None:
    if len(args) < 2:
        raise UsageError("格式：/faq add 关键词1,关键词2 答案 例：问法1；问法2，例如 /faq add 运费,邮费 满99元包邮 例：包邮吗")
    keywords = _keywords(args[0])
    answer, examples = _answer_and_examples(ctx, args[1:])
    if answer is None:
        raise UsageError("请在例句前写出答案，例如 /faq add 运费 满99元包邮 例：包邮吗")
    for keyword in keywords:
        if (holder := _entry_holding(ctx, keyword)) is not None:
            raise Refused(f"关键词{quote(keyword, 20)}已在问答“{_title(ctx, holder)}”里。"
                             f"要改那条的答案，请用 /faq edit {keyword} 新答案")
    _create(ctx, keywords, answer, examples or [], "chat")
    ctx.reply("command_reply", "faq_changed", change="added", title=excerpt("、".join(keywords)), answer=excerpt(answer),
              examples=_examples_shown(examples or []), keyword=keywords[0], more_keywords=_keywords_in_answer(args))


def _edit(ctx: Context, entry: int, args: list[str]) -> None:
    if len(args) < 2:
        raise UsageError(f"请写出新答案或例句，例如 /faq edit {excerpt(args[0], 20)} 满88元包邮 例：包邮吗")
    answer, examples = _answer_and_examples(ctx, args[1:])
    if answer is not None:
        ctx.db.execute("UPDATE faq_entries SET answer = ?, source = 'chat', updated_at = ? WHERE id = ?",
                       [answer, to_db(ctx.now), entry])
        _changed(ctx)
    if examples is not None:
        ctx.db.execute("UPDATE faq_entries SET source = 'chat', updated_at = ? WHERE id = ?", [to_db(ctx.now), entry])
        _set(ctx, entry, "faq_examples", "text", examples)
    ctx.reply("command_reply", "faq_changed", change="edited", title=_title(ctx, entry),
              answer=excerpt(answer) if answer is not None else None,
              examples=_examples_shown(examples) if examples is not None else None)


def _delete(ctx: Context, entry: int, args: list[str]) -> None:
    if len(args) > 1:
        raise UsageError("只需要一个关键词，例如 /faq del 运费")
    title = _title(ctx, entry)
    for table in ("faq_keywords", "faq_examples", "faq_counterexamples", "faq_answers"):
        ctx.db.execute(f"DELETE FROM {table} WHERE entry = ?", [entry])
    ctx.db.execute("DELETE FROM faq_entries WHERE id = ?", [entry])
    _changed(ctx)
    ctx.reply("command_reply", "faq_changed", change="deleted", title=title, answer=None, examples=None)


def _list(ctx: Context, args: list[str]) -> None:
    page = page_number(args)
    total = ctx.db.execute("SELECT count(*) FROM faq_entries").fetchone()[0]
    pages = page_count(total, PAGE)
    if not 1 <= page <= pages:
        raise UsageError(f"只有 {pages} 页")
    rows = ctx.db.execute("SELECT id, answer FROM faq_entries ORDER BY id LIMIT ? OFFSET ?", [PAGE, (page - 1) * PAGE])
    entries = [{"title": _title(ctx, entry), "answer": excerpt(answer, 40), "examples": _examples_shown(_examples_of(ctx, entry))}
               for entry, answer in rows.fetchall()]
    ctx.reply("command_reply", "faq_list", entries=entries, total=total, page=page, pages=pages)


def _recent(ctx: Context) -> None:
    """The last answers, newest first, by the number /faq not takes."""
    rows = ctx.db.execute(
        """SELECT id, contact, question, entry FROM faq_answers WHERE entry IN (SELECT id FROM faq_entries)
        ORDER BY id DESC LIMIT ?""", [RECENT]
    ).fetchall()
    answers = [{"number": number, "who": ctx.name_of(contact), "question": excerpt(question or "", 12),
                "title": _title(ctx, entry)} for number, contact, question, entry in rows]
    ctx.reply("command_reply", "faq_recent", answers=answers)


def _not(ctx: Context, args: list[str]) -> None:
    """The owner's correction: answer N's question is one its entry must not answer."""
    if len(args) != 1 or not args[0].isdigit():
        raise UsageError("请写出回答的编号，例如 /faq not 12（/faq recent 可查看编号）")
    row = ctx.db.execute(
        """SELECT entry, question, contact, room FROM faq_answers WHERE id = ? AND entry IN (SELECT id FROM faq_entries)""",
        [int(args[0])]
    ).fetchone()
    if row is None:
        raise UsageError(f"没有编号 {int(args[0])} 的回答，/faq recent 可查看最近的回答")
    entry, question, contact, room = row
    if not question:
        raise UsageError(f"编号 {int(args[0])} 的回答是升级前记下的，没有留下问题，记不了")
    taken = ctx.db.execute("INSERT OR IGNORE INTO faq_counterexamples (answer, entry, text, at) VALUES (?, ?, ?, ?)",
                           [int(args[0]), entry, question, to_db(ctx.now)]).rowcount
    if taken:
        _changed(ctx)
    ctx.reply("command_reply", "faq_corrected", question=excerpt(question, 12), title=_title(ctx, entry),
              again=not taken, held_back=_hold_back(ctx, entry, room, contact, question))


def _hold_back(ctx: Context, entry: int, room: str | None, asker: str, question: str) -> bool:
    """A group answer still gathering askers leaves out the one the owner says it must not answer, whose question
    then waits for the shop as any other does. Whether there was such an answer."""
    gathering = ctx.timer(_key(room, entry)) if room else None
    if gathering is None or asker not in gathering.payload["askers"]:
        return False
    if askers := [other for other in gathering.payload["askers"] if other != asker]:
        post_group_answer.amend(ctx, gathering, askers=askers)
    else:
        ctx.cancel_all(gathering.key)
    response_nudges.wait_for_an_answer(ctx, Message(asker, question, room))
    return True


def _examples_of(ctx: Context, entry: int) -> list[str]:
    return [row[0] for row in ctx.db.execute("SELECT text FROM faq_examples WHERE entry = ? ORDER BY rowid", [entry])]


def _examples_shown(examples: list[str]) -> str | None:
    """An entry's examples in a line of the owner's list: the first, and how many more."""
    if not examples:
        return None
    return excerpt(examples[0], 15) + (f" 等{len(examples)}句" if len(examples) > 1 else "")


def _title(ctx: Context, entry: int) -> str:
    """An entry as the owner knows it: by its keywords."""
    return excerpt("、".join(_keywords_of(ctx, entry)))


def _keywords_in_answer(args: list[str]) -> str | None:
    """The keywords an answer begins with, when it reads as if the owner put a space among them ("/faq add 调弦
    调音,弦距 弦距太高…": 调音 and 弦距 became the answer's first words). Added as typed all the same, with a hint:
    an answer may well begin with a short list ("满99元包邮，新疆西藏补10元 …" does not read so: a part that long is
    a phrase)."""
    if len(args) < 3:
        return None
    parts = SEPARATORS.split(args[1])
    if len(parts) < 2 or not all(0 < len(part) <= LISTED_WORD_AT_MOST and part.isalnum() for part in parts):
        return None
    return excerpt("、".join(parts))


def _keywords(word: str) -> list[str]:
    return _listed([_normal(part) for part in SEPARATORS.split(word)], "关键词", "请写出关键词，多个用逗号或顿号隔开，例如 运费,邮费",
                   at_most=(KEYWORDS_AT_MOST, "个"), longest=FAQ_KEYWORD_AT_MOST, why="（一个字会误答别的问题）")


def _listed(parts: list[str], name: str, missing: str, *, at_most: tuple[int, str], longest: int,
            why: str = "") -> list[str]:
    """The keywords or examples the owner wrote, each once and in order, checked as config.toml's are: how many,
    and how long each (one character matches too much)."""
    listed = list(dict.fromkeys(part for part in parts if part))
    if not listed:
        raise UsageError(missing)
    if len(listed) > at_most[0]:
        raise UsageError(f"一条问答最多 {at_most[0]} {at_most[1]}{name}")
    for part in listed:
        if not FAQ_KEYWORD_AT_LEAST <= len(part) <= longest:
            raise UsageError(f"{name}{quote(part, 20)}要 {FAQ_KEYWORD_AT_LEAST} 到 {longest} 个字{why}")
    return listed


def _answer_and_examples(ctx: Context, words: list[str]) -> tuple[str | None, list[str] | None]:
    """The answer and the examples after 例： (the command's words after the keyword); None for what was not
    written. The answer is checked as the shop's copy (a length a phone shows, and the lint)."""
    typed = _as_typed(ctx, words)
    parts = EXAMPLES.split(typed, maxsplit=1)
    answer = parts[0].strip() or None
    examples = _examples(parts[1]) if len(parts) > 1 else None
    if answer is not None:
        if len(answer) > FAQ_ANSWER_AT_MOST:
            raise UsageError(f"答案太长（{len(answer)} 字），请控制在 {FAQ_ANSWER_AT_MOST} 字以内")
        if problems := copy_problems(answer):
            raise UsageError(f"这段答案{'；'.join(problems)}，请换个说法")
    return answer, examples


def _examples(written: str) -> list[str]:
    """Examples as the owner wrote them after 例：, separated by ；."""
    return _listed([part.strip() for part in EXAMPLE_SEPARATORS.split(written)], "例句",
                   "例：后面请写成员会怎么问，多句用分号隔开，例如 例：包邮吗；运费多少",
                   at_most=(FAQ_EXAMPLES_AT_MOST, "句"), longest=FAQ_EXAMPLE_AT_MOST)


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
        examples = list(dict.fromkeys(seed.examples))
        # examples only when there are some: an entry written before examples existed keeps its signature
        signed = [keywords, seed.answer, *([examples] if examples else [])]
        mark = "seeded:" + hashlib.sha256(json.dumps(signed, ensure_ascii=False).encode()).hexdigest()[:16]
        if memo.get(mark) is not None:
            continue
        holders = {entry for keyword in keywords if (entry := _entry_holding(ctx, keyword)) is not None}
        if not holders:
            _create(ctx, keywords, seed.answer, examples, "config")
        elif len(holders) == 1 and _source(ctx, entry := holders.pop()) == "config":
            _set(ctx, entry, "faq_keywords", "keyword", keywords)
            _set(ctx, entry, "faq_examples", "text", examples)
            ctx.db.execute("UPDATE faq_entries SET answer = ?, updated_at = ? WHERE id = ?", [seed.answer, to_db(ctx.now), entry])
        else:
            log.warning("a [[faq]] entry of config.toml was left out: its keywords belong to entries the owner "
                        "changed in chat (/faq list shows them)")
        memo.set(mark, to_db(ctx.now))


def _source(ctx: Context, entry: int) -> str:
    return ctx.db.execute("SELECT source FROM faq_entries WHERE id = ?", [entry]).fetchone()[0]


# The week's figures (/faq stats and the weekly review)


def week_figures(ctx: Context, period: Period) -> dict:
    """The period's (a week's): how many members each entry answered, and what the questions that waited for the
    owner (nudged) were about, grouped by meaning: the candidates for new entries, each with its /faq add line."""
    answered = ctx.db.execute(
        """SELECT entry, count(*) FROM faq_answers WHERE at >= ? AND at < ? AND entry IN (SELECT id FROM faq_entries)
        GROUP BY entry ORDER BY 2 DESC, entry""", [period.start, period.end]
    ).fetchall()
    waited = response_nudges.nudged_between(ctx, period.start, period.end)
    # a message that may be a complaint ("你好 我收到的杯子有个裂缝") waited too, but a canned answer is no way to
    # settle one: it is not offered as a new entry. One an entry answers was taken for a question when it came
    # (handlers/complaints.py asks the owner about no doubtful message the FAQ answers), and is listed as such
    answerable = [question for question in waited
                  if complaint_detection.detect(question) is None or _matching_entry(ctx, question)]
    return {
        "faq_entries": ctx.db.execute("SELECT count(*) FROM faq_entries").fetchone()[0],
        "faq_answered_total": sum(times for _, times in answered),
        "faq_answered": [{"title": _title(ctx, entry), "times": times} for entry, times in answered[:SHOWN]],
        "faq_waited_total": len(waited),
        "faq_waited": _unanswered(ctx, answerable[-GROUPED_AT_MOST:]),
    }


def _unanswered(ctx: Context, questions: list[str]) -> list[dict]:
    """The largest groups of like questions, each named by the phrase its questions share (else by its most
    central question, given as the example), with a keyword for /faq add that no entry holds; or, when an entry
    answers them already (they waited because the member asked again the same day), that entry: to edit, since
    adding a second one would only compete with it."""
    about = [_asked_about(question) for question in questions]
    keywords = [row[0] for row in ctx.db.execute("SELECT keyword FROM faq_keywords")]
    found = []
    for group in groups(about, GROUPED_AT_LEAST)[:SHOWN]:
        phrase = _shared_phrase([about[number] for number in group], keywords)
        # the example goes into a /faq add line: a ；would split it in two
        example = excerpt(EXAMPLE_SEPARATORS.sub("，", without_mentions(questions[group[0]])), 20)
        entry = _matching_entry(ctx, questions[group[0]])
        found.append({"phrase": phrase, "times": len(group), "example": example,
                      "entry": _title(ctx, entry) if entry else None,
                      "keyword": _keywords_of(ctx, entry)[0] if entry else None})
    return found


def _asked_about(question: str) -> str:
    """What a question asks about: as the matcher reads it, without the words of asking (吗, 可以, 请问 …), which
    would group questions by how they ask (有没有券 with 有没有男装) rather than by what."""
    return ASKING.sub(" ", reading(question))


def _shared_phrase(texts: list[str], keywords: list[str]) -> str | None:
    """The phrase of 2 to 4 characters the most of the texts hold (of equals, the longest), when two of them and
    half hold it; never one an entry's keyword is in or holds: that entry would take its questions, or they its."""
    fit = [(held, len(phrase), phrase) for phrase, held in shared_phrases(texts, 2, 4).items()
           if held >= max(2, len(texts) / 2) and not any(k in phrase or phrase in k for k in keywords)]
    return max(fit)[2] if fit else None
