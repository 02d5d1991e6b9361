"""What the browser tests share: a demo server, a headless Chromium, and finding controls as
people do, by their role and accessible name (as Chromium's accessibility tree computes them)."""
import json, os, re, subprocess, sys, tempfile, time, urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, TimeoutException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

# Where CI keeps its output: screenshots of every step go there.
OUTPUT = os.environ.get("WAYFINDER_BROWSER_OUTPUT", os.path.join(os.getcwd(), "ci-output", "browser"))

CANDIDATES = {
    "button": "button, [role=button], input[type=submit], input[type=button]",
    "link": "a[href], [role=link]",
    "textbox": "input:not([type]), input[type=text], input[type=email], input[type=password], input[type=number], textarea, [role=textbox]",
    "combobox": "select, [role=combobox]",
    "spinbutton": "input[type=number]",
    "slider": "[role=slider]",
    "checkbox": "input[type=checkbox]",
    "gridcell": "[role=gridcell]",
    "columnheader": "[role=columnheader]",
    "group": "details, fieldset, [role=group]",
    "status": "[role=status]",
    "tab": "[role=tab]",
}


class Demo:
    """`wayfinder demo` serving on a free port, with its account's password."""

    def __init__(self, binary):
        self.folder = tempfile.mkdtemp(prefix="wayfinder-browser-")
        self.process = subprocess.Popen([binary, "demo", "--port", "0", "--customers", "400", "--out", os.path.join(self.folder, "demo")],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        printed = ""
        for line in self.process.stdout:
            printed += line
            if "Press Ctrl-C" in line:
                break
        else:
            raise SystemExit("the demo stopped without serving:\n" + printed + self.process.stderr.read())
        self.base = re.search(r"serving the demo at (http://\S+)/", printed).group(1)
        self.password = re.search(r"with the password (\S+)", printed).group(1)
        self.account = "demo@localhost"
        self.binary = binary

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def chromium(width=1500, height=1000):
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},{height}", "--lang=en-GB"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if os.path.exists("/usr/bin/chromium"):
        options.binary_location = "/usr/bin/chromium"
    service = webdriver.ChromeService(executable_path="/usr/bin/chromedriver") if os.path.exists("/usr/bin/chromedriver") else None
    driver = webdriver.Chrome(options=options, service=service) if service else webdriver.Chrome(options=options)
    driver.set_script_timeout(30)
    return driver


