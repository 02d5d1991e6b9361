"""Two people editing one map at the same time, each in their own Chromium: each sees the other
(who is here, what they have selected) and the other's edits within a second; edits of
different touchpoints both survive; two edits of the same field end the same in both browsers
and in the store, the later one winning, and the person whose edit lost is told; a version
imported through the API (a map edited in git) and a colleague's comment appear in the open editors.

Usage: python3 Tests/Browser/test_together.py PATH-TO-wayfinder
"""
import json, os, sys, time

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

sys.path.insert(0, os.path.dirname(__file__))
from browser import Checks, Demo, Page, chromium  # noqa: E402

MAP = "first-purchase"
EDITOR = f"/w/retail/maps/{MAP}/edit"
SECOND = ("sam.rivera@example.com", "a long passphrase for sam")


def shown_names(page):
    return {card.get_attribute("data-touchpoint"): card.find_element(By.CSS_SELECTOR, ".name").text
            for card in page.driver.find_elements(By.CSS_SELECTOR, ".card[data-touchpoint]")}


def stored(page):
    status, text = page.api("GET", f"/api/v1/workspaces/retail/maps/{MAP}", None)
    assert status == 200, (status, text[:200])
    return json.loads(text)["map"]


def select_card(page, tid):
    card = page.driver.find_element(By.CSS_SELECTOR, f".card[data-touchpoint='{tid}']")
    page.driver.execute_script("arguments[0].click()", card)
    page.wait(lambda: page.by_role("textbox", "Name").get_attribute("value") != "", "the inspector to show the card")


def type_into(page, role, name, text):
    field = page.by_role(role, name)
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(text)
    return field


