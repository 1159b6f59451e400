import Foundation
import NetSuiteAuth

extension Instances {
    /// Adds one instance per account and auth method in a credentials file: `<account>-tba` and `<account>-oauth2`.
    /// All or nothing: when one fails validation or its name is taken, none is added.
    @discardableResult
    public func importCredentials(_ file: CredentialsFile) async throws -> [Instance] {
        var drafts: [InstanceDraft] = []
        for account in file.accounts {
            if let tba = account.tba {
                drafts.append(InstanceDraft(
                    name: "\(account.accountId)-tba", accountID: account.accountId,
                    credentials: .tokenBased(consumerKey: tba.consumerKey, consumerSecret: tba.consumerSecret, tokenID: tba.tokenId, tokenSecret: tba.tokenSecret),
                    baseURL: account.baseURL))
            }
            if let cc = account.clientCredentials {
                drafts.append(InstanceDraft(
                    name: "\(account.accountId)-oauth2", accountID: account.accountId,
                    credentials: .clientCredentials(clientID: cc.clientId, privateKeyPEM: cc.privateKeyPEM, certificateID: cc.certificateId, certificatePEM: cc.certificatePEM),
                    roleID: cc.roleId, entityID: cc.entityId, baseURL: account.baseURL))
            }
        }
        guard !drafts.isEmpty else {
            throw SuiteBridgeError(.invalidInput, "The credentials file has no TBA or client credentials.", remedy: "Check the file.", field: "credentials")
        }
        let existing = Set(try await list().map(\.name))
        if let taken = drafts.first(where: { existing.contains($0.name) }) {
            throw SuiteBridgeError(.conflict, "An instance named \"\(taken.name)\" already exists; nothing was imported.",
                                   remedy: "Remove it first (`suitebridge instance remove \(taken.name)`), or add the credentials under another name with `instance add`.",
                                   field: "name")
        }
        var added: [Instance] = []
        do {
            for draft in drafts { added.append(try await add(draft)) }
        } catch {
            for instance in added { try? await remove(instance.name) }
            throw error
        }
        return added
    }
}
