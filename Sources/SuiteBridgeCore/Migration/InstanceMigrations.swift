import Foundation
import NetSuiteAuth
import SQLKit

/// Moves TBA instances to OAuth 2 client credentials with a safety net, one step at a time, each audited:
///
/// 1. ``prepare(_:clientID:keyType:newName:)``: a linked OAuth 2 instance (same account, role, entity, base URL and
///    limit), a key pair and certificate, and NetSuite's steps to take.
/// 2. ``complete(_:certificateID:keepDays:)``: proves the new instance with a real token exchange, reads the same
///    things through both (``MigrationParity``), and only when they agree moves every flow of the TBA instance to
///    the new one in one transaction. A failed check changes no flow.
/// 3. ``rollback(_:)`` moves them back while the TBA instance is the standby; ``retireDue()`` retires it after
///    `keepDays`.
///
/// State lives in the store (`instance_migrations`), so every server sees the same step.
public struct InstanceMigrations: Sendable {
    let context: CoreContext
    var store: Store { context.store }

    public static let defaultKeepDays = 14

    // MARK: Reading

    /// The latest migration of the TBA instance `name`, if any.
    public func current(_ name: String) async throws -> InstanceMigration? {
        let instance = try await context.instances.instance(named: name)
        return try await store.read { database in try await Self.latest(fromInstanceID: instance.id, in: database) }
    }

    /// Every migration, newest first.
    public func list() async throws -> [InstanceMigration] {
        try await store.read { database in
            try await database.raw("\(unsafeRaw: Self.select) ORDER BY m.created_at DESC").fetchAll().map(Self.decode)
        }
    }

    private static let select = """
        SELECT m.id, f.name AS from_name, t.name AS to_name, m.state, m.keep_days, m.flows, m.parity, m.created_at, m.switched_at, m.standby_until, \
        m.finished_at FROM instance_migrations m JOIN instances f ON f.id = m.from_instance_id JOIN instances t ON t.id = m.to_instance_id
        """

    static func latest(fromInstanceID id: String, in database: any SQLDatabase) async throws -> InstanceMigration? {
        try await database.raw("\(unsafeRaw: select) WHERE m.from_instance_id = \(bind: id) ORDER BY m.created_at DESC, m.id DESC")
            .fetchFirst().map(decode)
    }

    /// A moved flow, as the store keeps it for a rollback.
    struct MovedFlow: Codable { var id: String; var name: String }

    static func decode(_ row: any SQLRow) throws -> InstanceMigration {
        let flows = try JSONDecoder().decode([MovedFlow].self, from: Data(try row.decode(column: "flows", as: String.self).utf8))
        let parity = try row.decode(column: "parity", as: String?.self).flatMap { try? JSONDecoder().decode([InstanceMigration.ParityCheck].self, from: Data($0.utf8)) }
        return InstanceMigration(
            id: try row.decode(column: "id", as: String.self), from: try row.decode(column: "from_name", as: String.self),
            to: try row.decode(column: "to_name", as: String.self),
            state: InstanceMigration.State(rawValue: try row.decode(column: "state", as: String.self)) ?? .prepared,
            keepDays: try row.decode(column: "keep_days", as: Int.self), flows: flows.map(\.name), parity: parity ?? [],
            createdAt: StoreDate.date(try row.decode(column: "created_at", as: String.self)) ?? Date(timeIntervalSince1970: 0),
            switchedAt: StoreDate.date(try row.decode(column: "switched_at", as: String?.self)),
            standbyUntil: StoreDate.date(try row.decode(column: "standby_until", as: String?.self)),
            finishedAt: StoreDate.date(try row.decode(column: "finished_at", as: String?.self)))
    }

    // MARK: Preparing

