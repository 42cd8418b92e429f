"""WeCom group robots beside the puppet (transports/wecom_robot.py), on a virtual clock against the fake webhook API
(tests/fake_wecom.py, a real HTTP server on 127.0.0.1): campaign posts by robot, paced per robot, failures
reported, the owner told when the WeChat link fails."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import json
import logging
import random
from pathlib import Path

import pytest
from PIL import Image

from core.assistant import Assistant
from core.clock import VirtualClock
from core import logs
from core.config import DEFAULT_CONFIG, ConfigError, WecomConfig, load_config
from core.context import Context
from core.events import ContactSeen, Login, Logout, Message, RoomSeen
from core.store import open_store
from core.transport import TransportUnavailable
from tests.conftest import BOT, FEATURES, OWNER, SHANGHAI, replay_events, run_bot, say
from tests.conftest import shop as conftest_shop
from tests.fake_wecom import FakeWecom, picture_of
from tests.test_media import png
from transports.replay import ReplayOutput, run_until
from transports import wecom_robot
from transports.wecom_robot import RobotsAlone, WithRobots

OWNER_KEY, REGULAR_KEY, VIP_KEY = "owner-key-0001", "regular-key-0002", "vip-key-0003"
ROOMS = {"r1@chatroom": "普通会员群", "r2@chatroom": "VIP福利群"}
FRIDAY_EVENING = "2026-11-27 19:58"  # the default flash sale posts on Fridays at 20:00


class Puppet:
    """The account's side, as the replay prints it; `down` makes it unable to send, as a dropped service does."""

    def __init__(self, clock: VirtualClock):
        self.out = io.StringIO()
        self.output = ReplayOutput(clock, self.out)
        self.down = False

    async def run(self, deliver) -> None:
        return None

    async def send(self, message) -> None:
        if self.down:
            raise TransportUnavailable("not connected to the puppet service")
        await self.output.send(message)

    def said(self) -> list[dict]:
        return [json.loads(line) for line in self.out.getvalue().splitlines()]


@pytest.fixture
def fake():
    api = FakeWecom({OWNER_KEY: "店主群", REGULAR_KEY: "普通会员群", VIP_KEY: "VIP福利群"})
    yield api
    api.close()


class Shop:
    """The bot on a virtual clock, with the puppet and the robots of [wecom] beside it (or the robots alone)."""

    def __init__(self, tmp_path, fake: FakeWecom, start: str, *, alone: bool = False, owner_robot: bool = True,
                 picture: bytes | None = None, **outbox):
        config = load_config().with_owners([OWNER, "wxid_helper"] if alone else [OWNER])
        wecom = WecomConfig(api_base=fake.base, owner_robot=OWNER_KEY if owner_robot else "",
                            group_robots={"普通会员群": REGULAR_KEY, "VIP福利群": VIP_KEY})
        tiers = config.tiers.model_copy(update={"vip_rooms": ["VIP福利群"], "regular_rooms": ["普通会员群"]})
        changes = {"wecom": wecom, "tiers": tiers, "outbox": config.outbox.model_copy(update=outbox)}
        if picture:
            (tmp_path / "scarf.png").write_bytes(picture)
            flash_sale = config.campaigns.flash_sale.model_copy(update={"image": str(tmp_path / "scarf.png")})
            changes["campaigns"] = config.campaigns.model_copy(update={"flash_sale": flash_sale})
        changes["transport"] = config.transport.model_copy(update={"kind": "wecom" if alone else "wechaty"})
        self.config = config.model_copy(update=changes)
        self.clock = VirtualClock(dt.datetime.fromisoformat(start).replace(tzinfo=SHANGHAI), self.config.tz)
        fake.clock = lambda: self.clock.now().timestamp()  # WeCom's minute, in the test's time
        self.db_path = tmp_path / "store.db"
        self.puppet = Puppet(self.clock)
        self.transport = RobotsAlone(self.config) if alone else WithRobots(self.config, self.puppet)
        self.start()
        if alone:
            asyncio.run(_groups_of(self.transport, self.assistant))
        else:
            self.assistant.handle(Login(BOT, "小店助手"))
            self.assistant.handle(ContactSeen(OWNER, "店主"))
            for room, topic in ROOMS.items():
                self.assistant.handle(RoomSeen(room, topic, (OWNER, BOT, "wxid_a")))

    def start(self) -> None:
        """The bot (again, after a crash: same store, same clock)."""
        self.assistant = Assistant(self.config, open_store(self.db_path), self.clock, FEATURES, seed=1)

    def run_until(self, moment: str) -> None:
        target = dt.datetime.fromisoformat(moment).replace(tzinfo=SHANGHAI)
        asyncio.run(run_until(self.assistant, self.clock, target, self.transport))

    def post(self, room: str, text: str) -> int:
        return Context(self.assistant).say("light_content", "light_content", room=room, broadcast=True, text=text)

    def statuses(self) -> dict[str, int]:
        return dict(self.assistant.db.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall())


