"""The HTML report in a real headless browser (Debian's chromium, driven by Playwright), on a
font configuration with no CJK font at all: Chinese shows only because the page brings its own."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.cli import main
from analyzer.comparison import compare
from analyzer.pipeline import analyze

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


LATIN_FONTS = [d for d in ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/liberation") if Path(d).is_dir()]


def no_cjk_fonts(tmp_path) -> dict:
    """An environment whose fontconfig knows Latin fonts only (checked with fc-list)."""
    conf = tmp_path / "fonts.conf"
    dirs = "".join(f"<dir>{d}</dir>" for d in LATIN_FONTS)
    conf.write_text(f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>{dirs}'
                    f'<cachedir>{tmp_path / "fc-cache"}</cachedir></fontconfig>', encoding="utf-8")
    env = dict(os.environ, FONTCONFIG_FILE=str(conf))
    zh = subprocess.run(["fc-list", ":lang=zh"], env=env, capture_output=True, text=True, check=True).stdout
    assert zh.strip() == "", zh
    return env


def test_report_in_a_real_browser(tmp_path, sample_paths):
    assert CHROMIUM, "chromium is missing: apt-get install chromium (.ci/run does)"
    env = no_cjk_fonts(tmp_path)
    from playwright.sync_api import sync_playwright
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["compare", str(sample_paths[0].parent), "--out", str(out)])
    assert r.exit_code == 0, r.output
    names = compare([analyze(p) for p in sample_paths], with_counterparts=False).names
    errors = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True, env=env)
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((out / "report.html").as_uri())
        body = page.inner_text("body")
        for n in names:
            assert n in body, n
        sizes = page.eval_on_selector_all(
            "img.chart", "imgs => imgs.map(i => [i.complete, i.naturalWidth, i.naturalHeight])")
        assert len(sizes) == 4
        assert all(ok and w > 0 and h > 0 for ok, w, h in sizes), sizes
        # Chinese shows on a machine with no CJK font: the page brings its own, cut to its characters
        fonts = page.evaluate("""async () => { await document.fonts.ready;
            return [...document.fonts].map(f => [f.family, f.status]); }""")
        assert [[family.strip('"'), status] for family, status in fonts] == [["AnalyzerCJK", "loaded"]], fonts
        assert page.evaluate("(t) => document.fonts.check('16px AnalyzerCJK', t)", body[:2000])
        # and its glyphs are drawn: a Chinese character is one em wide in the page's font, not the
        # fallback's box
        widths = page.evaluate("""() => { const c = document.createElement("canvas").getContext("2d");
            const w = f => { c.font = f; return c.measureText("合同条款").width; };
            return [w("40px AnalyzerCJK"), w("40px sans-serif")]; }""")
        assert widths[0] == pytest.approx(160, abs=2) and abs(widths[0] - widths[1]) > 8, widths
        # the table of contents leads to every vendor; a finding's clause link opens its clause in the text
        assert page.locator("nav.toc a").count() >= 8 + len(names)
        link = page.locator("div.finding a").first
        target = link.get_attribute("href")
        link.click()
        clause = page.locator(f"p[id='{target[1:]}']")
        assert clause.is_visible() and "flagged" in clause.get_attribute("class")
        # the findings filter (a script the page's policy allows by its hash) shows one severity only
        assert page.locator("#filters").is_visible()
        total = page.locator("div.finding").count()
        page.select_option("#f-sev", "high")
        shown = page.eval_on_selector_all("div.finding", "ds => ds.filter(d => d.offsetParent !== null)"
                                                        ".map(d => d.dataset.severity)")
        assert shown and set(shown) == {"high"} and len(shown) < total
        page.select_option("#f-sev", "")
        # by vendor: the overview table and the sections show that vendor's findings only
        page.select_option("#f-vendor", "1")
        for selector in ("#ftable tr.row", "div.finding"):
            shown = page.eval_on_selector_all(selector, "xs => xs.filter(x => x.offsetParent !== null)"
                                                        ".map(x => x.dataset.vendor)")
            assert shown and set(shown) == {"1"}, selector
        assert "显示" in page.inner_text("#f-count")
        page.select_option("#f-vendor", "")
        # sorting by severity from the keyboard: most severe first, then the other way
        page.focus("#ftable button[data-sort='sev']")
        page.keyboard.press("Enter")
        ranks = page.eval_on_selector_all("#ftable tr.row", "rs => rs.map(r => Number(r.dataset.kSev))")
        assert ranks == sorted(ranks) and len(set(ranks)) > 1
        page.keyboard.press("Enter")
        ranks = page.eval_on_selector_all("#ftable tr.row", "rs => rs.map(r => Number(r.dataset.kSev))")
        assert ranks == sorted(ranks, reverse=True)
        assert page.get_attribute("#ftable th:nth-child(2)", "aria-sort") == "descending"
        # a row of the overview leads to its clause in the contract text, the quoted words marked
        row_link = page.locator("#ftable tr.row a").first
        row_link.click()
        target = page.locator(f"p[id='{row_link.get_attribute('href')[1:]}']")
        assert target.is_visible() and target.locator("mark").count() >= 1
        assert target.locator("mark").first.is_visible()
        page.screenshot(path=str(tmp_path / "report.png"), full_page=False)
        # printed to PDF, the Chinese is text in the page's own font
        import pdfplumber
        (tmp_path / "report.pdf").write_bytes(page.pdf(format="A4"))
        with pdfplumber.open(tmp_path / "report.pdf") as pdf:
            first = pdf.pages[0].extract_text() or ""
            assert "供应商合同风险对比" in first and len(pdf.pages) > 3
        # a phone: the page itself never scrolls sideways (wide tables and charts scroll in place),
        # and no table header is squeezed to one character per line
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        phone.goto((out / "report.html").as_uri())
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        squeezed = phone.eval_on_selector_all(
            "th", "ths => ths.filter(t => t.innerText.length > 2 && t.getBoundingClientRect().width < 30).length")
        assert squeezed == 0
        phone.close()
        browser.close()
    assert errors == []
