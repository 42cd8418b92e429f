"""How well advertising is told from members' messages, on the labelled sets of tests/fixtures:

    python bench/spam_accuracy.py

prints, for each set, precision and recall of "is advertising" as the bot judges it (handlers/spam_rules.py: a
newcomer without an order is judged strictly), the same for newcomers and for the others, and every message it
gets wrong; then the time one message costs (the median and p99 of signals(), what the bot runs on every group
message); and the time reading a picture for QR codes costs (handlers/qr_codes.py, run on each member's picture
in a shop group): a 1080p photo (a JPEG, as WeChat sends one) without a code and with one, and a 12-megapixel
original.
Goal: precision at least 0.95 (an alert the owner learns to ignore is worse than none), signals() under 0.1 ms, a
picture under 100 ms.

Each set is labelled development or held-out, and only a held-out figure estimates how the rules do on wording
they have not seen:
- spam_labelled.csv (236 messages, 88 advertising), development: written by hand first, hard negatives included
  (the shop's own links, a phone number given for delivery, 代购, 兼职 in passing, a member asking for the shop's
  WeChat, order ids and prices); the rules were written and adjusted while looking at it.
- spam_holdout.csv (50 messages, 20 advertising), development since: written after the rules and held out, until
  its two false alarms (a member's own 兼职 "…白天不在家", a newcomer's friend who is an agent) led to the rules'
  second version.
- spam_holdout2.csv (145 messages, 63 advertising), development since: held out for the second version
  (precision 0.875, recall 0.556) until its mistakes (phone numbers and ids given to the shop, 兼职 said of oneself,
  "你们招不招…", trades such as 贷款 or 代开发票 without a sign word) led to the rules' third version.
- spam_holdout3.csv (173 messages, 70 advertising), development since: held out for the third version (precision
  0.885, recall 0.771; established members 0.400 on 5 flagged) until its mistakes (phone numbers given for a
  delivery in new wordings, an id given to 老板, 兼职 at a named place, 跑滴滴, a scam warning naming 刷单, 进群 talk)
  led to the rules' fourth version, with its precision-first policy for established members.
- spam_holdout4.csv (153 messages, 60 advertising), development since: held out for the fourth version (precision
  0.943, recall 0.833) until its mistakes (a phone number given with "下午才有人", a member's own "家教兼职", a
  question how to get the coupon of 进群领券; adverts without a sign word: "转发朋友圈就有收入", "诚聘主播…私信", a
  公众号 to follow; "京东卡…加微信" read as a delivery because 京东 was a courier's name) led, with spam_dev5.csv,
  to the rules' fifth version: weak words count only with the context that makes them an offer (a phone number
  alone is none), and adverts are read by what they ask of the group.
- spam_dev5.csv (206 messages, 71 advertising), development: written for the fifth version before its rules were
  changed, mostly hard negatives of kinds the earlier sets lacked (phone numbers, ids, e-mail addresses given in new
  wordings; members' and their families' jobs; scam warnings that name the scam; the shop's own coupons, groups,
  live streams and 拼团; money talk among friends; links to well-known sites; order ids, tracking numbers, prices
  and dates) and adverts in new wordings (an id in disguise, 看我头像, 引流 to other platforms, 砍一刀 and 助力,
  套现, 一件代发, 带单, adverts without a sign word). A member recommending another member's homemade food
  ("李姐做的腊肠太香了，可以问问她") is labelled no advert: the shop welcomes it, it offers nothing of the
  sender's and no way to reach them; offering one's own ("我家自己做的手工皂，想要的找我") is one. Committed before
  the fifth version's rules were changed (precision 0.403, recall 0.408 on the fourth), then developed on.
- spam_holdout5.csv (260 messages, 105 advertising), development since: written by someone who had not read the
  rules or the earlier sets, and held out for the fifth version (precision 0.976, recall 0.790) until its mistakes
  led, with spam_dev6.csv, to the rules' sixth version: the shop's own channel named by the shop's name, a joke
  that denies easy money ("月入过万是不可能的"); adverts of kinds the rules did not know: an invitation to another
  group ("扫码进群", "移步新群", "推荐个群…我拉你"), a prize to claim from a "客服", lures ("只需付邮费", "每人可
  领"), interest and tips ("月息3分", "胜率90%"), miracle cures with a buy, cheap 话费 and 信用卡, a new WeChat id
  after a "changed number", and ids and words disguised (mixed numerals, "➕我", "兼🉐职", traditional characters).
- spam_dev6.csv (165 messages, 43 advertising), development: written for the sixth version before its rules were
  changed, mostly hard negatives aimed at its new patterns (扫码 to pay or open a parcel locker, 长按 the shop's
  mini program, the shop's own free gifts, coupons, lucky draws, new groups and live streams, 话费, 信用卡, 理财 and
  利息 among members, one's own diet, a changed phone number given for delivery, jokes and denials of easy money)
  and adverts of holdout5's missed kinds in other wordings (precision 0.633, recall 0.442 on the fifth version), then
  developed on.
- spam_holdout6.csv (260 messages, 105 advertising), development since: written by someone who had not read the
  rules or the earlier sets, and held out for the sixth version (precision 0.947, recall 0.676) until its mistakes
  led, with spam_dev7.csv, to the rules' seventh version: talk about adverts ("网贷广告太多了，天天弹窗"), a map
  app's link from a subdomain ("uri.amap.com/marker…"), "一包过期" read as "包过", a question to 老板 about 一件代发;
  adverts without a sign word (驾照分代扣, 办证, money recovered, gambling games, 加盟 with 回本, accounts and SIM
  cards bought, cheap 流量卡 and memberships, a shop or account elsewhere to search and follow, a phone or QQ number
  in Chinese numerals, ν信, returns paid monthly, 发展下线, "地址私信我").
- spam_dev7.csv (96 messages, 16 advertising), development: written for the seventh version before its rules were
  changed, mostly hard negatives of holdout6's false alarms' kinds and others that share adverts' words: talk about
  adverts and scams (骚扰电话, 弹窗, "又有人发广告了", 刷单 and 办证 as scams told of), map and review links from
  subdomains (uri.amap.com, j.map.baidu.com, m.dianping.com, i.meituan.com), "一包过期", "面包过两天", questions to
  老板 and the shop about 代发, 代购, 代理, 批发 and 回收, feedback to the shop ("下次注意呀"), members' own 驾照分,
  流量卡, 视频会员, 淘宝店 and 加盟 in passing; and adverts of holdout6's missed kinds in other wordings (precision
  0.111, recall 0.188 on the sixth version), then developed on.
- spam_holdout7.csv (300 messages, 120 advertising), development since: written by someone who had not read the
  rules or the earlier sets, and held out for the seventh version (precision 0.942, recall 0.542) until its mistakes
  led, with spam_dev8.csv, to the eighth version: its four false alarms (a denial "咱家不做加盟，也暂时不招代理", "买彩
  票从来没中过", a newcomer's question "请问可以一件代发吗？", talk about an advert "有人在群里说投资稳赚，笑死") were
  of kinds seen before in other words, so the eighth version answers them with general policies rather than phrases
  (precision 1.000, recall 0.525 on the eighth; its adverts' misses were not developed on).
- spam_dev8.csv (110 messages, 8 advertising), development: written for the eighth version before its rules were
  changed, mostly hard negatives of the kinds behind each round's false alarms, in new words: questions that name an
  advert's word ("能不能一件代发？", "日结的工作靠谱吗？"), denials ("本店不做代理，也不招加盟", "没买过彩票"), talk
  about adverts and scams ("笑死，又有人说在家躺赚", "他们说刷单能赚钱，结果押金都没了"), the shop's own posts and
  channels, and established members' talk with order ids, numbers and links; and a few adverts that ask or deny with
  a way to reach the sender ("想要在家赚钱吗？日结200，私我"). Committed before the eighth version's rules were changed
  (precision 0.267, recall 1.000 on the seventh: 22 false alarms), then developed on.
- spam_holdout8.csv (400 messages, 160 advertising), development since: written by someone who had read neither
  the rules nor the earlier sets, and held out for the eighth version (precision 0.963, recall 0.481; newcomers
  without orders 0.538, established members 0.233) until its mistakes led, with spam_dev9.csv, to the ninth
  version: half of its adverts were of kinds the rules did not know (local services pushing in, goods of one's own
  with a price, fake officials and customer service, courses, gambling, coins, memberships and accounts sold,
  health claims), which the ninth version reads as a newcomer's weak sign. Among its "ok" messages are a few the
  shop itself posts (its hiring, its delivery notes), which the bot never judges when the poster is in config's
  owner ids: the bench judges them as a member's, so they can only lower its figure.
- spam_dev9.csv (139 messages, 15 advertising), development: its first 114 written for the ninth version before
  its rules were changed, mostly newcomers' hard negatives for the kinds it adds: a nail salon, a massage, a gym, a
  removal or a cleaner they used, their own 医保, 社保, 退税 and 理赔, their child's 网课 and 驾校, a lottery joke, a
  大闸蟹 or 脐橙 bought elsewhere with its price, their diet and hair loss, a game's 小号, a membership bought; and
  adverts of those kinds in other words (precision 0.714, recall 0.333 on the eighth: two false alarms, "我买彩票中了
  五块", "我家狗寄养在朋友家，一天四十"), then developed on. The last 25, newcomers' talk of the same kinds, were
  written as a check on the first rules of the ninth version, which alerted on four of them (a gym's opening "有人
  一起去吗", a cleaner hired, a trial class, material a teacher recommended), and added once those were answered.
- spam_holdout9.csv (400 messages, 160 advertising; no post of the shop's own), held-out: written by someone who had
  read neither the rules nor the earlier sets, from a brief that named no earlier mistake, while the ninth version
  was made; committed before it was merged, and run once on it and once on the eighth (precision 1.000 for both,
  recall 0.669 and 0.556).
"""

