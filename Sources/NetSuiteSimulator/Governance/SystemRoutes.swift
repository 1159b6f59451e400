import Foundation
import NetSuiteAuth
import Hummingbird

extension SimulatorServer {
    /// `GET /services/rest/system/v1/governanceLimits` (administrators only) and `GET …/serverTime` (anyone).
    func addSystemRoutes(to router: Router<BasicRequestContext>) {
        let base = "/services/rest/system/v1"
        router.get(RouterPath(base + "/governanceLimits")) { request, _ -> Response in
            try await serve(request, endpoint: .system) { call in
                // Oracle: "returns results only if you are logged in as an administrator". The refusal's wording is
                // the simulator's choice (INFERRED): NetSuite's permission error.
                guard call.principal.role.isAdministrator else {
                    return NetSuiteResponse.error(
                        status: 403, code: NetSuiteErrorCode.insufficientPermission,
                        detail: "Permission Violation: governanceLimits returns results only to an administrator role.")
                }
                guard let limits = await netsuite.governanceLimits(call.principal.realm, integrationID: call.principal.integrationID) else {
                    return NetSuiteResponse.error(.nonexistent)
                }
                var object = JSONObject([
                    ("accountConcurrencyLimit", .number(Double(limits.account))),
                    ("accountUnallocatedConcurrencyLimit", .number(Double(limits.unallocated))),
                ])
                if let own = limits.integration {
                    object["integrationConcurrencyLimit"] = .number(Double(own))
                    object["integrationLimitType"] = .string("integrationSpecific")
                } else {
                    object["integrationLimitType"] = .string("accountLimit")
                }
                return NetSuiteResponse.json(.object(object))
            }
        }
        router.get(RouterPath(base + "/serverTime")) { request, _ -> Response in
            try await serve(request, endpoint: .system) { _ in
                let now = await netsuite.now()
                return NetSuiteResponse.json(.object(JSONObject([("serverTime", .string(Self.serverTimeString(now)))])))
            }
        }
    }

    /// `2025-03-26T16:21:00.000Z`: UTC with milliseconds, as Oracle's example shows it.
    static func serverTimeString(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
