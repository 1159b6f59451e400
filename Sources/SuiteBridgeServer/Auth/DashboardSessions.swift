import Foundation
import HTTPTypes
import Hummingbird
import SuiteBridgeCore

/// A dashboard login: who, and the CSRF token its forms must carry.
public struct DashboardSession: Sendable, Hashable {
    public var id: String
    /// The token's name: the actor in the audit log. The session ends when this token is revoked.
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

    /// Ends every session of the token `name` (it was revoked).
    func end(actor name: String) {
        sessions = sessions.filter { $0.value.actor != name }
    }

    func create(actor: String) -> DashboardSession {
        let session = DashboardSession(id: APITokens.randomText(), actor: actor, csrfToken: APITokens.randomText(), expiresAt: Date().addingTimeInterval(lifetime))
        sessions[session.id] = session
        return session
    }

    func session(from request: Request) -> DashboardSession? {
        guard let id = request.cookies[Self.cookieName]?.value, let session = sessions[id] else { return nil }
        guard session.expiresAt > Date() else {
            sessions[id] = nil
            return nil
        }
        return session
    }

    func end(_ id: String) {
        sessions[id] = nil
    }

    /// The session cookie: HttpOnly, SameSite=Strict, for the whole site, as long as the session lasts.
    static func cookie(for session: DashboardSession) -> Cookie {
        Cookie(name: cookieName, value: session.id, maxAge: Int(session.expiresAt.timeIntervalSinceNow), path: "/", httpOnly: true, sameSite: .strict)
    }

    /// Clears the session cookie at logout.
    static let clearingCookie = Cookie(name: cookieName, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict)
}
