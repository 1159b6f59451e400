#!/usr/bin/env python3
"""Walks the dashboard of `suitebridge serve --demo` in headless Chromium as a new user would: log in, add an
OAuth 1 instance through the form and test it, open the OAuth 2 instance, rotate its certificate (download
auth-cert.pem, register it in the simulator through its admin API, enter the id, activate) and see the new expiry.
Fails on any failed step or JavaScript error; saves a screenshot of each step.

Usage: Scripts/browser-walk.py [path/to/suitebridge] [screenshot folder]
Needs Debian's chromium and chromium-driver, and selenium from PyPI."""
import json
import os
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(__file__))
from demo_server import DemoServer  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def admin(server, path, body):
    request = urllib.request.Request(server.simulator + "/simulator/v1/accounts/1234567_SB1" + path, method="POST",
                                     headers={"Content-Type": "application/json"}, data=json.dumps(body).encode())
    return json.loads(urllib.request.urlopen(request).read())


def api(server, method, path, body=None):
    """A call to SuiteBridge's own API with the server's first token."""
    request = urllib.request.Request(server.url + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": "Bearer " + server.token, "Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request))


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "suitebridge")
    shots = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, ".build", "browser-walk")
    os.makedirs(shots, exist_ok=True)
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,900"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path="/usr/bin/chromedriver")
    step = 0

    with DemoServer(binary) as server:
        driver = webdriver.Chrome(service=service, options=options)
        driver.implicitly_wait(5)

        def shot(name):
            nonlocal step
            step += 1
            driver.save_screenshot(os.path.join(shots, f"{step:02d}-{name}.png"))

        def expect(condition, what):
            if not condition:
                shot("failed")
                raise AssertionError(what + "\n" + driver.page_source[:3000])

        def wait_for(text, what):
            """Waits for the page (after a click, the next page) to show `text`."""
            try:
                WebDriverWait(driver, 20).until(lambda d: text in d.page_source)
            except TimeoutException:
                expect(False, what)

        try:
            driver.get(server.url + "/")
            expect("/login" in driver.current_url, "an anonymous visit goes to the login page")
            driver.find_element(By.ID, "token").send_keys(server.token)
            shot("login")
            driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button").click()
            wait_for("Connector instances", "the instances page after login")
            expect("Demo: connected to a local NetSuite simulator" in driver.page_source, "the demo banner")
            shot("instances")

            # Add an OAuth 1 instance with a new integration and token made as an admin would in NetSuite.
            integration = admin(server, "/integrations", {"name": "Browser walk", "tokenBasedAuthentication": True, "clientCredentials": False})
            token = admin(server, "/tokens", {"integrationId": integration["id"], "entityId": 2, "roleId": 1})
            driver.find_element(By.LINK_TEXT, "Add instance").click()
            driver.find_element(By.PARTIAL_LINK_TEXT, "OAuth 1").click()
            fields = {"name": "shop", "accountId": "1234567-sb1", "consumerKey": integration["consumerKey"],
                      "consumerSecret": integration["consumerSecret"], "tokenId": token["tokenId"], "tokenSecret": token["tokenSecret"],
                      "baseUrl": server.simulator}
            for name, value in fields.items():
                driver.find_element(By.ID, name).send_keys(value)
            help_text = driver.find_element(By.ID, "accountId-help").text
            expect("Realm: 1234567_SB1" in help_text, "the realm shown live: " + help_text)
            shot("add-oauth1")
            driver.find_element(By.CSS_SELECTOR, "form[action='/instances'] button[type=submit]").click()
            wait_for("Instance added", "the instance was added")
            driver.find_element(By.XPATH, "//button[text()='Test connection']").click()
            wait_for("The connection works.", "the OAuth 1 instance works")
            shot("oauth1-tested")

            # Rotate the OAuth 2 instance's certificate by hand.
            driver.get(server.url + "/instances/1234567_SB1-oauth2")
            driver.find_element(By.XPATH, "//button[starts-with(text(), 'Rotate: make a new certificate')]").click()
            wait_for("A new certificate is pending", "a pending certificate")
            shot("pending")
            link = driver.find_element(By.PARTIAL_LINK_TEXT, "Download auth-cert.pem").get_attribute("href")
            cookie = driver.get_cookie("suitebridge_session")["value"]
            pem = urllib.request.urlopen(urllib.request.Request(link, headers={"Cookie": "suitebridge_session=" + cookie})).read().decode()
            expect(pem.startswith("-----BEGIN CERTIFICATE-----"), "auth-cert.pem downloads")
            mapping = admin(server, "/m2m-mappings", {"integrationId": 3, "entityId": 2, "roleId": 1, "certificatePEM": pem})
            driver.find_element(By.ID, "activateId").send_keys(mapping["certificateId"])
            driver.find_element(By.XPATH, "//button[text()='Activate']").click()
            wait_for("The new certificate is active", "activated")
            expect(mapping["certificateId"] in driver.page_source and "days left" in driver.page_source, "the new expiry is shown")
            expect("retired" in driver.page_source, "the previous certificate is retired")
            shot("activated")
            driver.find_element(By.XPATH, "//button[text()='Test connection']").click()
            wait_for("token exchange: access token valid", "the OAuth 2 instance works after rotation")
            expect("The connection works." in driver.page_source, "the OAuth 2 test passed")
            # A lookup table put through its form, and the error inbox.
            driver.find_element(By.LINK_TEXT, "Lookups").click()
            wait_for("Lookup tables", "the lookup tables page")
            driver.find_element(By.ID, "table").send_keys("countries")
            driver.find_element(By.ID, "entries").send_keys("Germany,DE\nFrance,FR")
            driver.find_element(By.XPATH, "//button[text()='Put']").click()
            wait_for("countries: 2 entries put.", "the lookup entries were put")
            driver.find_element(By.LINK_TEXT, "countries").click()
            wait_for("2 entries.", "the lookup table lists its entries")
            expect("Germany" in driver.page_source and "DE" in driver.page_source, "an entry is shown")
            shot("lookup")
            driver.find_element(By.LINK_TEXT, "Errors").click()
            wait_for("No errors here.", "the error inbox page")
            shot("errors")
            driver.find_element(By.LINK_TEXT, "Alerts").click()
            wait_for("No alerts yet.", "the alerts page")
            driver.find_element(By.ID, "name").send_keys("ops")
            driver.find_element(By.ID, "url").send_keys(server.simulator + "/alerts-here")
            driver.find_element(By.XPATH, "//button[text()='Add']").click()
            wait_for("Alert ops added.", "an alert was added")
            shot("alerts")
            # The charts: a flow run twice (rows and seconds per run), the inbox's open errors, each account's requests.
            api(server, "POST", "/api/v1/flows", {"name": "walk", "definition": {"kind": "export", "instance": "1234567_SB1-tba", "export": {
                "query": "SELECT id FROM customer ORDER BY id", "destination": {"type": "folder", "path": "walk-out"}}}})
            for _ in range(2):
                run = api(server, "POST", "/api/v1/flows/walk/run")
                for _ in range(200):
                    if api(server, "GET", "/api/v1/runs/" + run["id"])["run"]["state"] in ("succeeded", "failed"):
                        break
                    time.sleep(0.1)
            driver.get(server.url + "/flows/walk")
            wait_for('<svg id="rows"', "the flow's rows chart")
            expect('data-points="2"' in driver.page_source, "the rows chart has the two runs")
            expect(driver.find_element(By.ID, "seconds").is_displayed(), "the seconds chart is shown")
            shot("flow-charts")
            driver.get(server.url + "/errors")
            wait_for('<svg id="inbox"', "the inbox chart")
            driver.find_element(By.LINK_TEXT, "Charts").click()
            wait_for('<svg id="requests-0"', "an account's requests chart")
            expect('data-points="1440"' in driver.page_source and driver.find_element(By.ID, "concurrency-0").is_displayed(), "the 24-hour charts draw")
            shot("charts")
            # Move the TBA instance (with the walk's flow) to OAuth 2 through the Migrate panel.
            driver.get(server.url + "/instances/1234567_SB1-tba")
            wait_for("NetSuite 2027.1: move to OAuth 2", "the TBA instance is marked for 2027.1")
            Select(driver.find_element(By.ID, "migrateKey")).select_by_value("ec-p256")
            driver.find_element(By.XPATH, "//button[text()='Migrate']").click()
            wait_for("A linked OAuth 2 instance", "the migration was prepared")
            expect("Client Credentials (Machine to Machine) Grant" in driver.page_source, "NetSuite's steps are shown")
            shot("migration-prepared")
            link = driver.find_element(By.PARTIAL_LINK_TEXT, "Download auth-cert.pem").get_attribute("href")
            cookie = driver.get_cookie("suitebridge_session")["value"]
            pem = urllib.request.urlopen(urllib.request.Request(link, headers={"Cookie": "suitebridge_session=" + cookie})).read().decode()
            mapping = admin(server, "/m2m-mappings", {"integrationId": 3, "entityId": 2, "roleId": 1, "certificatePEM": pem})
            driver.find_element(By.ID, "migrateCertificateId").send_keys(mapping["certificateId"])
            driver.find_element(By.XPATH, "//button[text()='Prove, compare and switch']").click()
            wait_for("passed every check", "the migration switched")
            expect("SuiteQL COUNT(*) FROM customer" in driver.page_source and "walk" in driver.page_source, "the parity checks and the moved flow are shown")
            shot("migration-switched")
            driver.find_element(By.LINK_TEXT, "Audit log").click()
            wait_for("certificate.activate", "the audit log shows the activation")
            expect("lookup.put" in driver.page_source, "the audit log shows the lookup change")
            shot("audit")

            errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
            expect(not errors, f"JavaScript errors: {errors}")
        finally:
            driver.quit()
    print(f"browser walk passed: {step} screenshots in {shots}")


if __name__ == "__main__":
    main()
