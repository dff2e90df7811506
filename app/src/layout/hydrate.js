// The loader of every page (app/src/layout/hydration.rs): called with the addresses of the
// page group's JavaScript and WebAssembly. Lines that start with `//` are left out of the page.
(function (js, wasm) {
  var started = false;
  // Hydrates every <leptos-island> in document order, as Leptos' own island script does: an
  // island inside another island's <leptos-children> first takes that island's reactive
  // owner (its i18n context, for one). `data-hydrated` on <html> marks the moment the page
  // reacts, which end-to-end tests wait for.
  function islands(m) {
    var owners = [];
    function walk(node) {
      for (var c = node.firstElementChild; c; c = c.nextElementSibling) { visit(c); }
    }
    function visit(el) {
      if (el.tagName === 'LEPTOS-ISLAND') {
        var island = m[el.dataset.component];
        if (island) {
          var owner = owners[owners.length - 1];
          if (owner) { owner(); }
          island(el);
        } else {
          console.error('no code for the island', el.dataset.component);
        }
        walk(el);
      } else if (el.tagName === 'LEPTOS-CHILDREN') {
        owners.push(el.$$on_hydrate);
        walk(el);
        owners.pop();
      } else {
        walk(el);
      }
    }
    walk(document.body);
    document.documentElement.setAttribute('data-hydrated', 'true');
  }
  // Runs once; a failure is reported in the console instead of leaving a page that silently
  // never reacts.
  function start() {
    if (started) return;
    started = true;
    import(js)
      .then(function (m) {
        return m.default({ module_or_path: wasm }).then(function () { m.hydrate(); islands(m); });
      })
      .catch(function (e) { console.error('the page could not start', e); });
  }
  // Once the browser has reported the page's largest paint after the `load` event (the
  // frame after `load` where that report does not exist), or half a second after `load` (no
  // frame is painted in a background tab, or when the renderer skips frames). Waiting for
  // the report rather than for the next frame matters: a frame's paint is timed when the
  // screen shows it, which on a busy machine comes after a download started in that frame,
  // and Lighthouse then counts the whole WebAssembly in the largest paint (2.4 s instead of
  // 1.0 s on /admin/rights).
  function afterPaint() {
    var types = (window.PerformanceObserver && PerformanceObserver.supportedEntryTypes) || [];
    if (types.indexOf('largest-contentful-paint') >= 0) {
      new PerformanceObserver(function (list, observer) {
        observer.disconnect();
        setTimeout(start, 0);
      }).observe({ type: 'largest-contentful-paint', buffered: true });
    } else {
      requestAnimationFrame(function () { setTimeout(start, 0); });
    }
    setTimeout(start, 500);
  }
  if (document.readyState === 'complete') {
    afterPaint();
  } else {
    addEventListener('load', afterPaint, { once: true });
  }
  // A `load` held up by a slow stylesheet.
  setTimeout(start, 5000);
})