async def _groups_of(transport: RobotsAlone, assistant: Assistant) -> None:
    """What RobotsAlone.run tells the core at start (the groups it has robots for), without waiting for ever."""
    running = asyncio.ensure_future(transport.run(assistant.handle))
    await asyncio.sleep(0)
    running.cancel()


def test_a_flash_sale_with_its_picture_reaches_each_mapped_groups_robot_whole(tmp_path, fake):
    photo = png(640, 480, shade=90)
    shop = Shop(tmp_path, fake, FRIDAY_EVENING, picture=photo)
    shop.run_until("2026-11-27 20:05")
    for robot in ("普通会员群", "VIP福利群"):
        text, image = fake.taken_by(robot)
        assert text["body"]["msgtype"] == "text" and "闪购" in text["body"]["text"]["content"]
        assert image["body"]["msgtype"] == "image"
        assert picture_of(image) == photo
        assert image["body"]["image"]["md5"] == hashlib.md5(photo).hexdigest()
    assert set(fake.answers) == {0}
    assert [m for m in shop.puppet.said() if m["kind"] == "flash_sale"] == [], "no post went by the account too"
    assert fake.taken_by("店主群") == []


def test_posts_a_robot_carries_take_none_of_the_accounts_minutes(tmp_path, fake, monkeypatch):
    from handlers import campaigns

    monkeypatch.setattr(campaigns, "capacity", lambda *args: 0)  # the account's minutes all taken by other sends
    shop = Shop(tmp_path, fake, "2026-11-27 12:00")
    shop.run_until("2026-11-27 20:05")
    assert [len(fake.taken_by(robot)) for robot in ("普通会员群", "VIP福利群")] == [1, 1]
    assert "campaign_notice" not in [m["kind"] for m in shop.puppet.said()], "nothing moved, nothing said to be"


def test_21_posts_in_a_minute_to_one_robot_are_paced_and_none_is_refused(tmp_path, fake):
    shop = Shop(tmp_path, fake, "2026-11-25 12:00", per_chat_interval_seconds=0)
    for n in range(21):
        shop.post("r1@chatroom", f"降温了，围巾的第{n + 1}种系法")
    shop.run_until("2026-11-25 12:03")
    taken = fake.taken_by("普通会员群")
    assert len(taken) == 21 and set(fake.answers) == {0}
    assert [t["body"]["text"]["content"] for t in taken] == [f"降温了，围巾的第{n + 1}种系法" for n in range(21)]
    assert taken[19]["at"] - taken[0]["at"] < 10, "the first twenty go at once: a robot has no account to ban"
    assert taken[20]["at"] - taken[0]["at"] >= 60
    assert shop.statuses() == {"sent": 21}


def test_a_robot_keeps_the_chats_interval_beside_the_account(tmp_path, fake):
    shop = Shop(tmp_path, fake, "2026-11-25 12:00")
    for n in range(3):
        shop.post("r1@chatroom", f"第{n + 1}条")
    shop.run_until("2026-11-25 12:01")
    times = [t["at"] for t in fake.taken_by("普通会员群")]
    assert [round(b - a) for a, b in zip(times, times[1:])] == [3, 3]


