// Loaded first on both benchmark pages: notes when the first question element appears and has
// been painted (two animation frames later), in milliseconds since navigation started.
(function () {
  var selector = document.currentScript.getAttribute('data-question');
  var done = false;
  var observer = new MutationObserver(function () {
    if (done || !document.querySelector(selector)) return;
    done = true;
    observer.disconnect();
    requestAnimationFrame(function () {
      requestAnimationFrame(function () {
        window.__firstQuestion = performance.now();
      });
    });
  });
  observer.observe(document.documentElement, { childList: true, subtree: true });
})();
