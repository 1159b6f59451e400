import Foundation

/// The dashboard's paths, percent-encoded in one place.
enum DashboardPath {
    static let home = "/"
    static let login = "/login"

    /// An instance's page, with a flash key (``Dashboard/flashText(_:)``) or none.
    static func instance(_ name: String, flash: String? = nil) -> String {
        "/instances/" + segment(name) + (flash.map { "?flash=" + query($0) } ?? "")
    }

    /// A flow's page.
    static func flow(_ name: String) -> String {
        "/flows/" + segment(name)
    }

    /// A run's page.
    static func run(_ id: String) -> String {
        "/runs/" + segment(id)
    }

    /// The flows page with a message shown on top.
    static func flows(message: String) -> String {
        "/flows?flash=" + query(message)
    }

    /// The error inbox, for one flow or all, with a message shown on top.
    static func errors(flow: String?, message: String) -> String {
        "/errors?" + (flow.map { "flow=" + query($0) + "&" } ?? "") + "flash=" + query(message)
    }

    /// One error of the inbox.
    static func inboxError(_ id: String) -> String {
        "/errors/" + segment(id)
    }

    /// A lookup table's page.
    static func lookup(_ name: String) -> String {
        "/lookups/" + segment(name)
    }

    /// One path segment.
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._"))) ?? text
    }

    /// One query value.
    static func query(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }
}