def test_a_removed_key_refuses_its_posts_and_the_owner_is_told_once_which_robot_to_add_again(tmp_path, fake):
    shop = Shop(tmp_path, fake, "2026-11-25 12:00")
    fake.remove(REGULAR_KEY)
    for n in range(3):
        shop.post("r1@chatroom", f"第{n + 1}条")
    shop.post("r2@chatroom", "VIP 群照常")
    shop.run_until("2026-11-25 12:10")
    shop.post("r1@chatroom", "第4条")
    shop.run_until("2026-11-25 14:00")
    told = [m for m in shop.puppet.said() if m["kind"] == "robot_gone"]
    assert len(told) == 1 and told[0]["to"] == OWNER
    assert "「普通会员群」" in told[0]["text"] and "重新添加群机器人" in told[0]["text"]
    assert REGULAR_KEY not in told[0]["text"]
    assert [t["body"]["text"]["content"] for t in fake.taken_by("VIP福利群")] == ["VIP 群照常"]
    assert shop.statuses()["refused"] == 4
    reports = [m for m in shop.puppet.said() if m["kind"] == "outbox_report"]
    assert reports and "被微信拒收" in reports[0]["text"]


def test_over_the_rate_limit_a_post_waits_and_goes_once(tmp_path, fake):
    shop = Shop(tmp_path, fake, "2026-11-25 12:00")
    fake.fail("rate_limit", REGULAR_KEY)
    shop.post("r1@chatroom", "降温了")
    shop.run_until("2026-11-25 12:05")
    assert fake.answers == [45009, 0]
    assert len(fake.taken_by("普通会员群")) == 1 and shop.statuses() == {"sent": 1}


def test_a_post_left_unanswered_is_uncertain_never_sent_twice_and_reported(tmp_path, fake):
    shop = Shop(tmp_path, fake, "2026-11-25 12:00")
    fake.fail("no_answer", REGULAR_KEY)
    shop.post("r1@chatroom", "降温了")
    shop.run_until("2026-11-25 12:10")
    assert len(fake.taken_by("普通会员群")) == 1
    assert shop.statuses() == {"uncertain": 1, "sent": 1}  # the post, and the owner's report of it
    report = next(m for m in shop.puppet.said() if m["kind"] == "outbox_report")
    assert "可能未送达" in report["text"] and "普通会员群" in report["text"]


def test_a_post_whose_answer_comes_too_late_is_uncertain_and_never_sent_twice(tmp_path, fake, monkeypatch):
    monkeypatch.setattr(wecom_robot, "ANSWER_TIMEOUT_SECONDS", 0.5)
    shop = Shop(tmp_path, fake, "2026-11-25 12:00")
    fake.fail("timeout", REGULAR_KEY)
    shop.post("r1@chatroom", "降温了")
    shop.run_until("2026-11-25 12:10")
    assert len(fake.taken_by("普通会员群")) == 1
    assert shop.statuses() == {"uncertain": 1, "sent": 1}


def test_an_http_error_gives_the_post_up_and_reports_it(tmp_path, fake):
    shop = Shop(tmp_path, fake, "2026-11-25 12:00")
    fake.fail("http_500", REGULAR_KEY)
    shop.post("r1@chatroom", "降温了")
    shop.run_until("2026-11-25 12:10")
    assert fake.taken_by("普通会员群") == [] and shop.statuses()["refused"] == 1
    assert any(m["kind"] == "outbox_report" for m in shop.puppet.said())


def test_a_crash_mid_send_leaves_the_post_uncertain_and_the_rest_go_once(tmp_path, fake):
    shop = Shop(tmp_path, fake, "2026-11-25 12:00")
    for n in range(3):
        shop.post("r1@chatroom", f"第{n + 1}条")
    # the bot dies after taking the first for sending, before it hears back
    message, _ = shop.assistant.outbox.take_due(shop.clock.now())
    shop.assistant.db.conn.commit()
    asyncio.run(shop.transport.send(message))
    shop.start()
    shop.run_until("2026-11-25 12:10")
    contents = [t["body"]["text"]["content"] for t in fake.taken_by("普通会员群")]
    assert contents == ["第1条", "第2条", "第3条"]
    assert shop.statuses() == {"uncertain": 1, "sent": 3}


