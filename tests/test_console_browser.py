"""The analyst console in a real headless browser (Debian's chromium, driven by Selenium through
Debian's chromedriver): sign in, submit a hostile message, accept it as another analyst, see the
state change; the message's scripts, handlers, javascript: links and CSS never take effect.

Screenshots of each page go to $SEDETECT_SCREENSHOTS (docs/screenshots/ in the repository is made
this way: `SEDETECT_SCREENSHOTS=docs/screenshots make test`), else to a temporary folder.
"""
import os
import shutil
import urllib.error
import urllib.request
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.conftest import ANA, LEAD

HOSTILE_SUBJECT = "<script>document.title='pwned'</script>Invoice overdue"
HOSTILE_NAME = "<img src=x onerror=\"document.title='pwned'\">Accounts"
HOSTILE_TEXT = ("Please pay today.\n<script>window.__pwned = 1</script>\n"
                "<a href=\"javascript:document.title='pwned'\">open the invoice</a>\n"
                "<style>body { display: none }</style>\n"
                "https://evil-invoices.top/pay?id=1\n")
HOSTILE_HTML = ("<html><head><style>*{display:none!important}</style>"
                "<script>window.__pwned=1</script></head><body onload=\"window.__pwned=2\">"
                "<p>Please pay today.</p><a href=\"javascript:window.__pwned=3\">open the invoice</a>"
                "<a href=\"https://evil-invoices.top/pay?id=1\" style=\"position:fixed;top:0\">"
                "<svg onload=\"window.__pwned=4\"></svg>https://bank.example.com</a></body></html>")
HOSTILE_ATTACHMENT = "<svg onload=alert(1)>invoice.html"