class Page:
    """One browser session: find by role and name, wait, screenshot, and collect console errors."""

    def __init__(self, driver, base, name):
        self.driver, self.base, self.name = driver, base, name
        self.step = 0
        self.errors = []
        os.makedirs(OUTPUT, exist_ok=True)
        for old in os.listdir(OUTPUT):
            if old.startswith(name + "-") and old.endswith(".png"):
                os.remove(os.path.join(OUTPUT, old))

    def open(self, path):
        self.driver.get(self.base + path)
        self.collect_console()

    def sign_in(self, account, password):
        self.open("/signin")
        self.by_role("textbox", "Email").send_keys(account)
        self.by_role("textbox", "Password").send_keys(password)
        self.by_role("button", "Sign in").click()
        self.wait(lambda: "/signin" not in self.driver.current_url, "signing in")

    def all_by_role(self, role, name=None, within=None):
        scope = within or self.driver
        found = []
        for element in scope.find_elements(By.CSS_SELECTOR, CANDIDATES[role]):
            try:
                if not element.is_displayed() and role not in ("group",):
                    continue
                if element.aria_role != role:
                    continue
                if name is None or element.accessible_name.strip() == name:
                    found.append(element)
            except WebDriverException:
                continue
        return found

    def by_role(self, role, name, within=None, timeout=10):
        """The one visible element of `role` named `name`, waiting for it to appear."""
        deadline = time.time() + timeout
        while True:
            found = self.all_by_role(role, name, within)
            if found:
                return found[0]
            if time.time() > deadline:
                names = [e.accessible_name for e in self.all_by_role(role, None, within)][:40]
                raise AssertionError(f"no {role} named {name!r}; there are: {names}")
            time.sleep(0.1)

    def act(self, role, name, action, timeout=10):
        """Finds the visible element of `role` named `name` and does `action` with it, finding it
        again when the page drew its panel anew between the finding and the action."""
        def attempt():
            action(self.by_role(role, name, timeout=timeout))
            return True
        return self.wait(attempt, f"the {role} named {name!r} to stay long enough to use", timeout)

    def wait(self, condition, what, timeout=10):
        try:
            # The page draws its panels again as edits arrive: an element found a moment ago may be gone.
            waiting = WebDriverWait(self.driver, timeout, poll_frequency=0.05, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))
            return waiting.until(lambda _: self._settled(condition))
        except Exception as error:
            self.shot("failed-" + re.sub(r"[^a-z0-9]+", "-", what.lower())[:40])
            raise AssertionError(f"timed out waiting for {what}") from error

    @staticmethod
    def _settled(condition):
        # Chromium reports an element replaced between finding and reading it either as stale or,
        # when it read its node id first, as a node that "does not belong to the document": both
        # mean look again.
        try:
            return condition()
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return False
            raise

    def shot(self, what):
        self.step += 1
        path = os.path.join(OUTPUT, f"{self.name}-{self.step:02d}-{what}.png")
        # Chromium's renderer sometimes answers a screenshot late while it leaves full screen
        # ("Timed out receiving message from renderer"): the picture is taken again once it has
        # settled. A renderer that stays stuck fails the next step's own checks.
        for attempt in range(3):
            try:
                self.driver.save_screenshot(path)
                break
            except TimeoutException:
                if attempt == 2:
                    raise
                time.sleep(1)
        return path

    def collect_console(self):
        for entry in self.driver.get_log("browser"):
            if entry["level"] == "SEVERE":
                self.errors.append(entry["message"])

    def api(self, method, path, body=None):
        """Calls the JSON API from the page, with the session's cookie and CSRF token."""
        script = """
            const [method, path, body, done] = arguments;
            const csrf = document.querySelector('[data-csrf]')?.dataset.csrf ?? document.querySelector('input[name=csrf]')?.value ?? '';
            fetch(path, {method, headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf}, body: body === null ? undefined : JSON.stringify(body)})
              .then(async (r) => done({status: r.status, text: await r.text()})).catch((e) => done({status: 0, text: String(e)}));
        """
        answer = self.driver.execute_async_script(script, method, path, body)
        return answer["status"], answer["text"]


class Checks:
    """Runs a suite's named checks in order: prints `ok`/`not ok` with the time each took, and on a
    failure the traceback and a screenshot of every page (and ends the suite with `stop`);
    `status(expected)` is the exit status (1 when a check failed or fewer than `expected` ran)."""

    def __init__(self, *pages, stop=False):
        # `stop`: a failure ends the suite (raised again), for checks that build on each other.
        self.pages, self.results, self.stop = list(pages), [], stop

    def __call__(self, name, body):
        started = time.time()
        try:
            body()
            self.results.append((True, name))
            print(f"ok - {name} ({time.time() - started:.1f} s)", flush=True)
        except Exception:
            import traceback
            self.results.append((False, name))
            print(f"not ok - {name}\n" + traceback.format_exc(), flush=True)
            for page in self.pages:
                page.shot("failed")
            if self.stop:
                raise

    @property
    def failed(self):
        return [name for ok, name in self.results if not ok]

    def status(self, expected):
        return 1 if self.failed or len(self.results) < expected else 0

    def console_clean(self, name="no console errors"):
        """A last check: no page of the suite logged an error to the browser's console."""
        def clean():
            for page in self.pages:
                page.collect_console()
            errors = [error for page in self.pages for error in page.errors]
            assert not errors, errors
        self(name, clean)

    def finish(self, suite, expected, extra=""):
        """Prints the suite's summary and gives its exit status (see `status`)."""
        print(f"\n{suite}: {len(self.results) - len(self.failed)} of {len(self.results)} checks passed{extra}; screenshots in {OUTPUT}")
        return self.status(expected)

