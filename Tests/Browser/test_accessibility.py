"""An accessibility audit of every page a person meets, signed in and through a share link: each
control has an accessible name (as Chromium's accessibility tree computes it); text has the
contrast WCAG 2.1 AA asks (4.5:1, 3:1 for large text) against what is behind it; the page has a
language, one main landmark and a heading; and walking the page with Tab reaches its controls in
turn, each showing where the focus is (an outline or a ring), never an invisible element.

Usage: python3 Tests/Browser/test_accessibility.py PATH-TO-wayfinder
"""
import json, os, sys

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

sys.path.insert(0, os.path.dirname(__file__))
from browser import Checks, Demo, Page, chromium  # noqa: E402

MAP = "first-purchase"
INTERACTIVE = ("a[href], button, input:not([type=hidden]), select, textarea, [role=button], [role=link], [role=slider], "
               "[role=tab], [role=checkbox], [role=menuitem], [tabindex]:not([tabindex='-1'])")

# Text and the colour behind it, blended through transparent layers and opacity, for every visible
# text node outside SVG pictures (the map's drawing is checked by the renderer's own tests) and
# outside disabled controls (which WCAG exempts).
CONTRAST = """
const parse = (text) => {
  const m = text.match(/rgba?\\(([^)]+)\\)/);
  if (!m) return null;
  const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
  return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
};
const blend = (top, bottom) => ({ r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
                                  b: top.b * top.a + bottom.b * (1 - top.a), a: 1 });
const luminance = ({ r, g, b }) => {
  const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
};
const behind = (element) => {
  const layers = [];
  for (let e = element; e; e = e.parentElement) {
    const style = getComputedStyle(e);
    if (style.backgroundImage && style.backgroundImage !== 'none') return null;
    const colour = parse(style.backgroundColor);
    if (colour && colour.a > 0) { layers.push(colour); if (colour.a >= 1) break; }
  }
  let result = { r: 255, g: 255, b: 255, a: 1 };
  for (const layer of layers.reverse()) result = blend(layer, result);
  return result;
};
const problems = [];
const seen = new Set();
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const element = node.parentElement;
  if (!element || seen.has(element) || !node.textContent.trim()) continue;
  seen.add(element);
  if (element.closest('svg, [disabled], [aria-disabled=true], [hidden]')) continue;
  const rects = element.getClientRects();
  if (!rects.length || rects[0].width === 0) continue;
  const style = getComputedStyle(element);
  if (style.visibility !== 'visible') continue;
  let opacity = 1;
  for (let e = element; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
  if (opacity === 0) continue;
  const background = behind(element);
  const text = parse(style.color);
  if (!background || !text) continue;
  const foreground = blend({ ...text, a: text.a * opacity }, background);
  const [hi, lo] = [luminance(foreground), luminance(background)].sort((a, b) => b - a);
  const ratio = (hi + 0.05) / (lo + 0.05);
  const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
  const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
  if (ratio < needed - 0.005) {
    problems.push(`${ratio.toFixed(2)}:1 < ${needed}:1 for "${node.textContent.trim().slice(0, 40)}" (${style.color} on rgb(${Math.round(background.r)}, ${Math.round(background.g)}, ${Math.round(background.b)}), ${element.tagName.toLowerCase()}${element.className ? '.' + String(element.className).split(' ')[0] : ''})`);
  }
}
return problems;
"""

# Where the focus is now, and whether it shows.
FOCUS = """
const e = document.activeElement;
if (!e || e === document.body) return null;
const style = getComputedStyle(e), rect = e.getBoundingClientRect();
// An outline or a ring; a drawn point (SVG) shows focus with a thick stroke.
const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || (style.boxShadow && style.boxShadow !== 'none')
  || (e instanceof SVGElement && style.stroke !== 'none' && parseFloat(style.strokeWidth) >= 3);
const id = e.id || e.getAttribute('data-touchpoint') || e.getAttribute('name') || '';
return { what: `${e.tagName.toLowerCase()}${id ? '#' + id : ''} "${(e.getAttribute('aria-label') || e.textContent || e.value || '').trim().slice(0, 30)}"`,
         ring, visible: rect.width > 0 && rect.height > 0 && style.visibility === 'visible' };
"""


def names(page):
    """Controls without an accessible name."""
    missing = []
    for element in page.driver.find_elements(By.CSS_SELECTOR, INTERACTIVE):
        try:
            if not element.is_displayed():
                continue
            if not element.accessible_name.strip():
                missing.append(element.get_attribute("outerHTML")[:120])
        except Exception:
            continue
    return missing