def hostile_message() -> bytes:
    m = EmailMessage()
    m["From"] = f"\"{HOSTILE_NAME}\" <billing@evil-invoices.top>"
    m["To"] = "ap@example.com"
    m["Subject"] = HOSTILE_SUBJECT
    m.set_content(HOSTILE_TEXT)
    m.add_alternative(HOSTILE_HTML, subtype="html")
    m.add_attachment(b"<html><script>alert(1)</script></html>", maintype="text", subtype="html",
                     filename=HOSTILE_ATTACHMENT)
    return m.as_bytes()


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        pytest.fail("chromium and chromedriver are missing: `make install` installs Debian's "
                    "chromium and chromium-driver")
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1500", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-default-apps"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(options=opts, service=webdriver.ChromeService(driver_path))
    driver.set_page_load_timeout(120)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = Path(os.environ.get("SEDETECT_SCREENSHOTS") or tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def wait_for(driver, condition, what: str, timeout: float = 60):
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(driver, timeout).until(
        condition, f"{what} (at {driver.current_url}): {driver.page_source[:300]}")


def sign_in(driver, base, token):
    from selenium.webdriver.common.by import By
    driver.delete_all_cookies()
    driver.get(base + "/signin")
    driver.find_element(By.ID, "token").send_keys(token)
    driver.find_element(By.ID, "signin").click()
    wait_for(driver, lambda d: d.find_elements(By.ID, "analyst"), "signed in")


def assert_nothing_ran(driver):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text
    assert driver.execute_script("return window.__pwned") is None
    assert "pwned" not in driver.title
    live = driver.find_elements(By.CSS_SELECTOR, "main script, main style, main svg, main iframe, "
                                "main [onload], main [onerror], a[href^='javascript:'], "
                                "main img[src='x']")
    assert live == []
    assert driver.find_element(By.TAG_NAME, "main").is_displayed()


def test_pages_refuse_without_sign_in(console, browser):
    for path in ("/", "/submit", "/misses/1", "/model"):
        browser.delete_all_cookies()
        browser.get(console + path)
        assert browser.current_url.endswith("/signin"), path
    browser.get(console + "/signin")
    from selenium.webdriver.common.by import By
    browser.find_element(By.ID, "token").send_keys("not-a-real-token-0000000")
    browser.find_element(By.ID, "signin").click()
    # The click only starts the form's POST: wait for its answer, not for the page it left.
    wait_for(browser, lambda d: "unknown token" in d.page_source, "refused the unknown token")
    assert "/signin" in browser.current_url


def test_submit_accept_and_status_change(console, browser, shots, tmp_path):
    from selenium.webdriver.common.by import By
    eml = tmp_path / "hostile.eml"
    eml.write_bytes(hostile_message())

    browser.delete_all_cookies()
    browser.get(console + "/signin")
    browser.save_screenshot(str(shots / "signin.png"))
    sign_in(browser, console, ANA)
    assert browser.find_element(By.ID, "analyst").text == "ana"
    browser.get(console + "/submit")
    browser.find_element(By.ID, "files").send_keys(str(eml))
    browser.find_element(By.CSS_SELECTOR, "input[name=concepts][value=payload]").click()
    browser.find_element(By.ID, "attack_type").send_keys("invoice_fraud")
    browser.find_element(By.ID, "note").send_keys("<b>got through</b> to AP")
    browser.save_screenshot(str(shots / "submit.png"))
    browser.find_element(By.ID, "submit").click()
    wait_for(browser, lambda d: "/misses/" in d.current_url and d.find_elements(By.ID, "state"),
             "the submission's page")
    miss_url = browser.current_url
    assert browser.find_element(By.ID, "state").text == "submitted"
    verdict = browser.find_element(By.ID, "verdict").text
    assert any(v in verdict for v in ("malicious", "suspicious", "benign"))
    assert [e.text.split()[0] for e in browser.find_elements(By.CSS_SELECTOR, ".leg h3")] == \
        ["impersonation", "trust", "payload", "goal"]
    # The hostile parts are on the page as text, and none of them did anything.
    message = browser.find_element(By.ID, "message").text
    for text in (HOSTILE_SUBJECT, "<img src=x onerror=", "<script>window.__pwned = 1</script>",
                 "javascript:document.title='pwned'", HOSTILE_ATTACHMENT):
        assert text in message, text
    assert "<b>got through</b> to AP" in browser.find_element(By.TAG_NAME, "main").text
    assert_nothing_ran(browser)
    browser.save_screenshot(str(shots / "miss-submitted.png"))

    # Another analyst accepts it; the state and the decider change, and a signature exists.
    sign_in(browser, console, LEAD)
    browser.get(console + "/?state=submitted")
    assert miss_url.rsplit("/", 1)[1] in browser.find_element(By.ID, "queue").text
    browser.save_screenshot(str(shots / "queue.png"))
    browser.get(miss_url)
    browser.find_element(By.ID, "decision-note").send_keys("confirmed: vendor fraud")
    browser.find_element(By.ID, "accept").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "decided"), "the decision")
    assert browser.find_element(By.ID, "state").text == "accepted"
    assert "accepted by lead: confirmed: vendor fraud" in browser.find_element(By.ID, "decided").text
    assert "(block)" in browser.find_element(By.ID, "signature").text
    assert "by ana" in browser.find_element(By.TAG_NAME, "main").text
    assert_nothing_ran(browser)
    browser.save_screenshot(str(shots / "miss-accepted.png"))

    browser.get(console + "/model")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Champion: sedetect/")
    assert browser.find_elements(By.CSS_SELECTOR, "#heldout tr td")
    images = browser.find_elements(By.CSS_SELECTOR, ".plots img")
    assert len(images) >= 3              # the evaluation plots of the champion, served signed-in
    assert all(browser.execute_script("return arguments[0].naturalWidth", img) > 0
               for img in images)
    browser.save_screenshot(str(shots / "model.png"))
    browser.execute_script("arguments[0].scrollIntoView()", images[0])
    browser.save_screenshot(str(shots / "model-plots.png"))


def test_forms_need_the_session_csrf_token(console, browser):
    """A signed-in analyst's cookie alone cannot decide anything (a cross-site form would)."""
    sign_in(browser, console, ANA)
    cookie = browser.get_cookie("sedetect_session")["value"]
    req = urllib.request.Request(console + "/misses/1/decide", method="POST",
                                 data=b"decision=reject&note=x",
                                 headers={"Cookie": f"sedetect_session={cookie}",
                                          "Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=60)
    assert err.value.code == 403