def main(binary):
    demo = Demo(binary)
    one, two = chromium(), chromium()
    alex, sam = Page(one, demo.base, "together-alex"), Page(two, demo.base, "together-sam")
    timings = {}

    check = Checks(alex, sam, stop=True)

    try:
        def both_open():
            # Alex invites Sam from the workspace's People page; Sam signs in with the one-time
            # password it shows and chooses a password of their own.
            alex.sign_in(demo.account, demo.password)
            alex.open("/w/retail")
            alex.by_role("link", "People: invite colleagues and choose what each may do").click()
            alex.by_role("textbox", "Email").send_keys(SECOND[0])
            alex.by_role("textbox", "Name (for a new account)").send_keys("Sam Rivera")
            alex.by_role("combobox", "Role").find_element(By.CSS_SELECTOR, "option[value='editor']").click()
            alex.by_role("button", "Invite").click()
            banner = alex.wait(lambda: alex.driver.find_element(By.CSS_SELECTOR, "[role=status]"), "the invitation's banner")
            assert "Sam Rivera is an editor of" in banner.text, banner.text
            one_time = alex.driver.find_element(By.CSS_SELECTOR, "code.secret").text
            alex.shot("invited")
            sam.sign_in(SECOND[0], one_time)
            sam.wait(lambda: sam.driver.current_url.endswith("/password"), "the page that asks for a new password")
            sam.by_role("textbox", "Current password").send_keys(one_time)
            sam.by_role("textbox", "New password (at least 12 characters; a passphrase of several words is easy to remember)").send_keys(SECOND[1])
            sam.by_role("textbox", "The new password again").send_keys(SECOND[1])
            sam.by_role("button", "Change password").click()
            sam.wait(lambda: "/password" not in sam.driver.current_url, "the password to be changed")
            for page in (alex, sam):
                page.open(EDITOR)
                page.wait(lambda p=page: p.driver.find_element(By.ID, "editor").get_attribute("data-ready") == "true", "the editor")
            for page in (alex, sam):
                page.wait(lambda p=page: len(p.driver.find_elements(By.CSS_SELECTOR, "#people .person")) == 2, "two people in the room")
            names = [b.get_attribute("aria-label") for b in sam.driver.find_elements(By.CSS_SELECTOR, "#people .person")]
            assert any("Sam Rivera (you)" in n for n in names) and len(names) == 2, names
            alex.shot("both-here")
        check("Alex invites Sam as an editor from the People page; Sam signs in with the one-time password, chooses a password, and both browsers list the two people here", both_open)

        doc = stored(alex)
        first, second, third, fourth = [t["id"] for t in doc["touchpoints"][:4]]

        def presence():
            select_card(alex, first)
            started = time.time()
            sam.wait(lambda: sam.driver.find_element(By.CSS_SELECTOR, f".card[data-touchpoint='{first}']").get_attribute("data-peer") is not None,
                     "Alex's selection outlined in Sam's browser", timeout=5)
            timings["presence"] = time.time() - started
            sam.shot("sees-selection")
        check("what one selects is outlined in the other's browser (the time is printed; BENCHMARKS.md holds the measurement)", presence)

        def edit_seen():
            type_into(alex, "textbox", "Name", "Sees the spring campaign")
            started = time.time()
            sam.wait(lambda: shown_names(sam).get(first) == "Sees the spring campaign", "Alex's rename in Sam's browser", timeout=5)
            timings["edit"] = time.time() - started
            sam.shot("sees-edit")
        check("a rename typed by one appears on the other's map", edit_seen)

        def different_elements():
            select_card(alex, second)
            select_card(sam, third)
            type_into(alex, "textbox", "Owner", "Brand team")
            type_into(sam, "textbox", "Owner", "Web team")
            def both():
                d = stored(alex)
                owners = {t["id"]: t.get("owner") for t in d["touchpoints"]}
                return owners[second] == "Brand team" and owners[third] == "Web team"
            alex.wait(both, "both owners saved", timeout=5)
            for page in (alex, sam):
                page.wait(lambda p=page: p.driver.find_element(By.ID, "save-status").text.startswith("Saved"), "saved", timeout=5)
            alex.shot("both-survive")
        check("concurrent edits of two touchpoints both survive, in the store and in both browsers", different_elements)

        def same_field():
            select_card(alex, fourth)
            select_card(sam, fourth)
            # Both type into the same field at the same moment (a shared clock), before either
            # edit can come back from the server; tried again if the two were not concurrent.
            fire = """
                const [value, at] = arguments;
                setTimeout(() => { const f = document.querySelector('[data-field="touchpoint.owner"]'); f.value = value;
                  f.dispatchEvent(new Event('input', {bubbles: true})); }, Math.max(0, at - Date.now()));"""
            for attempt in range(6):
                for page in (alex, sam):
                    page.driver.execute_script("document.getElementById('notice').hidden = true")
                at = int(time.time() * 1000) + 400
                alex.driver.execute_script(fire, f"Alex decides {attempt}", at)
                sam.driver.execute_script(fire, f"Sam decides {attempt}", at)
                def settled():
                    owner = next(t for t in stored(alex)["touchpoints"] if t["id"] == fourth).get("owner")
                    shown = [p.driver.execute_script("return document.querySelector('[data-field=\"touchpoint.owner\"]')?.value") for p in (alex, sam)]
                    return owner in (f"Alex decides {attempt}", f"Sam decides {attempt}") and shown == [owner, owner] and owner
                winner = alex.wait(settled, "one owner everywhere", timeout=5)
                time.sleep(0.3)
                told = [p for p in (alex, sam) if p.driver.find_element(By.ID, "notice").is_displayed()]
                if told:
                    loser = sam if winner.startswith("Alex") else alex
                    assert told == [loser], ([p.name for p in told], winner)
                    assert "was replaced by" in loser.driver.find_element(By.ID, "notice").text
                    loser.shot("told-edit-lost")
                    timings["attempts"] = attempt + 1
                    return
            raise AssertionError("in six tries the two edits never crossed: each browser had the other's edit before making its own")
        check("two edits of the same field: the later wins everywhere and the other person is told", same_field)

        def comments_live():
            # Sam is writing a comment on the card Sam has selected when Alex comments on it.
            sam.by_role("tab", "Comments").click()
            draft = sam.driver.find_element(By.ID, "new-comment")
            draft.send_keys("Half a thought")
            status, text = alex.api("POST", f"/api/v1/workspaces/retail/maps/{MAP}/comments",
                                    {"target": f"touchpoint:{fourth}", "body": "Who owns this now?"})
            assert status == 201, (status, text[:200])
            started = time.time()
            sam.wait(lambda: "Who owns this now?" in sam.driver.find_element(By.ID, "comments").text, "Alex's comment in Sam's panel", timeout=5)
            timings["comment"] = time.time() - started
            kept = sam.driver.find_element(By.ID, "new-comment")
            assert kept.get_attribute("value") == "Half a thought", kept.get_attribute("value")
            sam.shot("sees-comment")
        check("a colleague's comment appears in the other's open panel within seconds, and what the other was typing stays", comments_live)

        def outside_change():
            # What a team's CI does with a map edited in git: export, edit, import through the API.
            status, text = alex.api("GET", "/api/v1/workspaces/retail/export?format=json", None)
            assert status == 200, (status, text[:200])
            exported = json.loads(text)
            journey = next(j for j in exported["journeys"] if j["id"] == MAP)
            renamed = next(t for t in journey["touchpoints"] if t["id"] == fourth)
            renamed["name"] = "Renamed in git"
            status, text = alex.api("POST", "/api/v1/workspaces/retail/import?message=Edited+in+git", exported)
            assert status == 200, (status, text[:300])
            started = time.time()
            for page in (alex, sam):
                page.wait(lambda p=page: shown_names(p).get(fourth) == "Renamed in git", "the imported version on the map", timeout=6)
            timings["outside"] = time.time() - started
            assert "saved outside the editor" in sam.driver.find_element(By.ID, "save-status").text, sam.driver.find_element(By.ID, "save-status").text
            sam.shot("sees-import")
        check("a map edited in git and imported through the API appears in both open editors within a few seconds", outside_change)

        def no_errors():
            for page in (alex, sam):
                page.collect_console()
                assert not page.errors, page.errors
        check("no console errors in either browser", no_errors)

        def removed():
            # Last, as Sam's page then fails to reconnect (which the console reports).
            alex.open("/w/retail/members")
            alex.by_role("button", "Remove Sam Rivera from Stride Running — first purchase").click()
            alex.wait(lambda: "sam.rivera@example.com" not in alex.driver.find_element(By.TAG_NAME, "main").text, "Sam gone from the list")
            sam.wait(lambda: "removed from this workspace" in sam.driver.find_element(By.ID, "save-status").text, "Sam's editor to say so", timeout=5)
            sam.shot("removed")
        check("Alex removes Sam on the People page: Sam's open editor is let go at once and says why", removed)
    except Exception:
        pass
    finally:
        one.quit()
        two.quit()
        demo.stop()
    return check.finish("together", 9, f"; a selection reached the other browser in {timings.get('presence', float('nan')) * 1000:.0f} ms, an edit in {timings.get('edit', float('nan')) * 1000:.0f} ms, "
                        f"an imported version in {timings.get('outside', float('nan')) * 1000:.0f} ms, a comment in {timings.get('comment', float('nan')) * 1000:.0f} ms")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
