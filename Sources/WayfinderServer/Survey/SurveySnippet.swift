import Hummingbird
import NIOCore

/// The embeddable survey: `GET /survey.js`, a plain script with no external assets that asks one
/// NPS, CSAT or CES question at a touchpoint and posts the answer to `/v1/feedback`, and
/// `GET /survey/demo`, a page that shows it.
///
/// A site includes it with its write key:
///
/// ```html
/// <div id="wayfinder-survey"></div>
/// <script src="https://wayfinder.example.com/survey.js" async
///         data-write-key="wf_…" data-metric="nps" data-touchpoint="checkout"
///         data-user-id="u-42" data-anonymous-id="…" data-target="wayfinder-survey"></script>
/// ```
///
/// The request it sends (``SurveyScript/exampleRequestBody``) is Segment's feedback shape of
/// DESIGN.md: `type` feedback, `properties.metric`, `score`, `text` and `touchpoint`, the
/// customer's `userId` and/or `anonymousId`, a `messageId` so a retried answer is stored once,
/// and the write key in the body, so no `Authorization` header or cookie is needed.
enum SurveySnippet {
    static func addRoutes(to router: Router<ServerRequestContext>, table: RouteTable) {
        router.on("/survey.js", method: .get, table: table) { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "public, max-age=300",
                                             .accessControlAllowOrigin: "*"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: SurveyScript.source)))
        }
        router.on("/survey/demo", method: .get, table: table) { request, _ in
            let query = request.uri.queryParameters
            let page = SurveyScript.demoPage(writeKey: query["writeKey"].map(String.init) ?? "", metric: query["metric"].map(String.init) ?? "nps",
                                             touchpoint: query["touchpoint"].map(String.init) ?? "")
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .contentSecurityPolicy: "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
        }
    }
}
