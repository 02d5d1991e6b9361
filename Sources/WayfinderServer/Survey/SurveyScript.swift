/// The survey script's text (served at `/survey.js`) and the demo page.
public enum SurveyScript {
    /// The body the script posts for an NPS answer of 3 with text "Too slow" at `checkout` by
    /// user `u-42` (anonymous id `anon-7`), with the timestamp and message id given; the test
    /// runs the script's `buildFeedbackRequest` and compares.
    public static let exampleRequestBody = #"{"writeKey":"wf_example","type":"feedback","event":"Feedback Given","userId":"u-42","anonymousId":"anon-7","messageId":"survey-1","timestamp":"2026-05-01T12:00:00.000Z","properties":{"metric":"nps","score":3,"touchpoint":"checkout","text":"Too slow"},"context":{"library":{"name":"wayfinder-survey","version":"1"}}}"#

    /// The demo page, showing the survey with the write key, metric and touchpoint given in its query.
    static func demoPage(writeKey: String, metric: String, touchpoint: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Wayfinder survey demo</title>
        </head>
        <body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem;">
        <h1>Wayfinder survey demo</h1>
        <p>This page embeds the survey as a customer's site would. Give a write key, a metric and a touchpoint in the address:
        <code>/survey/demo?writeKey=wf_…&amp;metric=nps&amp;touchpoint=checkout</code>. Answers are stored as feedback of the
        anonymous visitor <code>survey-demo</code>.</p>
        <div id="wayfinder-survey"></div>
        <script src="/survey.js" data-write-key="\(escape(writeKey))" data-metric="\(escape(metric))" data-touchpoint="\(escape(touchpoint))"
                data-anonymous-id="survey-demo" data-target="wayfinder-survey"></script>
        </body>
        </html>

        """
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// survey.js.
    public static let source = #"""
    /* Wayfinder survey snippet: asks one NPS, CSAT or CES question and posts the answer to
       Wayfinder's /v1/feedback. No external assets, no cookies.
       <script src="(your Wayfinder's address)/survey.js" async data-write-key="wf_..." data-metric="nps|csat|ces"
               data-touchpoint="checkout" data-user-id="..." data-anonymous-id="..." data-target="element-id"></script>
       or WayfinderSurvey.mount(element, {endpoint, writeKey, metric, touchpoint, userId, anonymousId}). */
    (function (root) {
      "use strict";
      var METRICS = {
        nps: { min: 0, max: 10, question: "How likely are you to recommend us to a friend or colleague?", low: "Not at all likely", high: "Extremely likely" },
        csat: { min: 1, max: 5, question: "How satisfied are you with this experience?", low: "Very dissatisfied", high: "Very satisfied" },
        ces: { min: 1, max: 7, question: "How easy was it to get what you needed?", low: "Very easy", high: "Very difficult" }
      };
      var counter = 0;

      function randomId() {
        if (root.crypto && root.crypto.randomUUID) return root.crypto.randomUUID();
        return "survey-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
      }

      /* The request for one answer: {url, method, headers, body}. Pure, so it can be tested. */
      function buildFeedbackRequest(options, answer) {
        var metric = String(options.metric || "").toLowerCase();
        if (!METRICS[metric]) throw new Error("Wayfinder survey: metric must be nps, csat or ces");
        if (!options.userId && !options.anonymousId) throw new Error("Wayfinder survey: give a userId or an anonymousId");
        var score = Number(answer.score);
        if (!(score >= METRICS[metric].min && score <= METRICS[metric].max) || Math.floor(score) !== score) {
          throw new Error("Wayfinder survey: the score must be a whole number from " + METRICS[metric].min + " to " + METRICS[metric].max);
        }
        var body = { writeKey: options.writeKey, type: "feedback", event: "Feedback Given" };
        if (options.userId) body.userId = String(options.userId);
        if (options.anonymousId) body.anonymousId = String(options.anonymousId);
        body.messageId = answer.messageId || randomId();
        body.timestamp = answer.timestamp || new Date().toISOString();
        body.properties = { metric: metric, score: score };
        if (options.touchpoint) body.properties.touchpoint = String(options.touchpoint);
        var text = answer.text == null ? "" : String(answer.text).trim();
        if (text) body.properties.text = text.slice(0, 2000);
        body.context = { library: { name: "wayfinder-survey", version: "1" } };
        if (answer.page) body.context.page = answer.page;
        var endpoint = String(options.endpoint || "").replace(/\/+$/, "");
        return { url: endpoint + "/v1/feedback", method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
      }

      function element(document, tag, attributes, text) {
        var node = document.createElement(tag);
        for (var name in attributes) if (Object.prototype.hasOwnProperty.call(attributes, name)) node.setAttribute(name, attributes[name]);
        if (text != null) node.textContent = text;
        return node;
      }

      function addStyle(document) {
        if (document.getElementById("wayfinder-survey-style")) return;
        var style = element(document, "style", { id: "wayfinder-survey-style" });
        style.textContent = ".wf-survey{font:inherit;border:1px solid #8a8a8a;border-radius:8px;padding:1rem;max-width:36rem}" +
          ".wf-survey fieldset{border:0;padding:0;margin:0 0 .75rem}.wf-survey legend{font-weight:600;margin-bottom:.5rem}" +
          ".wf-survey .wf-scale{display:flex;flex-wrap:wrap;gap:.25rem}.wf-survey .wf-scale label{display:inline-flex;flex-direction:column;align-items:center;min-width:2.25rem;padding:.25rem;border:1px solid #8a8a8a;border-radius:4px;cursor:pointer}" +
          ".wf-survey .wf-scale input:focus-visible+span{outline:3px solid #1a5fb4;outline-offset:2px}" +
          ".wf-survey .wf-ends{display:flex;justify-content:space-between;font-size:.85em;margin-top:.25rem}" +
          ".wf-survey textarea{width:100%;box-sizing:border-box;font:inherit}.wf-survey button{font:inherit;margin-top:.5rem;padding:.4rem 1rem}";
        (document.head || document.documentElement).appendChild(style);
      }

      /* Shows the survey in `container` and posts the answer. */
      function mount(container, options) {
        var document = container.ownerDocument;
        var metric = String(options.metric || "").toLowerCase();
        var spec = METRICS[metric];
        if (!spec) throw new Error("Wayfinder survey: metric must be nps, csat or ces");
        addStyle(document);
        var id = "wf-survey-" + (++counter);
        var form = element(document, "form", { "class": "wf-survey", "aria-labelledby": id + "-question", novalidate: "" });
        var fieldset = element(document, "fieldset", { "aria-describedby": id + "-ends" });
        fieldset.appendChild(element(document, "legend", { id: id + "-question" }, options.question || spec.question));
        var scale = element(document, "div", { "class": "wf-scale", role: "radiogroup", "aria-labelledby": id + "-question", "aria-required": "true" });
        for (var score = spec.min; score <= spec.max; score++) {
          var label = element(document, "label", { "for": id + "-score-" + score });
          var input = element(document, "input", { type: "radio", name: id + "-score", id: id + "-score-" + score, value: String(score) });
          label.appendChild(input);
          label.appendChild(element(document, "span", {}, String(score)));
          scale.appendChild(label);
        }
        fieldset.appendChild(scale);
        var ends = element(document, "div", { "class": "wf-ends", id: id + "-ends" });
        ends.appendChild(element(document, "span", {}, spec.min + ": " + spec.low));
        ends.appendChild(element(document, "span", {}, spec.max + ": " + spec.high));
        fieldset.appendChild(ends);
        form.appendChild(fieldset);
        form.appendChild(element(document, "label", { "for": id + "-text" }, options.textLabel || "Anything you would like to tell us? (optional)"));
        form.appendChild(element(document, "textarea", { id: id + "-text", rows: "3", maxlength: "2000" }));
        var button = element(document, "button", { type: "submit" }, options.submitLabel || "Send");
        form.appendChild(button);
        var status = element(document, "p", { role: "status", "aria-live": "polite", id: id + "-status" });
        form.appendChild(status);
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          var chosen = form.querySelector("input[name='" + id + "-score']:checked");
          if (!chosen) {
            status.textContent = "Please choose a score first.";
            scale.setAttribute("aria-invalid", "true");
            form.querySelector("input[type=radio]").focus();
            return;
          }
          scale.removeAttribute("aria-invalid");
          var location = root.location;
          var request = buildFeedbackRequest(options, {
            score: Number(chosen.value), text: form.querySelector("textarea").value,
            page: location ? { path: location.pathname, url: location.href, title: document.title } : undefined
          });
          button.disabled = true;
          status.textContent = "Sending…";
          root.fetch(request.url, { method: request.method, headers: request.headers, body: request.body, mode: "cors", credentials: "omit", keepalive: true })
            .then(function (response) {
              if (!response.ok) throw new Error(String(response.status));
              form.replaceChildren(element(document, "p", { role: "status", "aria-live": "polite", tabindex: "-1" }, options.thanks || "Thank you for your answer."));
              form.firstChild.focus();
            })
            .catch(function () {
              button.disabled = false;
              status.textContent = "Your answer could not be sent. Please try again.";
            });
        });
        container.appendChild(form);
        return form;
      }

      var api = { buildFeedbackRequest: buildFeedbackRequest, mount: mount, metrics: METRICS };
      if (typeof module === "object" && module.exports) module.exports = api;
      root.WayfinderSurvey = api;

      /* Mounted from the script tag's data attributes. */
      var script = root.document && root.document.currentScript;
      if (script && script.getAttribute("data-write-key") !== null) {
        var data = function (name) { return script.getAttribute("data-" + name) || undefined; };
        var options = {
          endpoint: data("endpoint") || new URL(script.src, root.location.href).origin,
          writeKey: data("write-key"), metric: data("metric"), touchpoint: data("touchpoint"),
          userId: data("user-id"), anonymousId: data("anonymous-id"), question: data("question")
        };
        var start = function () {
          var target = data("target") && root.document.getElementById(data("target"));
          if (!target) {
            target = root.document.createElement("div");
            script.parentNode.insertBefore(target, script.nextSibling);
          }
          mount(target, options);
        };
        if (root.document.readyState === "loading") root.document.addEventListener("DOMContentLoaded", start); else start();
      }
    })(typeof window !== "undefined" ? window : globalThis);

    """#
}
