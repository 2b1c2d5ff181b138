"""Languages of what a planner reads: English and Indonesian (Bahasa Indonesia).

The texts are gettext messages (English message ids, the Indonesian
catalog in ``locale/id/LC_MESSAGES/msmesim.po``); numbers, rupiah,
percentages and months are formatted by Babel in the language's
conventions, one way per language everywhere (the summary, the command
line's tables, the HTML report):

=========  ==================  ==================
           ``en``              ``id``
=========  ==================  ==================
number     1,234,567.5         1.234.567,5
rupiah     Rp1,234,567         Rp1.234.567
large      Rp1.26 trillion     Rp1,26 triliun
share      8.3%                8,3%
month      March 2020          Maret 2020
=========  ==================  ==================

The language is the one asked for (``lang=`` in Python, ``--lang`` on the
command line), else the environment's: ``MSMESIM_LANG``, then the POSIX
locale variables (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), then the locale
the interpreter runs in (Windows sets no variable); Indonesian when they
name it (``id``, ``id_ID.UTF-8``, ``Indonesian_Indonesia``), English
otherwise. The language follows the user, not the data: the same presets
serve a planner in a Dinas Koperasi dan UKM and a researcher writing in
English.
"""

from __future__ import annotations

import datetime
import functools
import gettext as _gettext
import io
import math
import os
import re
from pathlib import Path
from typing import Any, Callable

from . import _core
from ._errors import invalid

#: The languages, by code.
LANGUAGES = {"en": "English", "id": "Bahasa Indonesia"}

#: The gettext domain and where its catalogs are.
DOMAIN = "msmesim"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_BABEL_LOCALE = {"en": "en", "id": "id"}


def N_(message: str) -> str:
    """Marks a message for the catalog; translated where it is used."""
    return message


#: The model's own words — programme kinds, shock channels, size classes,
#: lenders — as a planner reads them (Formatter.term).
TERMS = {
    "kur_subsidy": N_("KUR interest subsidy"), "shipping_voucher": N_("free-shipping voucher"),
    "csr_capital": N_("CSR capital through cooperatives"), "cash_grant": N_("cash grant"),
    "digital_training": N_("digital training"), "clinic": N_("business clinic"),
    "credit_guarantee": N_("credit guarantee"), "market_access": N_("market access"),
    "certification": N_("certification"), "shop_rental": N_("shop rental"),
    "coop_network": N_("cooperative network"), "coop_collaboration": N_("cooperative collaboration"),
    "virtual_rat": N_("virtual members' meeting (RAT)"), "loan_restructuring": N_("loan restructuring"),
    "kur_extra_subsidy": N_("extra KUR interest subsidy"), "bpum": N_("BPUM micro-business grant"),
    "sales": N_("sales"), "capital": N_("capital"), "distribution": N_("distribution"),
    "raw_materials": N_("raw materials"),
    "micro": N_("micro"), "small": N_("small"), "medium": N_("medium"), "large": N_("large"),
    "cooperative": N_("cooperative"), "kur": "KUR", "bank": N_("bank"), "informal": N_("informal"),
}


