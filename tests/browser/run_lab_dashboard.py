"""Open the live demo notebook in JupyterLab in headless Debian Chromium, run it, and check the dashboard in the page:
the samples grid (images), the q slider, the plots; move the slider while DivBFKD trains (a kernel round trip that
changes the running GAN's q), wait for the end, take screenshots.
usage: python run_lab_dashboard.py URL OUTDIR [REGEX]    (started by .ci/browser_test.sh; REGEX: wait until the
status line matches it before the mid-run screenshot, e.g. 'student' for a run's second half)"""
import re, sys, time
from pathlib import Path
from playwright.sync_api import sync_playwright

url, out = sys.argv[1], Path(sys.argv[2]); out.mkdir(parents=True, exist_ok=True)
shot_at = sys.argv[3] if len(sys.argv) > 3 else None
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
KERNEL_IDLE = """() => { const a = window.jupyterapp; const w = a && a.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!(k && k.status === 'idle' && a.commands.isEnabled('notebook:run-all-cells')); }"""
# run every cell above the last one (the last, `d.wait()`, would keep the kernel busy and the slider unanswered)
RUN_ABOVE_LAST = """() => { const nb = window.jupyterapp.shell.currentWidget.content;
  nb.activeCellIndex = nb.widgets.length - 1; return window.jupyterapp.commands.execute('notebook:run-all-above'); }"""
RUN_LAST = """() => { const nb = window.jupyterapp.shell.currentWidget.content;
  nb.activeCellIndex = nb.widgets.length - 1; return window.jupyterapp.commands.execute('notebook:run-cell'); }"""
STATUS = "() => { const e = document.querySelector('.fskd-status'); return e ? e.textContent : ''; }"
COST = "() => { const e = document.querySelector('.fskd-cost'); return e ? e.textContent : ''; }"

t0 = time.time()
log = lambda msg: print(f"[{time.time() - t0:5.1f}s] {msg}", flush=True)
with sync_playwright() as p:
    b = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=FLAGS)
    pg = b.new_page(viewport={"width": 1400, "height": 2600})
    errs = []
    pg.on("pageerror", lambda e: errs.append(str(e)))
    pg.goto(url, wait_until="domcontentloaded", timeout=90_000)
    pg.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    pg.wait_for_function(KERNEL_IDLE, timeout=90_000)
    pg.wait_for_timeout(1000)   # run issued right after load is silently ignored
    log("lab + kernel idle")
    for attempt in range(3):
        pg.evaluate(RUN_ABOVE_LAST)
        try: pg.wait_for_selector(".fskd-dashboard .widget-slider", timeout=60_000); break
        except Exception:
            log("no dashboard yet, running again")
            if attempt == 2: pg.screenshot(path=str(out/"dashboard_fail.png")); raise
    log("dashboard displayed")
    # 1. the samples grid: images labelled by the teacher, during the GAN
    pg.wait_for_function("() => document.querySelectorAll('.fskd-panel-samples img').length >= 3", timeout=120_000)
    n_img = pg.evaluate("() => document.querySelectorAll('.fskd-panel-samples img').length")
    log(f"samples grid: {n_img} images; status: {pg.evaluate(STATUS)[:120]}")
    # 2. the q slider acts on the running GAN: ArrowRight ×3 → 0.10 + 3 × 0.01 (the cost line is redrawn by the kernel)
    pg.wait_for_function(f"() => ({STATUS})().includes('GAN')", timeout=120_000)
    handle = pg.locator(".fskd-dashboard .widget-slider .noUi-handle").first
    handle.focus()
    for _ in range(3): handle.press("ArrowRight")
    pg.wait_for_function(f"() => ({COST})().includes('q = 0.13')", timeout=60_000)
    log(f"slider moved: {pg.evaluate(COST)[:140]}")
    # 3. the plots (PNG images drawn on the kernel's render thread)
    pg.wait_for_function("() => { const e = document.querySelector('img.fskd-panel-selection, .fskd-panel-selection img'); return !!(e && e.src && e.naturalWidth > 100); }", timeout=120_000)
    log("selection plot shown")
    box = pg.locator(".fskd-dashboard").first
    if shot_at:
        pg.wait_for_function(f"() => new RegExp({shot_at!r}).test(({STATUS})())", timeout=1_800_000); pg.wait_for_timeout(3000)
        log(f"status matches {shot_at!r}: {pg.evaluate(STATUS)[:160]}")
    box.scroll_into_view_if_needed(); pg.screenshot(path=str(out/"dashboard_running.png"), full_page=True)
    box.screenshot(path=str(out/"dashboard_running_widget.png"))
    # 4. the run ends; the GAN's later epochs ran with q = 0.13; the boundary and curves plots are there
    pg.wait_for_function(f"() => /\\b(done|stopped|failed)\\b/.test(({STATUS})())", timeout=600_000)
    status = pg.evaluate(STATUS); log(f"final status: {status[:200]}")
    assert re.search(r'\bdone\b', status) and 'acc_last' in status, status
    for k in ('selection', 'boundary', 'curves'):
        ok = pg.evaluate(f"() => {{ const e = document.querySelector('img.fskd-panel-{k}, .fskd-panel-{k} img'); return !!(e && e.naturalWidth > 100); }}")
        assert ok, f"no {k} plot in the page"
    # 5. the last cell (`d.wait()`): the GAN epochs after the slider moved ran with q = 0.13
    pg.evaluate(RUN_LAST)
    pg.wait_for_function("() => Array.from(document.querySelectorAll('.jp-OutputArea-output')).some(e => /q in each GAN epoch: .*0\\.13/.test(e.textContent))", timeout=60_000)
    log("the GAN's history records q = 0.13 after the slider moved")
    pg.wait_for_timeout(500)
    box.scroll_into_view_if_needed(); box.screenshot(path=str(out/"dashboard_done_widget.png"))
    pg.screenshot(path=str(out/"dashboard_done.png"), full_page=True)
    b.close()
log(f"page errors: {len(errs)}"); [print("  ", e[:200]) for e in errs[:10]]
log("BROWSER DASHBOARD TEST OK")
