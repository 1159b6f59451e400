import Crypto
import Foundation
import NetSuiteClient

/// The same cheap reads through the TBA and the OAuth 2 instance: a record GET per record type the flows write (and
/// the first customer), a SuiteQL count per table the flows read, and doctor's permission probes. Any difference —
/// also a read that works through one and fails through the other — fails the check.
struct MigrationParity {
    let old: NetSuiteClient
    let new: NetSuiteClient
    let newClientID: String

    /// SuiteQL tables and record types the flows use.
    static func uses(_ flows: [Flow]) -> (tables: [String], recordTypes: [String]) {
        var tables: Set<String> = []
        var recordTypes: Set<String> = ["customer"]
        let pattern = /(?i)\b(?:from|join)\s+([a-z_][a-z0-9_]*)/
        for flow in flows {
            if let export = flow.definition.export {
                for match in export.query.matches(of: pattern) { tables.insert(String(match.output.1).lowercased()) }
            }
            if let mirror = flow.definition.mirror { tables.formUnion(mirror.tables.map { $0.lowercased() }) }
            for type in [flow.definition.import?.recordType, flow.definition.webhook?.recordType].compactMap({ $0 }) {
                recordTypes.insert(type)
                tables.insert(suiteQLTable(of: type))
            }
        }
        if tables.isEmpty { tables = ["customer"] }
        return (tables.sorted(), recordTypes.sorted())
    }

    /// The SuiteQL table a record type's rows are in.
    static func suiteQLTable(of recordType: String) -> String {
        switch recordType.lowercased() {
        case "salesorder", "customerpayment", "customerdeposit", "customerrefund", "invoice", "cashsale", "creditmemo", "purchaseorder": "transaction"
        case "inventoryitem", "noninventoryitem", "serviceitem", "assemblyitem", "kititem": "item"
        default: recordType.lowercased()
        }
    }

    func run(flows: [Flow]) async -> [InstanceMigration.ParityCheck] {
        let (tables, recordTypes) = Self.uses(flows)
        var checks: [InstanceMigration.ParityCheck] = []
        for type in recordTypes {
            checks.append(await compare("\(type) records (total)") { client in
                let page = try await client.records.list(type, limit: 1)
                return Reading(number: page.totalResults ?? page.count)
            })
            checks.append(await compare("GET \(type) (first record)") { client in
                let page = try await client.records.list(type, limit: 1)
                guard let id = page.items.first?.id else { return Reading(text: "no records") }
                let record = try await client.records.getJSON(type, id: id)
                return Reading(text: "#\(id): \(record.count) bytes, sha256 \(Self.digest(record))")
            })
        }
        for table in tables {
            checks.append(await compare("SuiteQL COUNT(*) FROM \(table)") { client in
                let page = try await client.suiteQLPage("SELECT COUNT(*) AS n FROM \(table)")
                let text = page.rows.first?["n"] ?? "no answer"
                return Reading(number: Int(text), text: text)
            })
        }
        let oldMissing = await Doctor.missingPermissions(client: old, certificatesClientID: nil)
        let newMissing = await Doctor.missingPermissions(client: new, certificatesClientID: nil)
        let lacking = newMissing.filter { !oldMissing.contains($0) }
        checks.append(InstanceMigration.ParityCheck(
            name: "permissions (doctor's probes)", tba: oldMissing.isEmpty ? "all present" : "lacks " + oldMissing.joined(separator: "; "),
            oauth2: newMissing.isEmpty ? "all present" : "lacks " + newMissing.joined(separator: "; "), matches: lacking.isEmpty))
        return checks
    }

    /// What one read gave: a number (a count) or a text (a record's digest, a refusal).
    struct Reading: Equatable {
        var number: Int?
        var text: String

        init(number: Int) { self.number = number; text = String(number) }
        init(number: Int?, text: String) { self.number = number; self.text = text }
        init(text: String) { self.number = nil; self.text = text }
    }

    /// Reads through the TBA instance, the OAuth 2 one, then the TBA one again: the account may change meanwhile (a
    /// flow still running writes records), so the OAuth 2 reading matches when it equals either TBA reading, or a
    /// count lies between them. A failed read matches only the same refusal. Tried twice.
    private func compare(_ name: String, read: (NetSuiteClient) async throws -> Reading) async -> InstanceMigration.ParityCheck {
        func attempt(_ client: NetSuiteClient) async -> Reading {
            do { return try await read(client) } catch let error as NetSuiteError {
                return Reading(text: "refused: " + (error.errorCode.map { "\($0) " } ?? "") + (error.detail ?? error.message))
            } catch { return Reading(text: "failed: \(error)") }
        }
        func agree(_ before: Reading, _ new: Reading, _ after: Reading) -> Bool {
            if new.text.hasPrefix("failed") { return false }
            if new == before || new == after { return true }
            guard let low = before.number, let value = new.number, let high = after.number else { return false }
            return min(low, high) <= value && value <= max(low, high)
        }
        var readings = (await attempt(old), await attempt(new), await attempt(old))
        if !agree(readings.0, readings.1, readings.2) { readings = (await attempt(old), await attempt(new), await attempt(old)) }
        let tba = readings.0 == readings.2 ? readings.0.text : "\(readings.0.text) → \(readings.2.text)"
        return InstanceMigration.ParityCheck(name: name, tba: tba, oauth2: readings.1.text, matches: agree(readings.0, readings.1, readings.2))
    }

    private static func digest(_ data: Data) -> String {
        SHA256.hash(data: data).prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}