def resolve(lang: str | None = None) -> str:
    """The language code to use: ``lang`` when given (``en`` or ``id``), else the environment's."""
    if lang is not None:
        if not isinstance(lang, str):
            raise invalid("lang", type(lang).__name__, "a language code: en or id", _core.TypeMismatchError)
        code = lang.strip().lower()
        if code not in LANGUAGES:
            raise invalid("lang", lang, "en (English) or id (Bahasa Indonesia)")
        return code
    for var in ("MSMESIM_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "").strip()
        if not value:
            continue
        if var == "MSMESIM_LANG":
            return resolve(value)
        return "id" if _is_indonesian(value) else "en"
    # No variable set (as on Windows): the locale the interpreter runs in
    # ("id_ID", or "Indonesian_Indonesia" on Windows).
    import locale

    current = locale.getlocale()[0]
    return "id" if current and _is_indonesian(current) else "en"


def _is_indonesian(name: str) -> bool:
    """Whether a locale name (language[_territory][.codeset][@modifier], or Windows' Indonesian_Indonesia) is
    Indonesian."""
    language = name.split(".")[0].split("@")[0].split("_")[0].lower()
    return language in ("id", "in", "indonesian")


@functools.lru_cache(maxsize=None)
def translations(lang: str) -> _gettext.NullTranslations:
    """The gettext translations of a language (English: the message ids themselves).

    The catalog is read from its ``.po`` file and compiled in memory, so the
    file that is edited is the one that is used."""
    code = resolve(lang)
    if code == "en":
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    po = LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=code, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return _gettext.GNUTranslations(buf)


def gettext_for(lang: str | None) -> Callable[[str], str]:
    """``_`` for a language: ``_("Firms saved")``."""
    return translations(resolve(lang)).gettext


def ngettext_for(lang: str | None) -> Callable[[str, str, int], str]:
    return translations(resolve(lang)).ngettext


class Formatter:
    """Numbers, rupiah, shares and months in one language's conventions."""

    def __init__(self, lang: str | None = None) -> None:
        self.lang = resolve(lang)
        self.locale = _BABEL_LOCALE[self.lang]
        self._ = gettext_for(self.lang)

    def term(self, key: str) -> str:
        """One of the model's words (a programme kind, channel, size class or lender, :data:`TERMS`) in the
        language; another name with its underscores as spaces."""
        return self._(TERMS[key]) if key in TERMS else key.replace("_", " ")

    # Numbers ----------------------------------------------------------------------------------------
    def number(self, value: float, digits: int = 0) -> str:
        """A number with the language's grouping and decimal signs; '–' for a missing one."""
        from babel.numbers import format_decimal

        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def signed(self, value: float, digits: int = 0, share: bool = False) -> str:
        """A difference with its sign, + or -: a number, or with ``share`` a percentage (+8.3%)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        text = self.share(abs(value), max(digits, 1)) if share else self.number(abs(value), digits)
        return ("+" if value >= 0 else "-") + text

    def share(self, value: float, digits: int = 1) -> str:
        """A share as a percentage: 8.3% / 8,3%."""
        from babel.numbers import format_percent

        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "") + "%"
        return format_percent(value, format=pattern, locale=self.locale)

    def rp(self, value: float) -> str:
        """Rupiah in full: Rp1,234,567 / Rp1.234.567."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        return ("-" if value < 0 else "") + "Rp" + self.number(abs(value))

    def rp_short(self, value: float) -> str:
        """Rupiah, a million or more in words: Rp1.26 trillion / Rp1,26 triliun (below a million in full)."""
        from babel.numbers import format_compact_decimal

        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        a = abs(value)
        if a < 1e6:
            return self.rp(value)
        text = format_compact_decimal(a, format_type="long", locale=self.locale, fraction_digits=2)
        return ("-" if value < 0 else "") + "Rp" + text

    # Dates ------------------------------------------------------------------------------------------
    def month(self, value: Any) -> str:
        """A month: March 2020 / Maret 2020 (from "2020-03", a date or a pandas Period)."""
        from babel.dates import format_date

        return format_date(_as_date(value), "MMMM yyyy", locale=self.locale)

    def month_short(self, value: Any) -> str:
        from babel.dates import format_date

        return format_date(_as_date(value), "MMM yyyy", locale=self.locale)


#: The core's errors, as it words them: each message id is also the pattern it
#: reads (its placeholders match any text), tried in order, on the message or
#: on the description of what is allowed. Anything else is kept as worded.
_ERROR_FORMS = (
    N_("%(head)sgot %(value)s; allowed: %(allowed)s"),
    N_("cannot read scenario file '%(path)s'"),
    N_("%(path)s: cannot open for reading"),
)
_HEAD_FORMS = (N_("%(where)s: column '%(column)s': "), N_("%(where)s: key '%(key)s': "))
_ALLOWED_FORMS = (
    N_("did you mean %(name)s? %(rest)s"),
    N_("a number in [%(low)s, %(high)s]"),
    N_("a finite number >= %(low)s"),
    N_("an integer in [%(low)s, %(high)s]"),
    N_("an integer >= %(low)s"),
    N_("a whole number >= %(low)s and <= %(high)s"),
    N_("a whole number >= %(low)s"),
    N_("one of the built-in populations: %(names)s"),
    N_("one of %(names)s"),
    N_("a month YYYY-MM%(rest)s"),
    N_("at most %(n)s"),
    N_("at least %(n)s"),
)


@functools.lru_cache(maxsize=None)
def _pattern(message: str) -> re.Pattern[str]:
    """A message id as the regular expression that reads it back: its text literal, each %(name)s a group."""
    parts = re.split(r"%\((\w+)\)s", message)
    body = "".join(re.escape(p) if k % 2 == 0 else f"(?P<{p}>.*?)" for k, p in enumerate(parts))
    return re.compile(f"^{body}$", flags=re.S)


#: Descriptions the core words the same way wherever it uses them.
_ALLOWED_PHRASES = (
    N_("true or false"), N_("a non-empty name"), N_("a whole number"), N_("a share in [0, 1]"),
    N_("a value in [0, 1]"), N_("a value (the column is required)"), N_("a header row naming the columns"),
    N_("an integer >= 0 (0 uses every core)"), N_("a number >= 0 (Rp), at most 1e16"), N_("a finite number (Rp)"),
    N_("at least one sector"), N_("at least one region"), N_("at least one firm"), N_("at least one positive weight"),
    N_("a kecamatan"), N_("a sector"), N_("a string"), N_("a table"), N_("an array"), N_("an empty list"),
    N_("distinct names"), N_("a TOML document (https://toml.io)"),
)


def error_message(exc: BaseException, lang: str | None = None) -> str:
    """An error of the core (or of this package) in ``lang``: its frame — the
    file, line, key or column, "got …; allowed: …" — and what is allowed,
    where the core words it in one of its common forms; values, names and
    anything the catalog does not know are kept as they are."""
    text = str(exc)
    code = resolve(lang)
    if code == "en":
        return text
    _ = gettext_for(code)

    def reworded(phrase: str, forms: tuple[str, ...]) -> str | None:
        for message in forms:
            m = _pattern(message).match(phrase)
            if m:
                parts = m.groupdict()
                if "head" in parts:
                    parts["head"] = reworded(parts["head"], _HEAD_FORMS) or parts["head"]
                    parts["allowed"] = allowed(parts["allowed"])
                if message.startswith("did you mean"):
                    parts["rest"] = allowed(parts["rest"])
                return _(message) % parts
        return None

    def allowed(phrase: str) -> str:
        if phrase in _ALLOWED_PHRASES:
            return _(phrase)
        return reworded(phrase, _ALLOWED_FORMS) or phrase

    return reworded(text, _ERROR_FORMS) or text


def jinja_environment(lang: str | None) -> Any:
    """The Jinja2 environment of the package's page templates (``templates/``), autoescaping, with the gettext
    of ``lang`` installed (``_()`` in the templates)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("msmesim", "templates"), autoescape=True,
                             extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations(resolve(lang)), newstyle=True)  # type: ignore[attr-defined]
    return env


def _as_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    if hasattr(value, "start_time"):  # a pandas Period
        return value.start_time.date()
    text = str(value)
    year, month = text[:7].split("-")
    return datetime.date(int(year), int(month), 1)


__all__ = ["DOMAIN", "Formatter", "LANGUAGES", "LOCALE_DIR", "N_", "TERMS", "error_message", "gettext_for",
           "jinja_environment", "ngettext_for", "resolve", "translations"]
