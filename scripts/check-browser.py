#!/usr/bin/env python3
"""Drives the web pages of `workflow serve` in headless Chromium, as the people who use them would.

Usage: check-browser.py CONTEXT.json

CONTEXT.json (written by scripts/check-browser.sh) names the server's base URL, the agents'
tokens, the example cases and the folder for screenshots. Chromium is driven through its
DevTools protocol over a pipe (--remote-debugging-pipe): commands go in on fd 3 and answers
come out on fd 4, each a JSON message ended by a NUL byte. Python's standard library only.

Every page visited is also checked for responses of 5xx (and failed subresources), console
errors and uncaught exceptions, and broken same-origin links. Prints each failure, then
`browser: N passed, M failed`; exits 1 when a check failed.
"""

import base64
import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid


class CDPError(Exception):
    pass


class CDP:
    """One Chromium process and its DevTools pipe: commands, their answers, and events."""

    def __init__(self, binary, extra_args=()):
        self.profile = tempfile.mkdtemp(prefix="parcours-chromium.")
        cmd_r, self.cmd_w = os.pipe()
        self.resp_r, resp_w = os.pipe()

        def child_fds():
            # Move both ends out of the way first, so dup2 onto 3 and 4 cannot clobber either.
            r = fcntl.fcntl(cmd_r, fcntl.F_DUPFD, 10)
            w = fcntl.fcntl(resp_w, fcntl.F_DUPFD, 10)
            os.dup2(r, 3)
            os.dup2(w, 4)

        args = [binary, "--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking", "--disable-sync",
                "--mute-audio", "--hide-scrollbars", "--font-render-hinting=none",
                f"--user-data-dir={self.profile}", *extra_args, "about:blank"]
        self.stderr = open(os.path.join(self.profile, "stderr.log"), "wb")
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self.stderr, stderr=self.stderr,
                                     pass_fds=(3, 4), preexec_fn=child_fds)
        os.close(cmd_r)
        os.close(resp_w)
        self.buffer = b""
        self.next_id = 0
        self.replies = {}
        self.listeners = {}  # sessionId -> callable(method, params)

    def send(self, method, params=None, session=None, timeout=30):
        self.next_id += 1
        ident = self.next_id
        message = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self.cmd_w, data):]
        deadline = time.monotonic() + timeout
        while ident not in self.replies:
            self.read(deadline, what=method)
        reply = self.replies.pop(ident)
        if "error" in reply:
            raise CDPError(f"{method}: {reply['error'].get('message')}")
        return reply.get("result", {})

    def read(self, deadline, what="an event"):
        """Reads what Chromium has written, dispatching events; raises TimeoutError at the deadline."""
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([self.resp_r], [], [], remaining)[0]:
            raise TimeoutError(f"Chromium did not answer in time ({what})")
        chunk = os.read(self.resp_r, 1 << 20)
        if not chunk:
            raise CDPError("Chromium closed its DevTools pipe (did it crash?)")
        self.buffer += chunk
        while b"\0" in self.buffer:
            raw, self.buffer = self.buffer.split(b"\0", 1)
            message = json.loads(raw)
            if "id" in message:
                self.replies[message["id"]] = message
            elif message.get("sessionId") in self.listeners:
                self.listeners[message["sessionId"]](message["method"], message.get("params", {}))

    def drain(self, seconds=0.2):
        """Reads the events already on their way (network answers that came after a load)."""
        deadline = time.monotonic() + seconds
        try:
            while True:
                self.read(deadline)
        except TimeoutError:
            pass

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
            self.proc.wait()
        self.stderr.close()
        shutil.rmtree(self.profile, ignore_errors=True)


