"""Shared test helpers: scripts replayed on a virtual clock, against temporary stores."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import inspect
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import features
from core import media
from core.assistant import Assistant
from core.clock import VirtualClock
from core.config import load_config
from core.store import open_store
from core.events import ContactSeen, Join, Leave, Login, Message, RoomSeen
from core.learning import MODEL_CACHE
from transports.replay import ReplayOutput, read_script, run_script, run_until

# The suite starts about a hundred bots (bot.py in a process of its own), each of which would train the same
# models on the same data, two thirds of its start: they are kept as numbers, named by what they were trained from
# (core/learning.py), for every test process and every run of the suite. Set before any bot or worker starts.
os.environ.setdefault(MODEL_CACHE, str(Path(tempfile.gettempdir()) / f"xiaodian-models-{os.getuid()}"))

ROOT = Path(__file__).resolve().parent.parent
SHANGHAI = ZoneInfo("Asia/Shanghai")
OWNER = "wxid_owner"
FEATURES = features.load()
BOT = "wxid_bot"


def pytest_configure(config):
    """Train the models once, before any worker or bot starts (the main process of `pytest -n`, or the only one):
    on a fresh machine, or after a change to core/ or handlers/, the cache is empty, and every worker and every bot
    started in the first minute would otherwise train the same three models at once (10 s of CPU each)."""
    if hasattr(config, "workerinput"):  # a pytest-xdist worker: the main process has prepared them
        return
    from handlers import complaint_detection, shop_questions, spam

    for learner in (complaint_detection.LEARNER, shop_questions.LEARNER, spam.LEARNER):
        learner.base()


# Marks of a slow test: one that starts a process (a bot, a Python of its own) and so takes seconds, most of them
# waiting on it, or rehearses every command through a month; the others take milliseconds on the virtual clock.
# The end-to-end tests start two processes (a gateway and a bot) and wait on both: the slowest.
SLOW = ("run_bot(", "subprocess.", "console(", "console_process(", "start_console_bot(", "run_doctor(", "kill_bot(",
        "rehearse(")
SLOWEST = "test_wechaty_e2e.py"


def _weight(item: pytest.Item) -> int:
    if item.path.name == SLOWEST:
        return 2
    try:
        source = inspect.getsource(item.function)
    except (AttributeError, OSError, TypeError):
        return 0
    return int(any(mark in source for mark in SLOW))


def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist's worksteal (`make test`), each worker is first given an equal run of the collection, in
    order, and a worker left idle takes the end of another's run. In collection order the end-to-end tests all fall
    to the last worker and run one after the other while the others wait. So the slow tests are dealt out in turn,
    each worker's run starting with its share of them; what is stolen at the end are the quick ones."""
    workers = getattr(config, "workerinput", {}).get("workercount", 1)
    if workers < 2:
        return
    heaviest_first = sorted(items, key=_weight, reverse=True)  # stable: in collection order within a weight
    runs = [heaviest_first[n::workers] for n in range(workers)]
    # xdist gives the extra tests of an uneven split to the last workers: the longer runs go last, to match
    items[:] = [item for run in reversed(runs) for item in run]


# Established members' soft offers, made of whom they call and what they offer. The advert model's doubt band is
# narrow (0.56 to 0.64 with rounds 1 to 33 in the data) and moves as data comes in, so the tests of doubt take
# whichever of these lie in it now.
SUBTLE_CALLS = ("宝妈", "姐妹们", "想赚钱的姐妹", "想做副业的", "宝妈们", "想兼职的姐妹", "在家带娃的宝妈", "下班后", "有空的姐妹",
                "想多赚点的", "平时闲着的姐妹", "上班族", "全职妈妈", "有时间的姐妹")
SUBTLE_OFFERS = ("在家也能赚钱啦", "看过来", "也能有收入", "在家也能赚点", "也能赚零花钱", "可以了解一下", "有个赚钱的机会",
                 "一起赚钱呀", "可以一起做", "多份收入", "手机上就能做", "赚点奶粉钱", "不耽误带娃", "在家就能做")
SUBTLE_ADVERTS = tuple(call + joint + offer for call in SUBTLE_CALLS for offer in SUBTLE_OFFERS for joint in ("", " "))


