"""Presentation mode in Chromium, as a presenter uses it: sign in, open the demo map in the
editor, press Present, and go through every slide with the keyboard at 1280 × 720: the title,
each persona of the map, each stage in map order with the emotion curve drawn up to that stage,
and the closing summary. Live numbers appear and disappear with N (the demo map is live), the
arrows go back and forth, Escape ends it and gives focus back to the Present button, and the
presentation changes nothing on the map. Then the same slides at 1920 × 1080, and the future-state
map, which shows the current state's touchpoints under each of its stages. No slide overflows the
screen and the console stays clean.

Usage: python3 Tests/Browser/test_present.py PATH-TO-wayfinder
"""
import json, os, sys, time

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

sys.path.insert(0, os.path.dirname(__file__))
from browser import Checks, Demo, Page, chromium  # noqa: E402

WORKSPACE = "retail"
CURRENT = "first-purchase"
FUTURE = "first-purchase-future"
CHECKS = 11


def api_json(page, method, path, body=None):
    status, text = page.api(method, path, body)
    assert status == 200, (method, path, status, text[:300])
    return json.loads(text)


def stored_map(page, map_id):
    return api_json(page, "GET", f"/api/v1/workspaces/{WORKSPACE}/maps/{map_id}", None)


def set_viewport(driver, width, height):
    """Makes the page and the screen `width` × `height`: headless Chromium grants full screen, and
    its screen would otherwise be 800 × 600 whatever the window."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False, "screenWidth": width, "screenHeight": height})
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    assert inner == [width, height], f"the page is {inner[0]} × {inner[1]}, not {width} × {height}"


def expected_labels(doc, personas):
    names = {p["id"]: p["persona"].get("name", p["id"]) for p in personas}
    mine = [names[pid] for pid in doc.get("personas", []) if pid in names]
    stages = doc["stages"]
    return (["Introduction"]
            + [f"Persona {i + 1} of {len(mine)}: {name}" for i, name in enumerate(mine)]
            + [f"Stage {k + 1} of {len(stages)}: {s['name']}" for k, s in enumerate(stages)]
            + ["Summary: the whole journey"])


def curve_points(doc, upto):
    """Touchpoint ids with an emotion in the stages 0…upto (every stage when None), in map order."""
    order = [s["id"] for s in doc["stages"]]
    last = len(order) - 1 if upto is None else upto
    return [t["id"] for stage in order[:last + 1] for t in doc["touchpoints"]
            if t["stage"] == stage and isinstance(t.get("emotion"), (int, float))]


class Presenter:
    """The open presentation: its dialog, slide, progress line and keys."""

    def __init__(self, page):
        self.page, self.driver = page, page.driver

    def dialog(self):
        found = [d for d in self.driver.find_elements(By.CSS_SELECTOR, "[role=dialog]") if d.is_displayed()]
        return found[0] if found else None

    def progress(self):
        return self.driver.find_element(By.CSS_SELECTOR, ".presentation .pr-progress").text.strip()

    def slide(self):
        return self.driver.find_element(By.CSS_SELECTOR, ".presentation .pr-slide")

    def key(self, key, expect=None):
        ActionChains(self.driver).send_keys(key).perform()
        if expect is not None:
            self.page.wait(lambda: self.progress() == expect, f"the slide {expect}")

    def start(self, how="button"):
        if how == "button":
            self.page.by_role("button", "Present").click()
        else:
            self.driver.find_element(By.ID, "viewport").click()
            ActionChains(self.driver).send_keys("p").perform()
        self.page.wait(lambda: self.dialog() is not None, "the presentation to open")

    def fits(self, what):
        """The slide's content fits the screen: nothing scrolls, no card is cut."""
        report = self.driver.execute_script("""
            const slide = document.querySelector('.presentation .pr-slide');
            const box = slide.getBoundingClientRect();
            const cut = [...slide.querySelectorAll('.pr-card, .pr-today-card, h2, h3, p, li')]
              .filter((n) => { const r = n.getBoundingClientRect(); return r.bottom > box.bottom + 1 || r.right > box.right + 1 || r.left < box.left - 1; })
              .map((n) => n.textContent.slice(0, 60));
            return {scrolls: slide.classList.contains('pr-scrolls'), over: slide.scrollHeight - slide.clientHeight,
                    wide: slide.scrollWidth - slide.clientWidth, cut, fit: getComputedStyle(slide).getPropertyValue('--fit'),
                    page: document.documentElement.scrollWidth - window.innerWidth};
        """)
        assert not report["scrolls"] and report["over"] <= 1 and report["wide"] <= 1 and not report["cut"] and report["page"] <= 0, (what, report)
        return report

    def points(self):
        return self.driver.execute_script("""
            return [...document.querySelectorAll('.presentation .pr-slide .pr-curve circle[data-touchpoint]')]
              .map((c) => ({id: c.dataset.touchpoint, stage: c.dataset.stage, past: c.classList.contains('past')}));
        """)

    def measured(self):
        return [e.text for e in self.driver.find_elements(By.CSS_SELECTOR, ".presentation [data-measured]") if e.is_displayed()]


