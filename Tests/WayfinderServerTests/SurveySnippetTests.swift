import Foundation
import HTTPTypes
import HummingbirdTesting
import JourneyStore
import NIOCore
import Testing
import WayfinderServer
import WayfinderTesting

/// The node binary, when one is installed.
let nodePath: String? = ["/usr/bin/node", "/usr/local/bin/node", "/opt/homebrew/bin/node"].first { FileManager.default.isExecutableFile(atPath: $0) }

@Suite("Survey snippet")
struct SurveySnippetTests {
    @Test("survey.js is plain JavaScript with no external assets, and accessible markup")
    func script() async throws {
        let harness = try await ServerHarness()
        let answer = try await harness.test { client in try await client.get("/survey.js") }
        #expect(answer.status == 200)
        #expect(answer.headers[.contentType] == "text/javascript; charset=utf-8")
        #expect(answer.text == SurveyScript.source)
        for external in ["http://", "https://", "@import", "url(", "<link"] { #expect(!answer.text.contains(external), "\(external)") }
        for accessible in ["role: \"radiogroup\"", "\"aria-live\": \"polite\"", "element(document, \"legend\"", "\"for\": id + \"-text\"",
                           "type: \"radio\"", "credentials: \"omit\""] {
            #expect(answer.text.contains(accessible), "\(accessible)")
        }
    }

    @Test("the demo page embeds the script with its query values escaped")
    func demo() async throws {
        let harness = try await ServerHarness()
        let answer = try await harness.test { client in
            try await client.get("/survey/demo?writeKey=wf_x%22%3E%3Cscript%3E&metric=csat&touchpoint=checkout")
        }
        #expect(answer.status == 200)
        #expect(answer.text.contains(#"<script src="/survey.js" data-write-key="wf_x&quot;&gt;&lt;script&gt;" data-metric="csat" data-touchpoint="checkout""#))
        #expect(!answer.text.contains("wf_x\"><script>"))
    }

    @Test("/v1/* answers a CORS preflight from any origin without credentials, and collection answers carry the origin header")
    func cors() async throws {
        let harness = try await ServerHarness()
        try await harness.test { client in
            let preflight = try await client.executeRequest(uri: "/v1/feedback", method: .options,
                                                            headers: [.origin: "https://shop.example", .accessControlRequestMethod: "POST",
                                                                      .accessControlRequestHeaders: "content-type"], body: nil)
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowOrigin] == "*")
            #expect(preflight.headers[.accessControlAllowMethods]?.contains("POST") == true)
            #expect(preflight.headers[.accessControlAllowHeaders]?.contains("Content-Type") == true)
            #expect(preflight.headers[.accessControlAllowCredentials] == nil)
            let refused = try await client.post("/v1/feedback", "{}", key: .none)
            #expect(refused.status == 401)
            #expect(refused.headers[.accessControlAllowOrigin] == "*")
            let health = try await client.get("/health")
            #expect(health.headers[.accessControlAllowOrigin] == nil)
        }
    }

    @Test("the request the script builds is the documented one, and the server stores it as feedback", .enabled(if: nodePath != nil))
    func requestThroughNode() async throws {
        let harness = try await ServerHarness()
        let directory = try TemporaryDirectory(prefix: "wayfinder-survey")
        try await harness.test { client in try await requestThroughNode(harness: harness, directory: directory, client: client) }
    }

    func requestThroughNode(harness: ServerHarness, directory: TemporaryDirectory, client: any TestClientProtocol) async throws {
        let served = try await client.get("/survey.js")
        let file = directory.path("survey.js")
        try Data(served.text.utf8).write(to: URL(fileURLWithPath: file))
        let program = """
            const survey = require(process.argv[1]);
            const options = { endpoint: "http://127.0.0.1:8080/", writeKey: process.argv[2], metric: "nps", touchpoint: "checkout", userId: "u-42", anonymousId: "anon-7" };
            const request = survey.buildFeedbackRequest(options, { score: 3, text: " Too slow ", timestamp: "2026-05-01T12:00:00.000Z", messageId: "survey-1" });
            let refused = "";
            try { survey.buildFeedbackRequest(options, { score: 11 }); } catch (error) { refused = error.message; }
            process.stdout.write(JSON.stringify({ request, refused }));
            """
        let output = try runNode(program, arguments: [file, "wf_example"])
        let result = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let request = try #require(result["request"] as? [String: Any])
        #expect(request["url"] as? String == "http://127.0.0.1:8080/v1/feedback")
        #expect(request["method"] as? String == "POST")
        #expect((request["headers"] as? [String: String]) == ["Content-Type": "application/json"])
        #expect(request["body"] as? String == SurveyScript.exampleRequestBody)
        #expect((result["refused"] as? String)?.contains("from 0 to 10") == true)

        // The same body, with this store's write key, as the browser would send it.
        let body = try #require(request["body"] as? String).replacingOccurrences(of: "wf_example", with: harness.write)
        let answer = try await client.post("/v1/feedback", body, key: .none)
        #expect(answer.status == 200, "\(answer)")
        #expect(try harness.store.data.counts().feedback == 1)
        let events = try harness.timeline("u-42")
        #expect(events.map(\.type) == ["feedback"])
        #expect(events.first?.message.contains(#""touchpoint":"checkout""#) == true)
        #expect(try harness.customer("anon-7")?.identifiers == ["anonymous:anon-7", "user:u-42"])
    }

    @Test("mounted in a page, the survey labels every choice, asks again without a score, and posts the chosen one", .enabled(if: nodePath != nil))
    func mountedInAPage() async throws {
        let directory = try TemporaryDirectory(prefix: "wayfinder-survey-dom")
        try Data(SurveyScript.source.utf8).write(to: URL(fileURLWithPath: directory.path("survey.js")))
        try Data(Self.fakeDOM.utf8).write(to: URL(fileURLWithPath: directory.path("fake-dom.js")))
        let output = try runNode(Self.mountProgram, arguments: [directory.path("fake-dom.js"), directory.path("survey.js")])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
        #expect(report["radios"] as? [String] == ["1", "2", "3", "4", "5"])
        #expect(report["labelled"] as? Bool == true)
        #expect(report["textLabel"] as? Bool == true)
        #expect(report["legend"] as? String == "How satisfied are you with this experience?")
        #expect(report["live"] as? Int == 1 && report["group"] as? Int == 1)
        let unanswered = try #require(report["unanswered"] as? [String: Any])
        #expect(unanswered["requests"] as? Int == 0)
        #expect(unanswered["status"] as? String == "Please choose a score first.")
        #expect(unanswered["focused"] as? Bool == true)
        let request = try #require(report["request"] as? [String: Any])
        #expect(request["url"] as? String == "https://wayfinder.example/v1/feedback")
        #expect(request["credentials"] as? String == "omit")
        let body = try #require(request["body"] as? [String: Any])
        #expect(body["type"] as? String == "feedback" && body["anonymousId"] as? String == "anon-1" && body["writeKey"] as? String == "wf_k")
        let properties = try #require(body["properties"] as? [String: Any])
        #expect(properties["metric"] as? String == "csat" && properties["score"] as? Int == 2)
        #expect(properties["text"] as? String == "Slow delivery" && properties["touchpoint"] as? String == "checkout")
        #expect(report["thanks"] as? String == "Thank you for your answer.")
    }

    /// A minimal DOM for node: elements, attributes, children, events and the selectors the survey uses.
    static let fakeDOM = #"""
