// Zugong page behaviour: charts from JSON data blocks, confirm buttons, CSRF for htmx.
(function () {
  function csrfToken() {
    var m = document.cookie.match(/(?:^|; )zugong_csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  document.addEventListener("htmx:configRequest", function (e) {
    e.detail.headers["X-CSRFToken"] = csrfToken();
  });
  document.addEventListener("submit", function (e) {
    var msg = (e.submitter && e.submitter.getAttribute("data-confirm")) || e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { e.preventDefault(); return; }
    // <form data-zg-busy>: a long job; its button turns off and shows its spinner.
    if (e.target.hasAttribute("data-zg-busy")) {
      var button = e.target.querySelector("button");
      var spinner = e.target.querySelector(".spinner-border");
      if (button) { button.disabled = true; }
      if (spinner) { spinner.classList.remove("d-none"); }
    }
  });
  // <form data-zg-copy-checked="form-id name">: before it is sent, the boxes named ``name``
  // that are checked in form ``form-id`` go with it (the roster's 保存列组合: the column boxes
  // belong to the export form, the name and the save button to this one).
  document.addEventListener("submit", function (e) {
    var spec = e.target.getAttribute && e.target.getAttribute("data-zg-copy-checked");
    if (!spec) { return; }
    var parts = spec.split(" "), source = document.getElementById(parts[0]);
    e.target.querySelectorAll("input[data-zg-copied]").forEach(function (old) { old.remove(); });
    if (!source) { return; }
    source.querySelectorAll('input[type=checkbox][name="' + parts[1] + '"]:checked').forEach(function (box) {
      var copy = document.createElement("input");
      copy.type = "hidden"; copy.name = parts[1]; copy.value = box.value;
      copy.setAttribute("data-zg-copied", "1");
      e.target.appendChild(copy);
    });
  }, true);
  // <select data-zg-autosubmit>: choosing an option sends its form (no inline onchange: CSP).
  document.addEventListener("change", function (e) {
    if (e.target.hasAttribute && e.target.hasAttribute("data-zg-autosubmit") && e.target.form) {
      e.target.form.submit();
    }
  });
  // Rows that can be put in order (the meeting packet): ↑ and ↓ move a row.
  document.addEventListener("click", function (e) {
    var btn = e.target.closest(".zg-up, .zg-down");
    if (!btn) { return; }
    var row = btn.closest("tr");
    if (btn.classList.contains("zg-up") && row.previousElementSibling) {
      row.parentNode.insertBefore(row, row.previousElementSibling);
    } else if (btn.classList.contains("zg-down") && row.nextElementSibling) {
      row.parentNode.insertBefore(row.nextElementSibling, row);
    }
  });
  // "Select all" checkboxes: <input type=checkbox data-select-all="name">.
  document.addEventListener("change", function (e) {
    var name = e.target.getAttribute("data-select-all");
    if (!name) { return; }
    document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (box) {
      box.checked = e.target.checked;
    });
  });
  // Tooltips are drawn on the canvas ("richText"): ECharts' HTML tooltips write style="…"
  // markup, which the Content-Security-Policy (style-src 'self') refuses.
  var TOOLTIP = { renderMode: "richText" };
  var NARROW_PX = 480;  // a chart narrower than this (a phone) drops its outside labels
  function tooltip(extra) { return Object.assign({}, TOOLTIP, extra || {}); }
  function drawCharts(root) {
    if (!window.echarts) { return; }
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var data = JSON.parse(document.getElementById(el.getAttribute("data-chart")).textContent);
      var chart = echarts.init(el);
      var kind = el.getAttribute("data-chart-kind") || "pie";
      var option = kind === "bar" ? function () {
        return {
          tooltip: tooltip(), grid: { left: 40, right: 10, top: 20, bottom: 40 },
          xAxis: { type: "category", data: data.map(function (d) { return d.name; }), axisLabel: { interval: 0, rotate: 30 } },
          yAxis: { type: "value", minInterval: 1 },
          series: [{ type: "bar", data: data.map(function (d) { return d.value; }), itemStyle: { color: "#b0181e" } }]
        };
      } : function () {
        // Narrow (a phone): the labels around the ring would run off the sides; a legend
        // underneath names each slice with its count instead.
        var narrow = el.clientWidth < NARROW_PX;
        var values = {};
        data.forEach(function (d) { values[d.name] = d.value; });
        return {
          tooltip: tooltip({ trigger: "item", formatter: "{b}：{c}（{d}%）" }),
          legend: { show: narrow, type: "scroll", bottom: 0, formatter: function (name) { return name + " " + values[name]; } },
          series: [{
            type: "pie", radius: narrow ? ["30%", "55%"] : ["35%", "65%"], center: ["50%", narrow ? "42%" : "50%"],
            data: data, label: { show: !narrow, formatter: "{b} {c}" }
          }]
        };
      };
      chart.setOption(option());
      el.setAttribute("data-chart-ready", "1");
      window.addEventListener("resize", function () { chart.setOption(option()); chart.resize(); });
    });
  }
  // Grouped bars (核定 vs 实配, shares per unit): <div data-zg-bars="json-id"> with
  // {names: [...], series: [{name, data}], colors?}. Many names: horizontal bars, one row each.
  function drawGroupedBars(root) {
    if (!window.echarts) { return; }
    root.querySelectorAll("[data-zg-bars]").forEach(function (el) {
      var data = JSON.parse(document.getElementById(el.getAttribute("data-zg-bars")).textContent);
      var colors = data.colors || ["#8c9aa8", "#b0181e", "#e6a23c"];
      var across = data.names.length > 8;
      if (across) { el.style.height = (data.names.length * 26 + 80) + "px"; }
      var names = { type: "category", data: data.names, inverse: across, axisLabel: { interval: 0, rotate: !across && data.names.length > 4 ? 30 : 0 } };
      var values = { type: "value", minInterval: 1 };
      var chart = echarts.init(el);
      chart.setOption({
        tooltip: tooltip({ trigger: "axis" }), legend: { top: 0 },
        grid: { left: 10, right: 30, top: 40, bottom: 10, containLabel: true },
        xAxis: across ? values : names,
        yAxis: across ? names : values,
        series: data.series.map(function (s, i) {
          return { name: s.name, type: "bar", data: s.data, label: { show: true, position: across ? "right" : "top" }, itemStyle: { color: colors[i % colors.length] } };
        })
      });
      el.setAttribute("data-chart-ready", "1");
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    drawCharts(document);
    drawGroupedBars(document);
  });

  // Unit pickers (<input list="unit-picks">) hold a unit code; name the chosen unit under the
  // box, and for a box filled in advance (an edit form) ask for its options once to find it.
  function namePick(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var note = input.parentElement.querySelector(".zg-picked");
    var option = null;
    if (list && input.value) {
      list.querySelectorAll("option").forEach(function (o) { if (o.value === input.value) { option = o; } });
    }
    if (!option) { if (note) { note.remove(); } return; }
    if (!note) {
      note = document.createElement("div");
      note.className = "form-text zg-picked";
      input.insertAdjacentElement("afterend", note);
    }
    note.textContent = "已选：" + option.textContent;
  }
  function pickers(list) {
    return document.querySelectorAll('input[list="' + list.id + '"]');
  }
  document.addEventListener("input", function (e) {
    if (e.target.matches && e.target.matches("input[list]")) { namePick(e.target); }
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail.target.tagName === "DATALIST") { pickers(e.detail.target).forEach(namePick); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[list][hx-get]").forEach(function (input) {
      if (!input.value || !window.htmx) { return; }
      var values = {};
      values[input.name] = input.value;
      htmx.ajax("GET", input.getAttribute("hx-get"), {
        source: input, target: "#" + input.getAttribute("list"), swap: "innerHTML", values: values
      });
    });
  });

  // Unit tree: a node's children load once (htmx); later clicks fold and unfold them.
  function setCaret(toggle, open) {
    var icon = toggle.querySelector("i");
    if (icon) { icon.className = open ? "bi bi-caret-down-fill" : "bi bi-caret-right-fill"; }
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }
  document.addEventListener("htmx:afterSwap", function (e) {
    var list = e.detail.target;
    var toggle = list && list.parentElement && list.parentElement.querySelector(":scope > .zg-toggle");
    if (toggle && list.tagName === "UL") { toggle.dataset.loaded = "1"; setCaret(toggle, true); }
  });
  document.addEventListener("click", function (e) {
    var toggle = e.target.closest(".zg-toggle");
    if (!toggle || !toggle.dataset.loaded) { return; }
    var list = toggle.parentElement.querySelector(":scope > ul");
    list.hidden = !list.hidden;
    setCaret(toggle, !list.hidden);
  });
})();
