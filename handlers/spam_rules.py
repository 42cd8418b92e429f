"""What needs no learning in an advert: the sure signs, and reading through the disguises advertisers put on ids,
numbers and links. Whether the rest of a message reads as an advert is learned (handlers/advert_model.py).

Nine versions of hand-written patterns (875 lines by the last) chased each held-out set's new wordings: precision
became 1.000 but recall stayed at two thirds, and the patterns backtracked (a long message cost 53 s). What stays
here is what a pattern says better than a model:

- Sure signs, an advert from anyone whatever the words around them: an invitation to add a WeChat or QQ contact or
  to join a group, by link or by a picture's QR code, and a QQ or WeChat group's number offered. A shop's members
  do not hand out invitations to other groups in the shop's; the shop's own links (config [spam] shop_links) are
  no sign.
- Marks for the model (`marks`): an id offered after the words that offer it, a phone number, a link that is
  neither the shop's nor a well-known site's. An id or a number is different in every message, so the model
  cannot learn it from its characters; it learns what an offered id means from the words around the mark ("加我
  vx" and "店主，我微信是" both carry one).
- Disguises read through (`read`): full-width letters and look-alikes ("ｗｘ", "薇", "➕V"), hearts and emoji put
  inside words ("薇❤信", "兼🉐职"), traditional characters, spaces and dots between characters ("加 V", "兼.职"),
  and digits spelled in Chinese numerals, formal ones ("叁叁捌柒贰陆") or mixed forms ("1 8 6 二 五 七 九 …").

Everything reads a bounded text (core/learning.py: READ_AT_MOST characters) with patterns that cannot backtrack
over it: each repetition is bounded or its pieces cannot overlap, so the work is linear in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.commands import plain
from core.learning import bounded, mark

# Adverts say what they offer in their first lines (the longest of 5,500 labelled messages has 98 characters): a
# message is read up to here, which keeps judging one under 0.3 ms whatever its length.
READ_AT_MOST = 200

# The reasons an alert gives, in the owner's words ("原因：…"): only what the message holds, never a list of the
# kinds it might have held ("加微信、QQ好友或进群" for a WeChat group's link).
READS_AS_ADVERT = "读起来像广告"
MARK_REASONS = {"id": "留了私下联系的账号", "phone": "留了手机号", "link": "发了链接"}

# Look-alikes advertisers write to slip past filters (加薇, ➕V, ν信); NFKC has folded Ⓥ and ｖ already. Hearts
# inside a word go, and traditional characters of advertisers' words become simplified, one for one.
_CONFUSABLES = str.maketrans({"薇": "微", "威": "微", "徽": "微", "➕": "+", "叩": "扣", "ν": "v",
                              **dict.fromkeys("❤♥♡💕💗💖💓💚💙💜🧡💛🤍🖤🤎❣🉐\ufe0f", None),
                              **dict(zip("領費郵試裝數額資賺錢職結號聯係掃碼進關購買賣贈獎薦貸險會員單現紅優體驗價萬點這個們來讓為說話時間",
                                         "领费邮试装数额资赚钱职结号联系扫码进关购买卖赠奖荐贷险会员单现红优体验价万点这个们来让为说话时间"))})
# A number spelled to slip past ("1 8 6 二 五 七 九 3 4 0 8", "扣扣三二九五七八一零四"): a run of seven numerals or
# more with both kinds of digit, or of nine Chinese numerals, is read as digits. Members write neither a price nor an
# order's tail that way.
_NUMERALS = re.compile(r"[0-9零〇一二三四五六七八九幺]{7,}")
_DIGITS = str.maketrans("零〇一二三四五六七八九幺", "001234567891")
# The formal numerals of receipts and cheques ("扣扣加我 叁叁捌柒贰陆"): five or more in a row, without 拾 or 佰 between
# them, are a number spelled to slip past, never an amount.
_FORMAL_NUMERALS = re.compile(r"[零壹贰叁肆伍陆柒捌玖]{5,}")
_FORMAL_DIGITS = str.maketrans("零壹贰叁肆伍陆柒捌玖", "0123456789")
# What the squeezed reading drops: all but letters, digits, Chinese characters and +, in one pass.
_NOT_SQUEEZED = re.compile(r"[^\w+]|_")

_TLDS = "com|cn|net|org|top|xyz|vip|cc|shop|link|me|io|co|info|club|site|online|store|app|ltd|fun|icu|wang|ink|pro"
# A link: a scheme, www., a mini program's, or a host ending in a common top-level domain ("点com" too). A host starts
# only where a word starts (the lookbehind), so a run of letters is tried once, not from each of its letters.
_LINK = re.compile(rf"(?:https?://|www[.。点])\S+|#小程序://\S+"
                   rf"|(?<![a-z0-9@.-])(?:[a-z0-9-]{{1,63}}[.。点]){{1,6}}(?:{_TLDS})(?![a-z])(?:/\S*)?")
_HOST = re.compile(r"(?:https?://)?([^/\s?#]+)")
# Sites members link to for what they say (a recipe, the news, a map, a train ticket): each host exactly, so that
# pan.baidu.com, where advertisers leave their files, is not map.baidu.com; and any subdomain of map, review and
# parcel apps ("uri.amap.com/marker…", "m.dianping.com/…") and of the government's sites.
_KNOWN_HOSTS = frozenset((
    "baidu.com", "map.baidu.com", "baike.baidu.com", "amap.com", "map.qq.com", "news.qq.com", "sina.com.cn",
    "news.sina.com.cn", "people.com.cn", "xinhuanet.com", "news.cn", "cctv.com", "thepaper.cn", "zhihu.com",
    "xiachufang.com", "meishichina.com", "douguo.com", "weather.com.cn", "12306.cn", "wikipedia.org",
    "zh.wikipedia.org",
))
_KNOWN_DOMAINS = ("amap.com", "map.baidu.com", "map.qq.com", "dianping.com", "meituan.com", "cainiao.com",
                  "kuaidi100.com", "sf-express.com", "gov.cn")
# An invitation to add a WeChat or WeCom contact, join a WeChat group, add a QQ contact or group.
_INVITE = re.compile(r"(?:https?://)?(?:u\.wechat\.com/|weixin\.qq\.com/[gr]/|work\.weixin\.qq\.com/(?:u|gm|ca)/"
                     r"|qm\.qq\.com/|jq\.qq\.com/)")
# What an invitation link leads to, by its address; any other _INVITE link adds a WeChat contact.
_INVITED_TO = ((re.compile(r"(?:https?://)?(?:weixin\.qq\.com/g/|work\.weixin\.qq\.com/gm/)"), "进微信群"),
               (re.compile(r"(?:https?://)?jq\.qq\.com/"), "进QQ群"), (re.compile(r"(?:https?://)?qm\.qq\.com/"), "加QQ"))
_GROUP_NUMBER = re.compile(r"(?:qq|扣扣|企鹅|q|微信|vx|wx)群号?[:：是为]?\d{5,12}(?!\d)|群号[:：是为]?\d{5,12}(?!\d)")
# An id after the words that offer it: "vx: abc_123", "加V 13812345678", "扣扣 123456789", another platform's
# account ("抖音号 abc123"); 微 or 加 alone only right before it ("薇❤:", "加❤️：hs_99887"), 搜 ("v信搜 …"), WeChat
# by its nicknames ("绿泡泡").
_ID_WORDS = (r"(?<![a-z])(?:vx|wx|v信|微信号?|加我?v|加我?微|\+v|\+微|v(?=[:：])|加(?=[:：])|微(?=[:：a-z0-9])|扣扣|kou扣|扣"
             r"|qq号?|q号|q|企鹅|绿泡泡|绿色(?:聊天)?软件|(?:抖音|快手|小红书|视频)号)"
             # v or w alone before an id, as a heart taken out of "w💚 lan66902" leaves it
             r"|(?<![a-z0-9])[vw](?= [a-z])")
_OFFERED_ID = re.compile(rf"(?=[vw微加+扣kq企绿抖快小视])((?:{_ID_WORDS})(?:联系|搜索?|加我)?\+?[:：是为]? ?)(?:[a-z][-_a-z0-9]{{5,19}}|\d{{5,12}})(?![a-z0-9])")
# Eleven digits of a mobile number, spaced or dotted as people write them ("139 1234 0000"): separators and digits
# cannot overlap, so each place is tried once.
_PHONE = re.compile(r"(?<!\d)1[3-9](?:[ \-.·_*]{0,3}\d){9}(?!\d)")
_EMAIL = re.compile(r"[a-z0-9][-._a-z0-9]{0,63}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,4}")


@dataclass(frozen=True)
class Reading:
    """One message as these rules read it."""

    words: str  # folded (NFKC, lower case, look-alikes gone, numbers spelled read as digits), without its links,
    # e-mail addresses, phone numbers and offered ids, which are marks (see the top)
    sure: tuple[str, ...]  # the sure signs' reasons
    marks: tuple[str, ...]  # of "id", "phone", "link"

    def model_text(self) -> str:
        return " ".join((self.words, *(mark(name) for name in self.marks)))


def _spelled_number(run: re.Match) -> str:
    digits = run[0].translate(_DIGITS)
    return digits if digits != run[0] and (len(run[0]) >= 9 or any("0" <= c <= "9" for c in run[0])) else run[0]


def _folded(text: str) -> str:
    folded = plain(bounded(text, READ_AT_MOST)).lower().translate(_CONFUSABLES)
    folded = _FORMAL_NUMERALS.sub(lambda run: run[0].translate(_FORMAL_DIGITS), folded)
    return _NUMERALS.sub(_spelled_number, folded)


def _host(link: str) -> str:
    host = _HOST.match(link.replace("。", ".").replace("点", "."))
    return host[1].removeprefix("www.") if host else ""


def is_own_link(link: str, shop_links: tuple[str, ...]) -> bool:
    host = _host(link)
    return any(link.startswith(own.lower()) or host == own.lower() or host.endswith("." + own.lower())
               for own in shop_links)


def _is_known_site(link: str) -> bool:
    host = _host(link)
    return host in _KNOWN_HOSTS or any(host == known or host.endswith("." + known) for known in _KNOWN_DOMAINS)


def read(text: str, shop_links: tuple[str, ...] = ()) -> Reading:
    """A message's sure signs and marks, its disguises read through."""
    folded = _folded(text)
    links = [link for link in _LINK.findall(folded) or _LINK.findall("".join(folded.split()))
             if not is_own_link(link, shop_links) and not _is_known_site(link)]
    sure = [f"发了{invited_to(invite)}的链接"] if (invite := next(filter(_INVITE.match, links), None)) else []
    # Each is taken out before the next is looked for: an id after "微信" in a link's path or in an e-mail address
    # offers nobody anything.
    words = _EMAIL.sub(" ", _LINK.sub(" ", folded))
    words, phones = _PHONE.subn(" ", words)
    words, ids = _OFFERED_ID.subn(r"\1 ", words)
    # "加 V 信：abc_123", "1 8 6 二 五 七 九 …" read through
    squeezed = _NUMERALS.sub(_spelled_number, _NOT_SQUEEZED.sub("", words))
    if group_number := _GROUP_NUMBER.search(squeezed):
        platform = next((name for name, words in (("QQ", ("qq", "扣扣", "企鹅", "q")), ("微信", ("微信", "vx", "wx")))
                         if group_number[0].startswith(words)), "")
        sure.append(f"留了{platform}群号")
    marks = [name for name, found in (("id", ids or _OFFERED_ID.search(squeezed)),
                                      ("phone", phones or _PHONE.search(squeezed)), ("link", links)) if found]
    return Reading(words, tuple(sure), tuple(marks))


