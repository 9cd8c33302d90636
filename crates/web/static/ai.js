// The AI panel without page reloads: answers a question inline, streamed from the model
// when one is configured. Without this script the form reloads the page with the answer.
(function () {
  "use strict";
  var panel = document.getElementById("ai");
  if (!panel || !window.fetch) { return; }
  var form = panel.querySelector("form.ai-ask");
  var out = panel.querySelector(".ai-answer");
  var id = panel.getAttribute("data-article");
  var streaming = panel.getAttribute("data-model") === "yes" && window.EventSource;

  function clearMarks() {
    var marks = document.querySelectorAll("#article-body .cited");
    for (var i = 0; i < marks.length; i++) { marks[i].classList.remove("cited"); }
  }

  function show(payload) {
    clearMarks();
    out.textContent = "";
    if (payload.declined || payload.lines.length === 0) {
      var p = document.createElement("p");
      p.textContent = "The article does not say.";
      out.appendChild(p);
    } else {
      var ul = document.createElement("ul");
      payload.lines.forEach(function (line) {
        var li = document.createElement("li");
        li.textContent = line.text + " ";
        line.citations.forEach(function (c) {
          var a = document.createElement("a");
          a.className = "cite";
          a.href = "#s-" + c.number;
          a.textContent = "[" + c.number + "]";
          li.appendChild(a);
          var target = document.getElementById("s-" + c.number);
          if (target) { target.classList.add("cited"); }
        });
        ul.appendChild(li);
      });
      out.appendChild(ul);
    }
    if (payload.notice) {
      var note = document.createElement("p");
      note.className = "note";
      note.textContent = payload.notice;
      out.appendChild(note);
    }
  }

  function fail(message) {
    out.textContent = "";
    var p = document.createElement("p");
    p.className = "note";
    p.textContent = message;
    out.appendChild(p);
  }

  form.addEventListener("submit", function (event) {
    var question = form.elements.q.value.trim();
    if (!question) { return; }
    event.preventDefault();
    out.textContent = "…";
    if (streaming) {
      var source = new EventSource("/api/v1/articles/" + id + "/ask/stream?q=" + encodeURIComponent(question));
      var draft = "";
      source.addEventListener("delta", function (e) { draft += e.data; out.textContent = draft; });
      source.addEventListener("answer", function (e) { source.close(); show(JSON.parse(e.data)); });
      source.onerror = function () { source.close(); form.submit(); };
      return;
    }
    fetch("/api/v1/articles/" + id + "/ask", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ question: question })
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) { throw new Error(body.detail || "The question failed."); }
        show(body);
      });
    }).catch(function (error) { fail(error.message); });
  });
})();