def test_on_robots_alone_the_groups_come_from_the_robots_and_the_owner_hears_by_the_owner_robot(tmp_path, fake):
    shop = Shop(tmp_path, fake, FRIDAY_EVENING, alone=True)
    shop.run_until("2026-11-27 20:05")
    assert [t["body"]["msgtype"] for t in fake.taken_by("普通会员群")] == ["text"]
    assert [t["body"]["msgtype"] for t in fake.taken_by("VIP福利群")] == ["text"]
    Context(shop.assistant).tell_owner("outbox_report", "robot_check")
    shop.run_until("2026-11-27 20:06")
    assert robot_texts(fake) == ["连接测试"], "once, though the shop has two owner ids in one staff group"
    shop.run_until("2026-11-27 21:01")  # the figures /status would give, since nobody can ask
    figures = robot_texts(fake)[1]
    assert figures.startswith("【每日简报 2026-11-27 21:00】") and "今天已发 3 条" in figures
    assert "群机器人：2 个群" in figures


def robot_texts(fake: FakeWecom, robot: str = "店主群") -> list[str]:
    return [t["body"]["text"]["content"] for t in fake.taken_by(robot)]


def test_the_link_down_past_the_delay_alerts_the_owner_robot_once_relays_the_complaint_reminders_and_tells_the_return(
        tmp_path, fake):
    shop = Shop(tmp_path, fake, "2026-11-25 10:00")
    shop.assistant.handle(Message("wxid_a", "杯子收到是碎的，太失望了", "r1@chatroom"))
    shop.run_until("2026-11-25 10:10")
    assert [m["kind"] for m in shop.puppet.said()] == ["complaint_ack", "complaint_alert"]
    shop.puppet.down = True
    shop.assistant.handle(Message(OWNER, "/status"))  # its answer is caught by the drop: it waits for WeChat
    shop.assistant.handle(Logout())
    shop.run_until("2026-11-25 10:14")
    assert robot_texts(fake) == [], "a drop may mend itself within the delay"
    shop.run_until("2026-11-25 11:10")
    alert, reminder, overdue = robot_texts(fake)
    assert "机器人连不上微信：从今天10:10起" in alert and "bot.py doctor" in alert
    assert reminder.startswith("【微信断线，经企业微信转发】") and "#1" in reminder
    assert overdue.startswith("【微信断线，经企业微信转发】")
    reminded_at = fake.taken_by("店主群")[1]["at"]
    assert reminded_at - dt.datetime.fromisoformat("2026-11-25T10:45:00+08:00").timestamp() < 60, \
        "on time, not behind the answer waiting for WeChat"
    shop.puppet.down = False
    shop.assistant.handle(Login(BOT, "小店助手"))
    shop.run_until("2026-11-25 11:20")
    back = robot_texts(fake)[3:]
    assert len(back) == 1 and "微信已恢复连接" in back[0] and "中断了1小时" in back[0]
    assert shop.statuses().get("queued", 0) == 0
    assert [m["kind"] for m in shop.puppet.said()][2:] == ["command_reply"], "the rest went by the robot, once"


def test_a_logout_alerts_at_once_and_a_drop_mended_within_the_delay_alerts_nobody(tmp_path, fake):
    shop = Shop(tmp_path, fake, "2026-11-25 10:00")
    shop.assistant.handle(Logout())
    shop.run_until("2026-11-25 10:03")
    shop.assistant.handle(Login(BOT, "小店助手"))
    shop.run_until("2026-11-25 10:30")
    assert robot_texts(fake) == []
    shop.assistant.handle(Logout(logged_out=True))
    shop.run_until("2026-11-25 10:31")
    (alert,) = robot_texts(fake)
    assert "微信账号已退出登录" in alert and "扫码" in alert


def test_a_link_that_never_comes_up_after_a_restart_is_alerted_too(tmp_path, fake):
    shop = Shop(tmp_path, fake, "2026-11-25 10:00")
    shop.run_until("2026-11-25 10:01")
    shop.start()  # a restart (the store still says "online", from the run before), and the service never answers
    shop.run_until("2026-11-25 10:05")
    assert robot_texts(fake) == []
    shop.run_until("2026-11-25 10:07")
    (alert,) = robot_texts(fake)
    assert "机器人连不上微信：从今天10:01起" in alert


