"""The editor's panels in Chromium: comments on a touchpoint and a stage (markers on the map,
replies, resolve, following a renamed touchpoint), the history (a version shown on the map with
what changed, then restored), share links (made, opened signed out, revoked), and the exports
(each format as the API serves it, and the print to PDF on one A3 landscape page).

Usage: python3 Tests/Browser/test_panels.py PATH-TO-wayfinder
"""
import base64, json, os, sys, time

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

sys.path.insert(0, os.path.dirname(__file__))
from browser import OUTPUT, Checks, Demo, Page, chromium  # noqa: E402

MAP = "first-purchase"
EDITOR = f"/w/retail/maps/{MAP}/edit"


def stored(page, path=""):
    status, text = page.api("GET", f"/api/v1/workspaces/retail/maps/{MAP}{path}", None)
    assert status == 200, (status, text[:200])
    return json.loads(text)


def threads(page):
    return stored(page, "/comments")["threads"]


def click(page, element):
    page.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click()", element)


def main(binary):
    demo = Demo(binary)
    driver = chromium()
    page = Page(driver, demo.base, "panels")

    check = Checks(page, stop=True)

    state = {}
    try:
        page.sign_in(demo.account, demo.password)
        page.open(EDITOR)
        page.wait(lambda: driver.find_element(By.ID, "editor").get_attribute("data-ready") == "true", "the editor")
        doc = stored(page)["map"]
        first = doc["touchpoints"][0]
        stage = doc["stages"][1]

        def comment_touchpoint():
            click(page, driver.find_element(By.CSS_SELECTOR, f".card[data-touchpoint='{first['id']}']"))
            page.by_role("tab", "Comments").click()
            page.by_role("textbox", f"New comment on “{first['name']}”").send_keys("Is this still the first touch for most people?")
            page.by_role("button", "Comment").click()
            marker = page.by_role("button", f"1 open comment on {first['name']}")
            listed = threads(page)
            assert len(listed) == 1 and listed[0]["comment"]["target"] == f"touchpoint:{first['id']}", listed
            page.by_role("textbox", f"Reply to {demo.account}").send_keys("Yes, two thirds of first sessions start here.")
            page.by_role("button", "Reply").click()
            page.wait(lambda: len(threads(page)[0]["replies"]) == 1, "the reply")
            page.shot("comment-and-reply")
            page.by_role("button", f"Resolve the thread of {demo.account}").click()
            page.wait(lambda: threads(page)[0].get("resolved") is not None, "the thread resolved")
            page.wait(lambda: not page.all_by_role("button", f"1 open comment on {first['name']}"), "the marker to go")
        check("a comment on a touchpoint: a marker on its card, a reply, resolved", comment_touchpoint)

        def comment_stage():
            click(page, driver.find_element(By.CSS_SELECTOR, f"[data-stage-header='{stage['id']}']"))
            page.by_role("textbox", f"New comment on Stage “{stage['name']}”").send_keys("Should comparison be its own stage?")
            page.by_role("button", "Comment").click()
            page.by_role("button", f"1 open comment on {stage['name']}")
            assert any(t["comment"]["target"] == f"stage:{stage['id']}" for t in threads(page))
        check("a comment on a stage", comment_stage)

        def follows_rename():
            click(page, driver.find_element(By.CSS_SELECTOR, f".card[data-touchpoint='{first['id']}']"))
            page.by_role("tab", "Edit").click()
            field = page.by_role("textbox", "Id")
            field.send_keys(Keys.CONTROL, "a")
            field.send_keys("first-touch", Keys.TAB)
            page.wait(lambda: any(t["comment"]["target"] == "touchpoint:first-touch" for t in threads(page)), "the thread to follow the new id")
            page.wait(lambda: any(t["id"] == "first-touch" for t in stored(page)["map"]["touchpoints"]), "the rename saved")
            state["renamed"] = "first-touch"
        check("renaming a touchpoint's id keeps its comments on it", follows_rename)

        def history():
            before = stored(page)
            state["before"] = before["current_version"]
            click(page, driver.find_element(By.CSS_SELECTOR, ".card[data-touchpoint='first-touch']"))
            field = page.by_role("textbox", "Name")
            field.send_keys(Keys.CONTROL, "a")
            field.send_keys("Sees a creator's reel")
            page.wait(lambda: stored(page)["map"]["touchpoints"][0]["name"] == "Sees a creator's reel"
                      and driver.find_element(By.ID, "save-status").text.startswith("Saved"), "the rename saved")
            page.by_role("tab", "History").click()
            page.by_role("button", "Show version 1 and what changed since").click()
            page.wait(lambda: driver.find_element(By.ID, "viewing").is_displayed(), "the version banner")
            page.wait(lambda: driver.find_element(By.CSS_SELECTOR, f".card[data-touchpoint='{first['id']}']").get_attribute("data-diff") == "removed"
                      or driver.find_elements(By.CSS_SELECTOR, "[data-diff]"), "changes drawn on the map")
            marked = {e.get_attribute("data-touchpoint") or e.get_attribute("data-stage-header"): e.get_attribute("data-diff")
                      for e in driver.find_elements(By.CSS_SELECTOR, "[data-diff]")}
            status, text = page.api("GET", f"/api/v1/workspaces/retail/maps/{MAP}/diff?from=1&to={stored(page)['current_version']}", None)
            changed = {c["target"].split("/")[1] for c in json.loads(text)["changes"] if c["subject"] in ("touchpoint", "card", "emotion", "stage")}
            assert marked and set(marked) <= changed | {first["id"]}, (marked, changed)
            page.shot("version-1-with-changes")
            page.by_role("button", "Back to the current map").click()
            page.by_role("button", "Restore version 1").click()
            page.wait(lambda: stored(page)["map"]["touchpoints"][0]["id"] == first["id"], "version 1 restored")
            restored = stored(page)
            assert restored["version"]["restoredFrom"] == 1 and restored["map"] == stored(page, "/versions/1")["map"], restored["version"]
            page.wait(lambda: driver.find_elements(By.CSS_SELECTOR, f".card[data-touchpoint='{first['id']}']"), "the restored map shown")
            page.wait(lambda: "Version {} (current)".format(restored['current_version']) in driver.find_element(By.ID, 'history').text, "the history to name the restored version current")
        check("the history shows version 1 with what changed since drawn on the map, and restores it", history)

        def share():
            page.by_role("tab", "Share").click()
            page.by_role("button", "Make a share link").click()
            link = page.by_role("textbox", "The new link (shown once; copy it now)").get_attribute("value")
            assert "/share/" in link, link
            page.shot("share-link")
            outsider = chromium()
            try:
                outsider.get(link)
                assert "/signin" not in outsider.current_url and doc["title"] in outsider.page_source, outsider.current_url
                revoke = next(b for b in page.all_by_role("button") if b.accessible_name.startswith("Revoke the link starting"))
                revoke.click()
                page.wait(lambda: "revoked" in driver.find_element(By.CSS_SELECTOR, ".shares li").text, "the link revoked")
                outsider.get(link)
                assert "This link does not work" in outsider.page_source
            finally:
                outsider.quit()
        check("a share link made on the page opens signed out, and no longer once revoked", share)

        def exports():
            for format, kind in [("svg", "image/svg+xml"), ("csv", "text/csv"), ("mermaid", "text/vnd.mermaid"), ("json", "application/json"),
                                 ("md", "text/markdown"), ("html", "text/html")]:
                status, text = page.api("GET", f"/api/v1/workspaces/retail/maps/{MAP}/export?format={format}", None)
                assert status == 200 and len(text) > 200, (format, status)
            options = [o.get_attribute("value") for o in driver.find_elements(By.CSS_SELECTOR, "#export-format option")]
            assert set(options) >= {"svg", "png", "pdf", "json", "mermaid", "csv"}, options
            pdf = driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})
            data = base64.b64decode(pdf["data"])
            pages = data.count(b"/Type /Page\n") + data.count(b"/Type /Page>") + data.count(b"/Type/Page\n") + data.count(b"/Type/Page>") + data.count(b"/Type /Page ")
            with open(os.path.join(OUTPUT, "panels-map.pdf"), "wb") as handle:
                handle.write(data)
            assert pages == 1, f"the map printed on {pages} pages"
            # The PNG is drawn in the page: the link it clicks holds a PNG of the map at twice its size.
            driver.execute_script("""
                window.clickedDownloads = [];
                window.madeBlobs = {};
                const make = URL.createObjectURL;
                URL.createObjectURL = (blob) => { const url = make(blob); window.madeBlobs[url] = blob; return url; };
                const click = HTMLAnchorElement.prototype.click;
                HTMLAnchorElement.prototype.click = function () { if (this.download) { window.clickedDownloads.push({name: this.download, href: this.href}); return; } click.call(this); };""")
            menu = page.by_role("combobox", "Export as")
            menu.find_element(By.CSS_SELECTOR, "option[value='png']").click()
            found = page.wait(lambda: next((d for d in driver.execute_script("return window.clickedDownloads") if d["name"].endswith(".png")), None)
                              or ("could not be made" in driver.find_element(By.ID, "save-status").text and "failed"), "the PNG", timeout=20)
            assert found != "failed", driver.find_element(By.ID, "save-status").text
            head = driver.execute_async_script("""
                const [href, done] = arguments;
                window.madeBlobs[href].arrayBuffer().then((b) => done({size: b.byteLength, head: Array.from(new Uint8Array(b.slice(0, 8)))}));""", found["href"])
            assert head["head"] == [137, 80, 78, 71, 13, 10, 26, 10] and head["size"] > 10_000, head
        check("exports: every format from the API, the PNG drawn in the page, and the map printed on one A3 landscape page", exports)

        def live_numbers():
            page.by_role("tab", "Edit").click()
            page.by_role("button", "Live numbers").click()
            page.wait(lambda: len(driver.find_elements(By.CSS_SELECTOR, ".card .measured")) > 0, "numbers on the cards", timeout=15)
            status, text = page.api("POST", "/api/v1/workspaces/retail/analyses", {"kind": "touchpoints", "journey": MAP})
            expected = {t["id"]: t for t in json.loads(text)["touchpoints"]["touchpoints"]}
            shown = {c.get_attribute("data-touchpoint"): c.find_element(By.CSS_SELECTOR, ".measured").get_attribute("textContent")
                     for c in driver.find_elements(By.CSS_SELECTOR, ".card[data-touchpoint]") if c.find_elements(By.CSS_SELECTOR, ".measured")}
            assert shown, "no card shows numbers"
            for tid, text_shown in shown.items():
                t = expected[tid]
                assert text_shown.startswith(f"{t['visitors']:,} · {round(t['conversion'] * 100) if t['visitors'] else 0}% to goal"), (tid, text_shown, t)
            assert driver.find_elements(By.CSS_SELECTOR, ".emotion .measured-curve"), "no measured emotion curve"
            busiest = max(expected.values(), key=lambda t: t["visitors"])
            click(page, driver.find_element(By.CSS_SELECTOR, f".card[data-touchpoint='{busiest['id']}']"))
            page.by_role("tab", "Data").click()
            panel = driver.find_element(By.ID, "data").get_attribute("innerText")
            assert f"Customers here\n{busiest['visitors']:,}" in panel, panel[:400]
            page.shot("live-numbers")
            candidates = [b for b in page.all_by_role("button") if b.accessible_name.startswith("Make “")]
            if candidates:
                name = candidates[0].accessible_name.split("“")[1].split("”")[0]
                candidates[0].click()
                page.wait(lambda: any(t.get("match", {}).get("event") == name for t in stored(page)["map"]["touchpoints"]), "the candidate made a touchpoint")
            page.by_role("button", "Live numbers").click()
            page.wait(lambda: not driver.find_elements(By.CSS_SELECTOR, ".card .measured"), "the numbers off")
        check("live numbers: each card shows the API's customers and share to the goal, the panel a touchpoint's figures, an unmatched event becomes a touchpoint", live_numbers)

        def match_rule():
            page.by_role("tab", "Edit").click()
            status, text = page.api("POST", "/api/v1/workspaces/retail/analyses", {"kind": "touchpoints", "journey": MAP})
            measured = {t["id"]: t for t in json.loads(text)["touchpoints"]["touchpoints"]}
            target = next(t for t in stored(page)["map"]["touchpoints"] if measured.get(t["id"], {}).get("events"))
            click(page, driver.find_element(By.CSS_SELECTOR, f".card[data-touchpoint='{target['id']}']"))
            count = lambda: driver.find_element(By.CSS_SELECTOR, ".match-count").get_attribute("innerText")
            page.wait(lambda: "events of" in count(), "the rule's count", timeout=10)
            assert count().startswith(f"{measured[target['id']]['events']:,} events"), (count(), measured[target["id"]])
            page.shot("match-rule-count")
            field = page.by_role("textbox", "Event name (* matches any text)")
            field.send_keys(Keys.CONTROL, "a")
            field.send_keys("No Such Event")
            page.wait(lambda: count().startswith("0 events"), "the count of a rule that takes nothing", timeout=10)
            page.wait(lambda: next(t for t in stored(page)["map"]["touchpoints"] if t["id"] == target["id"])["match"].get("event") == "No Such Event", "the rule saved")
            page.by_role("button", "Undo").click()
            page.wait(lambda: count().startswith(f"{measured[target['id']]['events']:,} events"), "the count back after undo", timeout=10)
        check("a touchpoint's rule edited in its form: the count of events it takes equals the analysis and follows each change", match_rule)

        check.console_clean()
    except Exception:
        pass
    finally:
        driver.quit()
        demo.stop()
    return check.finish("panels", 9)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