// A minimal DOM: enough of createElement, attributes, children, events and the three selectors the survey uses.
class Node {
  constructor(doc, tag) { this.ownerDocument = doc; this.tagName = tag.toUpperCase(); this.attributes = {}; this.children = []; this.listeners = {}; this._text = ""; this.parentNode = null; this.checked = false; this.value = ""; this.disabled = false; }
  setAttribute(n, v) { this.attributes[n] = String(v); if (n === "value") this.value = String(v); if (n === "id") this.id = String(v); }
  getAttribute(n) { return n in this.attributes ? this.attributes[n] : null; }
  removeAttribute(n) { delete this.attributes[n]; }
  appendChild(c) { c.parentNode = this; this.children.push(c); return c; }
  replaceChildren(...cs) { this.children = []; cs.forEach(c => this.appendChild(c)); }
  get firstChild() { return this.children[0] || null; }
  set textContent(t) { this._text = String(t); this.children = []; }
  get textContent() { return this._text + this.children.map(c => c.textContent).join(""); }
  addEventListener(type, f) { (this.listeners[type] = this.listeners[type] || []).push(f); }
  dispatch(type) { const e = { type, preventDefault() { this.defaultPrevented = true; } }; (this.listeners[type] || []).forEach(f => f(e)); return e; }
  focus() { this.ownerDocument.activeElement = this; }
  all() { return this.children.flatMap(c => [c, ...c.all()]); }
  querySelectorAll(sel) {
    let m;
    if ((m = sel.match(/^input\[name='(.+)'\]:checked$/))) return this.all().filter(n => n.tagName === "INPUT" && n.attributes.name === m[1] && n.checked);
    if (sel === "input[type=radio]") return this.all().filter(n => n.tagName === "INPUT" && n.attributes.type === "radio");
    return this.all().filter(n => n.tagName === sel.toUpperCase());
  }
  querySelector(sel) { return this.querySelectorAll(sel)[0] || null; }
}
class Document {
  constructor() { this.head = new Node(this, "head"); this.body = new Node(this, "body"); this.documentElement = this.body; this.readyState = "complete"; this.title = "Shop"; }
  createElement(t) { return new Node(this, t); }
  getElementById(id) { return [this.head, this.body].flatMap(n => [n, ...n.all()]).find(n => n.id === id) || null; }
}
module.exports = { Document };
"""#

    /// Mounts a CSAT survey, submits it without a score, then with score 2 and text, and reports.
    static let mountProgram = #"""
