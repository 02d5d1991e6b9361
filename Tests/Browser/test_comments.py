"""Comment threads on cards in Chromium: a thread on a pain point from the inspector, counted in its
touchpoint's marker and listed in the touchpoint's panel by the card's text; a pain point removed
above it and put back by undo (the thread follows its card both ways); reply, resolve and reopen;
the share link opened signed out shows the thread read-only with its anchor, and its marker links
to it; the card deleted, the thread stays, on a removed card.

Usage: python3 Tests/Browser/test_comments.py PATH-TO-wayfinder
"""
import json, os, sys, time

from selenium.webdriver.common.by import By

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


def text_of(item):
    return item if isinstance(item, str) else item.get("text")


def main(binary):
    demo = Demo(binary)
    driver = chromium()
    page = Page(driver, demo.base, "comments")

    check = Checks(page, stop=True)

    state = {}
    try:
        page.sign_in(demo.account, demo.password)
        page.open(EDITOR)
        page.wait(lambda: driver.find_element(By.ID, "editor").get_attribute("data-ready") == "true", "the editor")
        doc = stored(page)["map"]
        touchpoint = next(t for t in doc["touchpoints"] if len(t.get("pain_points", [])) >= 1)
        state["touchpoint"] = touchpoint
        name = touchpoint["name"]

        def select_touchpoint():
            click(page, driver.find_element(By.CSS_SELECTOR, f".card[data-touchpoint='{touchpoint['id']}']"))
            page.by_role("tab", "Edit").click()

        def pain_points():
            found = next(t for t in stored(page)["map"]["touchpoints"] if t["id"] == touchpoint["id"])
            return [text_of(p) for p in found.get("pain_points", [])]

        def comment_on_card():
            select_touchpoint()
            # Three pain points at least, so that two are above the card the thread is on.
            while len(pain_points()) < 3:
                count = len(pain_points())
                page.by_role("button", "Add to pain points").click()
                page.wait(lambda: len(pain_points()) == count + 1, "the new pain point saved")
                page.by_role("textbox", f"Pain points {count + 1}: text").send_keys(f" {count + 1}")
                page.wait(lambda: pain_points()[count].endswith(f" {count + 1}"), "the new pain point named")
            texts = pain_points()
            state["card"] = texts[2]
            page.by_role("button", f"Comment on pain point 3 of {name}").click()
            page.wait(lambda: driver.find_element(By.ID, "comments").is_displayed(), "the Comments panel")
            label = f"New comment on Pain point “{texts[2]}” of “{name}”"
            page.by_role("textbox", label).send_keys("Does this happen on the app too?")
            page.by_role("button", "Comment").click()
            page.wait(lambda: len(threads(page)) == 1, "the thread stored")
            thread = threads(page)[0]
            assert thread["comment"]["target"] == f"touchpoint:{touchpoint['id']}/lane:pain_points/2", thread
            state["thread"] = thread["comment"]["id"]
            page.shot("card-thread")
        check("a thread on a pain point, started from the inspector's Comment control", comment_on_card)

        def marker_counts_it():
            marker = page.by_role("button", f"1 open comment on {name}")
            click(page, marker)
            panel = driver.find_element(By.ID, "comments")
            page.wait(lambda: f"Comments on “{name}”" in panel.text, "the touchpoint's panel")
            assert f"Pain point “{state['card']}” of “{name}”" in panel.text, panel.text
            assert "Does this happen on the app too?" in panel.text, panel.text
            page.shot("touchpoint-panel-with-card-thread")
        check("the card's thread counts in its touchpoint's marker and is listed in the touchpoint's panel by the card's text", marker_counts_it)

        def follows_card():
            # A second browser editing the same map hears of each edit; only the one that made it moves the thread.
            peer = Page(chromium(), demo.base, "comments-peer")
            state["peer"] = peer
            peer.sign_in(demo.account, demo.password)
            peer.open(EDITOR)
            peer.wait(lambda: peer.driver.find_element(By.ID, "editor").get_attribute("data-ready") == "true", "the second editor")
            page.wait(lambda: len(driver.find_elements(By.CSS_SELECTOR, "#people li")) == 2, "the second editor to join")
            select_touchpoint()
            target = lambda: threads(page)[0]["comment"]["target"]
            address = lambda index: f"touchpoint:{touchpoint['id']}/lane:pain_points/{index}"
            page.by_role("button", "Remove pain points 1").click()
            page.wait(lambda: target() == address(1), "the thread to move up with its card")
            page.wait(lambda: pain_points()[1:2] == [state["card"]], "the removal saved")
            version = stored(page)["current_version"]
            peer.wait(lambda: f"version {version}" in peer.driver.find_element(By.ID, "save-status").text, "the second editor to hear of the removal")
            assert target() == address(1), "moved once, by the browser that made the edit"
            # Undo puts the removed pain point back above the card: the thread moves down with it.
            page.by_role("button", "Undo").click()
            page.wait(lambda: target() == address(2), "the thread to move down with its card")
            page.wait(lambda: pain_points()[2:3] == [state["card"]], "the insertion saved")
            version = stored(page)["current_version"]
            peer.wait(lambda: f"version {version}" in peer.driver.find_element(By.ID, "save-status").text, "the second editor to hear of the undo")
            assert target() == address(2) and len(threads(page)) == 1, threads(page)
            page.shot("thread-followed-its-card")
            peer.shot("second-editor")
            peer.collect_console()
            assert not peer.errors, peer.errors
            peer.driver.quit()
        check("a pain point removed above the card and inserted again by undo, with a second editor open: the thread stays on its card", follows_card)

        def reply_resolve_reopen():
            # The second editor has just left: the panel may be drawn again under the hand.
            click = lambda element: element.click()
            page.act("tab", "Comments", click)
            page.act("textbox", f"Reply to {demo.account}", lambda element: element.send_keys("Yes, on Android."))
            page.act("button", "Reply", click)
            page.wait(lambda: len(threads(page)[0]["replies"]) == 1, "the reply")
            page.act("button", f"Resolve the thread of {demo.account}", click)
            page.wait(lambda: threads(page)[0].get("resolved") is not None, "the thread resolved")
            page.wait(lambda: not page.all_by_role("button", f"1 open comment on {name}"), "the marker to go")
            page.act("checkbox", "Resolved too", click)
            page.act("button", f"Reopen the thread of {demo.account}", click)
            page.wait(lambda: threads(page)[0].get("resolved") is None, "the thread reopened")
            page.by_role("button", f"1 open comment on {name}")
            page.shot("replied-and-reopened")
        check("reply, resolve (the marker goes) and reopen", reply_resolve_reopen)

        def share_view():
            page.by_role("tab", "Share").click()
            page.by_role("button", "Make a share link").click()
            link = page.by_role("textbox", "The new link (shown once; copy it now)").get_attribute("value")
            outsider = chromium()
            try:
                outsider.get(link)
                assert "/signin" not in outsider.current_url, outsider.current_url
                article = outsider.find_element(By.ID, f"comment-{state['thread']}")
                shown = article.text
                for expected in [f"On pain point '{state['card']}' of {name}", "Does this happen on the app too?", "Yes, on Android.", "a team member"]:
                    assert expected in shown, (expected, shown)
                assert demo.account not in outsider.page_source, "no author's e-mail behind a share link"
                assert not outsider.find_elements(By.CSS_SELECTOR, "form, textarea, input, button"), "read-only"
                marker = outsider.find_element(By.CSS_SELECTOR, f"a[href='#comment-{state['thread']}']")
                outsider.execute_script("window.scrollTo(0, 0)")
                outsider.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true}))", marker)
                time.sleep(0.2)
                assert outsider.current_url.endswith(f"#comment-{state['thread']}"), outsider.current_url
                outsider.save_screenshot(os.path.join(OUTPUT, f"comments-{page.step + 1:02d}-share-view-thread.png"))
                page.step += 1
                errors = [e["message"] for e in outsider.get_log("browser") if e["level"] == "SEVERE"]
                assert not errors, errors
            finally:
                outsider.quit()
        check("the share link, signed out: the thread read-only with its anchor, no author named, the marker links to it", share_view)

        def removed_card():
            select_touchpoint()
            page.by_role("button", "Remove pain points 3").click()
            page.wait(lambda: threads(page)[0]["comment"]["target"] == f"touchpoint:{touchpoint['id']}/lane:pain_points/removed", "the thread on a removed card")
            page.by_role("tab", "Comments").click()
            panel = driver.find_element(By.ID, "comments")
            page.wait(lambda: f"On a removed card of “{name}”" in panel.text, "the panel to say the card was removed")
            page.by_role("button", f"1 open comment on {name}")
            page.open(f"/w/retail/maps/{MAP}")
            assert f"On a removed card of {name}" in driver.find_element(By.ID, f"comment-{state['thread']}").text
            page.shot("viewer-removed-card")
        check("the card deleted: its thread stays, on a removed card, in the editor and the live view", removed_card)

        check.console_clean()
    except Exception:
        pass
    finally:
        driver.quit()
        if "peer" in state:
            try:
                state["peer"].driver.quit()
            except Exception:
                pass
        demo.stop()
    return check.finish("comments", 7)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