# A relative's or a friend's business, opened in one line and offered in the next: each alone may be talk, the two
# together a pitch. Leftovers offered again by a member: chat from an established member, a doubt from a newcomer.
RELATIVES = ("我表妹", "我老同学", "我同学", "我姐", "我表哥", "我弟", "我闺蜜", "我小姨")
BUSINESSES = ("开了家眼镜店", "开了家花店", "开了个摄影工作室", "开了个宠物店", "开了家面馆", "开了个美甲店")
OPENINGS = tuple(who + what for who in RELATIVES for what in BUSINESSES)
OFFERS_IN_A_THREAD = ("配镜验光都做 价格公道", "儿童照拍得好 群里的优惠", "猫狗洗澡美容都做 有空去看看", "全家福 写真都拍 群里的便宜点",
                      "牛肉面一绝 群里的便宜点", "证件照写真都能拍 有空去看看", "全家福 写真都拍 群里的优惠")
LEFTOVERS = ("还有一点 谁要", "还有几份 谁要", "还有最后一点 谁要", "还剩一点 谁要", "就剩一点了 谁要", "还有几个 谁要")


@functools.cache
def adverts_in_band(band: str | None, newcomer: bool = False, texts: tuple[str, ...] = SUBTLE_ADVERTS) -> tuple[str, ...]:
    """Those of `texts` the advert model reads in that band now ("sure", "doubt", "consult" or None)."""
    from handlers import spam

    return tuple(text for text in texts if spam.judge(text, newcomer).band == band)


def doubtful_adverts(count: int = 1, newcomer: bool = False) -> tuple[str, ...]:
    """Adverts the advert model is in doubt about (no alert; a line in the day's summary), from an established member
    or a newcomer. Read alone: a test that has a member say more than one keeps them over half an hour apart, or the
    later ones are read after the earlier too (spam.py `_as_a_pitch`)."""
    in_doubt = adverts_in_band("doubt", newcomer)
    assert len(in_doubt) >= count, "too few of SUBTLE_ADVERTS are in the advert model's doubt band now: add calls or offers"
    return in_doubt[:count]


# Group messages that may ask the shop or the other members: where the question model reads each moves with its data.
ASKED_OF_ANYONE = ("这个怎么样", "有人在吗", "这个天要不要穿羽绒服", "明天会下雨吗", "要不要带伞", "今天几号")


def doubtful_question() -> str:
    """A group message the question model is in doubt about: no reply in the group, a line in the owner's list."""
    from handlers import shop_questions

    in_doubt = [text for text in ASKED_OF_ANYONE if shop_questions.is_shop_question(text)
                and not shop_questions.is_surely_a_shop_question(text)]
    assert in_doubt, "none of ASKED_OF_ANYONE is in the question model's doubt band now: add some"
    return in_doubt[0]


def business_near_home() -> str:
    """An established member's line about a relative's business, under the doubtful band: no alert, no summary."""
    under_doubt = adverts_in_band("consult", False, OPENINGS)
    assert under_doubt, "none of OPENINGS is under the advert model's doubtful band now: add relatives or businesses"
    return under_doubt[0]


@functools.cache
def pitch_in_two_lines() -> tuple[str, str]:
    """An established member's opening and offer, each under the doubtful band alone, a sure advert read together
    (spam.py `_as_a_pitch`)."""
    from handlers import spam

    offers = adverts_in_band("consult", False, OFFERS_IN_A_THREAD)
    pair = next(((opening, offer) for opening in adverts_in_band("consult", False, OPENINGS) for offer in offers
                 if spam.judge(" ".join((offer, opening)), False).band == "sure"), None)
    assert pair, "no opening and offer under the doubtful band make a sure advert together now: add some"
    return pair


def leftovers_offered() -> str:
    """A line an established member's chat reads as, and a newcomer's as under the doubtful band."""
    found = [text for text in adverts_in_band(None, False, LEFTOVERS) if text in adverts_in_band("consult", True, LEFTOVERS)]
    assert found, "none of LEFTOVERS is chat from a member and under the doubtful band from a newcomer now: add some"
    return found[0]


def doubtful_advert() -> str:
    return doubtful_adverts()[0]


def at(text: str) -> str:
    """'2026-11-25 10:00' in Shanghai time, as a replay script writes it."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI).isoformat()


def shop(start: str = "2026-11-25 10:00") -> list[dict]:
    """The opening of most scripts: the bot logs in, two members, the owner, and one group with all of them."""
    return [
        {"at": at(start), "type": "login", "id": BOT, "name": "小店助手"},
        {"at": at(start), "type": "contact", "id": OWNER, "name": "店主"},
        {"at": at(start), "type": "contact", "id": "wxid_a", "name": "小王"},
        {"at": at(start), "type": "contact", "id": "wxid_b", "name": "小李"},
        {"at": at(start), "type": "room", "id": "r1@chatroom", "topic": "普通会员群", "members": [OWNER, "wxid_a", "wxid_b"]},
    ]


def say(when: str, sender: str, text: str, room: str | None = "r1@chatroom", **extra) -> dict:
    line = {"at": at(when), "type": "message", "from": sender, "text": text, **extra}
    if room:
        line["room"] = room
    return line


@functools.cache
def _migrated_store() -> bytes:
    """A new store as open_store leaves it, made once a test process: the suite opens hundreds of new stores, and
    running every migration on each cost 25 ms of CPU, ten times a copy's."""
    with tempfile.TemporaryDirectory(prefix="store-") as folder:
        open_store(Path(folder) / "store.db").close()
        return (Path(folder) / "store.db").read_bytes()