def structure(page):
    return page.driver.execute_script("""
        const problems = [];
        if (!document.documentElement.lang) problems.push('no lang on <html>');
        if (document.querySelectorAll('main, [role=main]').length !== 1) problems.push(`${document.querySelectorAll('main, [role=main]').length} main landmarks`);
        if (!document.querySelector('h1')) problems.push('no h1');
        if (!document.title.trim()) problems.push('no title');
        return problems;""")


def focus_walk(page, stops=120):
    """Tabs through the page: every stop must show a ring and be visible; returns (stops, problems)."""
    # Right after the page opened, so that the first Tab starts at the top of the document.
    problems, visited = [], []
    for _ in range(stops):
        ActionChains(page.driver).send_keys(Keys.TAB).perform()
        state = page.driver.execute_script(FOCUS)
        if state is None:
            break
        if visited and state["what"] == visited[0]:
            break  # around the page once
        visited.append(state["what"])
        if not state["visible"]:
            problems.append(f"focus on an invisible element: {state['what']}")
        elif not state["ring"]:
            problems.append(f"no visible focus on {state['what']}")
    return visited, problems


def audit(page, path, what, ready=None, walk=True):
    page.open(path)
    if ready:
        page.wait(ready, what + " to be ready")
    stops, problems = [], []
    if walk:
        stops, focus = focus_walk(page)
        problems += focus
        if not stops:
            problems.append("Tab reaches nothing")
    problems += [f"unnamed control: {html}" for html in names(page)]
    problems += [f"contrast {p}" for p in page.driver.execute_script(CONTRAST)]
    problems += structure(page)
    page.shot(what.replace(" ", "-"))
    page.collect_console()
    assert not problems, f"{what} ({path}):\n  " + "\n  ".join(problems[:30])
    print(f"   {what}: {len(stops)} Tab stops, every control named, contrast AA", flush=True)


def main(binary):
    demo = Demo(binary)
    driver = chromium()
    page = Page(driver, demo.base, "accessibility")
    checks = Checks(page)
    try:
        checks("the sign-in page", lambda: audit(page, "/signin", "sign in"))
        page.sign_in(demo.account, demo.password)
        status, text = page.api("GET", "/api/v1/workspaces/retail/personas", None)
        persona = json.loads(text)["personas"][0]["id"] if status == 200 else None
        status, text = page.api("POST", f"/api/v1/workspaces/retail/maps/{MAP}/shares", {})
        share = json.loads(text).get("url") if status in (200, 201) else None
        editor_ready = lambda: driver.find_element(By.ID, "editor").get_attribute("data-ready") == "true"
        for path, what, ready in [
            ("/workspaces", "workspace list", None),
            ("/w/retail", "workspace home", None),
            (f"/w/retail/maps/{MAP}", "map view", None),
            (f"/w/retail/maps/{MAP}/report", "report", None),
            (f"/w/retail/personas/{persona}", "persona", None),
            (f"/w/retail/personas/{persona}/edit", "persona editor", None),
            (f"/w/retail/maps/{MAP}/edit", "map editor", editor_ready),
            ("/w/retail/members", "people", None),
            ("/keys", "API keys", None),
            ("/password", "password", None),
        ]:
            checks(f"the {what} page", lambda p=path, w=what, r=ready: audit(page, p, w, r))

        def editor_panels():
            page.open(f"/w/retail/maps/{MAP}/edit")
            page.wait(editor_ready, "the editor")
            card = driver.find_element(By.CSS_SELECTOR, ".card[data-touchpoint]")
            driver.execute_script("arguments[0].click()", card)
            problems = []
            for tab in page.all_by_role("tab"):
                label = tab.accessible_name
                driver.execute_script("arguments[0].click()", tab)
                problems += [f"{label}: unnamed control: {html}" for html in names(page)]
                problems += [f"{label}: contrast {p}" for p in driver.execute_script(CONTRAST)]
                page.shot("panel-" + label.lower().replace(" ", "-"))
            assert not problems, "\n  ".join(problems[:30])
        checks("every panel of the editor, with a touchpoint selected", editor_panels)

        def shared():
            assert share, "no share link was made"
            driver.delete_all_cookies()
            audit(page, share.replace(demo.base, ""), "share view")
        checks("the share view, signed out", shared)

        def no_errors():
            page.collect_console()
            assert not page.errors, page.errors
        checks("no console errors on any page", no_errors)
    finally:
        driver.quit()
        demo.stop()
    return checks.finish("accessibility", 14)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
