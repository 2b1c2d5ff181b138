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
locale variables (``LC_ALL``, ``LC_MESSAGES``, ``LANG``); Indonesian when
they name it (``id``, ``id_ID.UTF-8``), English otherwise.
"""

from __future__ import annotations

import datetime
import functools
import gettext as _gettext
import io
import math
import os
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
        # A POSIX locale name: language[_territory][.codeset][@modifier].
        language = value.split(".")[0].split("@")[0].split("_")[0].lower()
        return "id" if language in ("id", "in") else "en"
    return "en"


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

    # Numbers ----------------------------------------------------------------------------------------
    def number(self, value: float, digits: int = 0) -> str:
        """A number with the language's grouping and decimal signs; '–' for a missing one."""
        from babel.numbers import format_decimal

        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def signed(self, value: float, digits: int = 0) -> str:
        """A difference: with its sign, + or −."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        text = self.number(abs(value), digits)
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


__all__ = ["DOMAIN", "Formatter", "LANGUAGES", "LOCALE_DIR", "gettext_for", "jinja_environment", "ngettext_for",
           "resolve", "translations"]
