#!/usr/bin/env python3
"""The portal's budgets, printed: first-load weight and Lighthouse.

Run by `bash scripts/test.sh` after the release build, and by `bash scripts/measure.sh`
(whose load figures come from `bash scripts/load.sh`). Starts the release server on a fresh
SQLite database with the demo data, then:

1. first-load bytes (wasm + js + css, as the server sends them with brotli) of the
   sign-in page, of the accept page (the invitation's own page, /invitations/{id}, which
   the e-mail links to and where the provider answers "Valider") and of a page of
   every other page group of app/page-groups.txt (registration, orders, the rights list, the
   entry form, a right's page);
2. Lighthouse (Debian Chromium, offline, mobile emulation) performance, accessibility and
   best-practices on the sign-in page, the company selector, the messages, the rights list
   and the invitation page.

Prints each of the issue's budgets as met or NOT MET, and exits non-zero when an enforced
one is broken (BUDGET_ENFORCE=0 only prints): the first-load weight (<= 250 KB) and the
Lighthouse budgets (performance >= 95, accessibility 100, best-practices >= 95), all as
budgeted: one run per page, and the median of three when that run misses one.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVER = os.path.join(ROOT, "target", "release", "server")
PASSWORD = "Demo-2026!portal"
ADMIN = "admin@musterhans.example"
PROVIDER = "paul@fiduciaire.example"

# The budgets, and what CI enforces: both as set (docs/budgets.md). The guard can be
# raised by the environment for a local experiment, never in CI.
WEIGHT_TARGET_KB = 250
WEIGHT_AIM_KB = 150
WEIGHT_GUARD_KB = int(os.environ.get("BUDGET_WEIGHT_GUARD_KB", WEIGHT_TARGET_KB))
LIGHTHOUSE_TARGET = {"performance": 95, "accessibility": 100, "best-practices": 95}
LIGHTHOUSE_GUARD = {"performance": int(os.environ.get("BUDGET_PERFORMANCE_GUARD", 95)), "accessibility": 100, "best-practices": 95}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def request(url, data=None, headers=None, origin=None):
    req = urllib.request.Request(url, data=data, headers=headers or {})
    if origin:
        req.add_header("Origin", origin)
    try:
        with OPENER.open(req, timeout=30) as r:
            return r.status, r.headers, r.read(), r.headers.get_all("Set-Cookie") or []
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read(), e.headers.get_all("Set-Cookie") or []


def sign_in(base, email):
    body = urllib.parse.urlencode({"email": email, "password": PASSWORD}).encode()
    status, _, _, cookies = request(f"{base}/api/sign_in", body, {"Content-Type": "application/x-www-form-urlencoded"}, origin=base)
    assert status == 200, f"sign-in of {email}: {status}"
    # Every cookie a browser would keep: the session and the login's language (pages are
    # rendered in it; without it they render in the browser's language and switch after
    # hydration, which Lighthouse rightly counts as a layout shift).
    jar = [c.split(";")[0] for c in cookies if "max-age=0" not in c.lower()]
    if not any(c.startswith("portal_session=") for c in jar):
        raise SystemExit(f"no session cookie for {email}")
    return "; ".join(jar)


def first_load(base, path, cookie=None):
    """Bytes on the wire (brotli) of the page's wasm, js and css."""
    headers = {"Accept-Encoding": "br"}
    if cookie:
        headers["Cookie"] = cookie
    page_headers = {"Accept": "text/html"}
    if cookie:
        page_headers["Cookie"] = cookie
    status, _, html, _ = request(f"{base}{path}", headers=page_headers)
    assert status == 200, f"{path}: {status}"
    assets = sorted(set(re.findall(r"/pkg/[A-Za-z0-9._-]+\.(?:wasm|js|css)", html.decode())))
    sizes = {}
    for asset in assets:
        status, h, body, _ = request(f"{base}{asset}", headers=headers)
        assert status == 200, f"{asset}: {status}"
        sizes[asset] = (len(body), h.get("Content-Encoding", "identity"))
    return len(html), sizes


# Lighthouse's performance score moves by a few points from run to run on the same build
# (its own documentation advises the median of several runs). The pages score 99-100 against
# a budget of 95, so one run decides unless it misses a budget: only then do two more runs
# follow and the median of the three decides. A one-off slow run cannot fail CI, a real
# regression still does, and a green run costs four Lighthouse runs instead of twelve.
LIGHTHOUSE_RUNS = int(os.environ.get("BUDGET_LIGHTHOUSE_RUNS", 1))
LIGHTHOUSE_RUNS_ON_A_MISS = 3
# One Lighthouse run takes 15-30 s here; one that hangs (a Chromium that never answers) is
# ended after this long and fails the script, rather than CI's whole time.
LIGHTHOUSE_TIMEOUT_S = 240