@dataclass(frozen=True)
class Codes:
    """The QR codes of a picture (handlers/qr_codes.py), the shop's own left out."""

    invite: str | None  # what one invites to (加微信, 进QQ群 …): a sure sign
    links: tuple[str, ...]  # the others' links, neither a well-known site's: the model reads them with the words
    found: bool  # any code not the shop's (a payment code, a parcel label's too)


def read_codes(codes: list[str], shop_links: tuple[str, ...] = ()) -> Codes:
    theirs = [folded for folded in (plain(bounded(code, READ_AT_MOST)).strip().lower() for code in codes)
              if not is_own_link(folded, shop_links)]
    invite = next(filter(_INVITE.match, theirs), None)
    return Codes(invited_to(invite) if invite else None,
                 tuple(code for code in theirs if _LINK.match(code) and not _is_known_site(code)), bool(theirs))


def invited_to(link: str) -> str:
    """What an invitation link leads to, as an alert says it: 加微信, 进微信群, 加QQ, 进QQ群."""
    return next((what for pattern, what in _INVITED_TO if pattern.match(link)), "加微信")


# Words that point at a picture's code: a message with them is read together with the member's code just before.
_SCAN = re.compile(r"扫码|扫一扫|扫描|长按识别|识别二维码|扫我|二维码")


def points_at_code(text: str) -> bool:
    return bool(_SCAN.search(_NOT_SQUEEZED.sub("", _folded(text))))