class Checks:
    def __init__(self):
        self.passed = 0
        self.failures = []

    def check(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failures.append(what)
            print(f"FAIL: {what}", file=sys.stderr, flush=True)
        return ok


class Page:
    """A tab in a browser context of its own (its own cookies: one person), with what it saw."""

    WIDTH, HEIGHT = 1280, 800

    def __init__(self, cdp, base, checks, who):
        self.cdp, self.base, self.checks, self.who = cdp, base, checks, who
        self.context = cdp.send("Target.createBrowserContext")["browserContextId"]
        self.target = cdp.send("Target.createTarget", {"url": "about:blank", "browserContextId": self.context})["targetId"]
        self.session = cdp.send("Target.attachToTarget", {"targetId": self.target, "flatten": True})["sessionId"]
        cdp.listeners[self.session] = self.on_event
        self.loads = 0
        self.responses = []   # (status, url, resource type) since the last check
        self.problems = []    # console errors, exceptions, failed loads since the last check
        self.document = None  # (status, url) of the last main-frame document
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.send(f"{domain}.enable")
        self.set_width(self.WIDTH, self.HEIGHT, mobile=False)

    def send(self, method, params=None, timeout=30):
        return self.cdp.send(method, params, session=self.session, timeout=timeout)

    def on_event(self, method, p):
        if method == "Page.loadEventFired":
            self.loads += 1
        elif method == "Network.requestWillBeSent" and p.get("redirectResponse"):
            r = p["redirectResponse"]
            self.responses.append((r["status"], r["url"], p.get("type", "")))
        elif method == "Network.responseReceived":
            r = p["response"]
            self.responses.append((r["status"], r["url"], p.get("type", "")))
            if p.get("type") == "Document" and p.get("frameId") == self.target:
                self.document = (r["status"], r["url"])
        elif method == "Network.loadingFailed" and not p.get("canceled"):
            self.problems.append(f"request failed ({p.get('type')}): {p.get('errorText')}")
        elif method == "Runtime.exceptionThrown":
            d = p["exceptionDetails"]
            self.problems.append(f"exception: {d.get('exception', {}).get('description') or d.get('text')}")
        elif method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            self.problems.append("console." + p["type"] + ": " + " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
        elif method == "Log.entryAdded" and p["entry"].get("level") == "error":
            e = p["entry"]
            self.problems.append(("log", e.get("source"), e.get("url", ""), e.get("text", "")))

    def set_width(self, width, height, mobile):
        self.width = width
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})

    # --- reading the page

    def eval(self, expression, timeout=30):
        """The value of a JavaScript expression in the page (promises awaited)."""
        r = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}, timeout=timeout)
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            raise CDPError(f"in page: {d.get('exception', {}).get('description') or d.get('text')}")
        return r["result"].get("value")

    def count(self, selector):
        return self.eval(f"document.querySelectorAll({json.dumps(selector)}).length")

    def text(self, selector="body"):
        return self.eval(f"(document.querySelector({json.dumps(selector)}) || {{}}).innerText || ''")

    def attr(self, selector, name):
        return self.eval(f"(e => e && e.getAttribute({json.dumps(name)}))(document.querySelector({json.dumps(selector)}))")

    def path(self):
        return self.eval("location.pathname")

    # --- moving around

    def wait_load(self, before, what, timeout=20):
        deadline = time.monotonic() + timeout
        while self.loads == before:
            self.cdp.read(deadline, what=f"the page to load after {what}")
        # Network answers of subresources may trail the load event a little.
        self.cdp.drain(0.15)

    def goto(self, path, status=200):
        """Opens a page as a person typing its address; checks the document's status."""
        before, self.document = self.loads, None
        r = self.send("Page.navigate", {"url": self.base + path})
        if r.get("errorText"):
            return self.checks.check(False, f"[{self.who}] GET {path}: {r['errorText']}")
        self.wait_load(before, f"GET {path}")
        return self.expect_status(status, f"GET {path}")

    def expect_status(self, status, what):
        got = self.document[0] if self.document else None
        statuses = status if isinstance(status, tuple) else (status,)
        if got in statuses:
            return self.checks.check(True, what)
        said = self.eval("[...document.querySelectorAll('.refusal, .error, h1')].map(e => e.innerText.trim()).join(' | ')")
        return self.checks.check(False, f"[{self.who}] {what}: answered {got}, expected {status} (at {self.document and self.document[1]}; the page says: {said[:300]})")

    def click(self, selector, status=200):
        """Clicks a link or button that loads another page."""
        before, self.document = self.loads, None
        found = self.eval(f"(e => {{ if (!e) return false; e.click(); return true; }})(document.querySelector({json.dumps(selector)}))")
        if not self.checks.check(found, f"[{self.who}] nothing to click at {selector} on {self.path()}"):
            return False
        self.wait_load(before, f"click on {selector}")
        return self.expect_status(status, f"click on {selector}")

    def submit(self, form, values=None, button=None, status=200):
        """Fills a form's fields by name and clicks its submit button, as a person would.

        Stops with a failure when the form, a field or an option is missing, or when the
        browser itself would refuse to send the form (a required field left empty)."""
        before, self.document = self.loads, None
        outcome = self.eval("""((sel, values, button) => {
            const form = document.querySelector(sel);
            if (!form) return 'no form ' + sel;
            // A form folded in a <details> is opened by its summary first, as a person would.
            for (let d = form.closest('details:not([open])'); d; d = d.parentElement.closest('details:not([open])')) {
                d.querySelector(':scope > summary').click();
            }
            for (const [name, value] of Object.entries(values)) {
                const el = form.elements.namedItem(name);
                if (!el) return 'no field named ' + name + ' in ' + sel;
                if (Array.isArray(value)) {  // a list of choices: check exactly those boxes
                    const boxes = el instanceof RadioNodeList ? [...el] : [el];
                    for (const v of value) if (!boxes.some(b => b.value === v)) return 'no box ' + v + ' for ' + name;
                    for (const b of boxes) { if (b.checked !== value.includes(b.value)) b.click(); }
                    continue;
                }
                if (el.type === 'checkbox') el.checked = !!value; else el.value = value;
                if (el.value !== value && el.type !== 'checkbox') return 'field ' + name + ' would not take ' + JSON.stringify(value);
                el.dispatchEvent(new Event('input', {bubbles: true}));
                el.dispatchEvent(new Event('change', {bubbles: true}));
            }
            if (!form.checkValidity()) {
                const bad = [...form.elements].filter(e => e.willValidate && !e.checkValidity());
                return 'the browser refuses to send it: ' + bad.map(e => e.name + ' (' + e.validationMessage + ')').join(', ');
            }
            const b = button ? form.querySelector(button) : form.querySelector('button[type=submit], input[type=submit], button:not([type])');
            if (b) b.click(); else form.requestSubmit();
            return 'sent';
        })(%s, %s, %s)""" % (json.dumps(form), json.dumps(values or {}), json.dumps(button)))
        if not self.checks.check(outcome == "sent", f"[{self.who}] form {form} on {self.path()}: {outcome}"):
            return False
        self.wait_load(before, f"submitting {form}")
        return self.expect_status(status, f"submitting {form}")

    def set_file(self, selector, path):
        """Chooses a file in a file input, as a person picking it in the file dialog would."""
        root = self.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node = self.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        if not self.checks.check(node != 0, f"[{self.who}] no file input at {selector} on {self.path()}"):
            return False
        self.send("DOM.setFileInputFiles", {"nodeId": node, "files": [path]})
        return self.checks.check(self.eval(f"document.querySelector({json.dumps(selector)}).files.length") == 1,
                                 f"[{self.who}] the file input {selector} did not take {path}")

    def press_tab(self):
        """A Tab key press; returns the element that then has the focus (tag, class, href)."""
        for kind in ("keyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", {"type": kind, "key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9})
        return self.eval("(e => [e.tagName, e.className, e.getAttribute('href')])(document.activeElement)")

    def screenshot(self, out_dir, name):
        """A PNG of the whole page, beyond the window's height."""
        size = self.send("Page.getLayoutMetrics")["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": max(1, size["width"]), "height": max(1, min(size["height"], 16000)), "scale": 1}
        png = self.send("Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": True})["data"]
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(base64.b64decode(png))

    # --- what every page must pass

    LINKS = """(async () => {
        const urls = new Set();
        for (const e of document.querySelectorAll('a[href], link[href], img[src], script[src], form[action]')) {
            if (e.tagName === 'FORM' && (e.getAttribute('method') || 'get').toLowerCase() !== 'get') continue;
            const raw = e.getAttribute(e.tagName === 'IMG' || e.tagName === 'SCRIPT' ? 'src' : e.tagName === 'FORM' ? 'action' : 'href');
            if (raw.startsWith('#')) continue;  // within the page: nothing is loaded
            if (e.hasAttribute('data-leaves-site')) continue;  // redirects to another site (a provider's sign-in)
            let u;
            try { u = new URL(raw, location.href); } catch (err) { continue; }
            if (u.origin !== location.origin) continue;
            u.hash = '';
            urls.add(u.href);
        }
        const answers = [];
        for (const u of urls) {
            try { const r = await fetch(u, {credentials: 'same-origin'}); answers.push([u, r.status]); }
            catch (err) { answers.push([u, String(err)]); }
        }
        // A language link followed by fetch() switches the language cookie: put it back.
        if ([...urls].some(u => u.includes('lang='))) {
            await fetch(location.pathname + '?lang=' + document.documentElement.lang, {credentials: 'same-origin'});
        }
        return answers;
    })()"""

    # Labels are what screen readers announce (RGAA 11.1): every visible control needs one.
    UNLABELLED = """[...document.querySelectorAll('input, select, textarea')]
        .filter(e => e.type !== 'hidden' && e.type !== 'submit' && e.type !== 'button')
        .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
        .map(e => e.name || e.id || e.outerHTML.slice(0, 60))"""

    def check_page(self, name):
        """No 5xx, no failed subresource, no console error, no broken same-origin link; labelled
        controls, unique ids, nothing wider than the screen. Then forgets what it saw."""
        self.cdp.drain(0.2)
        where = f"[{self.who}] {name} ({self.path()})"
        doc_status, doc_url = self.document or (None, None)
        favicon = self.base + "/favicon.ico"  # asked by Chromium on its own; no page links it
        errors = [f"{url} answered {status}" for status, url, kind in self.responses if status >= 500]
        self.checks.check(not errors, f"{where}: server errors: {errors}")
        failed = [f"{kind} {url} answered {status}" for status, url, kind in self.responses
                  if kind != "Document" and 400 <= status < 500 and url != favicon]
        self.checks.check(not failed, f"{where}: failed subresources: {failed}")
        console = []
        for p in self.problems:
            if isinstance(p, tuple):
                _, source, url, text = p
                # Chromium logs a 4xx document as a network error; its status is checked on its own.
                if source == "network" and (url == favicon or url == doc_url and doc_status and 400 <= doc_status < 500):
                    continue
                p = f"({source}) {text} {url}"
            console.append(p)
        self.checks.check(not console, f"{where}: console errors: {console}")
        duplicates = self.eval("""(ids => [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))])(
            [...document.querySelectorAll('[id]')].map(e => e.id))""") or []
        self.checks.check(not duplicates, f"{where}: ids used twice (a label then names the wrong control): {duplicates}")
        unlabelled = self.eval(self.UNLABELLED) or []
        self.checks.check(not unlabelled, f"{where}: form controls without a label: {unlabelled}")
        # On a phone a page too wide is zoomed out (the window grows) rather than scrolled: check both.
        widths = self.eval("[document.documentElement.scrollWidth, window.innerWidth]")
        if not self.checks.check(max(widths) <= self.width, f"{where}: the page is {max(widths)} px wide on a {self.width} px screen"):
            wide = self.eval("""(w => [...document.body.querySelectorAll('*')]
                .filter(e => e.getBoundingClientRect().right > w + 1 && ![...e.children].some(c => c.getBoundingClientRect().right > w + 1))
                .slice(0, 4).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '')
                                     + ' (' + Math.round(e.getBoundingClientRect().right) + ' px)'))(%d)""" % self.width)
            self.checks.failures[-1] += f" (widest: {', '.join(wide)})"
            print(f"  widest: {', '.join(wide)}", file=sys.stderr)
        links = self.eval(self.LINKS, timeout=60) or []
        here = self.path()
        broken = []
        for url, status in links:
            path = url[len(self.base):] if url.startswith(self.base) else url
            # A 404 or 403 page's links to itself (its language switch) rightly answer as it does.
            itself = path.split("?")[0] == here and status == doc_status
            if not (isinstance(status, int) and status < 400 or itself):
                broken.append(f"{path} answered {status}")
        self.checks.check(links and not broken, f"{where}: broken links: {broken or 'no same-origin link at all'}")
        self.cdp.drain(0.1)
        self.responses, self.problems = [], []


def api(base, token, method, path, body=None, headers=None):
    """A call to the JSON API, for what other people do meanwhile (the portal names its person
    in a Citizen-Ref header)."""
    req = urllib.request.Request(base + "/api/v1" + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


class Scenario:
    def __init__(self, ctx, checks):
        self.ctx, self.checks = ctx, checks
        self.base = ctx["base"].rstrip("/")
        self.out = ctx["out"]
        self.tokens = ctx["tokens"]
        self.along, self.escalated = ctx["cases"]["along"], ctx["cases"]["escalated"]
        self.check = checks.check
        self.cdp = None

    def page(self, who):
        return Page(self.cdp, self.base, self.checks, who)

    def sign_in(self, who, start="/login", lands="/inbox"):
        """Signs in from START (a page asked for while signed out leads to the login form)."""
        p = self.page(who)
        p.goto(start)
        self.check(p.path() == "/login", f"[{who}] {start} signed out led to {p.path()}, not /login")
        if p.submit("form#login", {"token": self.tokens[who]}):
            here = p.eval("location.origin + location.pathname")
            self.check(here == self.base + lands, f"[{who}] signed in from {start}, landed on {here} instead of {lands}")
        return p

    def run(self, binary):
        self.cdp = CDP(binary)
        try:
            steps = [self.login, self.requests, self.consent, self.inbox_and_case, self.restricted_field, self.escalation, self.referent, self.other_agency,
                     self.supervision, self.workflows, self.designer, self.phone, self.sign_out, self.oidc]
            for step in steps:
                try:
                    step()
                except Exception as e:  # one broken step must not hide the others' results
                    self.check(False, f"{step.__name__} stopped: {type(e).__name__}: {e}")
        finally:
            self.cdp.close()

    # --- the scenario, one person's morning per step

    def login(self):
        p = self.page("visitor")
        p.goto("/")
        self.check(p.path() == "/login", f"[visitor] / led to {p.path()}, not /login")
        self.check(p.count("form#login input#token[name=token][type=password]") == 1, "[visitor] /login has no password input#token in form#login")
        self.check(p.count("label[for=token]") == 1, "[visitor] /login: the token input has no label")
        p.screenshot(self.out, "login.png")
        p.check_page("login")
        # The link check fetched /login again, which renews the form's anti-forgery cookie: reload it.
        p.goto("/login")
        p.submit("form#login", {"token": "not-a-token"}, status=401)
        self.check(p.count(".error[role=alert]") == 1, "[visitor] a wrong token shows no .error[role=alert]")
        p.screenshot(self.out, "login-refused.png")
        p.check_page("login refused")

    def answer_in_inbox(self, p, case, values=None, document=None):
        """From the inbox, answers the request of CASE waiting for P's agency through its form:
        with a file (DOCUMENT: a path) or the VALUES given (a refusal's reason). Returns the
        request's id, or None when the inbox shows no such request."""
        row = f'section#inbox-requests tr[data-request][data-case="{case}"]'
        if not self.check(p.count(row) == 1, f"[{p.who}] inbox: {p.count(row)} requests of case {case}, expected one"):
            return None
        rid = p.attr(row, "data-request")
        form = f'{row} form.answer[action="/requests/{rid}/answer"]'
        if document and not p.set_file(f"{form} input[type=file]", document):
            return rid
        p.submit(form, values or {})
        self.check(p.path() == "/inbox", f"[{p.who}] answering the request led to {p.path()}, not the inbox")
        self.check(p.count(f'tr[data-request="{rid}"]') == 0, f"[{p.who}] the request {rid} answered is still among the open ones")
        return rid

    def requests(self):
        """The pension bodies answer the career statements the retirement asks of them, from their
        inbox: the SRE with the document, the CNRACL with a refusal; the supervisor's journal
        shows the read of what the SRE provided, with its source."""
        along = self.along
        s = self.sign_in("sophie")
        row = f'section#inbox-requests tr[data-request][data-case="{along}"]'
        self.check(s.count(row) == 1, f"[sophie] inbox: {s.count(row)} requests of case {along} in section#inbox-requests, expected the SRE's one")
        label = "Relevé de carrière (fonction publique de l'État)"
        self.check(label in s.text(row), f"[sophie] the request's row does not name it {label!r}: {s.text(row)!r}")
        left = s.eval(f"(r => r ? r.cells[3].innerText.trim() : '')(document.querySelector({json.dumps(row)}))")
        self.check(left.startswith("reste "), f"[sophie] the request's row does not say the time left: {left!r}")
        self.check(s.count(f"{row} form.answer input[type=file][name='data.carriere.releve_sre']") == 1,
                   "[sophie] the request's form has no file input for carriere.releve_sre")
        # The SRE has queues in the workflow: the request is also a task in one, whose row
        # leads to the answer form; she claims it like any task.
        rid = s.attr(row, "data-request")
        task = f'table#tasks tr[data-kind=request][data-case="{along}"]'
        self.check(s.count(task) == 1, f"[sophie] inbox: {s.count(task)} request tasks of case {along} in table#tasks, expected one")
        self.check(s.count(f'{task} a.request-link[href="#request-{rid}"]') == 1 and label in s.text(task),
                   f"[sophie] the request's task row does not link to its form #request-{rid}: {s.text(task)!r}")
        self.check(s.count(f'section#inbox-requests tr#request-{rid}') == 1, f"[sophie] no answer row with id request-{rid} to land on")
        s.click(f"{task} form.claim button")
        self.check(s.path() == "/inbox" and s.count(f"{task} form.release") == 1, "[sophie] after claiming the request's task: no form.release on it")
        s.screenshot(self.out, "inbox-requests.png")
        s.check_page("inbox with requests")

        # Another case of the retirement, whose CNRACL part the CNRACL cannot document.
        status, created = api(self.base, self.tokens["anne"], "POST", "/cases",
                              {"workflow": "retraite-multi-statuts", "data": self.ctx["data"]["retraite"]})
        refused_case = created.get("id") if status == 201 else None
        status, moved = api(self.base, self.tokens["anne"], "POST", f"/cases/{refused_case}/events",
                            {"action": "deposer", "data": self.ctx["data"]["depot"]})
        self.check(status == 200, f"API: anne's deposer of the case to refuse answered {status} {moved}")
        s.goto("/inbox")
        theirs = s.eval("[...document.querySelectorAll('section#inbox-requests tr[data-request]')].map(r => r.dataset.request)") or []

        folder = tempfile.mkdtemp(prefix="parcours-upload.")
        try:
            document = os.path.join(folder, "releve-carriere-sre.pdf")
            with open(document, "wb") as f:
                f.write(b"%PDF-1.4\n% releve de carriere SRE\n")
            rid = self.answer_in_inbox(s, along, document=document)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        self.check("Réponse enregistrée" in s.text("p.done[role=status]"),
                   f"[sophie] after the answer the inbox does not say it was recorded: {s.text('p.done') or 'no p.done'}")
        self.check(s.count(task) == 0, f"[sophie] the request's task is still in table#tasks after the answer")
        s.check_page("inbox after the answer")
        s.goto(f"/cases/{along}")
        item = "section#requests li[data-request=releve-sre]"
        self.check(s.attr(item, "data-status") == "answered", f"[sophie] the case page shows the SRE's request {s.attr(item, 'data-status')}, not answered")
        self.check("réponses reçues : 1" in s.text(item), f"[sophie] the case page does not say version 1 was received: {s.text(item)!r}")
        document = s.eval(f"(d => d ? d.innerText : '')(document.querySelector('section#data dd[data-field=\"carriere.releve_sre\"]'))")
        self.check("releve-carriere-sre.pdf" in document, f"[sophie] the case's carriere.releve_sre is not the file sent: {document!r}")
        s.check_page("case page with the answered request")

        # The CNRACL refuses its own, on the other case; the SRE never saw it.
        c = self.sign_in("camille")
        row = f'section#inbox-requests tr[data-request][data-case="{refused_case}"]'
        self.check(c.count("table#tasks tr[data-kind=request]") == 0, "[camille] the CNRACL, with no queue in the workflow, has request tasks")
        cnracl = c.attr(row, "data-request")
        self.check(cnracl is not None and cnracl not in theirs, f"[sophie] the SRE's inbox lists the CNRACL's request {cnracl}")
        self.answer_in_inbox(c, refused_case, values={"refused": "Aucune période hospitalière connue de la CNRACL"})
        self.check("Refus enregistré" in c.text("p.done[role=status]"),
                   f"[camille] after the refusal the inbox does not say it was recorded: {c.text('p.done') or 'no p.done'}")
        c.check_page("inbox after the refusal")
        c.goto(f"/cases/{refused_case}")
        item = "section#requests li[data-request=releve-cnracl]"
        self.check(c.attr(item, "data-status") == "refused" and "refusée" in c.text(item),
                   f"[camille] the case page shows the CNRACL's request as {c.text(item)!r}, not refused")
        c.check_page("case page with the refused request")

        # A town hall's agent sees none of the pension bodies' requests.
        m = self.sign_in("marc")
        shown = m.eval("[...document.querySelectorAll('section#inbox-requests tr[data-request]')].map(r => r.dataset.case)")
        self.check(m.count("section#inbox-requests") == 1 and shown == [], f"[marc] the town hall's inbox lists requests of cases {shown}")

        # The supervisor's journal: Sophie's read of the career statement, with its source.
        h = self.sign_in("chef")
        h.goto(f"/cases/{along}")
        source = f"section#journal tr:has(li[data-request=releve-sre][data-agency=sre])"
        reads = h.eval(f"[...document.querySelectorAll({json.dumps(source)})].map(r => r.innerText)") or []
        self.check(any("sophie" in r for r in reads), f"[chef] the journal shows no read by sophie with the SRE's statement as source: {reads[:2]}")
        words = h.text(f"{source} li[data-request=releve-sre]")
        for part in (label, "Service des retraites de l'État (DGFiP)", "Code de la sécurité sociale, art. L161-17"):
            self.check(part in words, f"[chef] the journal's source does not say {part!r}: {words!r}")
        h.screenshot(self.out, "case-journal-sources.png")
        h.check_page("case page with the journal's sources")
        h.set_width(390, 844, mobile=True)
        h.goto(f"/cases/{along}")
        h.check_page("case page with the journal's sources on a phone")
        h.set_width(Page.WIDTH, Page.HEIGHT, mobile=False)

    def consent(self):
        """A student files a grant through the portal: its tax notice is asked of the tax
        administration only once she consents; its agent answers from the inbox, the CROUS
        reads it, and the student's access log tells her so in her words."""
        portal = self.ctx["portal"]
        person = {"Citizen-Ref": portal["citizen"]}
        def as_person(method, path, body=None):
            return api(self.base, portal["token"], method, path, body, headers=person)
        def avis(body):
            found = [r for r in (body.get("requests") or []) if r.get("request") == "avis-imposition"] if isinstance(body, dict) else []
            return found[0] if found else {}
        status, created = as_person("POST", "/portal/cases", {"workflow": portal["workflow"], "data": portal["data"]})
        if not self.check(status == 201, f"[portal] the student's case was not created: {status} {created}"):
            return
        case = created["id"]
        status, read = as_person("GET", f"/portal/cases/{case}")
        request = avis(read)
        expected = {"label": "Avis d'imposition des parents", "to": "dgfip", "agency_name": "Direction générale des finances publiques",
                    "legal_basis": "CRPA L114-8 (échange de données entre administrations, avec l'accord de l'usager)",
                    "consent": "not-given", "sent": False}
        wrong = {k: request.get(k) for k, v in expected.items() if request.get(k) != v}
        self.check(status == 200 and not wrong, f"[portal] the consent screen's request reads {wrong or status}, expected {expected}")
        f = self.sign_in("fisc")
        row = f'section#inbox-requests tr[data-request][data-case="{case}"]'
        self.check(f.count(row) == 0, "[fisc] the tax administration's inbox lists the tax notice before the student consented")

        status, given = as_person("POST", f"/portal/cases/{case}/consents", {"request": "avis-imposition", "granted": True})
        self.check(status == 200 and avis(given).get("consent") == "given", f"[portal] the consent was not recorded: {status} {avis(given)}")
        status, read = as_person("GET", f"/portal/cases/{case}")
        request = avis(read)
        self.check(request.get("consent") == "given" and request.get("sent") is True and request.get("asked_of_you") is False,
                   f"[portal] after the consent the request reads {request}, expected given and sent")

        f.goto("/inbox")
        self.check("Avis d'imposition des parents" in f.text(row), f"[fisc] the inbox does not list the tax notice once consented: {f.text(row)!r}")
        folder = tempfile.mkdtemp(prefix="parcours-upload.")
        try:
            document = os.path.join(folder, "avis-imposition-2025.pdf")
            with open(document, "wb") as out:
                out.write(b"%PDF-1.4\n% avis d'imposition 2025\n")
            self.answer_in_inbox(f, case, document=document)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        f.check_page("tax administration's inbox after the answer")
        status, read = as_person("GET", f"/portal/cases/{case}")
        self.check(avis(read).get("status") == "answered", f"[portal] the tax notice is {avis(read).get('status')}, not answered")

        # The CROUS reads the case; the student is told who read which document, given by whom, why.
        g = self.sign_in("paul")
        g.goto(f"/cases/{case}")
        shown = g.text('section#data dd[data-field="pieces.avis_imposition"]')
        self.check("avis-imposition-2025.pdf" in shown, f"[paul] the CROUS does not see the tax notice sent: {shown!r}")
        g.check_page("CROUS case page with the tax notice")
        status, log = as_person("GET", f"/portal/cases/{case}/access-log")
        said = [src.get("words") for item in ((log.get("items") or []) if isinstance(log, dict) else []) for src in item.get("sources") or []]
        sentence = ("Centre régional des œuvres universitaires et scolaires (CROUS) a consulté votre « Avis d'imposition des parents », "
                    f"fourni par Direction générale des finances publiques, au titre de : {expected['legal_basis']}.")
        self.check(status == 200 and sentence in said, f"[portal] the access log does not tell the CROUS's read in the person's words: {status} {said[:3]}")

    def inbox_and_case(self):
        """The SRE's agent claims the case's task, releases it, claims it again and acts on the case."""
        p = self.sophie = self.sign_in("sophie")
        row = f'table#tasks tr[data-case="{self.along}"]'
        self.check(p.count("section#queues li[data-queue=instruction-sre] .count") == 1, "[sophie] inbox: no queue instruction-sre with a count")
        self.check(p.count(row) >= 1, f"[sophie] inbox: no task of the example case {self.along}")
        self.check(p.count(f'{row}[data-kind=work] a.case-link[href="/cases/{self.along}"]') >= 1, "[sophie] inbox: the task row has no a.case-link to its case")
        self.check(p.count("nav#main-nav a[href='/supervision']") == 0, "[sophie] a non-supervisor sees the link to /supervision")
        # The session cookie: out of reach of scripts, never sent by another site.
        cookies = {c["name"]: c for c in p.send("Network.getCookies")["cookies"]}
        session = cookies.get("parcours_session", {})
        self.check(session.get("httpOnly") and session.get("sameSite") == "Strict",
                   f"[sophie] the session cookie is not HttpOnly and SameSite=Strict: {session or 'no parcours_session cookie'}")
        self.check("parcours_session" not in p.eval("document.cookie"), "[sophie] scripts can read the session cookie")
        # The keyboard: the first Tab reaches the link that skips to the content.
        focused = p.press_tab()
        self.check(focused[0] == "A" and focused[2] == "#main", f"[sophie] the first Tab focuses {focused}, not a skip link to #main")
        p.screenshot(self.out, "inbox.png")
        p.check_page("inbox")

        p.submit(f"{row} form.claim")
        self.check(p.path() == "/inbox" and p.count(f"{row} form.release") == 1, "[sophie] after the claim: no form.release on the task")
        p.check_page("inbox after claim")
        p.submit(f"{row} form.release")
        self.check(p.path() == "/inbox" and p.count(f"{row} form.claim") == 1, "[sophie] after the release: no form.claim on the task")
        p.submit(f"{row} form.claim")
        p.check_page("inbox after release and claim")

        # Language: English on request, remembered, and back to French.
        p.goto("/inbox?lang=en")
        self.check(p.attr("html", "lang") == "en", "[sophie] ?lang=en: html lang is not en")
        p.goto("/inbox")
        self.check(p.attr("html", "lang") == "en", "[sophie] the English choice is not remembered")
        p.check_page("inbox in English")
        p.goto("/inbox?lang=fr")
        self.check(p.attr("html", "lang") == "fr", "[sophie] ?lang=fr: html lang is not fr")

        # The case page, by its link in the inbox.
        p.click(f"{row} a.case-link")
        self.check(p.path() == f"/cases/{self.along}", f"[sophie] the case link led to {p.path()}")
        tracks = p.eval("[...document.querySelectorAll('section#tracks .track[data-track]')].map(t => t.dataset.track + '=' + t.dataset.state)")
        self.check(len(tracks or []) == 4 and "sre=instruction-part-sre" in tracks, f"[sophie] case page: tracks {tracks}, expected four with sre=instruction-part-sre")
        self.check(p.count("section#summary[data-state], section#summary [data-state]") >= 1, "[sophie] case page: no data-state in section#summary")
        self.check(p.count("section#timeline li.event") >= 2, "[sophie] case page: the timeline has fewer than two events")
        self.check(p.count("section#notes form textarea[name=note]") == 1, "[sophie] case page: no note form")
        form = 'section#actions form.action[data-action="valider-part"]:has(input[name=track][value=sre])'
        self.check(p.count(form) == 1, "[sophie] case page: no valider-part form for the sre track")
        self.check(p.count(f"{form} [name='data.pension.sre.montant']") == 1, "[sophie] valider-part asks no data.pension.sre.montant")
        self.check(p.count(f"{form} input[name=_csrf]") == 1, "[sophie] the action form carries no _csrf")
        # Her own track's action first; the withdrawal, which ends the case, last, apart, to be confirmed.
        first = p.eval("document.querySelector('section#actions form.action')?.dataset.track")
        self.check(first == "sre", f"[sophie] the first action form is for track {first!r}, not her own (sre)")
        last = p.eval("[...document.querySelectorAll('section#actions form.action')].pop()?.dataset.action")
        self.check(last == "desistement", f"[sophie] the last action form is {last!r}, not the withdrawal")
        self.check(p.count("section#actions .closing-actions form.action[data-action=desistement] input[type=checkbox][name=confirm][required]") == 1,
                   "[sophie] the withdrawal is not apart with a required confirmation box")
        # People's acts first in the timeline, the engine's bookkeeping folded under them.
        self.check(p.count("section#timeline li.event > details.followers li.event.follower") >= 4,
                   "[sophie] the timeline folds no bookkeeping under a person's entry")
        self.check(p.count("section#timeline li.event:not(.follower)[data-kind=entered]") == 0,
                   "[sophie] an entered state is first-level in the timeline")
        p.screenshot(self.out, "case.png")
        p.check_page("case page")

        # An amount that is not a number: refused in the page, next to the form, not a server error.
        p.submit(form, {"data.pension.sre.montant": "mille huit cents"}, status=422)
        self.check(p.count(f"{form} .refusal[role=alert]") == 1, "[sophie] an amount in words shows no .refusal[role=alert] in its form")
        p.check_page("case page, amount in words")

        # Meanwhile the ministry validates the career in the API: Sophie's page is now stale.
        status, body = api(self.base, self.tokens["anne"], "POST", f"/cases/{self.along}/events",
                           {"action": "valider-part", "track": "carriere", "data": self.ctx["data"]["carriere"]})
        self.check(status == 200, f"API: anne's valider-part carriere answered {status} {body}")
        p.submit(form, {"data.pension.sre.montant": "1843.27"}, status=409)
        self.check(p.count("section#actions .refusal[role=alert]") >= 1, "[sophie] a stale version shows no .refusal[role=alert] in section#actions")
        p.screenshot(self.out, "case-conflict.png")
        p.check_page("case page, conflict")

        # Again, on the page as it is now.
        p.submit(form, {"data.pension.sre.montant": "1843.27"})
        self.check(p.path() == f"/cases/{self.along}", f"[sophie] after the action: at {p.path()}")
        self.check(p.count("p.done[role=status]") == 1, "[sophie] after the action the page does not say it was recorded")
        self.check(p.count('section#tracks .track[data-track=sre][data-state=part-sre-validee]') == 1, "[sophie] after valider-part, the sre track is not part-sre-validee")
        p.check_page("case page after the action")
        note = "Part SRE validée, montant vérifié sur l'état des services"
        p.submit("section#notes form", {"note": note})
        self.check(note in p.text("section#timeline"), "[sophie] the note added is not in the timeline")
        p.check_page("case page with a note")

        # The CNRACL works through a wait state: its inbox shows the case waiting on it.
        c = self.sign_in("camille")
        waiting = f'section#inbox-waiting table#waiting tr[data-case="{self.along}"]'
        self.check(c.count(waiting) == 1, f"[camille] inbox: case {self.along} is not among the cases waiting on the CNRACL")
        c.screenshot(self.out, "inbox-waiting.png")
        c.check_page("inbox with waiting cases")

        # The other bodies validate their parts in the API; the case reaches liquidation.
        for who, track in (("camille", "cnracl"), ("ines", "ircantec")):
            status, body = api(self.base, self.tokens[who], "POST", f"/cases/{self.along}/events",
                               {"action": "valider-part", "track": track, "data": self.ctx["data"][track]})
            self.check(status == 200, f"API: {who}'s valider-part {track} answered {status} {body}")
        p.goto(f"/cases/{self.along}")
        liquider = 'section#actions form.action[data-action="liquider"]'
        self.check(p.count(liquider) == 1, "[sophie] in liquidation: no liquider form")
        # Liquidating ends the case: it is sent only with its confirmation ticked.
        values = {"data.liquidation.date_effet": "2026-01-01", "confirm": True}
        if p.count(f"{liquider} [name='data.pension.sre.montant']"):
            values["data.pension.sre.montant"] = "1843.27"
        # A date of effect before the requested departure: the guard is false.
        p.submit(liquider, values, status=422)
        self.check(p.count("section#actions .refusal[role=alert]") >= 1, "[sophie] a false guard shows no .refusal[role=alert] in section#actions")
        p.screenshot(self.out, "case-refusal.png")
        p.check_page("case page, guard false")
        values["data.liquidation.date_effet"] = "2026-09-01"
        p.submit(liquider, values)
        self.check(p.count("section#summary[data-state=pension-concedee], section#summary [data-state=pension-concedee]") == 1,
                   "[sophie] after liquider, the summary does not show pension-concedee")
        p.check_page("case page, closed")

        # The case list: a search by the person's name finds both retirement cases.
        p.goto("/cases")
        p.submit("form#case-search", {"q": "Lefèvre", "open": True})
        rows = p.eval("[...document.querySelectorAll('table#cases tr[data-case]')].map(r => r.dataset.case)") or []
        self.check(self.along in rows and self.escalated in rows, f"[sophie] the search for Lefèvre (closed too) found {rows}")
        p.screenshot(self.out, "cases.png")
        p.check_page("case search")
        p.goto("/cases")
        p.submit("form#case-search", {"q": "lefevre", "open": True})
        rows = p.eval("[...document.querySelectorAll('table#cases tr[data-case]')].map(r => r.dataset.case)") or []
        self.check(self.along in rows and self.escalated in rows, f"[sophie] the search for lefevre, without its accent, found {rows}")

    def restricted_field(self):
        """sante.taux_invalidite is visible to the medical adviser only."""
        value = self.ctx["restricted"]["value"]
        field = self.ctx["restricted"]["field"]
        p = self.sophie
        p.goto(f"/cases/{self.along}")
        self.check(p.count(f'[data-field="{field}"]') == 0, f"[sophie] the case page shows the restricted field {field}")
        self.check(value not in p.text(), f"[sophie] the case page shows the restricted value {value}")
        self.check(p.count(f'section#data dd[data-field="usager.nom"]') == 1, "[sophie] section#data has no dd[data-field=usager.nom]")
        # People's words: fields named by their labels, the person named by the workflow's summary.
        data_text = p.text("section#data")
        self.check("Date de naissance" in data_text and "date_naissance" not in data_text,
                   "[sophie] section#data does not name usager.date_naissance by its label")
        self.check(p.count("p#case-people") == 1 and "Lefèvre" in p.text("p#case-people"),
                   "[sophie] the case page has no p#case-people naming the person")
        # A case linked in a mail: the login form, then the case itself.
        m = self.sign_in("marie", start=f"/cases/{self.along}", lands=f"/cases/{self.along}")
        if m.path() != f"/cases/{self.along}":
            m.goto(f"/cases/{self.along}")
        self.check(value in m.text(f'section#data dd[data-field="{field}"]'), f"[marie] the medical adviser does not see {field} = {value}")
        m.check_page("case page, medical adviser")

    def escalation(self):
        """The coordination cell's supervisor takes the escalation and overrides, with a justification."""
        p = self.chef = self.sign_in("chef")
        row = f'table#tasks tr[data-case="{self.escalated}"][data-kind=escalation]'
        self.check(p.count(row) == 1, f"[chef] inbox: no escalation row of case {self.escalated}")
        p.check_page("coordinator's inbox")
        p.submit(f"{row} form.claim")
        p.click(f"{row} a.case-link")
        esc = 'section#escalations .escalation[data-reason="statut-inconnu"]'
        self.check(p.count(esc) == 1, "[chef] case page: no escalation statut-inconnu")
        p.screenshot(self.out, "case-escalation.png")
        p.check_page("escalated case page")
        override = f"{esc} form:has(input[name=way][value=override])"
        self.check(p.count(f"{override} textarea[name=note][required]") == 1, "[chef] the override form has no required justification")
        note = "Statut de fonctionnaire de l'État vérifié sur l'état des services papier"
        p.submit(override, {"state": "instruction-parts", "note": note})
        self.check(p.path() == f"/cases/{self.escalated}", f"[chef] after the override: at {p.path()}")
        self.check(p.count("section#escalations .escalation") == 0, "[chef] the escalation is still open after the override")
        self.check(note in p.text("section#timeline"), "[chef] the timeline does not show the override's justification")
        self.check(p.count("section#tracks .track[data-track]") >= 2, "[chef] after the override into instruction-parts, no tracks")
        p.screenshot(self.out, "case-override.png")
        p.check_page("case page after the override")

        # The other way: correct the career's statuses, then have the state evaluated again.
        third = self.ctx["cases"]["corrected"]
        p.goto("/inbox")
        p.click(f'table#tasks tr[data-case="{third}"][data-kind=escalation] a.case-link')
        statuses = ["contractuel", "fonctionnaire_hospitalier", "fonctionnaire_etat"]
        p.submit("section#data form#correct", {"data.carriere.statuts": statuses, "note": "statut État oublié au dépôt"})
        shown = p.text('section#data dd[data-field="carriere.statuts"]')
        self.check("fonctionnaire_etat" in shown, f"[chef] after the correction carriere.statuts shows {shown!r}")
        p.check_page("case page after the correction")
        p.submit(f'{esc} form:has(input[name=way][value=evaluate])', {"note": "statuts complétés"})
        self.check(p.count("section#escalations .escalation") == 0, "[chef] the escalation is still open after the evaluation")
        self.check(p.count("section#tracks .track[data-track]") == 4, "[chef] after the evaluation, the case has not four tracks")
        p.check_page("case page after the evaluation")

    def referent(self):
        """The supervisor names a referent from the case page; the referent sees the case in a
        section of her inbox with whose move it is in each body, and takes another case herself."""
        referred, third = self.ctx["cases"]["referred"], self.ctx["cases"]["corrected"]
        p = self.chef
        p.goto(f"/cases/{referred}")
        self.check(p.count("section#referent form#referent-form select[name=agent] option[value=lucie]") == 1,
                   "[chef] case page: no referent form offering lucie")
        self.check(p.count("section#referent option[value=anne], section#referent option[value=sophie]") == 0,
                   "[chef] case page: the referent form offers agents of no referent role")
        note = "Mme Lefèvre a trois caisses : la cellule la suit"
        p.submit("form#referent-form", {"agent": "lucie", "note": note})
        self.check(p.path() == f"/cases/{referred}" and p.count("p.done[role=status]") == 1, "[chef] naming the referent did not land on the case saying it")
        self.check(p.count('#case-referent [data-agent="lucie"]') == 1, f"[chef] the case page does not show lucie as referent: {p.text('#case-referent')}")
        self.check(note in p.text("section#timeline") and p.count("section#timeline li.event[data-kind=referent]") >= 1,
                   "[chef] the timeline does not show the referent's nomination with its note")
        p.screenshot(self.out, "case-referent.png")
        p.check_page("case page after naming the referent")

        l = self.sign_in("lucie")
        row = f'section#inbox-referred table#referred tr[data-case="{referred}"]'
        self.check(l.count(row) == 1, f"[lucie] inbox: case {referred} is not in her referent section")
        parties = l.eval(f"[...document.querySelectorAll('{row} li[data-party]')].map(e => e.dataset.party)") or []
        self.check(all(b in parties for b in ("sre", "cnracl", "ircantec")), f"[lucie] the section shows whose move in {parties}, not the three bodies")
        self.check(l.count("table#tasks") == 0 or l.count(f'table#tasks tr[data-case="{referred}"]') == 0,
                   "[lucie] her role has a task on the case: the section is not what shows it")
        self.check(self.ctx["restricted"]["value"] not in l.text(), "[lucie] the inbox shows the restricted medical value")
        l.screenshot(self.out, "inbox-referent.png")
        l.check_page("referent's inbox")
        l.click(f"{row} a.case-link")
        self.check(l.count(f'[data-field="{self.ctx["restricted"]["field"]}"]') == 0 and self.ctx["restricted"]["value"] not in l.text(),
                   "[lucie] the referent sees the medical field her role may not see")
        self.check(l.count("#case-referent .badge") == 1, "[lucie] the case page does not say she is the referent")
        self.check(l.eval("document.querySelector('#note-audience').value") == "all", "[lucie] the referent's note is not for every agency by default")
        l.check_page("case page of the referent")
        # She takes a case that has no referent herself (self_assign: true).
        l.goto(f"/cases/{third}")
        self.check(l.count("form#referent-take") == 1 and l.count("form#referent-form") == 0,
                   "[lucie] a case without a referent offers her no way to take it (or offers to name another)")
        l.submit("form#referent-take")
        self.check(l.count('#case-referent [data-agent="lucie"]') == 1, "[lucie] taking the case did not make her its referent")
        self.check(l.count("form#referent-take") == 0, "[lucie] the take button stays once she is the referent")
        l.check_page("case page after taking it")
        l.goto("/inbox")
        self.check(l.count("table#referred tr[data-case]") == 2, f"[lucie] her referent section has {l.count('table#referred tr[data-case]')} rows, not 2")

    def other_agency(self):
        """An agent of a town hall knows nothing of a retirement case: the same 404 as no case."""
        p = self.sign_in("marc")
        self.check(p.count(f'tr[data-case="{self.along}"], tr[data-case="{self.escalated}"]') == 0, "[marc] the inbox shows a retirement case")
        p.check_page("town hall inbox")
        p.goto(f"/cases/{self.along}", status=404)
        self.check(p.count("h1") == 1, "[marc] the 404 page has no h1")
        self.check("Lefèvre" not in p.text(), "[marc] the 404 page shows the person's name")
        known = p.text("h1")
        p.screenshot(self.out, "not-found.png")
        p.check_page("404 for another agency's case")
        p.goto(f"/cases/{uuid.uuid4()}", status=404)
        self.check(p.text("h1") == known, "[marc] a case of another agency and no case at all show different pages")
        p.check_page("404 for no case")
        p.goto("/cases?q=lef%C3%A8vre")
        self.check(p.count("table#cases tr[data-case]") == 0, "[marc] the case search finds retirement cases")
        p.check_page("town hall case search")

    def supervision(self):
        p = self.chef
        p.goto("/supervision")
        self.check(p.count("nav#main-nav a[href='/supervision']") == 1, "[chef] the supervisor's nav has no link to /supervision")
        self.check(p.count("table#stuck tr[data-case]") >= 1, "[chef] supervision: no row in table#stuck")
        self.check(p.count("svg.chart") >= 1, "[chef] supervision: no svg.chart")
        self.check(p.count("table#delays") == 1 and p.count("table#overrides") == 1, "[chef] supervision: table#delays or table#overrides missing")
        self.check("vérifié sur l'état des services" in p.text("table#overrides"), "[chef] supervision: the override's justification is not in table#overrides")
        self.check(p.count("table#unassigned tr[data-workflow=retraite-multi-statuts]") == 1, "[chef] supervision: no row of cases without a referent")
        load = p.text("table#referent-load tr[data-agent=lucie]")
        self.check("2" in load, f"[chef] supervision: lucie's load is {load!r}, not her two cases")
        p.screenshot(self.out, "supervision.png")
        p.check_page("supervision")
        if p.count("form#stuck-filters [name=workflow]"):
            p.submit("form#stuck-filters", {"workflow": "retraite-multi-statuts"})
            p.check_page("supervision filtered")
        else:
            self.check(False, "[chef] supervision: form#stuck-filters has no workflow filter")
        s = self.sophie
        s.goto("/supervision", status=403)
        self.check(s.count("h1") == 1, "[sophie] the 403 page has no h1")
        s.check_page("supervision refused")

    def workflows(self):
        p = self.sophie
        p.goto("/workflows")
        row = "table#workflows tr[data-workflow=retraite-multi-statuts][data-version]"
        self.check(p.count(row) >= 1, "[sophie] workflows: no row for retraite-multi-statuts")
        p.screenshot(self.out, "workflows.png")
        p.check_page("workflows")
        version = p.attr(row, "data-version")
        p.click(f"{row} a[href^='/workflows/retraite-multi-statuts/']")
        self.check(p.path() == f"/workflows/retraite-multi-statuts/{version}", f"[sophie] the workflow link led to {p.path()}")
        self.check(p.count("figure#diagram svg") == 1, "[sophie] no inline svg in figure#diagram")
        self.check(p.eval("(s => s ? s.getBoundingClientRect().width : 0)(document.querySelector('figure#diagram svg'))") > 100,
                   "[sophie] the diagram is not drawn (svg narrower than 100 px)")
        p.screenshot(self.out, "diagram.png")
        p.check_page("diagram")
        p.goto(f"/workflows/retraite-multi-statuts/{version}?case={self.escalated}")
        self.check(p.count("figure#diagram svg") == 1, "[sophie] no diagram with ?case=")
        p.screenshot(self.out, "diagram-case.png")
        p.check_page("diagram with a case")

    def designer(self):
        """A designer pastes a workflow with a wrong state name: the diagnostic points at its line."""
        source = self.ctx["broken"]["source"]
        line = self.ctx["broken"]["line"]
        p = self.sign_in("dora", start="/login?next=https%3A%2F%2Fexample.org%2F")
        p.goto("/designer/validate")
        self.check(p.count("form#validate textarea[name=source]") == 1, "[dora] no textarea[name=source] in form#validate")
        p.check_page("validate")
        p.submit("form#validate", {"source": source}, button="button[type=submit]:not([name=publish])", status=(200, 422))
        lines = p.eval("[...document.querySelectorAll('.diagnostic[data-line]')].map(d => +d.dataset.line)") or []
        self.check(line in lines, f"[dora] diagnostics at lines {lines}, expected one at line {line}")
        self.check(p.count("ol#source li") == source.count("\n") + (0 if source.endswith("\n") else 1),
                   f"[dora] ol#source has {p.count('ol#source li')} lines, the source {source.count(chr(10))}")
        self.check("liquidaton" in p.text(".diagnostic"), "[dora] the diagnostic does not name the wrong state")
        self.check(p.count("button[name=publish]") == 1, "[dora] a designer sees no publish button with the diagnostics")
        p.screenshot(self.out, "validate.png")
        p.check_page("validate with diagnostics")
        # Publishing a file with errors is refused in the page.
        p.click("button[name=publish]", status=422)
        self.check(p.count(".refusal[role=alert]") == 1, "[dora] publishing a file with errors shows no .refusal[role=alert]")
        p.check_page("publish refused")
        # A correct next version is validated, then published: its page shows its diagram.
        fixed = self.ctx["next_version"]
        p.goto("/designer/validate")
        p.submit("form#validate", {"source": fixed["source"]}, button="button[type=submit]:not([name=publish])")
        self.check(p.count(".diagnostic.error") == 0, f"[dora] the next version has errors: {p.text('#diagnostics')}")
        p.click("button[name=publish]")
        target = f"/workflows/{fixed['id']}/{fixed['version']}"
        self.check(p.path() == target, f"[dora] publishing led to {p.path()}, not {target}")
        self.check(p.count("figure#diagram svg") == 1, "[dora] the published version's page has no diagram")
        p.check_page("published version")
        p.goto("/workflows")
        self.check(p.count(f"table#workflows tr[data-workflow={fixed['id']}][data-version='{fixed['version']}']") == 1,
                   f"[dora] the workflows list does not show version {fixed['version']}")
        s = self.sophie
        s.goto("/designer/validate")
        s.submit("form#validate", {"source": source}, button="button[type=submit]:not([name=publish])", status=(200, 422))
        self.check(s.count(".diagnostic[data-line]") >= 1, "[sophie] an agent who is not a designer gets no diagnostics")
        self.check(s.count("button[name=publish]") == 0, "[sophie] an agent who is not a designer sees the publish button")
        s.check_page("validate as an agent")
        # Even with the page's own anti-forgery value, an agent who is not a designer cannot publish.
        status = s.eval("""(() => { const f = new FormData(); f.set('_csrf', document.querySelector('input[name=_csrf]').value);
            f.set('source', document.querySelector('textarea[name=source]').value);
            return fetch('/designer/publish', {method: 'POST', body: f, credentials: 'same-origin'}).then(r => r.status); })()""")
        self.check(status == 403, f"[sophie] POST /designer/publish by an agent who is not a designer answered {status}, expected 403")
        s.responses, s.problems = [], []  # that refusal is logged as an error, on purpose

    def phone(self):
        """The pages at a phone's width: nothing wider than the screen (check_page also checks it)."""
        p = self.chef
        p.set_width(390, 844, mobile=True)
        pages = [(f"/cases/{self.escalated}", "case-phone.png"), ("/inbox", "inbox-phone.png"),
                 ("/supervision", "supervision-phone.png"), ("/cases", None), ("/workflows", None),
                 ("/workflows/retraite-multi-statuts/1", None), ("/designer/validate", None)]
        for path, shot in pages:
            p.goto(path)
            if shot:
                p.screenshot(self.out, shot)
            p.check_page(f"{path} on a phone")
        p.set_width(Page.WIDTH, Page.HEIGHT, mobile=False)

    def sign_out(self):
        p = self.sophie
        p.goto("/inbox")
        # A form posted without the CSRF token is refused, and signs nobody out.
        status = p.eval("fetch('/logout', {method: 'POST', credentials: 'same-origin'}).then(r => r.status)")
        self.check(status == 403, f"[sophie] POST /logout without _csrf answered {status}, expected 403")
        p.goto("/inbox")
        self.check(p.path() == "/inbox", "[sophie] a POST without _csrf signed the agent out")
        p.responses, p.problems = [], []  # the refused fetch above is logged as an error, on purpose
        p.submit("form#logout")
        self.check(p.path() == "/login", f"[sophie] sign-out led to {p.path()}")
        p.goto("/inbox")
        self.check(p.path() == "/login", f"[sophie] after sign-out /inbox shows {p.path()}, not the login page")
        p.check_page("after sign-out")

    # --- sign-in through the OpenID provider's own login page (LemonLDAP::NG)

    def wait_at(self, p, url, what, timeout=20):
        """Waits until the tab shows URL (origin and path): pages that move on by themselves
        (a refresh) load more than once."""
        deadline = time.monotonic() + timeout
        here = None
        while time.monotonic() < deadline:
            self.cdp.drain(0.2)
            try:
                here = p.eval("document.readyState === 'complete' ? location.origin + location.pathname : ''")
            except CDPError:
                here = None  # between two documents
            if here == url:
                return self.check(True, what)
        return self.check(False, f"[{p.who}] {what}: still at {here}, not {url}")

    def provider_sign_in(self, who, password):
        """From Parcours' sign-in page, through the provider's login form, as a person types."""
        o = self.ctx["oidc"]
        p = self.page(who)
        p.goto("/login")
        button = f"a#oidc-{o['name']}"
        self.check(p.count(button) == 1, f"[{who}] /login shows no button {button}")
        p.click(button)
        self.wait_at(p, o["issuer"].rstrip("/") + "/oauth2/authorize", f"{button} leads to the provider's login page")
        self.check(p.count("form#lform input[name=user]") == 1 and p.count("form#lform input[name=password]") == 1,
                   f"[{who}] the provider's page has no login form")
        return p

    def oidc(self):
        o = self.ctx.get("oidc")
        if not self.check(o is not None, "check-browser.sh gave no OpenID provider"):
            return
        issuer = o["issuer"].rstrip("/")
        p = self.provider_sign_in("dwho", "dwho")
        p.screenshot(self.out, "oidc-provider-login.png")
        before = p.loads
        p.submit("form#lform", {"user": "dwho", "password": "dwho"})
        if self.wait_at(p, self.base + "/inbox", "[dwho] signed in at the provider, lands on the inbox"):
            self.check(o["agents"]["dwho"] in p.text("header .who"), f"[dwho] the inbox is not {o['agents']['dwho']}'s: {p.text('header .who')}")
            self.check(p.loads - before >= 2, "[dwho] the provider's return did not pass through the page that moves on")
            p.responses, p.problems = [], []
            p.screenshot(self.out, "oidc-inbox.png")
            p.check_page("inbox after the provider's sign-in")
        # Sign-out ends the session here, then the provider's (it asks to confirm), and comes back.
        p.submit("form#logout")
        self.wait_at(p, issuer + "/oauth2/logout", "[dwho] sign-out leads to the provider's sign-out")
        p.screenshot(self.out, "oidc-provider-logout.png")
        p.submit("form#form", button="button.positive")
        self.wait_at(p, self.base + "/login", "[dwho] the provider's sign-out comes back to the sign-in page")
        p.goto("/inbox")
        self.check(p.path() == "/login", f"[dwho] after sign-out /inbox shows {p.path()}, not the login page")
        # The provider's session ended too: its button asks for the password again.
        p.click(f"a#oidc-{o['name']}")
        self.wait_at(p, issuer + "/oauth2/authorize", "[dwho] after sign-out the provider asks again")
        self.check(p.count("form#lform input[name=password]") == 1, "[dwho] the provider's session outlived the sign-out")

        # Matched by the subject the operator registered, whatever the e-mail.
        p = self.provider_sign_in("msmith", "msmith")
        p.submit("form#lform", {"user": "msmith", "password": "msmith"})
        if self.wait_at(p, self.base + "/inbox", "[msmith] signed in at the provider, lands on the inbox"):
            self.check(o["agents"]["msmith"] in p.text("header .who"), f"[msmith] the inbox is not {o['agents']['msmith']}'s")
            # An operator takes a role away meanwhile: the open session ends at once.
            agent = o["agents"]["msmith"].split(" ")[0]
            done = subprocess.run([o["bin"], "agents", "update", agent, "--roles", ""], capture_output=True, text=True)
            self.check(done.returncode == 0 and "sessions ended: 1" in done.stdout,
                       f"[msmith] agents update {agent} --roles '': {done.returncode} {done.stdout} {done.stderr}")
            p.goto("/inbox")
            self.check(p.path() == "/login", f"[msmith] after losing its roles the agent still sees {p.path()}")

        # A real person of the provider whom no agent is registered for: told whom to ask.
        p = self.provider_sign_in("rtyler", "rtyler")
        p.submit("form#lform", {"user": "rtyler", "password": "rtyler"}, status=403)
        self.wait_at(p, self.base + f"/login/oidc/{o['name']}/callback", "[rtyler] the unknown person's page")
        self.check(p.count("#unknown-person") == 1, "[rtyler] no page for an unknown person")
        self.check(o["contact"] in p.text("#contact"), f"[rtyler] the page does not say whom to ask: {p.text('#unknown-person')[:200]}")
        self.check("rtyler@badwolf.org" in p.text("#unknown-email"), "[rtyler] the page does not show the e-mail to give")
        p.screenshot(self.out, "oidc-unknown-person.png")
        p.responses = [r for r in p.responses if r[1].startswith(self.base)]  # the provider's own pages are not ours to check
        p.problems = []
        p.check_page("unknown person")
        p.goto("/inbox")
        self.check(p.path() == "/login", f"[rtyler] an unknown person reached {p.path()}")


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        ctx = json.load(f)
    os.makedirs(ctx["out"], exist_ok=True)
    binary = ctx.get("chromium") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not binary:
        print("check-browser: chromium was not found (Debian package chromium)", file=sys.stderr)
        return 2
    checks = Checks()
    try:
        Scenario(ctx, checks).run(binary)
    except (CDPError, TimeoutError, OSError) as e:
        checks.check(False, f"the browser failed: {e}")
    with open(ctx.get("summary", os.devnull), "w") as f:
        f.write(f"{checks.passed} {len(checks.failures)}\n")
    print(f"browser: {checks.passed} passed, {len(checks.failures)} failed")
    return 1 if checks.failures else 0


if __name__ == "__main__":
    sys.exit(main())