from __future__ import annotations

import csv
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from handlers.qr_codes import qr_texts  # noqa: E402
from handlers.spam_rules import judge, signals  # noqa: E402

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
LABELLED = FIXTURES / "spam_labelled.csv"
# Each set and what its figures are: see the top.
SETS = (
    (LABELLED, "development"),
    (FIXTURES / "spam_holdout.csv", "development (was held out; its mistakes were looked at)"),
    (FIXTURES / "spam_holdout2.csv", "development (was held out; its mistakes were looked at)"),
    (FIXTURES / "spam_holdout3.csv", "development (was held out; its mistakes were looked at)"),
    (FIXTURES / "spam_holdout4.csv", "development (was held out; its mistakes were looked at)"),
    (FIXTURES / "spam_dev5.csv", "development"),
    (FIXTURES / "spam_holdout5.csv", "development (was held out; its mistakes were looked at)"),
    (FIXTURES / "spam_dev6.csv", "development"),
    (FIXTURES / "spam_holdout6.csv", "development (was held out; its mistakes were looked at)"),
    (FIXTURES / "spam_dev7.csv", "development"),
    (FIXTURES / "spam_holdout7.csv", "development (was held out; its mistakes were looked at)"),
    (FIXTURES / "spam_dev8.csv", "development"),
    (FIXTURES / "spam_holdout8.csv", "development (was held out; its mistakes were looked at)"),
    (FIXTURES / "spam_dev9.csv", "development"),
    (FIXTURES / "spam_holdout9.csv", "held-out"),
)
# The shop's own links in the set, as config.toml's [spam] shop_links would give them.
SHOP_LINKS = ("haowu.example.cn", "#小程序://好物小店")
TIMING_ROUNDS = 20
PICTURE_ROUNDS = 10


