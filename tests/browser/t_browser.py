"""lawwatch serve in a real browser (issue 19): headless Chromium driven by Selenium over a
temporary database of the corpus and one hostile document.

Steps, at 1280x1500 and again at a phone's 390x844: type a query in the search box and submit,
open a hit, see the highlighted facts (.fact), follow a citation, open /report, /check and
/registry, English labels with ?lang=en; screenshots of each page into SCREENSHOT_DIR (and,
with LW_SCREENSHOTS_TO=docs/, into that folder of the source tree for the README). A page
that still answers 501 (not written yet) makes its step SKIPPED, printed, never passed.

The hostile document holds <script>, <img onerror>, <svg onload> and javascript: links in its
text, its subject and its FILE NAME: on every page that shows it no alert opens, no element
of the document's (script, on* attribute, javascript: link) is in the DOM, and the console
has no Content-Security-Policy violation (which would mean markup got through). With --auth
a page without credentials is a 401 (from the browser's network log: headless Chromium shows
no login dialog), with the user's credentials (an Authorization header set through the
DevTools protocol) the search. A document ingested while
the server runs is found without a restart. Every page is also checked to fit the phone's
width (no sideways scrolling).

Run: /usr/bin/python3 t_browser.py LAWWATCH_BIN SOURCE_DIR SCREENSHOT_DIR (from ctest, label
browser). Exits 77 (skipped) when Chromium, its driver or python3-selenium is missing
(scripts/setup.sh --test installs them)."""
import base64
import json
import os
import shutil
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
import lwtest  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
DRIVER = "/usr/bin/chromedriver"

args = [a for a in sys.argv[1:] if not a.startswith("--")]
if len(args) < 3:
    print("usage: t_browser.py LAWWATCH_BIN SOURCE_DIR SCREENSHOT_DIR", file=sys.stderr)
    sys.exit(2)
BIN, SRC = lwtest.paths()
SHOTS = os.path.abspath(args[2])
check = lwtest.check

for exe, pkg in ((CHROMIUM, "chromium"), (DRIVER, "chromium-driver")):
    if not os.access(exe, os.X_OK):
        lwtest.skip("%s is missing (apt-get install %s, or scripts/setup.sh --test)" % (exe, pkg))
try:
    from selenium import webdriver
    from selenium.common.exceptions import NoAlertPresentException, WebDriverException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
except ImportError:
    lwtest.skip("python3-selenium is missing for %s (apt-get install python3-selenium, or scripts/setup.sh "
                "--test; ctest runs this test with /usr/bin/python3)" % sys.executable)

SKIPPED = []
SHOT_TO = os.environ.get("LW_SCREENSHOTS_TO")
# the screenshots the README shows (docs/): one of each page, two at a phone's size
README_SHOTS = {"search-form", "search", "doc", "doc-facts", "registry", "registry-entry", "report", "check",
                "search-phone", "doc-phone"}
T0 = time.monotonic()

# The hostile document: markup in its text, its subject and its file name (no '/' in a name).
HOSTILE_NAME = "<script>alert(41)<img src=x onerror=alert(42)> '\"&.txt"
HOSTILE = ("ỦY BAN NHÂN DÂN\nTỈNH THỬ NGHIỆM\nSố: 77/KH-UBND\n\nKẾ HOẠCH\n"
           "Về việc <script>alert(11)</script> xuyentrangxss <img src=x onerror=alert(12)>\n\n"
           "Căn cứ Nghị định số 59/2012/NĐ-CP ngày 23 tháng 7 năm 2012 của Chính phủ.\n"
           "Nội dung xuyentrangxss <script>alert(1)</script> và <img src=x onerror=alert(2)> "
           "<a href=\"javascript:alert(3)\">bấm vào đây</a> javascript:alert(4) "
           "<svg onload=alert(5)></svg> <iframe src=\"javascript:alert(6)\"></iframe> "
           "<style>body{display:none}</style> &amp; &<>\"'.\n"
           "Sở Tư pháp báo cáo trước ngày 15 tháng 12 năm 2025.\n")


def step_skip(what, why):
    SKIPPED.append(what)
    print("SKIPPED: %s (%s)" % (what, why), flush=True)


def status(base, path):
    return lwtest.fetch(base + path)[0]


