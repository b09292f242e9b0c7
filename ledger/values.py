"""Lenient reading of values as clerks type them: full-width digits, stray spaces, dates in many shapes.

The same parsers serve the entry forms, the command line and the importer, so a value that a form
accepts is accepted by an import and the other way round. Each raises ValueError with a Chinese reason.
"""
from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

_EXCEL_EPOCH = date(1899, 12, 30)
# The largest figures a ledger stores: PostgreSQL's INTEGER, and money/areas as BIGINT hundredths kept well
# inside exact decimal range (a typo of extra digits is refused instead of overflowing the database).
INT_LIMIT = 2_147_483_647
DECIMAL_LIMIT = 10 ** 13
_CONTROL = dict.fromkeys(c for c in range(32) if chr(c) not in "\t\n\r")
_CONTROL[127] = None
# Invisible characters a clerk cannot see or delete on purpose, named so that the message says what to remove.
# Direction overrides make text read otherwise than it is stored (a name that sorts and searches as another).
_INVISIBLE_NAMES = {**dict.fromkeys("\n\r\u2028\u2029\x0b\x0c\x85", "换行符"), "\t": "制表符",
                    "\u200b": "零宽空格", "\ufeff": "零宽空格", "\u2060": "零宽空格",
                    **dict.fromkeys("\u200c\u200d", "零宽连接符"),
                    **dict.fromkeys("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
                                    "文字方向控制符")}
_BREAKS_ALLOWED = "\n\t"   # in a multi-line field (备注): line breaks and tabs, nothing else invisible
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")   # Windows', Mac's and Unicode's, made \n
EARLIEST = date(1900, 1, 1)  # before it, no date of a ledger can be meant
# Middle-dot variants typed for the · of names such as 买买提·艾力 (Japanese IME, bullets, full-width stops).
_NAME_DOTS = str.maketrans(dict.fromkeys("・•･‧⋅∙．", "·"))
_CJK = r"[\u3400-\u9fff\uf900-\ufaff]"
_CJK_GAP = re.compile(rf"(?<={_CJK})[ \u3000]+(?={_CJK})")
_CJK_STOP = re.compile(rf"(?<={_CJK})\.(?={_CJK})")   # 买买提.艾力; 'J. Smith' keeps its full stop
NAME_LENGTH = 30
_YES = {"是", "√", "✓", "✔", "Y", "YES", "1", "TRUE", "对", "有"}
_NO = {"否", "×", "N", "NO", "0", "FALSE", "无", ""}


def normalize(text: object) -> str:
    """Half-width, trimmed text: '１２３ ' -> '123', '　幸福社区 ' -> '幸福社区'."""
    if text is None:
        return ""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    return unicodedata.normalize("NFKC", str(text)).translate(_CONTROL).strip()


def invisible(ch: str, multiline: bool = False) -> str | None:
    """What an invisible character is called when it may not stand in a text (None when it may)."""
    if ch.isprintable() or ch == " ":
        return None
    if multiline and ch in _BREAKS_ALLOWED:
        return None
    category = unicodedata.category(ch)
    if ch in _INVISIBLE_NAMES:
        return _INVISIBLE_NAMES[ch]
    if category == "Cc":
        return "控制字符"
    if category == "Cf":
        return "不可见的格式字符"
    if category == "Cs":
        return "无效字符"
    return None   # other unprintable but visible-in-effect characters (spaces of other widths, private use)


def check_text(text: str, multiline: bool = False) -> str:
    """Text as stored: Windows line breaks made plain; refuses control and invisible formatting characters.

    Line breaks and tabs are allowed only in multi-line fields (备注). The message names the character and
    where it stands, since the clerk cannot see it.
    """
    if multiline:
        text = _LINE_BREAKS.sub("\n", text)
    if text.isprintable():
        return text
    for i, ch in enumerate(text):
        name = invisible(ch, multiline)
        if name is not None:
            before = "".join(c for c in text[max(0, i - 8):i] if c.isprintable())[-6:]
            where = f"“{before}”后面" if before else "开头"
            allowed = "（只有备注可以换行）" if name in ("换行符", "制表符") else ""
            raise ValueError(f"{where}有一个看不见的{name}{allowed}，请删除后重新录入")
    return text


