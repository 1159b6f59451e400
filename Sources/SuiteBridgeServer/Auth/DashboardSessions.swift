import Foundation
import HTTPTypes
import Hummingbird
import SuiteBridgeCore

/// A dashboard login: who, and the CSRF token its forms must carry.
public struct DashboardSession: Sendable, Hashable {
    public var id: String
    public var actor: String
    public var csrfToken: String
    public var expiresAt: Date
}

/// The dashboard's sessions, in memory: a login lasts 8 hours or until logout or restart. The cookie is HttpOnly
/// and SameSite=Strict; every form also carries the session's CSRF token.
public actor DashboardSessions {
    public static let cookieName = "suitebridge_session"
    private var sessions: [String: DashboardSession] = [:]
    let lifetime: TimeInterval

    public init(lifetime: TimeInterval = 8 * 3600) {
        self.lifetime = lifetime
    }

    func create(actor: String) -> DashboardSession {
        let session = DashboardSession(id: APITokens.randomText(), actor: actor, csrfToken: APITokens.randomText(), expiresAt: Date().addingTimeInterval(lifetime))
        sessions[session.id] = session
        return session
    }

    func session(from request: Request) -> DashboardSession? {
        guard let id = Self.cookie(Self.cookieName, in: request), let session = sessions[id] else { return nil }
        guard session.expiresAt > Date() else {
            sessions[id] = nil
            return nil
        }
        return session
    }

    func end(_ id: String) {
        sessions[id] = nil
    }

    static func cookie(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if pair.count == 2, pair[0] == name { return String(pair[1]) }
            }
        }
        return nil
    }

    static func setCookie(_ session: DashboardSession) -> String {
        "\(cookieName)=\(session.id); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(Int(session.expiresAt.timeIntervalSinceNow))"
    }

    static let clearCookie = "\(cookieName)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
}
