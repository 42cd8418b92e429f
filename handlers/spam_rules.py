"""What reads as advertising in a shop group, as rules with reasons: shared by handlers/spam.py, the bench
(bench/spam_accuracy.py) and the tests, so that the figure the bench prints is the bot's own.

Advertisers who join a shop's group post the same few things: a link, a WeChat or QQ id or a phone number to add,
and work-from-home offers (兼职日结, 刷单, 宝妈在家, 招代理, 高佣). They write them apart to slip past keyword
filters ("加 V", "v❤信", "ｗｘ", "兼.职"), so the text is read three ways: NFKC-folded (full-width letters become
ASCII), without spaces, and squeezed to letters, digits and Chinese characters only.

A member of the shop says the same words in passing: "我兼职做老师", "你们招代理吗？", "收货电话 138…", the shop's own
mini-shop link. So a signal is strong (alone it is advertising: a link not the shop's, an id or a phone number
offered to the group, recruiting or earning with a figure, an invite code) or weak (advertising only from a newcomer
without an order: `strict`). Precision comes first for everyone else, who joined more than 48 hours ago or has
ordered: a false alarm pesters the owner about a customer, a miss is one advert members scroll past, so their weak
signals never count, however many. A member's question to the shop does not count its weak signals, nor does a
warning about a scam count the scam's words ("小心刷单诈骗"). A newcomer's words count
for more, so the weak words are those of offers, not of members' lives: 代理 is not one (the shop's own agents: "朋友
在做这个代理，推荐我来的"), nor 兼职 said of oneself ("我周末在奶茶店兼职"); and 兼职 or 在家 is strong only as an
offer ("兼职日结", "在家就能赚"), never across a member's day ("兼职送外卖，白天不在家"), nor said of oneself
("学生党，兼职赚的钱买的"). A phone number or an id given to the shop (naming 店主 or 客服, or speaking of a delivery,
an order or after-sales: "到货了打 150…", "我微信号是 …，店主加我一下", or of who brings the parcel and when one
is at home: "顺丰小哥打 137…", "周末才在家"; or addressing 老板: "老板，我vx是…") is no offer to the group,
and a question to the shop is one without 吗 too ("你们招不招…"). The trades advertisers push (贷款, 保险, 代开发票, 复刻, 代购…) are
words of members' lives as well ("我老公做保险的", "这个是高仿吧"): they are advertising only with a way to reach the
sender ("找我", "私聊", an id) or an offer to whoever needs it ("有需要的…"), as is any "需要的朋友私聊我".

A picture's QR codes (read by handlers/qr_codes.py) are judged here too (picture_signals): a WeChat or QQ invite,
to add someone or join a group, is strong, like a WeChat id offered in words; any other code is weak, since members
share payment screenshots, parcel labels and packaging that carry one; the shop's own links are none. A newcomer's
QR code is therefore enough alone, a member's only with words of advertising or "扫码" next to it (with_words),
which offer the code to the group as "加我" offers an id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.commands import plain
from core.text import excerpt

# The reasons, in the owner's words: what the alert says after "原因：".
LINK = "发了链接"
CONTACT = "留了微信号、QQ号或手机号让人加"
RECRUIT = "招兼职、刷单、代理之类的广告用语"
ADD_ME = "让人加微信或QQ"
PHONE = "留了手机号"
AD_WORDS = "有兼职、赚钱、副业之类的词"
PAY = "开出了工钱（一小时、一天、一单多少钱）"
SELLS = "推销自己的生意或货（贷款、保险、代开发票、仿品之类），让人找他"
QR_INVITE = "发了二维码图片（加微信、QQ好友或进群的二维码）"
QR_PAYMENT = "发了二维码图片（收款码）"
QR_LINK = "发了二维码图片（链接：{}）"
QR_CODE = "发了二维码图片"
SCAN_ME = "让人扫码"

# Look-alikes advertisers write to slip past filters (加薇, ➕V); NFKC has folded Ⓥ and ｖ already. Hearts put
# inside a word ("薇❤信", "v❤") go.
_CONFUSABLES = str.maketrans({"薇": "微", "威": "微", "徽": "微", "➕": "+", "叩": "扣",
                              **dict.fromkeys("❤♥♡💕💗💖💓", None)})

_TLDS = "com|cn|net|org|top|xyz|vip|cc|shop|link|me|io|co|info|club|site|online|store|app|ltd|fun|icu|wang|ink|pro"
# A link: a scheme, www., a mini-program link, or a host ending in a common top-level domain ("点com" too).
_LINK = re.compile(
    rf"(?:https?://|www[.。点])\S+|#小程序://\S+|(?<![a-z0-9@])(?:[a-z0-9-]+(?:[.。点]))+(?:{_TLDS})(?![a-z])(?:/\S*)?"
)
_HOST = re.compile(r"^(?:https?://)?([^/\s?#]+)")
# What a QR code holds: an invite to add a WeChat or WeCom contact, join a WeChat group, add a QQ contact or group;
# a payment code (WeChat Pay's, Alipay's).
_INVITE = re.compile(r"(?:https?://)?(?:u\.wechat\.com/|weixin\.qq\.com/[gr]/|work\.weixin\.qq\.com/(?:u|gm|ca)/"
                     r"|qm\.qq\.com/|jq\.qq\.com/)")
_PAYMENT = re.compile(r"wxp://|(?:https?://)?(?:qr\.alipay\.com|payapp\.weixin\.qq\.com)/")
# Words that point at a picture's code: "扫码进群" is strong already; "长按识别", "扫一扫" are not, without one.
_SCAN = re.compile(r"扫码|扫一扫|扫描|长按识别|识别二维码|扫我")
# An id after the words that offer it: "vx: abc_123", "加V 13812345678", "扣扣 123456789", a group's ("扣扣群
# 5678…", "群号"), another platform's account to search ("抖音号 abc123"); 微 alone only right before the id ("薇❤:").
_ID_WORDS = (r"(?<![a-z])(?:vx|wx|v信|微信号?|加v|加微|\+v|\+微|v(?=[:：])|微(?=[:：a-z0-9])|扣扣|kou扣|扣|qq号?|q号|q|企鹅"
             r"|(?:抖音|快手|小红书|视频)号)(?:群号?)?|群号")
_OFFERED_ID = re.compile(rf"(?:{_ID_WORDS})[:：是为]?([a-z][-_a-z0-9]{{5,19}}|\d{{5,12}})(?![a-z0-9])")
_PHONE = re.compile(r"(?<!\d)1[3-9](?:[\s\-.·_*]*\d){9}(?!\d)")
# A phone number or an id given to the shop, not offered to the group: the message names the shop's people or
# speaks of a delivery, an order or after-sales ("到货了打 150…", "我微信号是 …，店主加我一下发个售后").
_FOR_SHOP = re.compile(r"店主|(?<![招聘宝上])客服|掌柜|店家|收货|收件|快递|物流|地址|寄|配送|送货|送之前|派送|驿站|丰巢|到了|到货|签收"
                       r"|发货|补发|手机号|订单|下单|售后|退货|退换|换货|退款|发票|改成|改为|换成"
                       # who brings the parcel and where it is left, and when the member is at home
                       r"|顺丰|京东|中通|圆通|韵达|申通|邮政|小哥|门卫|门口|物业|前台|取件|(?<!不)在家(?!就|可|也|轻松|赚|做)"
                       # the shop's owner addressed ("老板，我vx是…"); "各位老板", "需要的老板" are the group
                       r"|^老板|(?<![各位的])老板[，,、加你您]")
# An advertiser's excuse to the group's owner ("打扰群主了", "店主见谅") names the shop's people too: not for the shop.
_EXCUSE = re.compile(r"打扰|见谅|勿怪|别踢|不要踢|莫怪")
_SAME_NUMBER = re.compile(r"同号")
# A warning about a scam names the scam's words ("小心刷单诈骗", "有人私聊你让你刷单，千万别理"): those words do not
# count, only a link or an id left to add. Advertisers' "不是骗子", "非诈骗" warn of nothing.
_WARNS = re.compile(r"(?<![不非没])(?:诈骗|骗子|骗局|被骗|骗钱|骗人|是假的|都是假)|千万(?:别|不要)(?:信|理|点|加|转|上当)"
                    r"|别上当|不要上当|小心.{0,8}(?:骗|刷单|链接|私聊)|当心|举报|报警")  # 微信同号: the phone number is the WeChat id too

_STRONG_WORDS = re.compile("|".join((
    r"刷单", r"刷信誉", r"刷好评", r"代刷", r"有偿(?:投票|点赞|关注|评论|求助)", r"日结", r"一单一结", r"高佣", r"高额佣金",
    r"宝妈在家.{0,4}(?:做|赚|兼职|创业|副业)",
    # Working from home as an offer ("在家就能赚", "在家可做"); "我在家做饭", "白天不在家" are members' days.
    r"(?<!不)在家(?:就能|就可以|可以|也能|可|轻松)?赚", r"(?<!不)在家(?:就能|就可以|可以|也能|可)做", r"躺赚",
    r"零(?:投资|成本|门槛|基础)", r"(?:招|诚招|招募|招收|招聘|急招|高薪招)(?:代理|兼职|学员|宝妈|打字员|点赞员|合伙人|团长)",
    r"周结", r"结算工资", r"工资(?:日|周)结", r"刷手", r"多劳多得", r"计件", r"包回收", r"稳赚", r"年化\d",
    # Earnings named with a figure ("月入过万", "日赚二百"); "那些日赚几百的都是骗子" names none.
    r"(?:日|月|周|天)(?:收?入|赚|挣)(?:过?[千万百]|\d{3,}|[一二三四五六七八九两][十百千万])", r"足不出户.{0,6}(?:赚|挣|收入)",
    r"(?:带娃|在家|上班|手机|业余|空闲|闲暇).{0,3}(?:也能|就能|轻松|可以)有?(?:收入|赚)",
    r"代开.{0,4}发票", r"发票代开", r"好评返现", r"免费(?:试用|领|送).{0,10}好评", r"关注.{0,8}回复.{0,8}领",
    r"进我的.{0,4}群", r"拉你进.{0,3}群",
    r"代理.{0,6}(?:招募|加盟|拿货|一件代发|无囤货)", r"一件代发", r"免费(?:领|送|拿).{0,12}(?:加|私|扫码|v|微)",
    # 进群 with a gift only as an offer ("进群即领"), not a member's day ("进群第一天，先领个券", "进群领的券")
    r"扫码(?:领|进群|加|赚)", r"进群(?:就|即|立即|可|马上|后|都)?(?:领|送|赚|返)(?![的了过])",
    r"彩票|博彩|菠菜|时时彩|网赌|棋牌", r"网贷|套现|代还|贷款秒批|黑户可贷",
    r"引流", r"涨粉", r"点赞员", r"打字员", r"动动手指", r"出售.{0,4}(?:微信号|qq号|账号)", r"带你(?:入门|赚|一起赚|做)",
    r"复制.{0,10}打开(?:淘宝|拼多多|抖音|京东)", r"(?:领|送|返)现金", r"手机上?(?:就能|就可以|可)(?:做|赚)",
    r"有意者?(?:私|加|联系)", r"收.{0,2}(?:微信号|qq号|老号)", r"代写论文|代考|包拿证|包过", r"(?:团队|工作室)(?:招人|招募|扩招)",
    # earning with a figure: commission as a share ("佣金百分之二十"); a reply asked to join ("感兴趣扣1")
    r"(?:佣金|提成|返佣|返利)(?:高达|有|是|拿)?(?:百分之|\d+%|\d+个点)", r"(?:感兴趣|想进|想要|想做|需要|有意)的?(?:扣|回复?)1",
)))
# 兼职 offered: with its pay or its recruiting close after it, or with whom it is for before it ("宝妈兼职", "网络兼职");
# not a member's own job with the rest of their day a few words on ("兼职送外卖，白天不在家"), nor said of oneself.
_JOB_OFFER = re.compile(r"兼职.{0,6}(?:日结|招|赚|佣|收入|月入|日入|轻松|名额|结算)|(?:宝妈|学生|网络|手机|居家|线上)兼职")
# Trades advertisers push, each of them a word members use too ("我老公做保险的", "这个是高仿吧", "贷款诈骗"): an
# advert only with a way to reach the sender or an offer to whoever needs it (_REACH_ME, _NEEDS).
_TRADES = re.compile(
    r"贷款|放款|下款|借款|信用贷|网贷|保险|车险|理财|投资|炒股|荐股|数字货币|虚拟币|复刻|高仿|a货|原单|"
    r"一比一|1比1|莆田|代开|代理记账|记账|报税|注册公司|宽带|驾照|学历|考证|拿证|代办|回收|减肥|瘦身|招生|辅导班|"
    r"批发|货源|拿货|厂家直|代购|代发|微商|创业|副业|日赚|足不出户")
# 滴滴 is "message me", unless it is the ride app ("跑滴滴", "滴滴打车").
_REACH_ME = re.compile(r"(?:私聊|私我|私信|找我|联系我|加我|(?<![跑开打坐叫用])滴滴(?!打车|司机|出行|快车|车)我?|戳我"
                       r"|(?:找我|免费|欢迎|可以)咨询|详询)(?!店主|客服|群主|掌柜|店家|老板|小二)")
# An offer to whoever needs something, with a way to reach the sender: "需要的朋友私聊我", "有需要的找我"; not
# "我需要的…", nor members pooling an order ("谁需要拼单的找我").
_NEEDS = re.compile(r"有人需要|谁需要|有需要的|(?<!我)需要的(?:朋友|姐妹|宝妈|老板|亲|小伙伴|可以|话|请|直接|找|私|联系|加)")
_OFFER = re.compile(rf"(?<!我)(?:需要|想要|想做|想买|有意)的.{{0,6}}{_REACH_ME.pattern}")
_POOLING = re.compile(r"拼单|拼团|凑单|凑满|一起买")
# A shopping app's share code (淘口令: ¥AbC12345¥), which only the squeezed reading would lose.
_SHARE_CODE = re.compile(r"[¥$€][a-z0-9]{8,12}[¥$€]")
# 代理 is not among them: in a shop's group it is mostly the shop's own agents ("朋友在做你们的代理"); recruiting
# agents reads as 招代理, 代理加盟, 一件代发 (strong).
_WEAK_WORDS = re.compile(r"兼职|招募|招聘|赚钱|赚米|零花钱|副业|佣金|返利|收益|名额有限|感兴趣的|免费领|轻松的?活"
                         r"|不(?:耽误|影响)(?:上班|工作|主业|带娃)"
                         # the pitches of app sign-ups, buyers, lenders and teams ("邀请码…", "高价回收", "秒批")
                         r"|邀请码|看我头像|加好友送|高价回收|上门回收|秒批|提额|红包群|券群|暗号|挂机|我带你|跟着我干"
                         r"|私聊报名|报名找我|找我报名")
# A member's own part-time job ("我平时在做兼职", "学生党，兼职…"): 兼职 said of oneself in one clause, after the
# speaker set off at the start, or its money already earned ("兼职赚的钱").
_OWN_JOB = re.compile(r"(?:我|本人|自己)[^，。,.!！?？;；有招]{0,6}兼职|^(?:我|本人|学生党?|宝妈)[^，。,.!！?？;；]{0,4}[，,]兼职"
                      r"|兼职(?:赚|挣)(?:的|了)|在(?!家|线|网|手机)[\u4e00-\u9fff]{1,5}(?:做|打)兼职")
# Pay named per hour, day, piece or vote ("一小时五十", "一天800", "一个两毛"): how a job offer names its wage.
_PAY_RATE = re.compile(
    r"(?:一|每)(?:小时|天|单|票|个)(?:\d{2,}|[一二三四五六七八九两][十百千]|[\d一二三四五六七八九十两]+(?:元|块|毛))")
_ADD_ME = re.compile(r"(?<![a-z])(?:加我|加[v微q扣]|\+[v微q]|v信|vx|wx|私我|私聊我|私信我|滴滴我|戳我|看我的?朋友圈)(?![a-z])")
# A member asking the shop something ("你们招代理吗？", "店主微信多少？售后要加一下", "你们招不招…", "…招主播不"):
# its words do not count.
_SHOP = r"(?:你们|店里|店家|店主|客服|掌柜|小店)"
_ASKS_SHOP = re.compile(rf"{_SHOP}.*(?:吗|嘛|么|[?？]|多少|怎么|哪|能不能|可以不|(?P<verb>[\u4e00-\u9fff])[不没](?P=verb)"
                        rf"|[不没][。.!！]?$)|(?:请问|想问|问一?下|问问).{{0,6}}{_SHOP}")


@dataclass(frozen=True)
class Readings:
    """One message read three ways (see the top)."""

    folded: str  # NFKC, lower case, without invisible characters
    compact: str  # folded, without spaces
    squeezed: str  # letters, digits, Chinese characters and + only


def read(text: str) -> Readings:
    folded = plain(text).lower().translate(_CONFUSABLES)
    compact = "".join(folded.split())
    squeezed = "".join(c for c in compact if c.isalnum() or c == "+")
    return Readings(folded, compact, squeezed)


def _is_shop_link(link: str, shop_links: tuple[str, ...]) -> bool:
    host = _HOST.match(link.replace("。", ".").replace("点", "."))
    for own in shop_links:
        own = own.lower()
        if link.startswith(own) or (host and (host[1] == own or host[1].endswith("." + own))):
            return True
    return False


def _links(readings: Readings, shop_links: tuple[str, ...]) -> list[str]:
    found = _LINK.findall(readings.folded) or _LINK.findall(readings.compact)
    return [link for link in found if not _is_shop_link(link, shop_links)]


@dataclass(frozen=True)
class Signals:
    """What a message holds that reads as advertising: strong signals (each alone is enough) and weak ones."""

    strong: tuple[str, ...]
    weak: tuple[str, ...]

    def reasons(self, *, strict: bool = False) -> list[str]:
        """Why this is advertising, strongest first; [] when it is not. strict: the sender joined lately and has
        no order, so that one weak signal is enough; anyone else's weak signals never are, however many (see the
        top)."""
        if self.strong or (strict and self.weak):
            return [*self.strong, *self.weak]
        return []


def signals(text: str, shop_links: tuple[str, ...] = ()) -> Signals:
    """The signals of advertising in `text`; shop_links are the shop's own domains or link prefixes (config
    [spam] shop_links), never counted as links."""
    readings = read(text)
    strong, weak = [], []
    if _links(readings, shop_links):
        strong.append(LINK)
    phones = _PHONE.findall(readings.folded)
    offered = bool(_OFFERED_ID.search(readings.compact) or _OFFERED_ID.search(readings.squeezed) or (
        phones and _SAME_NUMBER.search(readings.squeezed)))
    # A phone number or id given to the shop (for a delivery, an order, after-sales) is no offer to the group.
    for_shop = bool(_FOR_SHOP.search(readings.squeezed)) and not _EXCUSE.search(readings.squeezed)
    if offered and not for_shop:
        strong.append(CONTACT)
    # A question to the shop or a warning about a scam: only a link or an id left to add counts.
    if _ASKS_SHOP.search(readings.folded) or _WARNS.search(readings.squeezed):
        return Signals(tuple(strong), ())
    if _STRONG_WORDS.search(readings.squeezed) or _SHARE_CODE.search(readings.compact) or (
            _JOB_OFFER.search(readings.squeezed) and not _OWN_JOB.search(readings.compact)):
        strong.append(RECRUIT)
    if _sells(readings, offered or bool(phones)):
        strong.append(SELLS)
    if not (for_shop or CONTACT in strong or SELLS in strong):
        weak.extend(reason for reason, found in ((ADD_ME, _ADD_ME.search(readings.squeezed)), (PHONE, phones))
                    if found)
    if RECRUIT not in strong:
        words, pay = _ad_words(readings), bool(_PAY_RATE.search(readings.squeezed))
        # A job's words with its wage ("有个兼职，一小时五十") are a job offered, from anyone.
        (strong if words and pay else weak).extend(
            reason for reason, found in ((AD_WORDS, words), (PAY, pay)) if found)
    return Signals(tuple(strong), tuple(weak))


def _sells(readings: Readings, contact: bool) -> bool:
    """An offer to the group with a way to reach the sender: to whoever needs something ("需要的朋友私聊我"), or a
    trade advertisers push with a contact, "找我" or "谁需要" ("需要贷款的找我，当天放款")."""
    if _OFFER.search(readings.squeezed) and not _POOLING.search(readings.squeezed):
        return True
    return bool(_TRADES.search(readings.squeezed)) and (
        contact or bool(_REACH_ME.search(readings.squeezed) or _NEEDS.search(readings.squeezed)))


def _ad_words(readings: Readings) -> bool:
    """Words of work-from-home offers, but 兼职 alone when the member speaks of their own job."""
    words = set(_WEAK_WORDS.findall(readings.squeezed))
    return bool(words - {"兼职"}) or (bool(words) and not _OWN_JOB.search(readings.compact))


def judge(text: str, *, strict: bool = False, shop_links: tuple[str, ...] = ()) -> list[str]:
    """Why `text` reads as advertising, or []: what the bench and the tests ask."""
    return signals(text, shop_links).reasons(strict=strict)


def picture_signals(codes: list[str], shop_links: tuple[str, ...] = ()) -> Signals:
    """The signals of the QR codes found in a picture (see the top): an invite strong, any other code weak, and
    one weak signal at most however many codes the picture holds (a parcel label carries two)."""
    strong, weak = [], []
    for code in codes:
        folded = plain(code).strip().lower()
        link = "://" in folded or _LINK.match(folded)
        if link and _is_shop_link(folded, shop_links):
            continue
        if _INVITE.match(folded):
            strong.append(QR_INVITE)
        elif _PAYMENT.match(folded):
            weak.append(QR_PAYMENT)
        elif link:
            weak.append(QR_LINK.format(excerpt(_HOST.match(folded.split("://", 1)[-1])[1], 30)))
        else:
            weak.append(QR_CODE)
    return Signals(tuple(dict.fromkeys(strong)), tuple(weak[:1]))


def with_words(picture: Signals, text: str, shop_links: tuple[str, ...] = ()) -> Signals:
    """A QR picture's signals with those of the words its sender wrote just before or after it; words that point
    at the code ("长按识别", "扫一扫") are a signal of their own, unless they ask the shop something. A code with
    such words or with words of advertising is a way to reach the sender offered to the group, as an id with "加我"
    is: strong, from anyone."""
    words = signals(text, shop_links)
    scan = (SCAN_ME,) if _SCAN.search(read(text).squeezed) and not _ASKS_SHOP.search(read(text).folded) else ()
    weak = picture.weak + words.weak + scan
    offered = bool(picture.weak) and len(weak) >= 2
    return Signals(tuple(dict.fromkeys(picture.strong + words.strong + (weak if offered else ()))),
                   () if offered else weak)


def points_at_code(text: str) -> bool:
    """Whether `text` tells people to scan something: worth looking for the sender's picture just before."""
    return bool(_SCAN.search(read(text).squeezed))