def person_name(text: str) -> str:
    """A person's name as written in a ledger: 1–30 characters, no digits, no formula, nothing invisible.

    The middle dot of names such as 买买提·艾力 may be typed as ・ or • (or a full stop): all become ·. Spaces
    put between two Chinese characters to line up a column (张　华) are dropped; 'Anna Li' keeps its space.
    """
    text = check_text(text.strip())
    text = _CJK_STOP.sub("·", _CJK_GAP.sub("", text.translate(_NAME_DOTS)))
    if text[:1] in ("=", "+", "-", "@"):
        raise ValueError(f"不能以“{text[0]}”开头（这是表格公式的写法，不是姓名）")
    digit = next((ch for ch in text if unicodedata.category(ch) in ("Nd", "Nl", "No")), None)
    if digit is not None:
        raise ValueError(f"“{text}”含有数字“{digit}”，姓名中不能有数字")
    if len(text) > NAME_LENGTH:
        raise ValueError(f"姓名不能超过{NAME_LENGTH}个字，而这里有{len(text)}个字")
    return text


def check_date_range(value: date, earliest: date = EARLIEST, months_ahead: int | None = 600,
                     today: date | None = None) -> date:
    """Refuses a date that cannot be meant: before `earliest`, or more than `months_ahead` months after today
    (0: not after today; None: no limit)."""
    if value < earliest:
        raise ValueError(f"“{value.isoformat()}”早于{earliest.year}年，不可能是这里的日期，请核对")
    if months_ahead is not None:
        today = today or date.today()
        latest = add_months(today, months_ahead)
        if value > latest:
            if months_ahead == 0:
                raise ValueError(f"“{value.isoformat()}”是将来的日期，不能晚于今天（{today.isoformat()}）")
            ahead = f"{months_ahead}个月" if months_ahead < 24 else f"{months_ahead // 12}年"
            raise ValueError(f"“{value.isoformat()}”太远了：最多只能是{ahead}以后（{latest.isoformat()}），请核对")
    return value


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, (int, float, date)):   # never blank; spares NFKC on every number and date of an import
        return False
    if isinstance(value, str):
        stripped = value.strip()
        if not stripped:
            return True
        if stripped.isprintable():   # a visible character that NFKC keeps: not blank, without normalising
            return False
    return normalize(value) == ""


def parse_int(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError("应为整数")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(f"“{value}”应为整数")
    text = normalize(value).replace(",", "")
    text = re.sub(r"(户|人|个|栋|名|级|年|度|年度)$", "", text)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{normalize(value)}”不是整数") from None
    if not number.is_finite():
        raise ValueError(f"“{normalize(value)}”不是整数")
    if number.adjusted() > 15:   # refused before int() would build a number of a million digits
        raise ValueError(f"“{normalize(value)}”数值过大")
    if number != number.to_integral_value():
        raise ValueError(f"“{normalize(value)}”应为整数")
    return int(number)


def parse_decimal(value: object, places: int = 2) -> Decimal:
    """An exact decimal with at most `places` decimals; floats from spreadsheets are read by their text."""
    if isinstance(value, bool):
        raise ValueError("应为数字")
    if isinstance(value, float):
        value = repr(value)
    text = normalize(value).replace(",", "").replace("¥", "").replace("￥", "")
    text = re.sub(r"(元|平方米|㎡|m2|平米|平方公里|km2)$", "", text).strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{normalize(value)}”不是数字") from None
    if not number.is_finite():
        raise ValueError(f"“{normalize(value)}”不是数字")
    if number.adjusted() > 15:   # beyond any ledger figure, and beyond what quantize can hold
        raise ValueError(f"“{normalize(value)}”数值过大")
    quantum = Decimal(1).scaleb(-places)
    if number != number.quantize(quantum, rounding="ROUND_HALF_UP"):
        raise ValueError(f"“{normalize(value)}”最多{places}位小数")
    return number.quantize(quantum)


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})(\d{2})$"),
)


def parse_date(value: object) -> date:
    """Dates as dates, Excel serial numbers, or text: 2015.03, 2015年3月, 2015-3-1, 2015/03/01.

    A month without a day means the first day of that month.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel's serial range (1900-01-01 .. 9999-12-31)
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise ValueError(f"“{value}”不是日期")
    text = normalize(value).replace(" ", "")
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return _EXCEL_EPOCH + timedelta(days=int(float(text)))
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            parts = [int(p) for p in match.groups()] + [1]
            try:
                return date(parts[0], parts[1], parts[2])
            except ValueError:
                break
    raise ValueError(f"“{normalize(value)}”不是有效日期（可写作 2015-03-01、2015/3/1、2015.03 或 2015年3月）")


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = normalize(value).upper()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"“{normalize(value)}”应为 是 或 否")


def parse_choice(value: object, choices: tuple[str, ...], aliases: dict[str, str] | None = None) -> str:
    text = normalize(value).replace(" ", "")
    if aliases and text in aliases:
        return aliases[text]
    if text in choices:
        return text
    raise ValueError(f"“{normalize(value)}”不在可选值中（{'/'.join(choices)}）")
