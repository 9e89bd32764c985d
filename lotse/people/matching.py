"""Name matching for person search and duplicate detection.

Names reach us in many spellings: German ("Dschamal", "Schewtschenko"),
English ("Jamal", "Shevchenko"), French ("Djamel", "Oussama"), Turkish
("Cemal", "Hüseyin"), Somali ("Cabdi", "Maxamed") or in original script
(Arabic/Persian/Pashto/Kurdish, Cyrillic, Ge'ez). Every token is turned into
one or more *forms* over a small phonetic alphabet; forms are compared with a
weighted edit distance whose costs encode typical transliteration variation
(o/u, e/a, e/i, sh/sch/ch, kh/h/ch, j/dsch/dj, ...). Original-script Arabic
tokens are "abjad" tokens: short vowels are not written, so vowels missing on
that side are cheap.

Internal alphabet of forms:
    vowels  a e i o u, "@" = initial alif/ayn in abjad script (any vowel)
    S = sh/sch/ş/š, C = ch/tsch/ç/č, J = j/dsch/dj/dzh/c(Turkish)/ž/xh,
    x = kh/ch(German)/x/ks, T = th, D = dh, z = z/ts/tz, v = v/w,
    others are the plain Latin consonants.

Design decisions (documented for the counselling team):
    * Jekaterina/Yekaterina/Ekaterina/Екатерина/Катерина match: Ukrainian and
      Russian forms of one name, as are Oleksandr/Aleksandr/Alexander.
    * Fatima/Fatma match (Turkish form); Nour/Noor/Nur match.
    * Yusuf/Josef match: German authorities write "J" for "Y" and o/u are a
      standard transliteration variant, so this is flagged for review rather
      than silently creating a second person.
    * A trailing "a" that turns one name into another (Karim/Karima,
      Ivan/Ivana, Jan/Jana, Ali/Alia, Aleksandr/Aleksandra) is a different
      name (usually the other gender).
    * Mehmet is kept apart from Mohammed (distinct Turkish name form).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from anyascii import anyascii
from rapidfuzz.distance import Levenshtein

__all__ = [
    "normalize_name",
    "name_tokens",
    "name_keys",
    "name_similarity",
    "names_match",
    "match_reasons",
    "query_token_keys",
    "TOKEN_THRESHOLD",
]

TOKEN_THRESHOLD = 0.83
MAX_TOKENS = 10
MAX_TOKEN_LEN = 40
MAX_FORMS = 4

_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x034F, 0x061C, 0x180E, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF]
    + list(range(0x200B, 0x2010))
    + list(range(0x202A, 0x202F))
    + list(range(0x2066, 0x206A))
)
_INVISIBLE.update({0x0640: None})  # Arabic tatweel (kashida)
for _cp in range(0x064B, 0x0660):  # Arabic harakat: optional vowel signs
    _INVISIBLE[_cp] = None
_INVISIBLE[0x0670] = None

_VOWELS = frozenset("aeiou@")
_ARTICLES = frozenset(
    {"al", "el", "ul", "il", "ol", "ad", "ed", "ar", "er", "as", "es", "ash", "esh",
     "at", "et", "az", "ez", "an", "en", "ud", "ur", "us", "ut"}
)
_PARTICLES = frozenset({"bin", "ben", "ibn", "bint", "binti", "ould", "wuld", "walad", "ibnu"})
_ABD_PREFIX = re.compile(r"^abd(?:[uoeai](?=[lrsztdn]))?(?:l|[rsztdn](?=[^aeiou]))?")
_ABD_TOKENS = frozenset({"abd", "abdul", "abdel", "abdal", "abdol", "abdil", "abdur",
                         "abdar", "abdus", "abduz", "abdun", "abdet", "abdes",
                         "abder", "abdor"})
_ALLAH = re.compile(r"[aeiou]?l?lah?$")

# --------------------------------------------------------------------------
# Small linguistic resource: well-known names whose variants differ in ways
# rules cannot bridge (vowel patterns, regional forms) and abjad spellings
# that are otherwise ambiguous (محمد vs محمود). Not exhaustive by design.
# --------------------------------------------------------------------------
_NAME_CLASSES = {
    "muhammad": "muhammad mohammed mohamed mohammad muhamed muhammed mohamad magomed "
                "magometh mukhammed maxamed mahomed mouhamed mohd muhammet mamed محمد",
    "mahmud": "mahmud mahmoud mahmood machmud mahmut maxamuud makhmud محمود",
    "ahmad": "ahmad ahmed achmed akhmed ahmet axmed أحمد احمد",
    "hamid": "hamid hamed hameed chamid حامد",
    "hasan": "hasan hassan hassane xasan gasan hasen حسن",
    "husayn": "husayn hussein husein hussain husain huseyin hossein hosein husseyn "
              "hussien xuseen gusein guseyn khuseyn حسين حسین",
    "said": "said saeed saied sayid saiid sa'id سعيد",
    "saad": "saad sa'ad saadi سعد",
    "umar": "umar omar omer cumar oumar عمر",
    "ammar": "ammar amar ammaar عمار",
    "ali": "ali aly cali علي علی",
    "yusuf": "yusuf yousef youssef yusef yossef jusuf jussuf yousif yusif josef يوسف یوسف",
    "ibrahim": "ibrahim ebrahim brahim ibragim ibrahima ibraheem إبراهيم ابراهيم ابراهیم",
    "ismail": "ismail ismael esmail smail ismayil إسماعيل اسماعيل",
    "uthman": "uthman othman osman usman ousmane cusmaan عثمان",
    "abdi": "abdi cabdi abdo abdou",
    "abdallah": "abdallah abdullah abdulla abdalla abdellah abdullahi cabdullahi عبدالله",
    "musa": "musa mousa moussa moses musse muuse موسى",
    "isa": "isa issa eissa ciise عيسى",
    "aleksandr": "aleksandr alexander aleksander oleksandr oleksander alexandr olexandr "
                 "alexandre александр олександр",
    "ekaterina": "ekaterina yekaterina jekaterina katerina kateryna екатерина катерина",
    "yevgeniy": "yevgeniy evgeniy jewgeni yevhen evgeni yevgeny євген евгений",
    "fatima": "fatima fatimah fatma fatme fadime faduma fatouma fatuma فاطمة فاطمه",
    "aisha": "aisha aischa ayesha aysha ayse aicha caisha عائشة",
    "zaynab": "zaynab zainab zeinab zeynep zenab زينب",
    "maryam": "maryam mariam meryem mariyam مريم",
    "mustafa": "mustafa mostafa moustafa mustapha moustapha مصطفى",
}


class _Token(NamedTuple):
    text: str  # normalized ASCII token (public representation)
    forms: tuple  # phonetic forms (internal alphabet)
    abjad: bool  # original script writes no short vowels
    name_class: str | None


# ----------------------------------------------------------------- scripts
_ARABIC_MAP = {
    "ا": "a", "آ": "a", "أ": "", "إ": "", "ٱ": "a", "ء": "", "ئ": "", "ؤ": "u", "ى": "a",
    "ب": "b", "پ": "p", "ت": "t", "ث": "T", "ج": "J", "چ": "C", "ح": "h", "خ": "x",
    "د": "d", "ذ": "D", "ر": "r", "ز": "z", "ژ": "J", "س": "s", "ش": "S", "ص": "s",
    "ض": "D", "ط": "t", "ظ": "z", "ع": "", "غ": "g", "ف": "f", "ق": "k", "ك": "k",
    "ک": "k", "گ": "g", "ل": "l", "م": "m", "ن": "n", "ه": "h", "ة": "a", "و": "u",
    "ي": "i", "ی": "i", "ې": "e", "ۍ": "i", "ێ": "e", "ە": "e", "ۆ": "o", "ڵ": "l",
    "ڕ": "r", "ڤ": "v", "ټ": "t", "ډ": "d", "ړ": "r", "ږ": "J", "ښ": "S", "ځ": "z",
    "څ": "z", "ګ": "g", "ڼ": "n", "ھ": "h", "ۀ": "a", "ﻻ": "la",
}
_ARABIC_INITIAL_VOWEL = frozenset("اآأإٱعئء")

_CYRILLIC_MAP = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "yo",
    "є": "ye", "ж": "J", "з": "z", "и": "i", "і": "i", "ї": "yi", "й": "y", "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "x", "ц": "z", "ч": "C", "ш": "S", "щ": "SC", "ъ": "",
    "ы": "i", "ь": "", "э": "e", "ю": "yu", "я": "ya", "ў": "u",
}
_UKRAINIAN_MARKERS = frozenset("іїєґ")

_LATIN_PRE = {
    "ş": "S", "š": "S", "ŝ": "S", "ș": "S", "ç": "C", "č": "C", "ć": "C", "ĉ": "C",
    "ž": "J", "ǧ": "J", "đ": "J", "ğ": "g", "ı": "i", "ä": "a", "ö": "o", "ü": "u",
    "ß": "s", "ḥ": "h", "ḫ": "x", "ṭ": "t", "ṣ": "s", "ḍ": "d", "ẓ": "z", "ṯ": "T",
    "ḏ": "D", "ʿ": "", "ʾ": "", "'": "", "’": "", "‘": "", "`": "", "´": "",
    "ʼ": "", "ʻ": "",
}


def _script(ch: str) -> str:
    o = ord(ch)
    if 0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F or 0x08A0 <= o <= 0x08FF:
        return "arabic"
    if 0x0400 <= o <= 0x052F:
        return "cyrillic"
    if 0x1200 <= o <= 0x139F or 0x2D80 <= o <= 0x2DDF or 0xAB00 <= o <= 0xAB2F:
        return "ethiopic"
    return "other"


def _arabic_to_internal(tok: str) -> str:
    out = []
    n = len(tok)
    for i, ch in enumerate(tok):
        if i == 0 and ch in _ARABIC_INITIAL_VOWEL:
            out.append("@")
            continue
        if ch == "و" and (i == 0 or (i + 1 < n and tok[i + 1] in "اآ")):
            out.append("v")
            continue
        if ch in "يی" and i == 0:
            out.append("y")
            continue
        if ch == "ه" and i == n - 1 and i > 0:
            out.append("a")
            continue
        out.append(_ARABIC_MAP.get(ch, ""))
    return "".join(out)


def _cyrillic_to_latin(tok: str) -> str:
    ukr = any(c in _UKRAINIAN_MARKERS for c in tok)
    out = []
    prev = ""
    for ch in tok:
        if ch == "г" and ukr:
            out.append("h")
        elif ch == "е" and not ukr and (not prev or prev in "аеёиоуыэюяьъі"):
            out.append("ye")
        elif ch in _CYRILLIC_MAP:
            out.append(_CYRILLIC_MAP[ch])
        else:
            out.append(anyascii(ch).lower())
        prev = ch
    return "".join(out)


# ------------------------------------------------------------- normalizing
_SEPARATORS = re.compile(r"[\s\-_‐‑‒–—―/\\.,;:()\[\]{}\"+*&|!?<>=~#°0-9]+")


@lru_cache(maxsize=65536)
def _clean(text: str) -> str:
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).casefold()
    return text[: 4 * 64 * MAX_TOKENS]


def _raw_tokens(text: str) -> list:
    """Split on whitespace, hyphens and punctuation."""
    cleaned = _clean(text)
    tokens = []
    for chunk in cleaned.split():
        tokens.extend(t for t in _SEPARATORS.split(chunk) if t)
    return tokens


def _latin_ascii(tok: str) -> str:
    tok = tok.replace("dž", "J").replace("dż", "J")
    tok = "".join(_LATIN_PRE.get(c, c) for c in tok)
    # German umlaut spellings after a consonant: Hueseyin, Oezdemir.
    tok = re.sub(r"(?<=[^aeiou])([uo])e", r"\1", tok)
    out = anyascii(tok)
    return "".join(c if c in "SCJ" else c.lower() for c in out if c.isalpha())


def _to_ascii(tok: str) -> tuple:
    """Return (ascii_text, abjad) for one raw token of any script."""
    scripts = {_script(c) for c in tok if c.isalpha()}
    if "arabic" in scripts:
        arabic = "".join(c for c in tok if _script(c) == "arabic")
        if arabic.startswith("ال") and len(arabic) > 3:
            arabic = arabic[2:]
        return _arabic_to_internal(arabic), True
    if "cyrillic" in scripts:
        return _latin_ascii(_cyrillic_to_latin(tok)), False
    if "ethiopic" in scripts:
        lat = "".join(anyascii(c).replace("h", "x") if 0x12B8 <= ord(c) <= 0x12C5 else anyascii(c)
                      for c in tok)
        return _latin_ascii(lat.lower()), True
    return _latin_ascii(tok), False


@lru_cache(maxsize=65536)
def _tokens(text: str) -> tuple:
    raw = _raw_tokens(text)
    conv = []
    for r in raw[: MAX_TOKENS * 3]:
        asc, abjad = _to_ascii(r)
        if not asc:
            continue
        asc = asc[:MAX_TOKEN_LEN]
        if abjad and not any(_script(c) == "ethiopic" for c in r):
            if asc.startswith("@bdal") and len(asc) > 6:
                asc = "abd" + asc[5:]
            elif asc.startswith("@bd"):
                asc = "abd" + asc[3:]
        conv.append([asc, abjad])
    # Drop articles and patronymic particles (when something else remains).
    kept = [t for t in conv if t[0].lower() not in _ARTICLES and t[0].lower() not in _PARTICLES]
    if kept:
        conv = kept
    # Merge "Abd al Rahman", "Abdul Rahman", "Habib Allah".
    merged = []
    for tok in conv:
        low = tok[0]
        if merged and _ALLAH_TOKEN.match(low) and not merged[-1][0].endswith("la"):
            merged[-1] = [merged[-1][0] + "ulla", merged[-1][1] or tok[1]]
            continue
        if merged and merged[-1][0] in _ABD_TOKENS:
            merged[-1] = ["abd" + _strip_article_latin(low), merged[-1][1] or tok[1]]
            continue
        merged.append(tok)
    out = []
    for asc, abjad in merged[:MAX_TOKENS]:
        if not abjad:
            asc = _canon_compound(asc)
        if asc:
            out.append((asc, abjad))
    return tuple(out)


_ALLAH_TOKEN = re.compile(r"^(?:[aeiou@]?l?lah?|ullah?|ollah?)$")


def _strip_article_latin(tok: str) -> str:
    if tok.startswith("@l"):
        tok = tok[2:]
    elif len(tok) > 4 and tok[:2] in ("al", "el", "ul") and tok[2] not in "aeiouy":
        tok = tok[2:]
    return tok


def _canon_compound(tok: str) -> str:
    if tok.startswith("abd") and len(tok) > 4:
        rest = _ABD_PREFIX.sub("", tok)
        rest = re.sub(r"^([a-zA-Z])\1", r"\1", rest)
        if _ALLAH.fullmatch(rest) or rest in ("ullahi", "illahi", "allahi", "lahi"):
            rest = "ulla"
        return "abd" + rest
    m = re.search(r"[uoaei]?llah?$", tok)
    if m and m.start() >= 3:
        return tok[: m.start()] + "ulla"
    return tok


# ------------------------------------------------------------------ forms
_DIGRAPHS = [
    ("dsch", "J"), ("tsch", "C"), ("schtsch", "SC"), ("shch", "SC"), ("sch", "S"),
    ("dzh", "J"), ("dj", "J"), ("dž", "J"), ("zh", "J"), ("xh", "J"), ("gj", "J"),
    ("tch", "C"), ("sh", "S"), ("kh", "x"), ("gh", "g"), ("ph", "f"), ("th", "T"),
    ("dh", "D"), ("ck", "k"), ("qu", "k"), ("q", "k"), ("dJ", "J"), ("tz", "z"),
    ("ts", "z"), ("ou", "u"), ("oo", "u"), ("ee", "i"), ("aa", "a"), ("uu", "u"),
    ("ii", "i"), ("ey", "ai"), ("ay", "ai"), ("ei", "ai"), ("w", "v"),
]
_DIGRAPH_RE = re.compile("|".join(re.escape(d) for d, _ in sorted(_DIGRAPHS, key=lambda x: -len(x[0]))))
_DIGRAPH_MAP = dict(_DIGRAPHS)


def _expand(s: str) -> list:
    """Resolve ambiguous letters (ch, c, j, y) into up to MAX_FORMS forms."""
    forms = [""]
    i = 0
    n = len(s)
    while i < n:
        ch = s[i]
        nxt = s[i + 1] if i + 1 < n else ""
        prev = s[i - 1] if i > 0 else ""
        opts: tuple
        if ch == "c" and nxt == "h":
            opts = ("C", "x", "S")
            i += 1
        elif ch == "c":
            if i == 0 and nxt in "aeiou":
                opts = ("k", "J", "")
            elif nxt in "eiy":
                opts = ("z", "J", "s")
            else:
                opts = ("k", "J", "z")
        elif ch == "j":
            if prev in "aeiou" and nxt not in "aeiou":
                opts = ("i",)
            else:
                opts = ("J", "y")
        elif ch == "y":
            opts = ("y",) if (i == 0 or prev in "aeiou") and nxt in "aeiou" else ("i",)
        elif ch == "g" and nxt in "ei" and i + 2 < n and s[i + 1] == "u":
            opts = ("g",)
        elif ch == "u" and prev == "g" and nxt in "ei":
            opts = ("",)
        elif ch == "x" and i == 0 and nxt in "aeiou":
            opts = ("x", "h")
        elif ch == "x" and i > 0 and nxt:
            opts = ("x", "ks")
        elif ch == "i" and i == 0 and nxt in "aeou":
            opts = ("y",)
        else:
            opts = (ch,)
        if len(opts) == 1:
            forms = [f + opts[0] for f in forms]
        else:
            forms = [f + o for f in forms for o in opts][:MAX_FORMS]
        i += 1
    return forms


def _finish(form: str) -> str:
    form = re.sub(r"(.)\1+", r"\1", form)
    form = form.replace("yi", "i").replace("iy", "i")
    if len(form) > 2 and form[-1] == "h" and form[-2] in "aeiou":
        form = form[:-1]
    if len(form) > 2:
        last = form[-1]
        dev = {"d": "t", "b": "p", "g": "k", "v": "f", "D": "T"}.get(last)
        if dev:
            form = form[:-1] + dev
    return form


@lru_cache(maxsize=65536)
def _forms(asc: str, abjad: bool) -> tuple:
    if abjad:
        base = _finish(asc)
        if "u" in base[1:]:
            return (base, _finish(base[0] + base[1:].replace("u", "v")))
        return (base,)
    s = _DIGRAPH_RE.sub(lambda m: _DIGRAPH_MAP[m.group()], asc)
    out = []
    for f in _expand(s):
        f = _finish(f)
        if f and f not in out:
            out.append(f)
    return tuple(out) or (asc,)


def _build_classes() -> dict:
    table = {}
    for cls, words in _NAME_CLASSES.items():
        for w in words.split():
            for asc, _abjad in _tokens(w):
                table.setdefault(asc, cls)
    return table


_CLASS_OF: dict = {}


@lru_cache(maxsize=65536)
def _token(asc: str, abjad: bool) -> _Token:
    return _Token(asc, _forms(asc, abjad), abjad, _CLASS_OF.get(asc))


def _name(text: str) -> tuple:
    return tuple(_token(a, b) for a, b in _tokens(text or ""))


# ------------------------------------------------------------ public API
def normalize_name(text: str) -> str:
    """Canonical ASCII spelling: lower case, articles dropped, compounds joined."""
    return " ".join(a for a, _ in _tokens(text or ""))


def name_tokens(text: str) -> list:
    return [a for a, _ in _tokens(text or "")]


# ---------------------------------------------------------------- distance
_SUB = {}


def _pairs(cost: float, *groups: str) -> None:
    for g in groups:
        for a in g:
            for b in g:
                if a != b:
                    _SUB[(a, b)] = min(cost, _SUB.get((a, b), 9))


_pairs(0.2, "ou", "iy")
_pairs(0.3, "ae", "ei", "xh", "xC", "CS", "Cc", "sz", "sT", "tT", "dD", "zD", "Jy", "Jc")
_pairs(0.4, "bp", "td", "kg", "kx", "kC", "Ss", "Jg", "gh", "gx", "fv", "uv", "hC", "Jz", "zT", "kc")
_pairs(0.5, "JS", "JC", "dJ", "Ds")
_pairs(0.9, "ao", "ai")
_pairs(1.0, "au", "oe", "ue", "io", "iu", "vb")
for _v in "aeiou":
    _SUB[("@", _v)] = _SUB[(_v, "@")] = 0.1
_CONS_SUB = 1.3
_CONS_INDEL = 1.2
_INDEL = {"a": 0.5, "e": 0.4, "i": 0.5, "o": 0.5, "u": 0.5, "y": 0.3, "h": 0.8, "@": 0.3}
_INDEL_ABJAD_PEER = {"a": 0.12, "e": 0.12, "i": 0.25, "o": 0.25, "u": 0.25, "h": 0.6, "y": 0.3}


def _wdist(a: str, b: str, a_abjad: bool, b_abjad: bool) -> float:
    """Weighted edit distance; deleting a vowel from a is cheap if b is abjad."""
    del_a = _INDEL_ABJAD_PEER if b_abjad and not a_abjad else _INDEL
    del_b = _INDEL_ABJAD_PEER if a_abjad and not b_abjad else _INDEL
    sub = _SUB
    prev = [0.0]
    for ch in b:
        prev.append(prev[-1] + del_b.get(ch, _CONS_INDEL))
    for ca in a:
        dca = del_a.get(ca, _CONS_INDEL)
        cur = [prev[0] + dca]
        for j, cb in enumerate(b):
            c = prev[j] if ca == cb else prev[j] + sub.get((ca, cb), _CONS_SUB)
            d = prev[j + 1] + dca
            if d < c:
                c = d
            d = cur[j] + del_b.get(cb, _CONS_INDEL)
            if d < c:
                c = d
            cur.append(c)
        prev = cur
    return prev[-1]


def _gendered(a: str, b: str) -> bool:
    """Karim/Karima, Ivan/Ivana, Ali/Alia: a trailing 'a' makes another name.

    A trailing 'i' after a consonant (Hassan/Hassani, Karim/Karimi) is a
    nisba family name, also a different name.
    """
    if len(a) < len(b):
        a, b = b, a
    if len(b) < 2 or len(a) != len(b) + 1 and not (len(a) == len(b) + 2 and a[-2] == "y"):
        return False
    if a.endswith("i") and b[-1] not in "aeiouy" and _wdist(a[:-1], b, False, False) <= 0.45:
        return True
    if not a.endswith("a") or b.endswith("a"):
        return False
    stem = a[:-1]
    if stem.endswith("i") and b.endswith("i"):
        pass
    elif b[-1] in "aeiou" and not (stem.endswith("y") or stem.endswith(b[-1])):
        return False
    return _wdist(stem, b, False, False) <= 0.45


_ARTICLE_PREFIX = re.compile(r"^(?:al|el|ul)(?=[^aeiouy])")


def _without_article(tok: _Token):
    """Alhassan -> hassan; only for Latin tokens long enough to hold a name."""
    if tok.abjad or len(tok.text) < 6 or not _ARTICLE_PREFIX.match(tok.text):
        return None
    return _token(tok.text[2:], False)


@lru_cache(maxsize=262144)
def _token_sim(ta: _Token, tb: _Token) -> tuple:
    """Return (similarity, reason) for two tokens."""
    s, r = _token_sim_plain(ta, tb)
    if s >= 0.96:
        return s, r
    for x, y in ((_without_article(ta), tb), (ta, _without_article(tb))):
        if x is not None and y is not None:
            s2, r2 = _token_sim_plain(x, y)
            if s2 - 0.01 > s:
                s, r = round(s2 - 0.01, 4), r2
    return s, r


def _token_sim_plain(ta: _Token, tb: _Token) -> tuple:
    if ta.text == tb.text and ta.abjad == tb.abjad:
        return 1.0, "exact"
    if ta.name_class and tb.name_class:
        if ta.name_class == tb.name_class:
            return 0.97, "name_variant"
        return 0.3, "different_name"
    best = 0.0
    reason = "fuzzy"
    for fa in ta.forms:
        for fb in tb.forms:
            if fa == fb:
                if not ta.abjad and not tb.abjad and _gendered(ta.text, tb.text):
                    continue
                return 0.96, "transliteration"
            la, lb = len(fa), len(fb)
            longest = max(la, lb)
            if abs(la - lb) > 0.6 * longest + 1 and not (ta.abjad or tb.abjad):
                continue
            if Levenshtein.distance(fa, fb) > 0.75 * longest + 1:
                continue
            d = _wdist(fa, fb, ta.abjad, tb.abjad)
            if ta.abjad != tb.abjad:
                ref = len(fb) if ta.abjad else len(fa)
            else:
                ref = longest
            s = max(0.0, 1.0 - d / max(ref, 1))
            if fa[-1] != fb[-1] and fa[-1] in "aeiou" and fb[-1] in "aeiou" and \
                    _SUB.get((fa[-1], fb[-1]), 1) > 0.5:
                s -= 0.08
            if longest <= 4:
                s -= 0.04 * (5 - longest)
            if s > best:
                best = s
    if best >= TOKEN_THRESHOLD and _gender_split(ta, tb):
        return min(best, 0.5), "different_name"
    return round(best, 4), reason


def _gender_split(ta: _Token, tb: _Token) -> bool:
    if ta.abjad or tb.abjad:
        a = ta.forms[0] if ta.abjad else tb.forms[0]
        other = tb if ta.abjad else ta
        if a.endswith("a") and not any(f[-1] in "aeh" for f in other.forms):
            return True
        return False
    fa = ta.forms[0]
    fb = tb.forms[0]
    return _gendered(fa, fb) or _gendered(ta.text, tb.text)


def _skeleton(form: str) -> str:
    out = []
    for ch in form:
        k = _SKEL.get(ch, "")
        if k and (not out or out[-1] != k):
            out.append(k)
    return "".join(out)


_SKEL = {
    "b": "B", "p": "B", "f": "F", "v": "F", "t": "T", "d": "T", "D": "T",
    "T": "S", "s": "S", "z": "S", "S": "S", "k": "K", "g": "K", "x": "K", "h": "K",
    "C": "K", "J": "K", "c": "K", "l": "L", "r": "R", "m": "M", "n": "N",
}


def _koelner(word: str) -> str:
    """Kölner Phonetik (Postel 1969) on an ASCII word."""
    w = word.lower()
    codes = []
    n = len(w)
    for i, ch in enumerate(w):
        prev = w[i - 1] if i else ""
        nxt = w[i + 1] if i + 1 < n else ""
        if ch in "aeijouy":
            c = "0"
        elif ch == "h":
            c = ""
        elif ch == "b":
            c = "1"
        elif ch == "p":
            c = "3" if nxt == "h" else "1"
        elif ch in "dt":
            c = "8" if nxt in ("c", "s", "z") and nxt else "2"
        elif ch in "fvw":
            c = "3"
        elif ch in "gkq":
            c = "4"
        elif ch == "c":
            if i == 0:
                c = "4" if nxt and nxt in "ahkloqrux" else "8"
            else:
                c = "4" if nxt and nxt in "ahkoqux" and prev not in ("s", "z") else "8"
        elif ch == "x":
            c = "8" if prev and prev in "ckq" else "48"
        elif ch == "l":
            c = "5"
        elif ch in "mn":
            c = "6"
        elif ch == "r":
            c = "7"
        elif ch in "sz":
            c = "8"
        else:
            c = ""
        codes.append(c)
    raw = "".join(codes)
    collapsed = re.sub(r"(.)\1+", r"\1", raw)
    if not collapsed:
        return ""
    return collapsed[0] + collapsed[1:].replace("0", "")


_FORM_TO_ASCII = str.maketrans({"S": "sch", "C": "tsch", "J": "dsch", "x": "ch", "T": "s",
                                "D": "d", "@": "a"})


@lru_cache(maxsize=65536)
def _token_keys(tok: _Token) -> frozenset:
    keys = set()
    for f in tok.forms:
        sk = _skeleton(f)
        if f[0] in _VOWELS and len(sk) >= 1:
            keys.add("s:A" + sk)
        if len(sk) >= 2:
            keys.add("s:" + sk)
        if len(sk) <= 1 and len(f) >= 2:
            keys.add("f:" + "".join("V" if c in _VOWELS else _SKEL.get(c, c) for c in f))
    ko = _koelner(tok.forms[0].translate(_FORM_TO_ASCII))
    if len(ko) >= 2:
        keys.add("k:" + ko)
    if tok.name_class:
        keys.add("n:" + tok.name_class)
    return frozenset(keys)


def name_keys(text: str) -> set:
    """Index keys: a name that should match shares at least one key.

    Besides per-token keys, adjacent tokens are also keyed as one
    (Gebre Medhin / Gebremedhin) and "al"-prefixed tokens without it.
    """
    toks = _name(text)
    keys = set()
    for tok in toks:
        keys |= _token_keys(tok)
        alt = _without_article(tok)
        if alt is not None:
            keys |= _token_keys(alt)
    for x, y in zip(toks, toks[1:]):
        sk = _skeleton(x.forms[0] + y.forms[0])
        if len(sk) >= 3:
            keys.add("s:" + sk)
    return keys


# --------------------------------------------------------------- full names
def _align(a: tuple, b: tuple) -> tuple:
    """Greedy best assignment; returns (pairs[(i, j, sim, reason)])."""
    cand = []
    for i, ta in enumerate(a):
        for j, tb in enumerate(b):
            s, r = _token_sim(ta, tb)
            cand.append((s, i, j, r))
    cand.sort(key=lambda x: (-x[0], abs(x[1] - x[2])))
    used_a, used_b, pairs = set(), set(), []
    for s, i, j, r in cand:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        pairs.append((i, j, s, r))
    return pairs


def _joined(a: tuple, b: tuple) -> float:
    """Compare names with token boundaries removed (Gebre Medhin / Gebremedhin)."""
    if len(a) == len(b):
        return 0.0
    ja = _token("".join(t.text for t in a), any(t.abjad for t in a))
    jb = _token("".join(t.text for t in b), any(t.abjad for t in b))
    return _token_sim(ja, jb)[0]


@lru_cache(maxsize=65536)
def _compare(x: str, y: str) -> tuple:
    a, b = _name(x), _name(y)
    if not a or not b:
        return 0.0, False, ()
    pairs = _align(a, b)
    n_small = min(len(a), len(b))
    sims = [p[2] for p in pairs]
    good = [p for p in pairs if p[2] >= TOKEN_THRESHOLD]
    score = sum(sims) / n_small if sims else 0.0
    extra = max(len(a), len(b)) - n_small
    score *= 0.98 ** extra
    ok = len(good) == n_small
    reasons = []
    if ok:
        for _, _, s, r in good:
            tag = f"fuzzy:{s:.2f}" if r == "fuzzy" else r
            if tag not in reasons:
                reasons.append(tag)
        order = [j for i, j, _, _ in sorted(good)]
        if order != sorted(order):
            reasons.append("token_order")
        if extra:
            reasons.append("extra_tokens")
    else:
        j = _joined(a, b)
        if j >= TOKEN_THRESHOLD:
            ok = True
            score = max(score, j)
            reasons = ["compound"]
    if ok and any(t.abjad for t in a) != any(t.abjad for t in b):
        reasons.append("script")
    if ok and [(t.text, t.abjad) for t in a] == [(t.text, t.abjad) for t in b]:
        reasons = ["exact"]
    score = max(0.0, min(1.0, score))
    if not ok:
        score = min(score, TOKEN_THRESHOLD - 0.01)
    return round(score, 4), ok, tuple(reasons)


def name_similarity(a: str, b: str) -> float:
    return _compare(a or "", b or "")[0]


def names_match(a: str, b: str) -> bool:
    return _compare(a or "", b or "")[1]


def match_reasons(a: str, b: str) -> list:
    score, ok, reasons = _compare(a or "", b or "")
    return list(reasons) if ok else []


_CLASS_OF.update(_build_classes())


def query_token_keys(text: str) -> list:
    """Index keys per token of a search query: a person matches a token when they share one of its keys."""
    result = []
    for tok in _name(text):
        keys = set(_token_keys(tok))
        alt = _without_article(tok)
        if alt is not None:
            keys |= _token_keys(alt)
        result.append(frozenset(keys))
    return result


def query_compound_keys(text: str) -> dict:
    """Keys of adjacent query tokens written together ("Gebre Medhin" finds "Gebremedhin"): key -> token indexes."""
    toks = _name(text)
    result = {}
    for index, (x, y) in enumerate(zip(toks, toks[1:])):
        sk = _skeleton(x.forms[0] + y.forms[0])
        if len(sk) >= 3:
            result["s:" + sk] = (index, index + 1)
    return result
