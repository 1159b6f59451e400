import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NetSuiteAuth

extension SimulatorServer {
    /// The admin API under `/simulator/v1`: set an account up as a NetSuite admin would, inject faults, move the
    /// clock, read the login audit trail and counters. JSON in and out; errors are `{"error": "…"}`.
    func addAdminRoutes(to router: Router<BasicRequestContext>) {
        let group = router.group("/simulator/v1")
        let netsuite = self.netsuite

        group.get("/accounts") { _, _ -> Response in
            let ids = await netsuite.accountIDs
            return Self.adminJSON(.object(JSONObject([("accounts", .array(ids.map(JSONValue.string)))])))
        }
        group.post("/accounts") { request, context -> Response in
            try await Self.admin(request, context) { (body: CreateAccount) in
                let id = try await netsuite.createAccount(body.accountId, concurrencyLimit: body.concurrencyLimit ?? 5)
                if let customers = body.records { try await netsuite.generateData(id.realm, customers: customers, seed: body.seed ?? 1) }
                return try await Self.summary(netsuite, id.realm)
            }
        }
        group.get("/accounts/{acct}") { request, context -> Response in
            try await Self.admin(request, context) { (_: Empty) in try await Self.summary(netsuite, try await Self.realm(netsuite, context)) }
        }
        group.put("/accounts/{acct}/features") { request, context -> Response in
            try await Self.admin(request, context) { (body: Features) in
                let realm = try await Self.realm(netsuite, context)
                try await netsuite.setFeatures(realm, body)
                return try await Self.summary(netsuite, realm)
            }
        }
        group.post("/accounts/{acct}/roles") { request, context -> Response in
            try await Self.admin(request, context) { (body: CreateRole) in
                let permissions = try body.permissionLevels()
                let id = try await netsuite.addRole(
                    try await Self.realm(netsuite, context), name: body.name, permissions: permissions, administrator: body.administrator ?? false)
                return .object(JSONObject([("id", .number(Double(id)))]))
            }
        }
        group.put("/accounts/{acct}/roles/{roleId}/permissions") { request, context -> Response in
            try await Self.admin(request, context) { (body: RolePermission) in
                guard let roleID = context.parameters.get("roleId").flatMap(Int.init) else { throw SimulatorError.badRequest("roleId: not a number.") }
                guard let level = PermissionLevel(name: body.level) else { throw SimulatorError.badRequest("level: must be None, View, Create, Edit or Full.") }
                let realm = try await Self.realm(netsuite, context)
                try await netsuite.setRolePermission(realm, roleID: roleID, permission: body.permission, level: level)
                return .object(JSONObject([("roleId", .number(Double(roleID))), ("permission", .string(body.permission)), ("level", .string(level.name))]))
            }
        }
        group.post("/accounts/{acct}/entities") { request, context -> Response in
            try await Self.admin(request, context) { (body: CreateEntity) in
                let id = try await netsuite.addEntity(try await Self.realm(netsuite, context), name: body.name)
                return .object(JSONObject([("id", .number(Double(id)))]))
            }
        }
        group.post("/accounts/{acct}/integrations") { request, context -> Response in
            try await Self.admin(request, context) { (body: CreateIntegration) in
                let created = try await netsuite.addIntegration(
                    try await Self.realm(netsuite, context), name: body.name, tokenBasedAuthentication: body.tokenBasedAuthentication ?? true,
                    clientCredentials: body.clientCredentials ?? true, scopes: body.scopes ?? ["restlets", "rest_webservices"])
                return .object(JSONObject([
                    ("id", .number(Double(created.id))), ("consumerKey", .string(created.consumerKey)), ("consumerSecret", .string(created.consumerSecret)),
                ]))
            }
        }
        group.post("/accounts/{acct}/tokens") { request, context -> Response in
            try await Self.admin(request, context) { (body: CreateToken) in
                let token = try await netsuite.issueToken(
                    try await Self.realm(netsuite, context), integrationID: body.integrationId, entityID: body.entityId, roleID: body.roleId)
                return .object(JSONObject([("tokenId", .string(token.tokenID)), ("tokenSecret", .string(token.tokenSecret))]))
            }
        }
        group.delete("/accounts/{acct}/tokens/{tokenId}") { request, context -> Response in
            try await Self.admin(request, context) { (_: Empty) in
                try await netsuite.revokeToken(try await Self.realm(netsuite, context), tokenID: context.parameters.get("tokenId") ?? "")
                return .object(JSONObject([("revoked", .bool(true))]))
            }
        }
        group.post("/accounts/{acct}/sandbox-refresh") { request, context -> Response in
            try await Self.admin(request, context) { (_: Empty) in
                try await netsuite.sandboxRefresh(try await Self.realm(netsuite, context))
                return .object(JSONObject([("mappingsCleared", .bool(true))]))
            }
        }
        group.post("/accounts/{acct}/m2m-mappings") { request, context -> Response in
            try await Self.admin(request, context) { (body: CreateMapping) in
                let mapping = try await netsuite.addMapping(
                    try await Self.realm(netsuite, context), integrationID: body.integrationId, entityID: body.entityId,
                    roleID: body.roleId, certificatePEM: body.certificatePEM)
                return .object(JSONObject([
                    ("certificateId", .string(mapping.certificateID)), ("validUntil", .string(SimulatorDates.dateTimeString(mapping.validUntil))),
                ]))
            }
        }
        group.post("/accounts/{acct}/m2m-mappings/{certificateId}/revoke") { request, context -> Response in
            try await Self.admin(request, context) { (_: Empty) in
                try await netsuite.revokeMapping(try await Self.realm(netsuite, context), certificateID: context.parameters.get("certificateId") ?? "")
                return .object(JSONObject([("revoked", .bool(true))]))
            }
        }
        group.put("/accounts/{acct}/concurrency") { request, context -> Response in
            try await Self.admin(request, context) { (body: Limit) in
                let realm = try await Self.realm(netsuite, context)
                try await netsuite.setConcurrencyLimit(realm, body.limit)
                return try await Self.summary(netsuite, realm)
            }
        }
        group.put("/accounts/{acct}/integrations/{integrationId}/concurrency") { request, context -> Response in
            try await Self.admin(request, context) { (body: IntegrationLimit) in
                guard let id = context.parameters.get("integrationId").flatMap(Int.init) else { throw SimulatorError.badRequest("integrationId: not a number.") }
                let realm = try await Self.realm(netsuite, context)
                try await netsuite.setIntegrationConcurrencyLimit(realm, integrationID: id, limit: body.limit)
                return try await Self.summary(netsuite, realm)
            }
        }
        group.put("/accounts/{acct}/async") { request, context -> Response in
            try await Self.admin(request, context) { (body: AsyncSettings) in
                let realm = try await Self.realm(netsuite, context)
                try await netsuite.setAsyncSettings(realm, body)
                return try Self.encode(try await netsuite.asyncSettings(realm))
            }
        }
        group.post("/accounts/{acct}/faults/drop-after-processing") { request, context -> Response in
            try await Self.admin(request, context) { (body: DropInput) in
                try await netsuite.dropAnswersAfterProcessing(try await Self.realm(netsuite, context), count: body.count)
                return .object(JSONObject([("count", .number(Double(body.count)))]))
            }
        }
        group.put("/accounts/{acct}/faults") { request, context -> Response in
            try await Self.admin(request, context) { (body: FaultInput) in
                let faults = FaultSettings(
                    latencyMs: body.latencyMs ?? 0, jitterMs: body.jitterMs ?? 0, errorRate: body.errorRate ?? 0,
                    dropRate: body.dropRate ?? 0, seed: body.seed ?? 1)
                try await netsuite.setFaults(try await Self.realm(netsuite, context), faults)
                return try Self.encode(faults)
            }
        }
        group.put("/accounts/{acct}/date-format") { request, context -> Response in
            try await Self.admin(request, context) { (body: DateFormatInput) in
                let realm = try await Self.realm(netsuite, context)
                try await netsuite.setDatePreference(realm, body.preference)
                return try await Self.summary(netsuite, realm)
            }
        }
        group.post("/accounts/{acct}/custom-fields") { request, context -> Response in
            try await Self.admin(request, context) { (body: CustomField) in
                let realm = try await Self.realm(netsuite, context)
                try await netsuite.addCustomField(realm, body)
                return .array(try await netsuite.customFields(realm).map { field in
                    .object(JSONObject([("recordType", .string(field.recordType)), ("id", .string(field.id)), ("type", .string(field.type.rawValue)),
                                        ("label", .string(field.label))]))
                })
            }
        }
        group.delete("/accounts/{acct}/custom-fields/{id}") { request, context -> Response in
            do {
                let realm = try await Self.realm(netsuite, context)
                try await netsuite.removeCustomField(realm, id: context.parameters.get("id") ?? "")
                return Response(status: .noContent)
            } catch let error as SimulatorError {
                return Self.adminJSON(.object(JSONObject([("error", .string(error.message))])), status: .init(code: error.status))
            }
        }
        group.post("/accounts/{acct}/data") { request, context -> Response in
            try await Self.admin(request, context) { (body: DataInput) in
                let realm = try await Self.realm(netsuite, context)
                try await netsuite.generateData(realm, customers: body.customers, seed: body.seed ?? 1)
                return try await Self.summary(netsuite, realm)
            }
        }
        group.put("/clock") { request, context -> Response in
            try await Self.admin(request, context) { (body: ClockInput) in
                await netsuite.setClockOffset(body.offsetSeconds)
                return .object(JSONObject([
                    ("offsetSeconds", .number(body.offsetSeconds)), ("now", .string(SimulatorDates.dateTimeString(await netsuite.now()))),
                ]))
            }
        }
        group.get("/accounts/{acct}/login-audit") { request, context -> Response in
            try await Self.admin(request, context) { (_: Empty) in
                let entries = try await netsuite.loginAudit(try await Self.realm(netsuite, context))
                return .object(JSONObject([("entries", try Self.encode(entries))]))
            }
        }
        group.get("/accounts/{acct}/stats") { request, context -> Response in
            try await Self.admin(request, context) { (_: Empty) in try Self.encode(try await netsuite.stats(try await Self.realm(netsuite, context))) }
        }
        group.post("/accounts/{acct}/reset-stats") { request, context -> Response in
            try await Self.admin(request, context) { (_: Empty) in
                let realm = try await Self.realm(netsuite, context)
                try await netsuite.resetStats(realm)
                return try Self.encode(try await netsuite.stats(realm))
            }
        }
    }

