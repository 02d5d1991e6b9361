"""Details a new user met, each checked in Chromium: a viewer's editor offers no buttons that
change the map but still shows a clicked card; a stage deleted with its touchpoints is said so,
with the way back; a double press of "Make a share link" makes one link; a resolved thread is
not mistaken for none; the Data panel gives the map's own emotion scale; a name starting with
an emoji keeps it whole in the badge of who is here.

Usage: python3 Tests/Browser/test_details.py PATH-TO-wayfinder
"""
import json, os, sys

from selenium.webdriver.common.by import By

sys.path.insert(0, os.path.dirname(__file__))
from browser import Checks, Demo, Page, chromium  # noqa: E402

MAP = "first-purchase"
EDITOR = f"/w/retail/maps/{MAP}/edit"
VIEWER = ("vera@example.com", "a long passphrase for vera")


def main(binary):
    demo = Demo(binary)
    driver, other = chromium(), chromium()
    page, viewer = Page(driver, demo.base, "details"), Page(other, demo.base, "details-viewer")
    checks = Checks(page, viewer)
    ready = lambda p: p.driver.find_element(By.ID, "editor").get_attribute("data-ready") == "true"
    try:
        page.sign_in(demo.account, demo.password)
        page.open("/w/retail")
        status, text = page.api("POST", "/api/v1/users", {"email": VIEWER[0], "name": "\U0001F3C3 Vera", "password": VIEWER[1]})
        assert status == 201, text
        status, text = page.api("PUT", f"/api/v1/workspaces/retail/members/{json.loads(text)['id']}", {"role": "viewer"})
        assert status == 200, text
        doc = json.loads(page.api("GET", f"/api/v1/workspaces/retail/maps/{MAP}", None)[1])["map"]

        def viewer_looks():
            viewer.sign_in(*VIEWER)
            viewer.open(EDITOR)
            viewer.wait(lambda: ready(viewer), "the viewer's editor")
            for name in ("Add stage", "Add touchpoint"):
                assert not viewer.by_role("button", name).is_enabled(), f"{name} is enabled for a viewer"
            # The board and the people list are drawn again as presence arrives: each look finds
            # its element afresh and reads it in the same script.
            selector = f".card[data-touchpoint='{doc['touchpoints'][1]['id']}']"
            other.find_element(By.CSS_SELECTOR, selector).click()
            viewer.wait(lambda: other.find_element(By.CSS_SELECTOR, selector).get_attribute("aria-selected") == "true",
                        "the viewer's clicked card to be selected")
            own_badge = "const b = [...document.querySelectorAll('#people .person')].find(b => (b.getAttribute('aria-label') || '').includes('(you)')); return b ? b.textContent : null;"
            text = viewer.wait(lambda: other.execute_script(own_badge), "the viewer's badge")
            assert text == "\U0001F3C3V", repr(text)
            viewer.shot("viewer")
        checks("a viewer's editor has no buttons that change the map, a clicked card shows, and an emoji stays whole in the badge", viewer_looks)

        def data_scale():
            page.open(EDITOR)
            page.wait(lambda: ready(page), "the editor")
            page.by_role("button", "Live numbers").click()
            page.wait(lambda: driver.find_elements(By.CSS_SELECTOR, ".card .measured"), "numbers on the cards", timeout=20)
            driver.find_element(By.CSS_SELECTOR, f".card[data-touchpoint='{doc['touchpoints'][3]['id']}']").click()
            page.by_role("tab", "Data").click()
            panel = page.wait(lambda: driver.find_element(By.ID, "data").text if "Measured emotion" in driver.find_element(By.ID, "data").text else None,
                              "the Data panel's figures", timeout=20)
            scale = doc.get("emotion_scale", {"min": -2, "max": 2})
            sign = lambda n: f"−{-n}" if n < 0 else str(n)
            line = next(l for l in panel.splitlines() if "on the map's" in l or "no answers" in l)
            assert "no answers" in line or f"on the map's {sign(scale['min'])}…{sign(scale['max'])}" in line, line
        checks("the Data panel gives the measured emotion on the map's own scale", data_scale)

        def share_once():
            page.by_role("tab", "Share").click()
            before = len(json.loads(page.api("GET", f"/api/v1/workspaces/retail/maps/{MAP}/shares", None)[1])["shares"])
            make = page.by_role("button", "Make a share link")
            driver.execute_script("arguments[0].click(); arguments[0].click();", make)
            page.wait(lambda: driver.find_elements(By.ID, "share-made"), "the new link")
            after = len(json.loads(page.api("GET", f"/api/v1/workspaces/retail/maps/{MAP}/shares", None)[1])["shares"])
            assert after == before + 1, (before, after)
        checks("a double press of Make a share link makes one link", share_once)

        def resolved_is_not_none():
            touchpoint = doc["touchpoints"][2]["id"]
            status, text = page.api("POST", f"/api/v1/workspaces/retail/maps/{MAP}/comments", {"target": f"touchpoint:{touchpoint}", "body": "Settled already"})
            assert status == 201, text
            status, _ = page.api("POST", f"/api/v1/workspaces/retail/maps/{MAP}/comments/{json.loads(text)['id']}/resolve", {})
            assert status == 200, status
            page.open(EDITOR)
            page.wait(lambda: ready(page), "the editor")
            driver.find_element(By.CSS_SELECTOR, f".card[data-touchpoint='{touchpoint}']").click()
            page.by_role("tab", "Comments").click()
            text = page.wait(lambda: driver.find_element(By.ID, "comments").text if "resolved" in driver.find_element(By.ID, "comments").text else None, "the panel")
            assert "No open comments here; 1 resolved" in text, text
        checks("a touchpoint whose only thread is resolved says so, not that it has none", resolved_is_not_none)

        def stage_deleted():
            stage = doc["stages"][-1]
            count = sum(1 for t in doc["touchpoints"] if t["stage"] == stage["id"])
            page.by_role("tab", "Edit").click()
            page.by_role("button", "Fit to screen").click()
            page.by_role("columnheader", f"Stage {stage['name']}").click()
            page.by_role("button", "Delete stage").click()
            box = page.wait(lambda: driver.find_element(By.ID, "notice") if driver.find_element(By.ID, "notice").is_displayed() else None, "the notice")
            assert f"Deleted the stage “{stage['name']}” with its {count} touchpoint" in box.text and "Undo" in box.text, box.text
            page.shot("stage-deleted")
            driver.find_element(By.TAG_NAME, "body").send_keys("\ue009z")  # Control+Z
            page.wait(lambda: driver.find_elements(By.CSS_SELECTOR, f"[data-stage-header='{stage['id']}']"), "the stage back")
        checks("a stage deleted with its touchpoints is said so, and undo brings them back", stage_deleted)

        def no_errors():
            for p in (page, viewer):
                p.collect_console()
            errors = [e for e in page.errors + viewer.errors if "403" not in e]
            assert not errors, errors
        checks("no console errors", no_errors)
    finally:
        driver.quit()
        other.quit()
        demo.stop()
    return checks.finish("details", 6)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
