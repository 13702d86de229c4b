// Staff pages: a button copies the text of the field it names. Without JavaScript the
// button stays hidden and the field can be selected and copied by hand.
document.querySelectorAll("[data-copy]").forEach(function (button) {
  var field = document.getElementById(button.getAttribute("data-copy"));
  if (!field || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(field.value).then(function () {
      var done = button.parentNode.querySelector("[data-copied]");
      if (done) done.hidden = false;
    });
  });
});