    // MARK: Bodies

    struct Empty: Decodable {}
    struct CreateAccount: Decodable { var accountId: String; var concurrencyLimit: Int?; var records: Int?; var seed: UInt64? }
    struct CreateEntity: Decodable { var name: String }
    struct CreateIntegration: Decodable {
        var name: String
        var tokenBasedAuthentication: Bool?
        var clientCredentials: Bool?
        var scopes: [String]?
    }
    struct CreateToken: Decodable { var integrationId: Int; var entityId: Int; var roleId: Int }
    struct CreateMapping: Decodable { var integrationId: Int; var entityId: Int; var roleId: Int; var certificatePEM: String }
    struct Limit: Decodable { var limit: Int }
    struct IntegrationLimit: Decodable { var limit: Int? }
    struct DropInput: Decodable { var count: Int }
    struct FaultInput: Decodable { var latencyMs: Int?; var jitterMs: Int?; var errorRate: Double?; var dropRate: Double?; var seed: UInt64? }
    struct ClockInput: Decodable { var offsetSeconds: Double }
    struct DateFormatInput: Decodable { var preference: String }
    struct DataInput: Decodable { var customers: Int; var seed: UInt64? }

    /// `{"name": "…", "permissions": {"Customers": "Full", …}}`, or `"permissions": "integration"` for the seed
    /// guide's integration role.
    /// `{"permission": "Deleted Records", "level": "View"}`: one permission of a role, as the role editor sets it.
    struct RolePermission: Decodable {
        var permission: String
        var level: String
    }