def test_without_an_owner_robot_nothing_changes(tmp_path, fake):
    shop = Shop(tmp_path, fake, "2026-11-25 10:00", owner_robot=False)
    shop.assistant.handle(Message("wxid_a", "杯子收到是碎的，太失望了", "r1@chatroom"))
    shop.run_until("2026-11-25 10:01")
    shop.puppet.down = True
    shop.assistant.handle(Logout())
    shop.run_until("2026-11-25 12:00")
    assert fake.taken == []
    shop.puppet.down = False
    shop.assistant.handle(Login(BOT, "小店助手"))
    shop.run_until("2026-11-25 12:10")
    assert [m["kind"] for m in shop.puppet.said()][-2:] == ["complaint_reminder", "complaint_overdue"]


def wecom_config(tmp_path, fake: FakeWecom, *, kind: str = "wecom", owner: str = f'"{OWNER_KEY}"',
                 groups: str = f'"普通会员群" = "{REGULAR_KEY}"', extra: str = "") -> Path:
    text = DEFAULT_CONFIG.read_text(encoding="utf-8").replace('kind = "console"', f'kind = "{kind}"')
    text = text.replace('ids = ["wxid_owner_placeholder"]', f'ids = ["{OWNER}"]')
    text += f'\n[wecom]\napi_base = "{fake.base}"\nowner_robot = {owner}\n{extra}\n[wecom.group_robots]\n{groups}\n'
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_doctor_on_robots_alone_sends_the_owner_robot_one_line_and_no_customer_group_anything(tmp_path, fake):
    result = run_bot("doctor", "--config", str(wecom_config(tmp_path, fake)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "店主群机器人：连接正常" in result.stdout and "不在顾客群里发测试消息" in result.stdout
    assert robot_texts(fake) == ["连接测试"] and fake.taken_by("普通会员群") == []
    assert OWNER_KEY not in result.stdout + result.stderr


def test_doctor_says_when_the_owner_robot_is_gone_and_when_no_second_channel_is_set(tmp_path, fake):
    fake.remove(OWNER_KEY)
    gone = run_bot("doctor", "--config", str(wecom_config(tmp_path, fake)))
    assert gone.returncode == 1 and "密钥不对，或机器人已被移出店主群" in gone.stderr
    assert OWNER_KEY not in gone.stdout + gone.stderr
    none = run_bot("doctor", "--config", str(wecom_config(tmp_path, fake, kind="wecom", owner='""')))
    assert "第二通道：没有设置" in none.stdout


def test_a_key_may_come_from_the_environment_and_a_bad_one_is_refused_without_being_shown(tmp_path, fake, monkeypatch):
    monkeypatch.setenv("SHOP_OWNER_ROBOT_KEY", OWNER_KEY)
    config = load_config(wecom_config(tmp_path, fake, owner='"env:SHOP_OWNER_ROBOT_KEY"'))
    assert config.wecom.owner_robot == OWNER_KEY
    pasted = f'"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={VIP_KEY}"'
    assert load_config(wecom_config(tmp_path, fake, owner=pasted)).wecom.owner_robot == VIP_KEY
    with pytest.raises(ConfigError) as refused:
        load_config(wecom_config(tmp_path, fake, owner='"env:NOBODY_SET_THIS"', groups='"普通会员群" = "k e y!"'))
    lines = str(refused.value).splitlines()[1:]
    assert any("wecom.owner_robot（店主群机器人密钥）：环境变量 NOBODY_SET_THIS 没有设置" in line for line in lines)
    assert any("wecom.group_robots.普通会员群" in line and "不像群机器人的 Webhook 密钥" in line for line in lines)
    assert "k e y!" not in str(refused.value)


def test_a_robot_for_a_group_the_shop_does_not_list_is_named_by_check_config(tmp_path, fake):
    path = wecom_config(tmp_path, fake, kind="wechaty", groups=f'"普通会员君" = "{REGULAR_KEY}"',
                        extra='alert_after_minutes = 10')  # config.toml lists 普通会员群 and VIP福利群
    result = run_bot("check-config", "--config", str(path))
    assert result.returncode == 2
    assert "「普通会员君」不是店铺的群" in result.stderr and "是不是「普通会员群」？" in result.stderr
    assert REGULAR_KEY not in result.stderr


def test_robot_keys_are_masked_in_every_log_line(tmp_path, fake, caplog):
    load_config(wecom_config(tmp_path, fake))
    record = logging.LogRecord("x", logging.WARNING, "x", 1, "posting with %s and %s", (OWNER_KEY, REGULAR_KEY), None)
    logs.REDACTOR.filter(record)
    assert record.getMessage() == "posting with [secret] and [secret]"


def noise_png(width: int, height: int) -> bytes:
    """A PNG that does not compress: random pixels, about 3 bytes a pixel."""
    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), random.Random(7).randbytes(width * height * 3)).save(out, "PNG")
    return out.getvalue()