def shot(driver, name):
    os.makedirs(SHOTS, exist_ok=True)
    path = os.path.join(SHOTS, name + ".png")
    driver.save_screenshot(path)
    if SHOT_TO and name in README_SHOTS:
        dest = SHOT_TO if os.path.isabs(SHOT_TO) else os.path.join(SRC, SHOT_TO)
        os.makedirs(dest, exist_ok=True)
        shutil.copy(path, os.path.join(dest, name + ".png"))


def browser(width, height):
    o = webdriver.ChromeOptions()
    o.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--disable-background-networking", "--disable-extensions", "--no-first-run",
              "--window-size=%d,%d" % (width, height), "--lang=vi"):
        o.add_argument(a)
    o.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    # an alert stays open until no_alert looks for it (the default dismisses it unseen)
    o.set_capability("unhandledPromptBehavior", "ignore")
    d = webdriver.Chrome(service=Service(DRIVER), options=o)
    d.set_window_size(width, height)
    d.set_page_load_timeout(30)
    return d


def nav_status(driver, url):
    """The HTTP status the browser got for the page url (the last one), from its network log."""
    got = None
    for entry in driver.get_log("performance"):
        m = json.loads(entry["message"])["message"]
        if m.get("method") == "Network.responseReceived" and m["params"].get("type") == "Document" \
                and m["params"]["response"]["url"] == url:
            got = m["params"]["response"]["status"]
    return got


def no_alert(driver, where):
    try:
        a = driver.switch_to.alert
        text = a.text
        a.dismiss()
        lwtest.fail("%s: an alert opened: %r" % (where, text))
    except NoAlertPresentException:
        pass


def page_safe(driver, where):
    """What must hold on every page: no alert, no script or handler of a document, no
    javascript: link, no CSP violation in the console, no JavaScript error."""
    no_alert(driver, where)
    bad = driver.execute_script("""
        const out = [];
        for (const s of document.querySelectorAll('script')) out.push('script: ' + s.outerHTML.slice(0, 80));
        for (const e of document.querySelectorAll('*'))
            for (const a of e.attributes)
                if (a.name.startsWith('on')) out.push('handler: ' + e.tagName + ' ' + a.name);
        for (const e of document.querySelectorAll('[href],[src],[action],[formaction]'))
            for (const n of ['href', 'src', 'action', 'formaction'])
                if ((e.getAttribute(n) || '').trim().toLowerCase().startsWith('javascript:'))
                    out.push('javascript: link: ' + e.tagName);
        for (const e of document.querySelectorAll('iframe,object,embed,base'))
            out.push('element: ' + e.tagName);
        for (const e of document.querySelectorAll('style'))
            if (e.textContent.includes('body{display:none}')) out.push('a style element of the document');
        return out;""")
    check(not bad, "%s: nothing of the document runs: %s" % (where, bad))
    logs = driver.get_log("browser")
    csp = [l["message"] for l in logs if "Content Security Policy" in l["message"] or "Content-Security-Policy" in l["message"]]
    check(not csp, "%s: no CSP violation in the console: %s" % (where, csp[:3]))
    errors = [l["message"] for l in logs if l.get("level") == "SEVERE" and "favicon" not in l["message"]]
    check(not errors, "%s: no error in the console: %s" % (where, errors[:3]))


def fits(driver, where):
    """The page needs no sideways scrolling at the window's width."""
    w = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    check(w[0] <= w[1] + 1, "%s: fits the width (%d px of content, %d px window)" % (where, w[0], w[1]))


def search(driver, base, query, lang_en=False):
    driver.get(base + ("/?lang=en" if lang_en else "/"))
    box = driver.find_element(By.CSS_SELECTOR, "input[name=q]:not([type=hidden])")
    box.clear()
    box.send_keys(query)
    box.send_keys(Keys.ENTER)
    for _ in range(50):
        if "/search" in driver.current_url:
            break
        time.sleep(0.1)
    return driver.find_elements(By.CSS_SELECTOR, "article.hit")


