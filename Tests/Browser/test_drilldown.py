"""The Data panel's drill-down in Chromium: for a touchpoint of the demo, the customers who passed
it (a page of names, turned with the keyboard), what they said in surveys, and the CSV download,
whose rows are the panel's total and the API's list; for a stage, the customers who reached it as
a step of the stage funnel and those who dropped before it, as the funnel counts them, with their
CSV.

Usage: python3 Tests/Browser/test_drilldown.py PATH-TO-wayfinder
"""
import csv, io, json, os, sys, tempfile, time

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

sys.path.insert(0, os.path.dirname(__file__))
from browser import Checks, Demo, Page, chromium  # noqa: E402

MAP = "first-purchase"
EDITOR = f"/w/retail/maps/{MAP}/edit"
ANALYSES = "/api/v1/workspaces/retail/analyses"


def analysis(page, kind, **options):
    status, text = page.api("POST", ANALYSES, {"kind": kind, "journey": MAP, **({"options": options} if options else {})})
    assert status == 200, (kind, status, text[:300])
    return json.loads(text)


def show(page, selector, what):
    page.driver.execute_script("document.querySelector(arguments[0]).scrollIntoView({block: 'start'})", selector)
    page.shot(what)


def click(page, element):
    page.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click()", element)


def main(binary):
    demo = Demo(binary)
    driver = chromium()
    page = Page(driver, demo.base, "drilldown")
    downloads = tempfile.mkdtemp(prefix="wayfinder-downloads-")

    check = Checks(page, stop=True)

    state = {}
    try:
        page.sign_in(demo.account, demo.password)
        page.open(EDITOR)
        page.wait(lambda: driver.find_element(By.ID, "editor").get_attribute("data-ready") == "true", "the editor")

        def choose():
            touchpoints = analysis(page, "touchpoints")["touchpoints"]["touchpoints"]
            said = {t["id"]: analysis(page, "verbatims", touchpoint=t["id"], limit=0)["verbatims"]["total"] for t in touchpoints if t["visitors"] > 10}
            best = max(said, key=lambda tid: (said[tid], next(t["visitors"] for t in touchpoints if t["id"] == tid)))
            assert said[best] > 0, said
            state["touchpoint"] = next(t for t in touchpoints if t["id"] == best)
            state["name"] = next(t["name"] for t in json.loads(page.api("GET", f"/api/v1/workspaces/retail/maps/{MAP}", None)[1])["map"]["touchpoints"] if t["id"] == best)
            page.by_role("button", "Live numbers").click()
            page.wait(lambda: len(driver.find_elements(By.CSS_SELECTOR, ".card .measured")) > 0, "numbers on the cards", timeout=15)
            click(page, driver.find_element(By.CSS_SELECTOR, f".card[data-touchpoint='{best}']"))
            page.by_role("tab", "Data").click()
        check("a touchpoint with survey verbatims selected and the Data panel opened", choose)

        def customers():
            touchpoint = state["touchpoint"]
            page.wait(lambda: driver.find_elements(By.CSS_SELECTOR, ".drill-table tbody tr"), "the customers table", timeout=15)
            listed = analysis(page, "customers", touchpoint=touchpoint["id"], limit=10)["customers"]
            assert listed["total"] == touchpoint["visitors"], (listed["total"], touchpoint)
            total = driver.find_element(By.CSS_SELECTOR, ".drilldown .drill-total").text
            assert total.startswith(f"{touchpoint['visitors']:,} customers, {touchpoint['converted']:,} of whom"), total
            rows = driver.find_elements(By.CSS_SELECTOR, ".drill-table tbody tr")
            assert len(rows) == min(10, listed["total"]), len(rows)
            shown = [r.find_element(By.CSS_SELECTOR, "th .drill-who").text for r in rows]
            assert shown == [c.get("name") or c["id"] for c in listed["customers"]], (shown, listed["customers"])
            assert any(c.get("name") for c in listed["customers"]), "the demo's customers have names"
            assert all(not name.startswith("cus_") for name, c in zip(shown, listed["customers"]) if c.get("name"))
            show(page, ".drilldown", "customers")
            # The next page with the keyboard: the button keeps the focus once the page has turned.
            following = page.by_role("button", "Next customers")
            following.send_keys(Keys.ENTER)
            page.wait(lambda: "showing 11–" in driver.find_element(By.CSS_SELECTOR, ".drilldown .drill-total").text, "the second page")
            second = analysis(page, "customers", touchpoint=touchpoint["id"], limit=10, offset=10)["customers"]["customers"]
            shown = [r.find_element(By.CSS_SELECTOR, "th .drill-who").text for r in driver.find_elements(By.CSS_SELECTOR, ".drill-table tbody tr")]
            assert shown == [c.get("name") or c["id"] for c in second], (shown, second)
            focused = driver.switch_to.active_element
            assert focused.get_attribute("data-focus") in ("customers-next", "customers-previous"), focused.get_attribute("outerHTML")
            page.by_role("button", "Previous customers").send_keys(Keys.ENTER)
            page.wait(lambda: "showing 1–" in driver.find_element(By.CSS_SELECTOR, ".drilldown .drill-total").text, "the first page again")
        check("the customers who passed: the panel's total is the touchpoint's visitors, names as the API lists them, paged by keyboard", customers)

        def verbatims():
            expected = analysis(page, "verbatims", touchpoint=state["touchpoint"]["id"], limit=10)["verbatims"]
            page.wait(lambda: driver.find_elements(By.CSS_SELECTOR, ".verbatims li"), "the answers")
            items = driver.find_elements(By.CSS_SELECTOR, ".verbatims li")
            assert len(items) == len(expected["verbatims"]) > 0, (len(items), expected)
            texts = [i.find_element(By.CSS_SELECTOR, "blockquote").text for i in items]
            assert texts == [v["text"] for v in expected["verbatims"]], texts
            metas = [i.find_element(By.CSS_SELECTOR, ".verbatim-meta").text for i in items]
            assert all(v["polarity"] in m for m, v in zip(metas, expected["verbatims"])), metas
            show(page, ".verbatims", "verbatims")
        check("what they said: the verbatims newest first, with their sentiment", verbatims)

        def download():
            driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
            touchpoint = state["touchpoint"]
            page.by_role("button", f"Download all {touchpoint['visitors']} customers who passed “{state['name']}” as CSV").click()
            page.wait(lambda: [f for f in os.listdir(downloads) if f.endswith(".csv")], "the CSV downloaded", timeout=15)
            file = next(f for f in os.listdir(downloads) if f.endswith(".csv"))
            time.sleep(0.2) if not os.path.getsize(os.path.join(downloads, file)) else None
            with open(os.path.join(downloads, file), newline="", encoding="utf-8") as handle:
                rows = list(csv.reader(handle))
            assert rows[0] == ["customer", "name", "persona", "first_visit", "last_visit", "visits", "reached_goal", "goal_at"], rows[0]
            total = driver.find_element(By.CSS_SELECTOR, ".drilldown .drill-total").text.split(" ")[0].replace(",", "")
            assert len(rows) - 1 == int(total) == touchpoint["visitors"], (len(rows) - 1, total)
            everyone = analysis(page, "customers", touchpoint=touchpoint["id"])["customers"]["customers"]
            assert [r[0] for r in rows[1:]] == [c["id"] for c in everyone]
            assert sum(r[6] == "true" for r in rows[1:]) == touchpoint["converted"]
            page.wait(lambda: "Downloaded" in driver.find_element(By.CSS_SELECTOR, ".drilldown [role=status]").text, "the download noted")
            show(page, ".drilldown .pager", "downloaded")
        check("Download CSV: every customer, as many rows as the panel's total, the API's list in order", download)

        def step():
            funnel = analysis(page, "funnel")["funnel"]["steps"]
            stage = funnel[2]
            click(page, driver.find_element(By.CSS_SELECTOR, f"[data-stage-header='{stage['id']}']"))
            page.by_role("tab", "Data").click()
            page.wait(lambda: f"Customers who reached “{stage['name']}”" in " ".join(c.text for c in driver.find_elements(By.CSS_SELECTOR, ".drill-table caption")),
                      "the step's customers", timeout=15)
            total = driver.find_element(By.CSS_SELECTOR, ".drilldown .drill-total").text
            assert total.startswith(f"{stage['customers']:,} customers"), (total, stage)
            listed = analysis(page, "customers", step=stage["id"], limit=10)["customers"]
            shown = [r.find_element(By.CSS_SELECTOR, "th .drill-who").text for r in driver.find_elements(By.CSS_SELECTOR, ".drill-table tbody tr")]
            assert shown == [c.get("name") or c["id"] for c in listed["customers"]], (shown, listed["customers"])
            show(page, ".drilldown", "step-reached")
            page.by_role("button", "Dropped before it").click()
            page.wait(lambda: f"dropped before “{stage['name']}”" in " ".join(c.text for c in driver.find_elements(By.CSS_SELECTOR, ".drill-table caption")),
                      "the customers who dropped", timeout=15)
            total = driver.find_element(By.CSS_SELECTOR, ".drilldown .drill-total").text
            assert total.startswith(f"{stage['drop_off']:,} customers"), (total, funnel[1], stage)
            assert page.by_role("button", "Dropped before it").get_attribute("aria-pressed") == "true"
            for name in os.listdir(downloads):
                os.remove(os.path.join(downloads, name))
            page.by_role("button", f"Download all {stage['drop_off']} customers who dropped before “{stage['name']}” as CSV").click()
            page.wait(lambda: [f for f in os.listdir(downloads) if f.endswith(".csv")], "the step's CSV downloaded", timeout=15)
            file = next(f for f in os.listdir(downloads) if f.endswith(".csv"))
            time.sleep(0.2) if not os.path.getsize(os.path.join(downloads, file)) else None
            with open(os.path.join(downloads, file), newline="", encoding="utf-8") as handle:
                rows = list(csv.reader(handle))
            everyone = analysis(page, "customers", step=stage["id"], dropped=True)["customers"]["customers"]
            assert [r[0] for r in rows[1:]] == [c["id"] for c in everyone] and len(everyone) == stage["drop_off"], (len(rows), len(everyone))
            show(page, ".drilldown", "step-dropped")
        check("a stage as a funnel step: who reached it and who dropped before it, as the funnel counts them, listed and downloaded", step)

        check.console_clean()
    except Exception:
        pass
    finally:
        driver.quit()
        demo.stop()
    return check.finish("drilldown", 6)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