def test_a_picture_over_2_mb_is_re_encoded_once_when_set_and_each_robot_gets_the_fitted_one(tmp_path, fake):
    photo = noise_png(1200, 1000)
    assert len(photo) > 2 * 1024 * 1024
    shop = Shop(tmp_path, fake, FRIDAY_EVENING, picture=photo)
    shop.run_until("2026-11-27 20:05")
    pictures = {picture_of(fake.taken_by(robot)[1]) for robot in ("普通会员群", "VIP福利群")}
    (fitted,) = pictures
    assert fitted.startswith(b"\xff\xd8") and len(fitted) <= 2 * 1024 * 1024
    assert Image.open(io.BytesIO(fitted)).size == (1200, 1000)


def test_a_campaign_text_too_long_for_a_robot_is_refused_when_written_not_cut_when_sent(tmp_path):
    config = load_config().with_owners([OWNER])
    robots = config.model_copy(update={"wecom": WecomConfig(group_robots={"普通会员群": REGULAR_KEY})})
    long_sale = say("2026-11-25 10:01", OWNER, "/campaign add 闪购 周四 20:00 8折 " + "🧣" * 480, room=None)
    refused = replay_events([*conftest_shop(), long_sale], config=robots)
    assert "企业微信群机器人一条最多 2048 字节" in refused[-1]["text"]
    assert "已添加" not in refused[-1]["text"]
    accepted = replay_events([*conftest_shop(), long_sale], config=config)
    assert "已添加" in accepted[-1]["text"], "without robots, WeChat takes it"


def test_a_campaign_in_config_too_long_for_a_robot_stops_the_load_naming_the_key(tmp_path, fake):
    products = "[" + ", ".join(f'"🧣羊毛围巾{n}号"' for n in range(100)) + "]"
    path = wecom_config(tmp_path, fake)
    path.write_text(path.read_text(encoding="utf-8").replace("products = [", f"products = {products}\n# [", 1),
                    encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    assert "campaigns.flash_sale.products（闪购商品）：这条推送有" in str(refused.value)
    assert "企业微信群机器人一条最多 2048 字节" in str(refused.value)


def test_check_config_rehearses_a_month_on_robots_alone_without_a_failure(tmp_path, fake):
    result = run_bot("check-config", "--config", str(wecom_config(tmp_path, fake)), timeout=300)
    assert result.returncode == 0, result.stderr
    assert fake.taken == [], "the rehearsal sends nothing to a real robot"


def test_with_no_groups_listed_check_config_names_a_robots_group_the_account_was_never_seen_in(tmp_path, fake):
    path = wecom_config(tmp_path, fake, kind="wechaty", groups=f'"普通会员君" = "{REGULAR_KEY}"')
    text = path.read_text(encoding="utf-8")
    text = text.replace('vip_rooms = ["VIP福利群"]', "vip_rooms = []").replace('regular_rooms = ["普通会员群"]', "regular_rooms = []")
    path.write_text(text, encoding="utf-8")
    store = open_store(tmp_path / "store.db")  # [store] path: beside the config file
    store.execute("INSERT INTO rooms (id, topic) VALUES ('r1@chatroom', '普通会员群')")
    store.conn.commit()
    store.close()
    result = run_bot("check-config", "--config", str(path))
    assert result.returncode == 2 and "不认识的群：普通会员君" in result.stderr
