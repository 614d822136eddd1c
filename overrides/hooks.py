"""MkDocs hook: one search index per language.

mkdocs-static-i18n merges the pages of every language into one search index, so an
English reader searching "lambda" got Japanese pages among the results. Once the
last language is built, this splits that index into /search/search_index.json
(the default language) and /<lang>/search/search_index.json, and points the pages
of each other language at their own index through Material's `base`.
"""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

from mkdocs.plugins import event_priority

CONFIG_SCRIPT = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _languages(config) -> tuple[str, list[str]]:
    i18n = config.plugins["i18n"]
    default = i18n.default_language
    return default, [lang.locale for lang in i18n.config.languages if lang.locale != default]


def on_post_page(output: str, page, config) -> str:
    _, others = _languages(config)
    lang = next((lang for lang in others if page.file.dest_uri.startswith(f"{lang}/")), None)
    if lang is None:
        return output

    def rebase(match: re.Match) -> str:
        settings = json.loads(match[2])
        # Material fetches base + "search/search_index.json" and resolves results against it.
        settings["base"] = posixpath.join(settings["base"], lang, "")
        return match[1] + _json(settings) + match[3]

    return CONFIG_SCRIPT.sub(rebase, output, count=1)


@event_priority(-200)  # after mkdocs-static-i18n (-100) has built and merged every language
def on_post_build(config) -> None:
    if config.plugins["i18n"].building:
        return  # an inner build of one language; the merged index comes at the end
    default, others = _languages(config)
    site = Path(config.site_dir)
    merged = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
    docs = merged["docs"]
    for lang in others:
        prefix = f"{lang}/"
        mine = [{**d, "location": d["location"][len(prefix):]} for d in docs if d["location"].startswith(prefix)]
        index = {**merged, "config": {**merged["config"], "lang": [lang]}, "docs": mine}
        (site / lang / "search").mkdir(parents=True, exist_ok=True)
        (site / lang / "search" / "search_index.json").write_text(_json(index), "utf-8")
    own = [d for d in docs if not d["location"].startswith(tuple(f"{lang}/" for lang in others))]
    (site / "search" / "search_index.json").write_text(_json({**merged, "docs": own}), "utf-8")