const { Document } = require(process.argv[1]);
const document = new Document();
const requests = [];
globalThis.fetch = (url, init) => { requests.push({ url, init }); return Promise.resolve({ ok: true, status: 200 }); };
globalThis.location = { pathname: "/checkout/done", href: "https://shop.example/checkout/done" };
const survey = require(process.argv[2]);
const container = document.createElement("div");
document.body.appendChild(container);
const form = survey.mount(container, { endpoint: "https://wayfinder.example", writeKey: "wf_k", metric: "csat", touchpoint: "checkout", anonymousId: "anon-1" });
const radios = form.querySelectorAll("input[type=radio]");
const labels = form.querySelectorAll("label");
const report = { radios: radios.map(r => r.value), labelled: radios.every(r => labels.some(l => l.attributes.for === r.id)),
  legend: form.querySelector("legend").textContent, live: form.all().filter(n => n.attributes["aria-live"] === "polite").length,
  group: form.all().filter(n => n.attributes.role === "radiogroup").length, textLabel: labels.some(l => l.attributes.for === form.querySelector("textarea").id) };
form.dispatch("submit");
report.unanswered = { requests: requests.length, status: form.all().find(n => n.attributes.role === "status").textContent, focused: document.activeElement === radios[0] };
radios[1].checked = true;
form.querySelector("textarea").value = "  Slow delivery ";
form.dispatch("submit");
setTimeout(() => {
  report.request = requests[0] && { url: requests[0].url, credentials: requests[0].init.credentials, body: JSON.parse(requests[0].init.body) };
  report.thanks = form.textContent;
  process.stdout.write(JSON.stringify(report));
}, 0);
"""#

    func runNode(_ program: String, arguments: [String]) throws -> String {
        let run = try ChildProcess.run(nodePath!, ["-e", program, "--"] + arguments)
        #expect(run.ending.status == 0 && !run.ending.signalled, "\(String(decoding: run.error, as: UTF8.self))")
        return run.text
    }
}