    /// Creates the linked OAuth 2 instance `newName` (default `NAME-oauth2`) with a pending certificate, and says
    /// what to do in NetSuite.
    /// - Parameter clientID: the integration record's client id; by default the TBA consumer key, which is the same
    ///   value once client credentials is enabled on the same integration record.
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` for an OAuth 2 instance; `.conflict` when a migration is open or
    ///   the new name is taken.
    public func prepare(_ name: String, clientID: String? = nil, keyType: KeyType? = nil, newName: String? = nil) async throws -> MigrationPlan {
        let old = try await context.instances.instance(named: name)
        guard old.authMethod == .tokenBased else {
            throw SuiteBridgeError(.invalidInput, "\(name) already uses OAuth 2 client credentials.", remedy: "Only TBA instances are migrated.", field: "instance")
        }
        let newName = try InstanceValidation.name(newName ?? "\(name)-oauth2")
        let clientID = try InstanceValidation.identifier(clientID ?? old.consumerKey, field: "client id", whereToFind: InstanceValidation.consumerKeySource)
        let date = context.now()
        let new = Instance(
            id: UUID().uuidString.lowercased(), name: newName, authMethod: .clientCredentials, accountID: old.accountID, consumerKey: clientID, tokenID: nil,
            roleID: old.roleID, entityID: old.entityID, baseURL: old.baseURL, concurrencyLimit: old.concurrencyLimit, health: .untested,
            lastTestedAt: nil, lastError: nil, createdAt: date, updatedAt: date)
        let migrationID = UUID().uuidString.lowercased()
        let actor = context.actor
        try await store.transaction { database in
            if let open = try await Self.latest(fromInstanceID: old.id, in: database), open.state == .prepared || open.state == .switched {
                throw SuiteBridgeError(.conflict, "\(name) is already being migrated to \(open.to) (\(open.state.rawValue)).",
                                       remedy: open.state == .prepared ? "Finish it: `suitebridge instance migrate \(name) --certificate-id ID`, or cancel it with --rollback."
                                           : "Roll it back first: `suitebridge instance migrate \(name) --rollback`.", field: "instance")
            }
            if try await InstanceRows.isNameTaken(newName, in: database) {
                throw SuiteBridgeError(.conflict, "An instance named \"\(newName)\" already exists.", remedy: "Give another name with --new-name.", field: "name")
            }
            try await InstanceRows.insert(InstanceRows.Row(instance: new, sealedConsumerSecret: nil, sealedTokenSecret: nil), into: database)
            try await database.raw("""
                INSERT INTO instance_migrations (id, from_instance_id, to_instance_id, state, keep_days, created_at)
                VALUES (\(bind: migrationID), \(bind: old.id), \(bind: new.id), \(bind: InstanceMigration.State.prepared.rawValue), \(bind: Self.defaultKeepDays), \(bind: StoreDate.string(date)))
                """).run()
            try await AuditLog.append(database, actor: actor, instance: newName, action: .instanceAdd,
                                      detail: "clientCredentials account \(old.accountID.realm), linked to \(name) for its migration", at: date)
            try await AuditLog.append(database, actor: actor, instance: name, action: .instanceMigrate,
                                      detail: "prepared: OAuth 2 instance \(newName) (client id \(clientID.prefix(8))…)", at: date)
        }
        let pending = try await context.certificates.beginRotation(newName, keyType: keyType)
        guard let migration = try await current(name) else { throw SuiteBridgeError(.store, "The migration was not stored.", remedy: "Try again.") }
        return MigrationPlan(migration: migration, certificatePEM: pending.certificatePEM, clientID: clientID,
                             steps: Self.steps(old: old, newName: newName, clientID: clientID))
    }

    /// What to do in NetSuite between preparing and completing (Oracle's client credentials setup, ONH:section_162755359851).
    public static func steps(old: Instance, newName: String, clientID: String) -> [String] {
        let role = old.roleID.map { "role \($0)" } ?? "the role of the TBA token (Setup > Users/Roles > Access Tokens shows it)"
        let entity = old.entityID.map { "entity \($0)" } ?? "the user of the TBA token"
        return [
            "Setup > Integration > Manage Integrations: open the integration whose consumer key / client id starts \(clientID.prefix(8))…; on Authentication, check \"Client Credentials (Machine to Machine) Grant\" and the scopes the flows need (REST Web Services; RESTlets if used). Leave Token-based Authentication on until the switch.",
            "Setup > Users/Roles > Manage Roles: give \(role) \"Log in using OAuth 2.0 access tokens\" (Full).",
            "Setup > Integration > OAuth 2.0 Client Credentials (M2M) Setup > Create New: Entity = \(entity), Role = \(role), Application = that integration; upload the certificate file (auth-cert.pem) and save. Copy the Certificate ID.",
            "Run `suitebridge instance migrate \(old.name) --certificate-id ID [--keep-days \(defaultKeepDays)]`: the certificate is proved, both instances are read and compared, and only then do the flows move to \(newName).",
        ]
    }

    // MARK: Switching

    /// Activates the new instance's certificate under `certificateID` (a real token exchange), runs the parity
    /// check, and when every read agrees moves every flow of the TBA instance to the new one in one transaction; the
    /// TBA instance is the standby for `keepDays`. Returns the migration: `switched`, or still `prepared` with the
    /// failed checks (no flow moved).
    /// - Throws: ``SuiteBridgeError`` `.conflict` without a prepared migration; `.netsuite` when the token exchange fails.
    public func complete(_ name: String, certificateID: String, keepDays: Int = InstanceMigrations.defaultKeepDays) async throws -> InstanceMigration {
        guard (1...365).contains(keepDays) else {
            throw SuiteBridgeError(.invalidInput, "Keeping the TBA instance \(keepDays) days is outside 1 to 365.", remedy: "Give --keep-days from 1 to 365 (14 by default).", field: "keep days")
        }
        guard let migration = try await current(name), migration.state == .prepared else {
            throw SuiteBridgeError(.conflict, "\(name) has no prepared migration.", remedy: "Start one with `suitebridge instance migrate \(name)`.", field: "instance")
        }
        let actor = context.actor
        do {
            // After a failed parity check the certificate is already active: it is proved again under the id given.
            let certificates = try await context.certificates.list(of: migration.to)
            if certificates.contains(where: { $0.state == .pending }) || !certificates.contains(where: { $0.state == .active }) {
                try await context.certificates.activate(migration.to, certificateID: certificateID)
            } else {
                try await context.certificates.updateCertificateID(migration.to, certificateID: certificateID)
            }
        } catch {
            try? await context.audit.record(actor: actor, instance: name, action: .instanceMigrate, outcome: .failure, detail: "the certificate of \(migration.to) was not proved; nothing moved")
            throw error
        }
        let old = try await context.instances.instance(named: name)
        let new = try await context.instances.instance(named: migration.to)
        let flows = try await store.read { database in try await Flows.flows(usingInstanceID: old.id, in: database) }
        let parity = await MigrationParity(
            old: try await context.connections.client(for: name), new: try await context.connections.client(for: migration.to), newClientID: new.consumerKey
        ).run(flows: flows)
        let parityJSON = String(decoding: try JSONEncoder().encode(parity), as: UTF8.self)
        let date = context.now()
        let failed = parity.filter { !$0.matches }
        if !failed.isEmpty {
            try await store.transaction { database in
                try await database.raw("UPDATE instance_migrations SET parity = \(bind: parityJSON) WHERE id = \(bind: migration.id)").run()
                try await AuditLog.append(database, actor: actor, instance: name, action: .instanceMigrate, outcome: .failure,
                                          detail: "parity check failed (\(failed.map(\.name).joined(separator: "; "))); no flow moved", at: date)
            }
            return try await current(name) ?? migration
        }
        let standbyUntil = date.addingTimeInterval(Double(keepDays) * 86_400)
        try await store.transaction { database in
            // Flows are read again here, so one created since the check moves too.
            let moving = try await Flows.flows(usingInstanceID: old.id, in: database)
            let moved = try await Flows.repoint(from: old.id, to: new, in: database)
            let record = String(decoding: try JSONEncoder().encode(moving.map { MovedFlow(id: $0.id, name: $0.name) }), as: UTF8.self)
            try await database.raw("""
                UPDATE instance_migrations SET state = \(bind: InstanceMigration.State.switched.rawValue), keep_days = \(bind: keepDays), flows = \(bind: record),
                parity = \(bind: parityJSON), switched_at = \(bind: StoreDate.string(date)), standby_until = \(bind: StoreDate.string(standbyUntil))
                WHERE id = \(bind: migration.id) AND state = \(bind: InstanceMigration.State.prepared.rawValue)
                """).run()
            try await AuditLog.append(database, actor: actor, instance: name, action: .instanceMigrate,
                                      detail: "switched: \(moved.count) flow\(moved.count == 1 ? "" : "s") moved to \(new.name) (\(moved.joined(separator: ", "))); \(name) is the standby until \(CredentialDiagnosis.day(standbyUntil))",
                                      at: date)
        }
        return try await current(name) ?? migration
    }

    // MARK: Rolling back and retiring

    /// Moves the flows the switch moved back to the TBA instance (those still on the new one), or cancels a
    /// prepared migration. The OAuth 2 instance stays, for another try.
    /// - Throws: ``SuiteBridgeError`` `.conflict` when there is nothing to roll back or the TBA instance is retired.
    public func rollback(_ name: String) async throws -> InstanceMigration {
        guard let migration = try await current(name) else {
            throw SuiteBridgeError(.conflict, "\(name) has no migration to roll back.", remedy: "", field: "instance")
        }
        switch migration.state {
        case .prepared, .switched: break
        case .retired:
            throw SuiteBridgeError(.conflict, "\(name) was retired on \(migration.finishedAt.map(CredentialDiagnosis.day) ?? "?"), after its standby days.",
                                   remedy: "Move flows back by hand if you must (`suitebridge flow` commands), or migrate again.", field: "instance")
        case .rolledBack:
            throw SuiteBridgeError(.conflict, "\(name)'s migration was already rolled back.", remedy: "", field: "instance")
        }
        let old = try await context.instances.instance(named: name)
        let new = try await context.instances.instance(named: migration.to)
        let date = context.now()
        let actor = context.actor
        try await store.transaction { database in
            var detail = "cancelled before the switch; \(new.name) stays"
            if migration.state == .switched {
                let raw = try await database.raw("SELECT flows FROM instance_migrations WHERE id = \(bind: migration.id)").fetchFirst()?.decode(column: "flows", as: String.self) ?? "[]"
                let ids = try JSONDecoder().decode([MovedFlow].self, from: Data(raw.utf8)).map(\.id)
                let back = try await Flows.repoint(flowIDs: ids, from: new.id, to: old, in: database)
                detail = "rolled back: \(back.count) flow\(back.count == 1 ? "" : "s") moved back from \(new.name) (\(back.joined(separator: ", ")))"
            }
            try await database.raw("""
                UPDATE instance_migrations SET state = \(bind: InstanceMigration.State.rolledBack.rawValue), finished_at = \(bind: StoreDate.string(date)) WHERE id = \(bind: migration.id)
                """).run()
            try await AuditLog.append(database, actor: actor, instance: name, action: .instanceMigrate, detail: detail, at: date)
        }
        return try await current(name) ?? migration
    }

    /// Retires the TBA instances whose standby time has passed; returns those migrations.
    @discardableResult
    public func retireDue() async throws -> [InstanceMigration] {
        let date = context.now()
        let actor = context.actor
        return try await store.transaction { database in
            let due = try await database.raw("""
                \(unsafeRaw: Self.select) WHERE m.state = \(bind: InstanceMigration.State.switched.rawValue) AND m.standby_until <= \(bind: StoreDate.string(date))
                """).fetchAll().map(Self.decode)
            for migration in due {
                try await database.raw("""
                    UPDATE instance_migrations SET state = \(bind: InstanceMigration.State.retired.rawValue), finished_at = \(bind: StoreDate.string(date))
                    WHERE id = \(bind: migration.id) AND state = \(bind: InstanceMigration.State.switched.rawValue)
                    """).run()
                try await AuditLog.append(database, actor: actor, instance: migration.from, action: .instanceMigrate,
                                          detail: "retired: its standby days for a rollback from \(migration.to) are over", at: date)
            }
            return due
        }
    }
}

extension CoreContext {
    /// Moves of TBA instances to OAuth 2 client credentials.
    public var instanceMigrations: InstanceMigrations { InstanceMigrations(context: self) }
}
