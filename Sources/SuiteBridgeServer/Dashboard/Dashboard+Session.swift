import Foundation
import Hummingbird
import SuiteBridgeCore

extension Dashboard {
    /// The login cookie: the login form's CSRF token, for ten minutes, sent back only to `/login`.
    static let loginCookieName = "suitebridge_login"

    /// `GET /login` and `POST /login`: an API token opens a session. Wrong tokens count towards the failed-login
    /// limit of the peer's address, as on the API.
    func addLogin(to router: Router<ServerContext>, server: SuiteBridgeServer) {
        router.get("/login") { _, _ in
            let csrf = APITokens.randomText()
            var response = page("login", title: "Log in", ["csrf": csrf], context: nil)
            response.setCookie(Cookie(name: Self.loginCookieName, value: csrf, maxAge: 600, path: "/login", httpOnly: true, sameSite: .strict))
            return response
        }
        router.post("/login") { request, context in
            let form = try await LoginForm.decode(request, context: context)
            guard let sent = form.csrf, let cookie = request.cookies[Self.loginCookieName]?.value, sent == cookie else {
                throw HTTPError(.forbidden, message: "The login form's CSRF token is missing or wrong. Reload the page.")
            }
            guard let token = form.token, let authenticated = try await server.tokens.authenticate(token) else {
                do {
                    try await server.bearer.refuse(context.clientAddress(request))
                } catch let error as APIError {
                    return page("login", title: "Log in", ["csrf": sent], context: nil,
                                error: SuiteBridgeError(.invalidInput, error.message, remedy: error.remedy ?? ""), status: error.status)
                }
                return page("login", title: "Log in", ["csrf": sent], context: nil,
                            error: SuiteBridgeError(.invalidInput, "That token is not valid.", remedy: "Use a token from `suitebridge tokens create`."),
                            status: .unauthorized)
            }
            guard authenticated.scope.allows(.read) else {
                return page("login", title: "Log in", ["csrf": sent], context: nil,
                            error: SuiteBridgeError(.forbidden, "This token's scope (\(authenticated.scope)) opens /metrics only.",
                                                    remedy: "Log in with a token of scope read, operate or admin."), status: .forbidden)
            }
            let session = await server.sessions.create(actor: authenticated.name)
            return Self.redirect(DashboardPath.home, cookie: DashboardSessions.cookie(for: session))
        }
    }

    /// `POST /logout`: ends the session.
    func addLogout(to pages: RouterGroup<ServerContext>, server: SuiteBridgeServer) {
        post(pages, "/logout", ActionForm.self, scope: .read) { _, _, context in
            if let session = context.session { await server.sessions.end(session.id) }
            return Self.redirect(DashboardPath.login, cookie: DashboardSessions.clearingCookie)
        }
    }
}
