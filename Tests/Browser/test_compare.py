"""Current and future side by side in the editor: a future-state map offers "Current and future",
which draws it beside the current-state map it improves (the server's comparison, as
`wayfinder render --compare` draws it) in a dialog that Escape closes; a current-state map does
not offer it.

Usage: python3 Tests/Browser/test_compare.py PATH-TO-wayfinder
"""
import json, os, sys

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

sys.path.insert(0, os.path.dirname(__file__))
from browser import Checks, Demo, Page, chromium  # noqa: E402


def main(binary):
    demo = Demo(binary)
    driver = chromium()
    page = Page(driver, demo.base, "compare")
    checks = Checks(page)
    ready = lambda: driver.find_element(By.ID, "editor").get_attribute("data-ready") == "true"
    try:
        page.sign_in(demo.account, demo.password)
        status, text = page.api("GET", "/api/v1/workspaces/retail/maps", None)
        maps = json.loads(text)["maps"]
        future = next(m for m in maps if m["state"] == "future")
        stored = json.loads(page.api("GET", f"/api/v1/workspaces/retail/maps/{future['id']}", None)[1])["map"]
        current = json.loads(page.api("GET", f"/api/v1/workspaces/retail/maps/{stored['improves']}", None)[1])["map"]

        def current_map():
            page.open(f"/w/retail/maps/{current['id']}/edit")
            page.wait(ready, "the editor")
            assert not page.all_by_role("button", "Current and future"), "a current-state map offers a comparison"
        checks("a current-state map does not offer the comparison", current_map)

        def side_by_side():
            page.open(f"/w/retail/maps/{future['id']}/edit")
            page.wait(ready, "the editor")
            opener = page.by_role("button", "Current and future")
            opener.click()
            dialog = page.wait(lambda: driver.find_element(By.CSS_SELECTOR, "dialog.comparison[open] .comparison-picture svg"), "the comparison's picture")
            drawn = dialog.get_attribute("textContent")
            for touchpoint in (current["touchpoints"][0]["name"], stored["touchpoints"][-1]["name"]):
                assert touchpoint[:20] in drawn, f"{touchpoint!r} not in the comparison"
            expected = page.api("GET", f"/api/v1/workspaces/retail/maps/{future['id']}/export?format=svg&compare=true", None)[1]
            assert len(drawn) > 0 and expected.startswith("<svg"), expected[:80]
            status_text = driver.find_element(By.CSS_SELECTOR, "dialog.comparison [role=status]").text
            assert "As saved in version" in status_text, status_text
            page.shot("current-and-future")
            driver.switch_to.active_element.send_keys(Keys.ESCAPE)
            page.wait(lambda: not driver.find_elements(By.CSS_SELECTOR, "dialog.comparison"), "the dialog to close")
            assert driver.switch_to.active_element == opener, "the focus did not return to the button"
        checks("a future-state map is drawn beside the map it improves, in a dialog Escape closes", side_by_side)

        checks.console_clean()
    finally:
        driver.quit()
        demo.stop()
    return checks.finish("compare", 3)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
