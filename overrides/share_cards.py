"""Draw the share cards (Open Graph / Twitter), one per language: docs/assets/cards/<lang>.png.

Run `make cards` after changing the text below; the PNGs are committed, so the site
build needs no browser. Each card is 1200 x 630, drawn by Debian's chromium from
the HTML below with the system's Noto CJK fonts.
"""

from __future__ import annotations

import asyncio
import html
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.site.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402 - after the path it needs

OUT = ROOT / "docs" / "assets" / "cards"
TEXT = {
    "ja": {
        "title": "W を使わないラムダ式なのに、なぜ勾配が求まるのか",
        "book": "『ゼロから作るDeep Learning』4.5.1 節",
        "pass": "loss_W(101)",
        "mutate": "W[0][0] = 101 のあと loss_W(W)",
        "foot": "動くコードで確かめる解説サイト",
    },
    "en": {
        "title": "Why does a lambda that never uses W have a gradient?",
        "book": "Deep Learning from Scratch, section 4.5.1",
        "pass": "loss_W(101)",
        "mutate": "loss_W(W) after W[0][0] = 101",
        "foot": "Every claim shown by code that runs",
    },
}
PAGE = """<!doctype html><html lang="{lang}"><meta charset="utf-8"><style>
  html, body {{ margin: 0; width: 1200px; height: 630px; }}
  body {{ box-sizing: border-box; padding: 52px 72px 44px; background: #283593; color: #fff;
         font-family: "Noto Sans CJK JP", "Noto Sans", sans-serif; display: flex; flex-direction: column; }}
  .book {{ font-size: 30px; color: #c5cae9; }}
  h1 {{ font-size: 54px; line-height: 1.25; margin: 14px 0 28px; word-break: auto-phrase; }}
  code {{ font-family: "Noto Sans Mono CJK JP", monospace; }}
  .lambda {{ font-size: 30px; background: #1a237e; padding: 10px 20px; border-radius: 10px; align-self: flex-start; }}
  .rows {{ display: flex; gap: 40px; margin-top: 26px; font-size: 26px; align-items: flex-end; }}
  .n {{ font-size: 76px; font-weight: 700; line-height: 1.1; }}
  .arrow {{ font-size: 64px; line-height: 1.3; color: #c5cae9; }}
  .foot {{ margin-top: auto; font-size: 26px; color: #c5cae9; }}
</style><body>
  <div class="book">{book}</div>
  <h1>{title}</h1>
  <code class="lambda">loss_W = lambda W: net.loss(2, 5)</code>
  <div class="rows">
    <div><code>{pass_}</code><div class="n">107</div></div>
    <div class="arrow">→</div>
    <div><code>{mutate}</code><div class="n">108</div></div>
  </div>
  <div class="foot">{foot}</div>
</body></html>"""


async def main() -> None:
    from playwright.async_api import async_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 1200, "height": 630})
        for lang, text in TEXT.items():
            escaped = {key: html.escape(value) for key, value in text.items()}
            await page.set_content(PAGE.format(lang=lang, pass_=escaped.pop("pass"), **escaped))
            await page.screenshot(path=str(OUT / f"{lang}.png"))
            print(OUT / f"{lang}.png")
        await browser.close()


if __name__ == "__main__":
    asyncio.run(main())
