import CustomerData
import FuzzSupport
import JourneyStore
@testable import WayfinderServer

/// One input: the JSON body of `POST /api/v1/workspaces/{workspace}/alerts`, read as the route
/// reads it: UTF-8 text, a JSON object, its fields, the draft's own checks, the webhook address.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAlertRule(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzDriver.bytes(data, size)
    guard let text = String(validating: bytes, as: UTF8.self) else { return 0 }
    guard let body = try? JSONParser.parse(text), case .object = body else { return 0 }
    let draft: AlertRuleDraft
    do {
        draft = try AlertRuleDraft.read(body, workspace: "fuzz")
    } catch let error as APIError {
        fuzzCheck(error.status.code == 400 && !error.message.isEmpty, "a refused field answered \(error.description)")
        return 0
    } catch {
        fuzzCheck(false, "a field refused with \(error) instead of an API error")
        return 0
    }
    if let refusal = WebhookAddress.refusal(url: draft.url) {
        fuzzCheck(refusal.hasPrefix("url: "), "a refused address without its field: \(refusal)")
    }
    do {
        try draft.validate()
    } catch {
        fuzzCheck(!error.description.isEmpty, "a refused draft without a reason")
        return 0
    }
    if draft.kind == .stageStay, let days = draft.days {
        fuzzCheck(AlertRule.acceptsStageStay(days: days), "a stage-stay rule of \(days) days passed validation")
    }
    return 0
}

FuzzDriver.run(fuzzAlertRule)
