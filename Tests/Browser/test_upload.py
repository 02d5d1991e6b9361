"""Data uploaded on a workspace's page in Chromium: an NDJSON file with good events, a
duplicate and broken records goes in with a progress bar, and the page reports what was stored,
the duplicate, and each record set aside with its reason, the same as the upload's job and the
quarantine API say; a Zendesk export goes in read with its preset, recognised from its columns or
chosen on the form, and its requesters join the demo's customers by e-mail.

Usage: python3 Tests/Browser/test_upload.py PATH-TO-wayfinder
"""
import json, os, sys, tempfile, time, urllib.parse

from selenium.webdriver.common.by import By

sys.path.insert(0, os.path.dirname(__file__))
from browser import Checks, Demo, Page, chromium  # noqa: E402


def main(binary):
    demo = Demo(binary)
    driver = chromium()
    page = Page(driver, demo.base, "upload")

    check = Checks(page, stop=True)

    try:
        page.sign_in(demo.account, demo.password)
        lines = [json.dumps({"type": "track", "event": "Product Viewed", "userId": f"upload-{n}", "messageId": f"up-{n}",
                             "timestamp": "2026-06-01T10:00:00Z", "properties": {"url": "/products/trail"}}) for n in range(40)]
        lines.append(lines[0])  # the same message again: a duplicate
        lines += ["this is not json", json.dumps({"type": "track", "event": "X", "userId": "u", "timestamp": "yesterday"})]
        path = os.path.join(tempfile.mkdtemp(), "browser-upload.ndjson")
        with open(path, "w") as handle:
            handle.write("\n".join(lines) + "\n")

        def upload():
            page.open("/w/retail")
            driver.find_element(By.ID, "upload-file").send_keys(path)
            page.by_role("button", "Upload").click()
            status = lambda: driver.find_element(By.CSS_SELECTOR, "#upload [role=status]").text
            page.wait(lambda: status().startswith("Imported") or status().startswith("Not uploaded") or "failed" in status(), "the upload to end", timeout=30)
            assert status().startswith("Imported browser-upload.ndjson"), status()
            page.shot("uploaded")
            code, text = page.api("GET", "/api/v1/workspaces/retail/uploads", None)
            job = next(u for u in json.loads(text)["uploads"] if u["file"] == "browser-upload.ndjson")
            assert (job["imported"], job["duplicates"], job["quarantined"]) == (40, 1, 2), job
            shown = driver.find_element(By.CSS_SELECTOR, "#upload .figures").text
            assert "40 events stored" in shown.replace("\n", " ") and "1 duplicates left out" in shown.replace("\n", " ") and "2 records set aside" in shown.replace("\n", " "), shown
            rows = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#upload table tbody tr")]
            origin = urllib.parse.quote(f"upload {job['id']} browser-upload.ndjson")
            code, text = page.api("GET", f"/api/v1/workspaces/retail/quarantine?file={origin}", None)
            quarantine = json.loads(text)
            assert quarantine["total"] == 2 and len(rows) == 2, (quarantine, rows)
            for row, record in zip(rows, quarantine["records"]):
                assert str(record["line"]) in row and record["reason"][:30] in row, (row, record)
            assert [r["line"] for r in quarantine["records"]] == [42, 43], quarantine["records"]
        check("an NDJSON file uploaded on the page: 40 stored, 1 duplicate, 2 set aside with their lines and reasons, as the API says", upload)

        def preset():
            fixture = os.path.join(os.path.dirname(__file__), "..", "CustomerDataTests", "Fixtures", "imports", "zendesk-tickets.csv")
            options = [o.text for o in driver.find_elements(By.CSS_SELECTOR, "#upload-preset option")]
            assert options[0] == "recognised from its columns" and any(o.startswith("Zendesk tickets") for o in options), options
            for choice in ("recognised from its columns", next(o for o in options if o.startswith("Zendesk tickets"))):
                page.open("/w/retail")
                driver.find_element(By.ID, "upload-file").send_keys(os.path.abspath(fixture))
                for option in driver.find_elements(By.CSS_SELECTOR, "#upload-preset option"):
                    if option.text == choice:
                        option.click()
                page.by_role("button", "Upload").click()
                status = lambda: driver.find_element(By.CSS_SELECTOR, "#upload [role=status]").text
                page.wait(lambda: status().startswith("Imported") or status().startswith("Not uploaded") or "failed" in status(), "the export's upload to end", timeout=30)
                assert status().startswith("Imported zendesk-tickets.csv"), status()
            code, text = page.api("GET", "/api/v1/workspaces/retail/uploads", None)
            jobs = [u for u in json.loads(text)["uploads"] if u["file"] == "zendesk-tickets.csv"]
            assert len(jobs) == 2, jobs
            # The first upload stores the 9 events of the 4 tickets; the second finds them all stored already.
            assert sorted((j["imported"], j["duplicates"], j["quarantined"]) for j in jobs) == [(0, 9, 0), (9, 0, 0)], jobs
            page.shot("preset")
        check("a Zendesk export uploaded on the page is read with its preset, recognised or chosen: 9 events of 4 tickets, none twice", preset)

        def survey():
            fixture = os.path.join(os.path.dirname(__file__), "..", "CustomerDataTests", "Fixtures", "imports", "qualtrics-responses.csv")
            status = lambda: driver.find_element(By.CSS_SELECTOR, "#upload [role=status]").text
            ended = lambda: status().startswith("Imported") or status().startswith("Not uploaded") or "failed" in status()
            # Without the question, the import fails saying what to choose and which columns there are.
            page.open("/w/retail")
            driver.find_element(By.ID, "upload-file").send_keys(os.path.abspath(fixture))
            page.by_role("button", "Upload").click()
            page.wait(ended, "the survey's first upload to end", timeout=30)
            assert "failed" in status() and "the question whose answers are the score" in status() and "'Q1'" in status(), status()
            page.shot("survey-without-question")
            page.open("/w/retail")
            driver.find_element(By.ID, "upload-file").send_keys(os.path.abspath(fixture))
            driver.find_element(By.CSS_SELECTOR, "#upload details.survey summary").click()
            driver.find_element(By.ID, "upload-question").send_keys("Q3")
            for option in driver.find_elements(By.CSS_SELECTOR, "#upload-metric option"):
                if option.get_attribute("value") == "ces":
                    option.click()
            driver.find_element(By.ID, "upload-comment").send_keys("Q2")
            page.shot("survey-form")
            page.by_role("button", "Upload").click()
            page.wait(ended, "the survey's upload to end", timeout=30)
            assert status().startswith("Imported qualtrics-responses.csv"), status()
            code, text = page.api("GET", "/api/v1/workspaces/retail/uploads", None)
            jobs = [u for u in json.loads(text)["uploads"] if u["file"] == "qualtrics-responses.csv"]
            # The refused upload stored nothing; the second, two CES answers with their comments and Helen's comment alone as a text answer.
            assert sorted((j["status"], j["imported"], j["quarantined"]) for j in jobs) == [("done", 3, 0), ("failed", 0, 0)], jobs
            page.shot("survey")
        check("a Qualtrics export uploaded on the page: refused without its question, then read with the question, scale and comment chosen on the form", survey)

        check.console_clean()
    except Exception:
        pass
    finally:
        driver.quit()
        demo.stop()
    return check.finish("upload", 3)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
