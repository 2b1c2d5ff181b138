#!/usr/bin/env python3
"""The message catalogs of what a planner reads (python/msmesim/locale).

    .venv/bin/python tools/i18n.py           # extract the messages, update the Indonesian catalog
    .venv/bin/python tools/i18n.py --check   # exit 1 if a message is missing, untranslated or wrong

Messages are the English texts marked in the Python package (``_()``,
``N_()``, ``gettext``, ``ngettext``) and in its Jinja2 templates
(``templates/*.j2``). Updating keeps every translation already made,
adds new messages untranslated and drops obsolete ones; translate the new
ones in ``python/msmesim/locale/id/LC_MESSAGES/msmesim.po``. The package
reads the ``.po`` file itself (msmesim.i18n), so there is nothing to compile.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "python" / "msmesim"
PO = PACKAGE / "locale" / "id" / "LC_MESSAGES" / "msmesim.po"
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
METHODS = [("**/templates/**.j2", "jinja2.ext:babel_extract"), ("**.py", "python")]


def extract() -> Catalog:
    """The messages of the package's sources, as a template catalog."""
    template = Catalog(project="msmesim", domain="msmesim", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            PACKAGE, METHODS, keywords=KEYWORDS, comment_tags=("Translators:",), strip_comment_tags=True):
        template.add(message, None, [(f"python/msmesim/{filename}", lineno)], auto_comments=comments,
                     context=context)
    return template


def problems(template: Catalog, catalog: Catalog) -> list[str]:
    """What is wrong with the Indonesian catalog against the sources' messages."""
    out = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id, message.context)
        if found is None:
            out.append(f"missing from {PO.relative_to(ROOT)}: {message.id!r}")
        elif found.fuzzy:
            out.append(f"fuzzy (to be checked): {message.id!r}")
        elif not found.string or (isinstance(found.string, tuple) and not all(found.string)):
            out.append(f"not translated: {message.id!r}")
    for message, errors in catalog.check():
        for error in errors:
            out.append(f"{message.id!r}: {error}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="check the catalog; change nothing")
    args = parser.parse_args(argv)
    template = extract()
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="id", domain="msmesim")
    if args.check:
        found = problems(template, catalog)
        for p in found:
            print(p, file=sys.stderr)
        return 1 if found else 0
    template.creation_date = catalog.creation_date  # (no churn in the header when nothing changed)
    catalog.update(template, no_fuzzy_matching=True)
    catalog.msgid_bugs_address = "the msmesim project"
    catalog.last_translator = "msmesim"
    catalog.language_team = "Bahasa Indonesia"
    catalog.revision_date = catalog.creation_date
    catalog.obsolete.clear()
    with PO.open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False, sort_output=False, include_previous=False)
    left = [m.id for m in catalog if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)]
    print(f"{PO.relative_to(ROOT)}: {len([m for m in catalog if m.id])} messages, {len(left)} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