def lighthouse_once(base, path, cookie, out_dir, run):
    name = (path.strip("/").replace("/", "-") or "root") + f"-{run}"
    out = os.path.join(out_dir, f"lighthouse-{name}.json")
    headers_file = os.path.join(out_dir, f"headers-{name}.json")
    with open(headers_file, "w") as f:
        json.dump({"Cookie": cookie} if cookie else {}, f)
    cmd = [
        os.path.join(ROOT, "node_modules", ".bin", "lighthouse"),
        f"{base}{path}",
        "--output=json",
        f"--output-path={out}",
        "--only-categories=performance,accessibility,best-practices",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-component-update --disable-sync",
        f"--extra-headers={headers_file}",
        "--quiet",
    ]
    env = dict(os.environ, CHROME_PATH=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    # Its own process group, so that a hung run's Chromium ends with it.
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, start_new_session=True)
    try:
        code = proc.wait(timeout=LIGHTHOUSE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise SystemExit(f"Lighthouse on {path} did not finish within {LIGHTHOUSE_TIMEOUT_S} s")
    if code != 0:
        raise SystemExit(f"Lighthouse on {path} failed with exit code {code}")
    with open(out) as f:
        report = json.load(f)
    scores = {k: round((v.get("score") or 0) * 100) for k, v in report["categories"].items()}
    audits = report["audits"]
    metrics = {
        "FCP": audits["first-contentful-paint"]["displayValue"],
        "LCP": audits["largest-contentful-paint"]["displayValue"],
        "TBT": audits["total-blocking-time"]["displayValue"],
        "CLS": audits["cumulative-layout-shift"]["displayValue"],
    }
    # Which element the largest paint was, and when: a late one names what hydration redrew.
    try:
        lcp_items = audits["largest-contentful-paint-element"]["details"]["items"][0]["items"]
        metrics["LCP element"] = lcp_items[0]["node"].get("snippet", "?")[:80]
    except (KeyError, IndexError, TypeError):
        pass
    a11y_fail = [r["id"] for r in report["categories"]["accessibility"]["auditRefs"] if audits[r["id"]].get("score") == 0]
    bp_fail = [r["id"] for r in report["categories"]["best-practices"]["auditRefs"] if audits[r["id"]].get("score") == 0]
    return scores, metrics, a11y_fail + bp_fail


def lighthouse(base, path, cookie, out_dir):
    """The run with the median performance score, and every run's performance score."""
    runs = [lighthouse_once(base, path, cookie, out_dir, n) for n in range(max(1, LIGHTHOUSE_RUNS))]
    while len(runs) < LIGHTHOUSE_RUNS_ON_A_MISS and misses(median(runs)[0]):
        runs.append(lighthouse_once(base, path, cookie, out_dir, len(runs)))
    return median(runs), [r[0].get("performance", 0) for r in runs]


def median(runs):
    return sorted(runs, key=lambda r: r[0].get("performance", 0))[len(runs) // 2]


def misses(scores):
    return any(scores.get(k, 0) < v for k, v in LIGHTHOUSE_GUARD.items())


def main():
    enforce = os.environ.get("BUDGET_ENFORCE", "1") == "1"
    if not os.path.exists(SERVER):
        raise SystemExit("target/release/server is missing: run `bash scripts/release.sh` first")
    work = tempfile.mkdtemp(prefix="portal-budget-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    database = f"sqlite://{work}/budget.db"
    log = open(os.path.join(work, "server.log"), "w")
    server = subprocess.Popen(
        [SERVER, "--demo", "--database-url", database, "--listen", f"127.0.0.1:{port}", "--log-format", "text"],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=dict(os.environ, RUST_LOG="warn"),
    )
    broken, unmet = [], []
    try:
        for _ in range(300):
            try:
                if request(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        else:
            raise SystemExit("the server did not start; see " + log.name)

        admin = sign_in(base, ADMIN)
        # The provider acts for one of its companies, as after the company selector.
        provider = sign_in(base, PROVIDER)
        form = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": provider}
        _, _, choices, _ = request(f"{base}/api/list_company_choices", b"", form, origin=base)
        company_id = re.search(rb'"company_id":(\d+)', choices).group(1).decode()
        status, _, _, cookies = request(f"{base}/api/select_company", f"company_id={company_id}".encode(), form, origin=base)
        assert status == 200, f"select_company: {status}"
        # Choosing the company gives the session a new id, as a browser's cookie jar keeps it.
        renewed = [c.split(";")[0] for c in cookies if c.startswith("portal_session=") and "max-age=0" not in c.lower()]
        assert renewed, "select_company gives the session a new id"
        provider = "; ".join([c for c in provider.split("; ") if not c.startswith("portal_session=")] + renewed)

        # Anna invites Paul to Musterhans SA, as in the seed's flow: the page the e-mail links to.
        entry = urllib.parse.urlencode({
            "right_type": "provider", "email": PROVIDER, "first_name": "", "last_name": "", "name": "",
            "remark": "", "assignment": "manual",
        }).encode()
        admin_form = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": admin}
        status, _, entered, _ = request(f"{base}/api/enter_user", entry, admin_form, origin=base)
        assert status == 200, f"enter_user: {status} {entered[:200]!r}"
        right_id = re.search(rb'"right_id":(\d+)', entered).group(1).decode()
        invitation = "/invitations/" + right_id

        print("== first load (brotli, as sent): budget <= %d KB (aim %d KB); CI enforces <= %d KB" % (WEIGHT_TARGET_KB, WEIGHT_AIM_KB, WEIGHT_GUARD_KB))
        pages = [
            ("sign-in page /login", "/login", None),
            ("accept page " + invitation, invitation, provider),
            ("registration /register", "/register", None),
            ("orders /services/orders", "/services/orders", admin),
            ("rights list /admin/rights", "/admin/rights", admin),
            ("rights entry /admin/rights/new", "/admin/rights/new", admin),
            ("right's page /admin/rights/" + right_id, "/admin/rights/" + right_id, admin),
        ]
        for label, path, cookie in pages:
            html, sizes = first_load(base, path, cookie)
            total = sum(size for size, _ in sizes.values())
            parts = ", ".join(f"{os.path.basename(a).split('.')[-1]} {s / 1024:.1f} KB ({enc})" for a, (s, enc) in sizes.items())
            verdict = "ok" if total <= WEIGHT_TARGET_KB * 1024 else "budget NOT MET"
            if total > WEIGHT_TARGET_KB * 1024:
                unmet.append(f"first load of {path}: {total / 1024:.1f} KB > {WEIGHT_TARGET_KB} KB")
            print(f"  {label:<34} {total / 1024:7.1f} KB  [{parts}]  html {html / 1024:.1f} KB raw  -> {verdict}")
            if total > WEIGHT_GUARD_KB * 1024:
                broken.append(f"first load of {path}: {total / 1024:.1f} KB > {WEIGHT_GUARD_KB} KB")

        print(f"== Lighthouse 12 (mobile emulation, simulated slow 4G, Debian Chromium, offline; {LIGHTHOUSE_RUNS} run(s) per page, the median of {LIGHTHOUSE_RUNS_ON_A_MISS} on a miss)")
        print("   budgets: " + ", ".join(f"{k} >= {v}" for k, v in LIGHTHOUSE_TARGET.items()) + "; CI enforces " + ", ".join(f"{k} >= {v}" for k, v in LIGHTHOUSE_GUARD.items()))
        if not shutil.which("chromium") and not os.path.exists("/usr/bin/chromium"):
            raise SystemExit("Debian's chromium is missing (scripts/setup.sh installs it)")
        paul_selector = sign_in(base, PROVIDER)
        for label, path, cookie in [
            ("sign-in", "/login", None),
            ("company selector", "/select-company", paul_selector),
            ("messages", "/messages", admin),
            ("rights list", "/admin/rights", admin),
            ("invitation", invitation, provider),
        ]:
            (scores, metrics, failed), performances = lighthouse(base, path, cookie, work)
            row = "  ".join(f"{k} {scores.get(k, 0):3d}" for k in LIGHTHOUSE_TARGET)
            if len(performances) > 1:
                row += f"  (performance of the {len(performances)} runs: {', '.join(map(str, performances))}; the median run is shown)"
            m = "  ".join(f"{k} {v}" for k, v in metrics.items())
            print(f"  {label:<17} {path:<16} {row}   {m}" + (f"   failing audits: {', '.join(sorted(set(failed)))}" if failed else ""))
            for k, target in LIGHTHOUSE_TARGET.items():
                if scores.get(k, 0) < target:
                    unmet.append(f"Lighthouse {k} of {path}: {scores.get(k, 0)} < {target}")
                if scores.get(k, 0) < LIGHTHOUSE_GUARD[k]:
                    broken.append(f"Lighthouse {k} of {path}: {scores.get(k, 0)} < {LIGHTHOUSE_GUARD[k]} (enforced)")

    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        if os.environ.get("BUDGET_KEEP") == "1":
            print(f"== reports kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    finish(broken, unmet, enforce)


def finish(broken, unmet, enforce):
    if unmet:
        print("== budgets NOT MET:\n  " + "\n  ".join(unmet))
    if broken:
        print("== enforced budgets broken:\n  " + "\n  ".join(broken))
        if enforce:
            sys.exit(1)
    else:
        print("== every enforced budget is met")


if __name__ == "__main__":
    main()
