// A button marked data-print prints the page (the Content Security Policy allows no inline
// script, so the handler lives here).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