    struct CreateRole: Decodable {
        var name: String
        var permissions: JSONValue?
        var administrator: Bool?

        func permissionLevels() throws(SimulatorError) -> [String: PermissionLevel] {
            switch permissions {
            case .none, .some(.null): return [:]
            case .some(.string("integration")): return Permission.integrationRole
            case .some(.object(let object)):
                var levels: [String: PermissionLevel] = [:]
                for (name, value) in object {
                    guard let text = value.stringValue, let level = PermissionLevel(name: text) else {
                        throw .badRequest("permissions: \(name) must be View, Create, Edit or Full.")
                    }
                    levels[name] = level
                }
                return levels
            default:
                throw .badRequest("permissions: give an object of permission names and levels, or \"integration\".")
            }
        }
    }

    // MARK: Plumbing

    static func realm(_ netsuite: SimulatedNetSuite, _ context: BasicRequestContext) async throws(SimulatorError) -> String {
        let text = context.parameters.get("acct") ?? ""
        guard let realm = await netsuite.realm(for: text) else { throw .notFound("No account \(text) in the simulator.") }
        return realm
    }

    static func summary(_ netsuite: SimulatedNetSuite, _ realm: String) async throws -> JSONValue {
        let account = try await netsuite.account(realm)
        return .object(JSONObject([
            ("accountId", .string(account.accountID.realm)), ("hostLabel", .string(account.accountID.hostLabel)),
            ("concurrencyLimit", .number(Double(account.concurrencyLimit))), ("features", try encode(account.features)),
            ("datePreference", .string(account.datePreference)),
            ("records", try encode(try await netsuite.recordCounts(realm))),
            ("asyncProcessing", try encode(account.async.settings)),
            // As Setup > Integration > Manage Integrations shows them: never a secret.
            ("integrations", .array(account.integrations.values.sorted { $0.id < $1.id }.map { integration in
                var object = JSONObject([
                    ("id", .number(Double(integration.id))), ("name", .string(integration.name)), ("consumerKey", .string(integration.consumerKey)),
                    ("state", .string(integration.isEnabled ? "Enabled" : "Blocked")),
                    ("tokenBasedAuthentication", .bool(integration.tokenBasedAuthentication)), ("clientCredentials", .bool(integration.clientCredentials)),
                    ("scopes", .array(integration.scopes.sorted().map(JSONValue.string))),
                ])
                if let limit = integration.concurrencyLimit { object["concurrencyLimit"] = .number(Double(limit)) }
                return .object(object)
            })),
            ("roles", .array(account.roles.values.sorted { $0.id < $1.id }.map { role in
                .object(JSONObject([("id", .number(Double(role.id))), ("name", .string(role.name)), ("administrator", .bool(role.isAdministrator)),
                                    ("inactive", .bool(role.isInactive))]))
            })),
            ("entities", .array(account.entities.values.sorted { $0.id < $1.id }.map { entity in
                .object(JSONObject([("id", .number(Double(entity.id))), ("name", .string(entity.name)), ("inactive", .bool(entity.isInactive))]))
            })),
        ]))
    }

    static func encode(_ value: some Encodable) throws -> JSONValue {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return try JSONValue(parsing: try encoder.encode(value))
    }

    static func adminJSON(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        NetSuiteResponse.json(value, status: status)
    }

    /// Decodes the body as `Body`, runs `handle`, and turns failures into `{"error": "…"}` answers.
    static func admin<Body: Decodable>(
        _ request: Request, _ context: BasicRequestContext, _ handle: (Body) async throws -> JSONValue
    ) async throws -> Response {
        var request = request
        let buffer = try await request.collectBody(upTo: 4 * 1024 * 1024)
        let body: Body
        do {
            let data = buffer.readableBytes == 0 ? Data("{}".utf8) : buffer.data
            body = try JSONDecoder().decode(Body.self, from: data)
        } catch {
            return adminJSON(.object(JSONObject([("error", .string("The request body is not what this endpoint takes: \(error)"))])), status: .badRequest)
        }
        do {
            return adminJSON(try await handle(body))
        } catch let error as SimulatorError {
            return adminJSON(.object(JSONObject([("error", .string(error.message))])), status: HTTPResponse.Status(code: error.status))
        }
    }
}