def read_set(path: Path = LABELLED) -> list[dict]:
    """The labelled messages: text, spam (bool), strict (joined in the last 48 hours and has no order)."""
    with path.open(encoding="utf-8", newline="") as file:
        return [
            {"text": row["text"], "spam": row["label"] == "spam",
             "strict": row["joined_recently"] == "1" and row["has_orders"] == "0"}
            for row in csv.DictReader(file)
        ]


def verdicts(rows: list[dict]) -> list[tuple[dict, list[str]]]:
    return [(row, judge(row["text"], strict=row["strict"], shop_links=SHOP_LINKS)) for row in rows]


def scores(judged: list[tuple[dict, list[str]]]) -> tuple[float, float, int, int]:
    """Precision, recall, how many were flagged and how many are advertising."""
    flagged = [row for row, reasons in judged if reasons]
    spam = [row for row, _ in judged if row["spam"]]
    hits = sum(1 for row in flagged if row["spam"])
    return (hits / len(flagged) if flagged else 0.0), (hits / len(spam) if spam else 0.0), len(flagged), len(spam)


def timing(rows: list[dict]) -> tuple[float, float]:
    """Median and p99 of one signals() call, in milliseconds."""
    samples = []
    for _ in range(TIMING_ROUNDS):
        for row in rows:
            start = time.perf_counter()
            signals(row["text"], SHOP_LINKS)
            samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99)]