def seeded(path: Path) -> Path:
    """`path`, where a store not there yet starts as a copy of one open_store made new (0600, as open_store makes
    it), so that open_store migrates nothing then. One there already stays as it is (a restart)."""
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as file:
            file.write(_migrated_store())
    return path


def replay_events(events: list[dict], *, until: str | None = None, db_path: Path | None = None, config=None, seed=0):
    """Replay events in-process (the same code as `bot.py replay`) and return what the bot sent, parsed."""
    config = config or load_config().with_owners([OWNER])
    timeline = read_script(io.StringIO("\n".join(json.dumps(e, ensure_ascii=False) for e in events)))
    out = io.StringIO()
    until_at = dt.datetime.fromisoformat(at(until)) if until else None
    with tempfile.TemporaryDirectory(prefix="replay-") as scratch:  # as run_script's own, with a seeded store
        run_script(config, FEATURES, timeline, until=until_at, db_path=seeded(db_path or Path(scratch) / "store.db"),
                   seed=seed, out=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def run_bot(*args: str, stdin: str = "", timeout: float = 60, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run bot.py as a user would, in a separate process."""
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
    )


@pytest.fixture
def assistant_at(tmp_path):
    """Build an Assistant on a virtual clock and a temporary store: assistant_at('2026-11-25 10:00'); every feature
    unless `features=` gives a Registry of just the ones a test needs."""

    def build(start: str, db_path: Path | None = None, templates=None, features=None, **config_changes):
        config = load_config().with_owners([OWNER])
        if config_changes:
            config = config.model_copy(update=config_changes)
        db = open_store(seeded(db_path or tmp_path / "store.db"))
        clock = VirtualClock(dt.datetime.fromisoformat(start).replace(tzinfo=SHANGHAI), config.tz)
        return Assistant(config, db, clock, features or FEATURES, seed=1, templates=templates)

    return build


class Person:
    """Someone in the test shop, who can say things in private or in a group (by its topic)."""

    def __init__(self, bot: ShopBot, contact: str):
        self.bot, self.id = bot, contact

    def says(self, text: str, *, room: str | None = None, mentions_bot: bool = False, mentions_owner: bool = False,
             to: str | None = None) -> list[dict]:
        """Say `text` now, in private or in the group of that topic; `to` names whom the shop's phone wrote to in
        private. Returns what the bot sent in answer at once."""
        mentions = (BOT,) * mentions_bot + (OWNER,) * mentions_owner
        room_id = self.bot.room_id(room) if room else None
        return self.bot.handle(Message(self.id, text, room_id, mentions, to=self.bot.ids.get(to, to)))

    def sends_picture(self, data: bytes, *, room: str | None = None) -> list[dict]:
        """Send a picture (its bytes) now, kept in the media folder beside the store as a transport keeps it; a
        picture that cannot be read comes as WeChat's would, with why."""
        try:
            image, unreadable = str(media.keep(media.folder_of(self.bot.assistant.db), data)), None
        except media.PictureUnreadable as error:
            image, unreadable = None, error.reason
        room_id = self.bot.room_id(room) if room else None
        return self.bot.handle(Message(self.id, "", room_id, media="image", image=image, unreadable=unreadable))

    def sends_file(self, data: bytes, *, room: str | None = None) -> list[dict]:
        """Send a file (its bytes) now, kept in the media folder as a transport keeps it (core/media.py keep_file);
        one over 20 MB comes as WeChat's would, not kept, with why."""
        try:
            kept, unreadable = str(media.keep_file(media.folder_of(self.bot.assistant.db), data)), None
        except media.PictureUnreadable as error:
            kept, unreadable = None, error.reason
        room_id = self.bot.room_id(room) if room else None
        return self.bot.handle(Message(self.id, "", room_id, media="file", file=kept, unreadable=unreadable))

    def joins(self, room: str) -> list[dict]:
        return self.bot.handle(Join(self.bot.room_id(room), self.id))

    def leaves(self, room: str) -> list[dict]:
        return self.bot.handle(Leave(self.bot.room_id(room), self.id))


class ShopBot:
    """The whole bot, driven like errbot's TestBot: people say things, the virtual clock moves, and what the bot
    sent is read back in the replay's output format ({"at", "room", "to", "kind", "text"})."""

    def __init__(self, assistant: Assistant, groups: dict[str, list[str]], names: dict[str, str]):
        self.assistant, self.clock = assistant, assistant.clock
        self.output_lines = io.StringIO()
        self.output = ReplayOutput(self.clock, self.output_lines)
        self.ids = {name: contact for contact, name in names.items()}
        self.rooms = {topic: f"room{n}@chatroom" for n, topic in enumerate(groups, start=1)}
        for event in [Login(BOT, "小店助手"), *(ContactSeen(contact, name) for contact, name in names.items())]:
            assistant.handle(event)
        for topic, members in groups.items():
            assistant.handle(RoomSeen(self.rooms[topic], topic, (OWNER, BOT, *(self.ids[m] for m in members))))
        self.owner = Person(self, OWNER)
        self.shop_phone = Person(self, BOT)  # someone typing on the phone of the account the bot runs on

    def member(self, name: str) -> Person:
        if name not in self.ids:
            self.ids[name] = f"wxid_{len(self.ids)}"
            self.assistant.handle(ContactSeen(self.ids[name], name))
        return Person(self, self.ids[name])

    def room_id(self, topic: str) -> str:
        return self.rooms[topic]

    def handle(self, event) -> list[dict]:
        before = len(self.sent())
        self.assistant.handle(event)
        self.advance()  # what is due at this moment goes out
        return self.sent()[before:]

    def advance(self, **delta) -> list[dict]:
        """Let the clock run on (advance(minutes=45), advance(days=2)); jobs and sends fall due on the way."""
        before = len(self.sent())
        moment = self.clock.now() + dt.timedelta(**delta)
        asyncio.run(run_until(self.assistant, self.clock, moment, self.output))
        return self.sent()[before:]

    def advance_to(self, when: str) -> list[dict]:
        """Let the clock run on to a moment in Shanghai time ('2026-11-26 10:00'), for scripts that span days."""
        moment = dt.datetime.fromisoformat(at(when))
        if moment < self.clock.now():
            raise ValueError(f"{when} is before the bot's clock ({self.clock.now():%Y-%m-%d %H:%M:%S})")
        return self.advance(seconds=(moment - self.clock.now()).total_seconds())

    def sent(self, kind: str | None = None, to: str | None = None) -> list[dict]:
        """Every message sent so far, or those of one kind, or to one person (a name, or 'owner')."""
        lines = [json.loads(line) for line in self.output_lines.getvalue().splitlines()]
        contact = OWNER if to == "owner" else self.ids.get(to, to)
        return [m for m in lines if (kind is None or m["kind"] == kind) and (to is None or m["to"] == contact)]

    def texts(self, kind: str | None = None, to: str | None = None) -> list[str]:
        return [m["text"] for m in self.sent(kind, to) if "text" in m]  # a picture's line has "image" instead


@pytest.fixture
def shop_bot(tmp_path):
    """shop_bot(start="2026-11-25 10:00", groups={"普通会员群": ["小王", "小李"]}) → a ShopBot on a temporary store.

    Members are named by nickname; their ids are made up. The owner (OWNER) and the bot are in every group.
    `features=` runs just some features; `config=` a changed Config. A restart is a second shop_bot on the same
    `db_path=`, started later: it logs in and sees its contacts and groups again, as after a real restart.
    """
    made = []

    def build(start: str = "2026-11-25 10:00", groups: dict[str, list[str]] | None = None, *, features=None,
              config=None, db_path: Path | None = None) -> ShopBot:
        config = config or load_config().with_owners([OWNER])
        groups = groups if groups is not None else {"普通会员群": ["小王", "小李"]}
        everyone = dict.fromkeys(name for members in groups.values() for name in members)
        names = {OWNER: "店主", **{f"wxid_{n}": name for n, name in enumerate(everyone, start=1)}}
        clock = VirtualClock(dt.datetime.fromisoformat(start).replace(tzinfo=SHANGHAI), config.tz)
        db = open_store(seeded(db_path or tmp_path / f"store{len(made)}.db"))
        made.append(db)
        return ShopBot(Assistant(config, db, clock, features or FEATURES, seed=1), groups, names)

    yield build
    for db in made:
        db.close()