def flow(driver, base, size, phone):
    """The reviewer's path through the pages; screenshots named NAME-size."""
    suffix = "-phone" if phone else ""
    driver.get(base + "/")
    check(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "vi", "%s: Vietnamese by default" % size)
    shot(driver, "search-form" + suffix)
    page_safe(driver, size + " /")
    fits(driver, size + " /")
    hits = search(driver, base, "kế hoạch")
    check(len(hits) >= 1, "%s: typing 'kế hoạch' and Enter finds hits: %d" % (size, len(hits)))
    check("q=" in driver.current_url, "%s: the query is in the address: %s" % (size, driver.current_url))
    shot(driver, "search" + suffix)
    page_safe(driver, size + " /search")
    fits(driver, size + " /search")

    # open a hit, see its facts, follow a citation
    if status(base, "/doc/1") == 501:
        step_skip(size + ": open a hit, its facts, a citation", "/doc/ID answers 501")
    else:
        # a document that cites a decree, so that its page has a citation to follow
        search(driver, base, "59/2012/NĐ-CP")
        links = driver.find_elements(By.CSS_SELECTOR, "article.hit a[href^='/doc/']")
        check(links, "%s: a hit links to its /doc/ID page (article.hit a[href^='/doc/'])" % size)
        if links:
            href = links[0].get_attribute("href")
            links[0].click()
            time.sleep(0.3)
            check("/doc/" in driver.current_url, "%s: the hit opens %s" % (size, href))
        else:  # the rest of the step still runs: the first hit's page by its id
            first = json.loads(lwtest.fetch(base + "/api/search?q=" + urllib.parse.quote("59/2012/NĐ-CP"))[2])[0]
            driver.get(base + "/doc/%d" % first["id"])
        facts = driver.find_elements(By.CSS_SELECTOR, ".fact")
        check(facts, "%s: the document shows highlighted facts (.fact)" % size)
        kinds = {c for f in facts for c in (f.get_attribute("class") or "").split() if c.startswith("fact-")}
        check(facts and all(f.get_attribute("data-fact") is not None for f in facts[:50]),
              "%s: every fact has data-fact (%d facts, kinds %s)" % (size, len(facts), sorted(kinds)))
        shot(driver, "doc" + suffix)
        if facts:  # the text with its highlighted facts, further down
            driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", facts[0])
            shot(driver, "doc-facts" + suffix)
            driver.execute_script("window.scrollTo(0, 0)")
        page_safe(driver, size + " " + driver.current_url)
        fits(driver, size + " /doc/ID")
        cites = driver.find_elements(By.CSS_SELECTOR, "a[href^='/registry/'], a.fact[href]")
        check(cites, "%s: a citation is a link (to /registry/ID)" % size)
        if cites:
            target = cites[0].get_attribute("href")
            driver.get(target)
            st = status(base, urllib.parse.urlsplit(target).path + "?" + urllib.parse.urlsplit(target).query)
            check(st == 200, "%s: the citation %s answers 200: %s" % (size, target, st))
            shot(driver, "registry-entry" + suffix)
            page_safe(driver, size + " " + target)
            fits(driver, size + " /registry/ID")

    for path, name in (("/report", "report"), ("/check", "check"), ("/registry", "registry")):
        st = status(base, path)
        if st == 501:
            step_skip("%s: open %s" % (size, path), "%s answers 501" % path)
            continue
        driver.get(base + path)
        check(st == 200, "%s: %s answers 200: %d" % (size, path, st))
        check(driver.find_elements(By.TAG_NAME, "h1"), "%s: %s has a title" % (size, path))
        check(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "vi", "%s: %s is in Vietnamese" % (size, path))
        driver.get(base + path + "?lang=en")
        check(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en", "%s: %s?lang=en is English" % (size, path))
        driver.get(base + path)
        shot(driver, name + suffix)
        page_safe(driver, size + " " + path)
        fits(driver, size + " " + path)

    # English
    hits = search(driver, base, "kế hoạch", lang_en=True)
    check(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en", "%s: ?lang=en is English" % size)
    check("Results" in driver.page_source and len(hits) >= 1, "%s: English labels on the results" % size)
    check("lang=en" in driver.current_url, "%s: the English form keeps lang=en" % size)
    if not phone:
        shot(driver, "search-en")


with lwtest.tmpdir("lw_browser_") as tmp:
    db = lwtest.corpus_db(tmp, {HOSTILE_NAME: HOSTILE}, n=None)
    docs = os.path.join(tmp, "docs")
    users = os.path.join(tmp, "users")
    rc, line, err = lwtest.run("serve", "--hash-password", "an", input="mật-khẩu An 2025\n")
    check(rc == 0 and line.startswith("an:$y$"), "--hash-password: " + err)
    with open(users, "w") as f:
        f.write(line)
    os.chmod(users, 0o600)

    driver = None
    try:
        with lwtest.serve(db, cwd=tmp) as (base, srv):
            driver = browser(1280, 1500)
            flow(driver, base, "1280x1500", phone=False)

            # the hostile document, on every page that shows it
            hits = search(driver, base, "xuyentrangxss")
            check(len(hits) == 1, "the hostile document is found: %d hits" % len(hits))
            src = driver.page_source
            text = driver.find_element(By.TAG_NAME, "body").text
            check("<script>alert(1)</script>" in text or "<script>alert(11)</script>" in text,
                  "the markup of the hostile text is shown as text")
            check("alert(41)" in text, "the hostile file name is shown as text")
            shot(driver, "xss-search")
            page_safe(driver, "hostile /search")
            links = driver.find_elements(By.CSS_SELECTOR, "article.hit a[href^='/doc/']")
            if status(base, "/doc/1") == 501:
                step_skip("the hostile document's /doc page", "/doc/ID answers 501")
            else:
                if links:
                    links[0].click()
                    time.sleep(0.3)
                else:  # said by the flow's check already: go by the id
                    hid = json.loads(lwtest.fetch(base + "/api/search?q=xuyentrangxss")[2])[0]["id"]
                    driver.get(base + "/doc/%d" % hid)
                body = driver.find_element(By.TAG_NAME, "body").text
                check("alert(2)" in body and "alert(41)" in body, "its page shows the markup and the file name as text")
                shot(driver, "xss-doc")
                page_safe(driver, "hostile /doc")
                api = driver.current_url.replace("/doc/", "/api/doc/")
                driver.get(api)
                page_safe(driver, "hostile /api/doc")
                for a in driver.find_elements(By.CSS_SELECTOR, "a[href*='/original']"):
                    check("javascript" not in (a.get_attribute("href") or ""), "the download link is no script")
            for path in ("/check", "/report", "/registry"):
                if status(base, path) != 501:
                    driver.get(base + path)
                    page_safe(driver, "hostile " + path)

            # a document ingested while the server runs
            with open(os.path.join(docs, "later.txt"), "w", encoding="utf-8") as f:
                f.write("ỦY BAN NHÂN DÂN\nKẾ HOẠCH\nVề việc thử nghiệm sautrongkhichay\n\nNội dung sautrongkhichay.\n")
            check(len(search(driver, base, "sautrongkhichay")) == 0, "not found before its ingest")
            rc, out, err = lwtest.run("ingest", "--db", db, docs, cwd=tmp)
            check(rc == 0, "ingest while serving: " + err)
            hits = search(driver, base, "sautrongkhichay")
            check(len(hits) == 1 and "later.txt" in hits[0].text if hits else False,
                  "a document ingested while serving is found without a restart")
            driver.quit()

            driver = browser(390, 844)
            flow(driver, base, "390x844", phone=True)
            driver.quit()
            driver = None

        # a login
        with lwtest.serve(db, "--auth", users, cwd=tmp) as (base, srv):
            driver = browser(1280, 900)
            driver.get_log("performance")
            driver.get(base + "/")
            # headless Chromium cannot show the login dialog: it stays on an empty page
            check(nav_status(driver, base + "/") == 401, "--auth: without credentials the browser gets 401")
            check(not driver.find_elements(By.CSS_SELECTOR, "input[name=q]"), "--auth: no search box without a login")
            token = base64.b64encode("an:mật-khẩu An 2025".encode()).decode()
            driver.execute_cdp_cmd("Network.enable", {})
            driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {"Authorization": "Basic " + token}})
            hits = search(driver, base, "kế hoạch")
            check(len(hits) >= 1, "--auth: with the user's credentials the search works: %d hits" % len(hits))
            driver.execute_cdp_cmd("Network.setExtraHTTPHeaders",
                                   {"headers": {"Authorization": "Basic " + base64.b64encode(b"an:sai").decode()}})
            driver.get_log("performance")
            driver.get(base + "/?lang=en")
            check(nav_status(driver, base + "/?lang=en") == 401, "--auth: a wrong password: 401")
            check(not driver.find_elements(By.CSS_SELECTOR, "input[name=q]"), "--auth: no search box with a wrong password")
            driver.quit()
            driver = None
    except WebDriverException as e:
        lwtest.fail("the browser failed: %s" % str(e).splitlines()[0])
    finally:
        if driver:
            driver.quit()

print("browser: %.1f s; screenshots in %s%s" % (time.monotonic() - T0, SHOTS, " and " + SHOT_TO if SHOT_TO else ""))
if SKIPPED:
    print("browser: %d step%s SKIPPED (the page answers 501 on this tree): %s"
          % (len(SKIPPED), "" if len(SKIPPED) == 1 else "s", "; ".join(SKIPPED)))
lwtest.done("browser")
