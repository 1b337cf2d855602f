"""The HTML report in a real headless browser (Debian's chromium, driven by Playwright)."""
import shutil

from click.testing import CliRunner

from analyzer.cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def test_report_in_a_real_browser(tmp_path, sample_paths):
    assert CHROMIUM, "chromium is missing: apt-get install chromium (.ci/run does)"
    from playwright.sync_api import sync_playwright
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["compare", str(sample_paths[0].parent), "--out", str(out)])
    assert r.exit_code == 0, r.output
    from analyzer.comparison import compare
    from analyzer.pipeline import analyze
    names = compare([analyze(p) for p in sample_paths], with_counterparts=False).names
    errors = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
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
        page.screenshot(path=str(tmp_path / "report.png"), full_page=False)
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