def photo(path: Path, width: int, height: int, code: str | None) -> Path:
    """A photo-like JPEG (a gradient with noise), with a QR code holding `code` in it when given."""
    import numpy as np
    import zxingcpp
    from PIL import Image

    y, x = np.mgrid[0:height, 0:width]
    colours = np.stack([x / width * 200 + 30, y / height * 180 + 40, (x + y) / (width + height) * 150 + 60], -1)
    noisy = colours + np.random.default_rng(0).normal(0, 12, colours.shape)
    picture = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
    if code:
        qr = zxingcpp.write_barcode_to_image(zxingcpp.create_barcode(code, zxingcpp.BarcodeFormat.QRCode),
                                             scale=width // 200)
        picture.paste(Image.fromarray(np.asarray(qr)).convert("RGB"), (width // 2, height // 4))
    picture.save(path, quality=90)
    return path


def picture_timing() -> None:
    """Print the median time qr_texts() takes per picture, and what it found."""
    with tempfile.TemporaryDirectory() as folder:
        for name, width, height, code in (("1080p photo, no code", 1920, 1080, None),
                                          ("1080p photo with a QR code", 1920, 1080, "https://weixin.qq.com/g/AbCd"),
                                          ("12-megapixel photo with a QR code", 4000, 3000, "https://u.wechat.com/Ab")):
            path = photo(Path(folder) / f"{width}-{bool(code)}.jpg", width, height, code)
            found = qr_texts(path)  # the first call also pays for the imports
            samples = []
            for _ in range(PICTURE_ROUNDS):
                start = time.perf_counter()
                qr_texts(path)
                samples.append((time.perf_counter() - start) * 1000)
            print(f"  {name:<34} median {statistics.median(samples):6.1f} ms  found {found}")


def report(path: Path, what: str) -> list[dict]:
    """Print one set's figures and its mistakes; return its messages."""
    rows = read_set(path)
    judged = verdicts(rows)
    print(f"{path.name} [{what}]: {len(rows)} messages, {sum(r['spam'] for r in rows)} advertising")
    for name, part in (("all", judged), ("newcomers without orders (strict)", [j for j in judged if j[0]["strict"]]),
                       ("everyone else", [j for j in judged if not j[0]["strict"]])):
        precision, recall, flagged, spam = scores(part)
        print(f"  {name:<36} precision {precision:.3f}  recall {recall:.3f}  ({flagged} flagged, {spam} advertising)")
    wrong = [(row, reasons) for row, reasons in judged if bool(reasons) != row["spam"]]
    print(f"  wrong ({len(wrong)}):")
    for row, reasons in wrong:
        what = "false alarm" if reasons else "missed"
        print(f"    {what:<11} {'strict' if row['strict'] else 'normal'}  {row['text']}  {reasons or ''}")
    return rows


def main() -> None:
    rows = [row for path, what in SETS for row in report(path, what)]
    print("goal: precision >= 0.95")
    median, p99 = timing(rows)
    print(f"time per message: median {median:.4f} ms, p99 {p99:.4f} ms (goal: under 0.1 ms)")
    print("time per picture, reading its QR codes (goal: under 100 ms):")
    picture_timing()


if __name__ == "__main__":
    main()
