/* The embed inside WordPress, or any site using WordPress's embed protocol. wp-embed.js shows our iframe
   only once the page inside posts its height with the secret that WordPress put after « #?secret= ».
   Here the page reads that secret and lays itself out at its content's height: a map of fixed height,
   and the list at full length. It posts that height at load, when the parent says « ready », and each
   time the content changes size. The sandbox (allow-scripts only) opens no window and submits no form.
   So a link from the list goes through WordPress's « link » message, and a search (its button, or Enter
   in its field) navigates the frame itself with the secret kept. Without a secret it does nothing. */
(function () {
  "use strict";
  var found = /[#&?]secret=([A-Za-z0-9]+)/.exec(window.location.hash);
  if (!found || window.parent === window) { return; }
  var secret = found[1];
  document.documentElement.classList.add("oembed");

  function post(message, value) {
    window.parent.postMessage({message: message, value: value, secret: secret}, "*");
  }
  function postHeight() { post("height", Math.ceil(document.documentElement.getBoundingClientRect().height)); }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.source === window.parent && data && data.message === "ready" && data.secret === secret) { postHeight(); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    if (window.ResizeObserver) { new ResizeObserver(postHeight).observe(document.body); }
    postHeight();
  });
  window.addEventListener("load", postHeight);

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest('a[target="_blank"]');
    if (!link) { return; }
    event.preventDefault();
    post("link", link.href);
  });
  // the sandbox blocks a form before its « submit » event: the search is sent on its button or Enter
  function search(form) {
    var url = new URL(form.action);
    new FormData(form).forEach(function (value, key) { if (value) { url.searchParams.append(key, value); } });
    window.location.assign(url.toString() + "#?secret=" + secret);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest('form button[type="submit"], form button:not([type])');
    if (!button) { return; }
    event.preventDefault();
    search(button.form);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.form || event.target.tagName !== "INPUT") { return; }
    event.preventDefault();
    search(event.target.form);
  });
})();