def main(binary):
    demo = Demo(binary)
    driver = chromium(1280, 720)
    page = Page(driver, demo.base, "present")
    show = Presenter(page)

    check = Checks(page, stop=True)

    state = {}
    try:
        def sign_in_and_open():
            page.sign_in(demo.account, demo.password)
            set_viewport(driver, 1280, 720)
            page.open(f"/w/{WORKSPACE}/maps/{CURRENT}/edit")
            page.wait(lambda: driver.find_element(By.ID, "editor").get_attribute("data-ready") == "true", "the editor to load")
            stored = stored_map(page, CURRENT)
            state["doc"], state["version"] = stored["map"], stored["current_version"]
            state["personas"] = api_json(page, "GET", f"/api/v1/workspaces/{WORKSPACE}/personas")["personas"]
            state["labels"] = expected_labels(state["doc"], state["personas"])
            assert len(state["doc"]["stages"]) >= 3 and len(state["labels"]) == len(state["doc"]["stages"]) + len(state["doc"]["personas"]) + 2, state["labels"]
            page.shot("editor")
        check("signing in and opening the demo map in the editor at 1280 × 720", sign_in_and_open)

        def opens_as_dialog():
            show.start("button")
            dialog = show.dialog()
            assert dialog.aria_role == "dialog" and dialog.get_attribute("aria-modal") == "true", (dialog.aria_role, dialog.get_attribute("aria-modal"))
            assert dialog.accessible_name == f"Presenting {state['doc']['title']}", dialog.accessible_name
            inside = driver.execute_script("return arguments[0].contains(document.activeElement)", dialog)
            assert inside, "focus stayed outside the presentation"
            covers = driver.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.width, r.height, innerWidth, innerHeight]", dialog)
            assert covers[:2] == [0, 0] and covers[2] == covers[4] and covers[3] == covers[5], covers
            fullscreen = driver.execute_script("return document.fullscreenElement === arguments[0]", dialog)
            print(f"  (the browser {'granted' if fullscreen else 'refused'} full screen; the dialog covers the {covers[4]} × {covers[5]} page)", flush=True)
            live = driver.find_element(By.CSS_SELECTOR, ".presentation .pr-progress")
            assert live.get_attribute("aria-live") == "polite", live.get_attribute("aria-live")
            for name in ["Previous slide", "Next slide", "Exit presentation", "Live numbers"]:
                page.by_role("button", name, within=dialog)
            assert show.progress() == "Introduction", show.progress()
            heading = show.slide().find_element(By.CSS_SELECTOR, "h2").text
            assert heading == state["doc"]["title"], heading
            show.fits("the title slide")
            page.shot("title-slide")
        check("Present opens a modal dialog named after the map, with focus inside it and the title slide", opens_as_dialog)

        def every_slide():
            doc, labels = state["doc"], state["labels"]
            stages = doc["stages"]
            first_stage = labels.index(f"Stage 1 of {len(stages)}: {stages[0]['name']}")
            for index, label in enumerate(labels):
                if index > 0:
                    show.key(Keys.ARROW_RIGHT, label)
                assert show.progress() == label, (index, show.progress(), label)
                slide = show.slide()
                if label.startswith("Persona"):
                    name = label.split(": ", 1)[1]
                    assert slide.find_element(By.CSS_SELECTOR, "h2").text == name
                    assert slide.find_elements(By.CSS_SELECTOR, ".pr-avatar"), "no photo or initials"
                    assert slide.find_elements(By.CSS_SELECTOR, ".pr-quote") and slide.find_elements(By.CSS_SELECTOR, ".pr-persona-list.goals"), "no quote or goals"
                if label.startswith("Stage"):
                    k = index - first_stage
                    stage = stages[k]
                    assert slide.find_element(By.CSS_SELECTOR, "h2").text == stage["name"]
                    points = show.points()
                    assert [p["id"] for p in points] == curve_points(doc, k), (label, points)
                    stage_of = {s["id"]: i for i, s in enumerate(stages)}
                    faded = [p["id"] for p in points if p["past"]]
                    assert faded == [p["id"] for p in points if stage_of[p["stage"]] < k], (label, faded)
                    cards = [c.get_attribute("data-touchpoint") for c in slide.find_elements(By.CSS_SELECTOR, ".pr-card")]
                    assert cards == [t["id"] for t in doc["touchpoints"] if t["stage"] == stage["id"]], (label, cards)
                if label.startswith("Summary"):
                    points = show.points()
                    assert [p["id"] for p in points] == curve_points(doc, None) and not any(p["past"] for p in points), points
                    worst = slide.find_elements(By.CSS_SELECTOR, ".pr-top-pains li")
                    assert worst, "no top pain points"
                    ranks = {"critical": 4, "high": 3, "medium": 2, "low": 1}
                    shown = [ranks.get(li.find_element(By.CSS_SELECTOR, ".pr-severity").text.lower(), 0) for li in worst]
                    assert shown == sorted(shown, reverse=True), shown
                    everything = sorted((ranks.get(p.get("severity"), 0) for t in doc["touchpoints"] for p in t.get("pain_points", [])), reverse=True)
                    assert shown == everything[:len(shown)], (shown, everything[:8])
                show.fits(label)
                page.shot(f"slide-{index + 1:02d}")
            show.key(Keys.ARROW_RIGHT)
            assert show.progress() == labels[-1], "moved past the last slide"
        check("ArrowRight goes through every slide in order: the personas, each stage in map order with the curve up to it, the summary", every_slide)

        def back_and_jump():
            labels = state["labels"]
            show.key(Keys.ARROW_LEFT, labels[-2])
            page.shot("arrow-left")
            show.key(Keys.HOME, labels[0])
            show.key(Keys.ARROW_LEFT)
            assert show.progress() == labels[0], "moved before the first slide"
            show.key(Keys.END, labels[-1])
            show.key(Keys.PAGE_UP, labels[-2])
            show.key(Keys.PAGE_DOWN, labels[-1])
            show.key(Keys.ARROW_UP, labels[-2])
            show.key(Keys.ARROW_DOWN, labels[-1])
            show.key(Keys.HOME, labels[0])
            show.key(Keys.SPACE, labels[1])
            page.by_role("button", "Previous slide").click()
            page.wait(lambda: show.progress() == labels[0], "Previous to go back")
            page.by_role("button", "Next slide").click()
            page.wait(lambda: show.progress() == labels[1], "Next to go on")
            show.key(Keys.ARROW_LEFT, labels[0])
        check("ArrowLeft goes back; Home, End, Page Up and Down, Space and the Previous and Next buttons move too", back_and_jump)

        def live_numbers():
            doc, labels = state["doc"], state["labels"]
            stages = doc["stages"]
            analysed = api_json(page, "POST", f"/api/v1/workspaces/{WORKSPACE}/analyses", {"kind": "touchpoints", "journey": CURRENT})
            visitors = {row["id"]: row["visitors"] for row in analysed["touchpoints"]["touchpoints"]}
            funnel = api_json(page, "POST", f"/api/v1/workspaces/{WORKSPACE}/analyses", {"kind": "funnel", "journey": CURRENT})
            reached = {step["id"]: step["customers"] for step in funnel["funnel"]["steps"]}
            k = 1
            label = f"Stage {k + 1} of {len(stages)}: {stages[k]['name']}"
            show.key(Keys.HOME, labels[0])
            while show.progress() != label:
                show.key(Keys.ARROW_RIGHT)
            assert show.measured() == [], show.measured()
            button = page.by_role("button", "Live numbers")
            assert button.get_attribute("aria-pressed") == "false"
            page.shot("numbers-off")
            show.key("n")
            page.wait(lambda: len(show.measured()) > 1, "the live numbers to appear")
            assert button.get_attribute("aria-pressed") == "true"
            texts = show.measured()
            assert f"{reached[stages[k]['id']]:,} customers reached this stage" in texts[0], texts[0]
            assert "reached the goal" in texts[0], texts[0]
            for card in show.slide().find_elements(By.CSS_SELECTOR, ".pr-card"):
                tid = card.get_attribute("data-touchpoint")
                measured = card.find_element(By.CSS_SELECTOR, "[data-measured]").text
                assert measured.startswith(f"{visitors[tid]:,} customer"), (tid, measured, visitors[tid])
            show.fits("live numbers on")
            page.shot("numbers-on")
            show.key(Keys.ARROW_RIGHT)
            page.wait(lambda: len(show.measured()) > 1, "the live numbers on the next stage too")
            show.key("n")
            page.wait(lambda: show.measured() == [], "the live numbers to disappear")
            assert button.get_attribute("aria-pressed") == "false"
            page.shot("numbers-off-again")
            button.click()
            page.wait(lambda: len(show.measured()) > 1, "the toggle button to show them")
            button.click()
            page.wait(lambda: show.measured() == [], "the toggle button to hide them")
        check("N shows the live numbers (customers per stage and touchpoint, as the analyses count them) and hides them; the button too", live_numbers)

        def escape_restores_focus():
            show.key(Keys.ESCAPE)
            page.wait(lambda: show.dialog() is None, "the presentation to close")
            focused = driver.switch_to.active_element
            assert focused.aria_role == "button" and focused.accessible_name == "Present", (focused.tag_name, focused.accessible_name)
            assert not driver.find_elements(By.CSS_SELECTOR, ".presentation"), "the overlay is still in the page"
            page.shot("closed")
            time.sleep(0.6)  # an edit made by a key (N adds a touchpoint in the editor) would be saved by now
            stored = stored_map(page, CURRENT)
            assert stored["current_version"] == state["version"] and stored["map"] == state["doc"], "presenting changed the map"
        check("Escape ends it, focus is back on the Present button, and the keys pressed changed nothing on the map", escape_restores_focus)

        def exit_button_and_p():
            show.start("key")
            assert show.progress() == "Introduction"
            page.by_role("button", "Exit presentation").click()
            page.wait(lambda: show.dialog() is None, "Exit to close it")
        check("the P key opens it and the Exit button closes it", exit_button_and_p)

        def full_hd():
            set_viewport(driver, 1920, 1080)
            show.start("button")
            labels = state["labels"]
            for index, label in enumerate(labels):
                if index > 0:
                    show.key(Keys.ARROW_RIGHT, label)
                show.fits(f"{label} at 1920 × 1080")
                if index in (0, 1) or label.startswith("Stage 2") or label.startswith("Summary"):
                    page.shot(f"1080p-{index + 1:02d}")
            show.key(Keys.ESCAPE)
            page.wait(lambda: show.dialog() is None, "the presentation to close")
            set_viewport(driver, 1280, 720)
        check("at 1920 × 1080 every slide fits too", full_hd)

        def future_map():
            page.open(f"/w/{WORKSPACE}/maps/{FUTURE}/edit")
            page.wait(lambda: driver.find_element(By.ID, "editor").get_attribute("data-ready") == "true", "the future map's editor to load")
            future = stored_map(page, FUTURE)["map"]
            current = state["doc"]
            assert future["state"] == "future" and future["improves"] == CURRENT
            show.start("button")
            assert show.dialog().accessible_name == f"Presenting {future['title']}"
            labels = expected_labels(future, state["personas"])
            seen = 0
            for index, label in enumerate(labels):
                if index > 0:
                    show.key(Keys.ARROW_RIGHT, label)
                if label.startswith("Stage"):
                    k = int(label.split()[1]) - 1
                    stage = future["stages"][k]
                    slide = show.slide()
                    today = slide.find_element(By.CSS_SELECTOR, ".pr-today")
                    heading = today.find_element(By.CSS_SELECTOR, "h3").get_attribute("textContent")
                    assert "Today" in heading and "Current state" in heading, heading
                    theirs = [c.get_attribute("data-today-touchpoint") for c in today.find_elements(By.CSS_SELECTOR, "[data-today-touchpoint]")]
                    assert theirs == [t["id"] for t in current["touchpoints"] if t["stage"] == stage["id"]], (label, theirs)
                    cards = [c.get_attribute("data-touchpoint") for c in slide.find_elements(By.CSS_SELECTOR, ".pr-card")]
                    assert cards == [t["id"] for t in future["touchpoints"] if t["stage"] == stage["id"]], (label, cards)
                    assert [p["id"] for p in show.points()] == curve_points(future, k), (label, show.points())
                    seen += theirs != []
                show.fits(f"future {label}")
                page.shot(f"future-{index + 1:02d}")
            assert seen >= 3, seen
            button = page.by_role("button", "Live numbers")
            page.wait(lambda: button.get_attribute("aria-disabled") == "true", "live numbers to be unavailable (the map is not live)")
            show.key("n")
            time.sleep(0.3)
            assert show.measured() == [], show.measured()
            show.key(Keys.ESCAPE)
            page.wait(lambda: show.dialog() is None, "the presentation to close")
            assert driver.switch_to.active_element.accessible_name == "Present"
        check("the future-state map shows today's touchpoints of the same stage under each of its stages, and no numbers (not live)", future_map)

        def small_map():
            # A map with an empty stage, a touchpoint without emotion and no personas still presents.
            doc = json.loads(json.dumps(state["doc"]))
            doc["personas"] = []
            doc["stages"].append({"id": "win-back", "name": "Win-back"})
            doc["touchpoints"][0].pop("emotion", None)
            opened = driver.execute_async_script("""
                const [doc, done] = arguments;
                import('/assets/editor/present.js').then(({ startPresentation }) => {
                  let exited = false;
                  const stop = startPresentation({ doc, personas: [], other: null, workspace: 'retail', map: null, csrf: '', onExit: () => { exited = true; } });
                  const labels = [];
                  const press = (key) => window.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
                  for (let i = 0; i < 12; i += 1) { labels.push(document.querySelector('.pr-progress').textContent); press('ArrowRight'); }
                  press('End'); press('ArrowLeft');
                  const emptyStage = document.querySelector('.pr-slide .pr-empty')?.textContent ?? null;
                  const points = [...document.querySelectorAll('.pr-curve circle[data-touchpoint]')].map((c) => c.dataset.touchpoint);
                  stop();
                  done({ labels, emptyStage, points, exited, left: document.querySelectorAll('.presentation').length });
                }).catch((e) => done({ error: String(e) }));
            """, doc)
            assert "error" not in opened, opened
            assert opened["labels"][0] == "Introduction" and opened["labels"][1].startswith("Stage 1 of 6"), opened["labels"]
            assert opened["emptyStage"] == "No touchpoints in this stage yet.", opened["emptyStage"]
            assert doc["touchpoints"][0]["id"] not in opened["points"] and len(opened["points"]) == len(curve_points(doc, None)), opened["points"]
            assert opened["exited"] and opened["left"] == 0, opened
        check("a map with an empty stage, a touchpoint without emotion and no personas presents, and the returned function stops it", small_map)

        def no_console_errors():
            time.sleep(0.5)
            page.collect_console()
            assert not page.errors, page.errors
        check("no console errors", no_console_errors)
    except Exception:
        pass
    finally:
        driver.quit()
        demo.stop()
    return check.finish("present", CHECKS)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
