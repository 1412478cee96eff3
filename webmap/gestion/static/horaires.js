/* The hours grid (webmap.gestion.hours_grid): while the manager fills it in, the server writes the
   OSM value and says it in the volunteer's words; the grid and the OSM field take turns. */
(function () {
  "use strict";
  var box = document.getElementById("horaires");
  if (!box) { return; }
  var form = box.closest("form");
  var expert = document.getElementById("horaires_accueil");
  var status = document.getElementById("horaires-statut");
  var words = document.getElementById("horaires-en-mots");
  var gridInputs = box.querySelectorAll("#grille-horaires input, input[name^='grille-']");
  var asked = 0;

  function mode() {
    var checked = box.querySelector("input[name='horaires_saisie']:checked");
    return checked ? checked.value : "expert";
  }
  function showMode() {
    var grid = mode() === "grille";
    expert.readOnly = grid;
    gridInputs.forEach(function (input) { input.disabled = !grid; });
  }
  function render(answer) {
    if (mode() === "grille" && !answer.problemes.length) { expert.value = answer.valeur; }
    status.textContent = answer.problemes.length ? answer.problemes.join(" · ") : answer.statut +
      (answer.rendez_vous ? " · sur rendez-vous" : "");
    var list = document.getElementById("horaires-jours");
    if (!list) { list = document.createElement("ul"); list.id = "horaires-jours"; words.appendChild(list); }
    list.replaceChildren.apply(list, answer.jours.map(function (day) {
      var item = document.createElement("li");
      item.textContent = day[0] + " : " + day[1];
      return item;
    }));
  }
  function ask() {
    var params = new URLSearchParams();
    if (mode() === "grille") {
      params.set("horaires_saisie", "grille");
      gridInputs.forEach(function (input) {
        if (input.type === "checkbox") { if (input.checked) { params.set(input.name, "1"); } }
        else if (input.value) { params.set(input.name, input.value); }
      });
    } else {
      params.set("valeur", expert.value);
    }
    var mine = ++asked;  // only the latest answer is shown
    fetch(box.getAttribute("data-apercu") + "?" + params.toString(), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) { if (answer && mine === asked) { render(answer); box.dataset.pret = String(mine); } })
      .catch(function () {});
  }
  box.addEventListener("input", ask);
  box.addEventListener("change", function (event) {
    if (event.target.name === "horaires_saisie") { showMode(); }
    ask();
  });
  showMode();
  form.addEventListener("submit", function () {  // disabled inputs are not sent: the mode is
    gridInputs.forEach(function (input) { input.disabled = false; });
  });
})();
