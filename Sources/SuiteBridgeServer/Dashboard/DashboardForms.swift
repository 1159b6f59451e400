import Foundation
import Hummingbird
import SuiteBridgeCore

/// A form the dashboard posts: every one carries the session's CSRF token. Decoded with Hummingbird's
/// `URLEncodedFormDecoder`.
protocol DashboardForm: Decodable, Sendable {
    var csrf: String? { get }
}

/// A form with nothing but its CSRF token (test, doctor, rotate, run, pause, logout).
struct ActionForm: DashboardForm {
    var csrf: String?
}

/// The login form: the API token, and the CSRF token also set as the login cookie.
struct LoginForm: DashboardForm {
    var csrf: String?
    var token: String?
}

/// The add-instance form: the seed guide's fields of the chosen auth method.
struct NewInstanceForm: DashboardForm {
    var csrf: String?
    var auth: String?
    var name: String?
    var accountId: String?
    var consumerKey: String?
    var consumerSecret: String?
    var tokenId: String?
    var tokenSecret: String?
    var clientId: String?
    var privateKeyPem: String?
    var certificateId: String?
    var certificatePem: String?
    var roleId: String?
    var entityId: String?
    var baseUrl: String?

    /// What the form shows again after an error (secrets are left out by the form itself).
    var values: [String: String] {
        let all: [String: String?] = [
            "name": name, "accountId": accountId, "consumerKey": consumerKey, "tokenId": tokenId, "clientId": clientId,
            "certificateId": certificateId, "certificatePem": certificatePem, "roleId": roleId, "entityId": entityId, "baseUrl": baseUrl,
        ]
        return all.compactMapValues { $0 }
    }
}

/// The edit form of an instance's ids (the Calxa guide's "update account and client id").
struct EditInstanceForm: DashboardForm {
    var csrf: String?
    var accountId: String?
    var consumerKey: String?
}

/// Start moving a TBA instance to OAuth 2: the client id (optional) and the key type.
struct MigrateForm: DashboardForm {
    var csrf: String?
    var clientId: String?
    var key: String?
}

/// Switch a prepared migration: the certificate id NetSuite gave, and the standby days.
struct MigrateCompleteForm: DashboardForm {
    var csrf: String?
    var certificateId: String?
    var keepDays: String?
}

/// Activate a pending certificate, or change the active one's id.
struct CertificateIDForm: DashboardForm {
    var csrf: String?
    var certificateId: String?
}

/// Revoke a certificate: confirmed by a tick; `force` for the only active one.
struct RevokeForm: DashboardForm {
    var csrf: String?
    var confirm: String?
    var force: String?
}

extension DashboardForm {
    /// Decodes the request's form and refuses it without the session's CSRF token (a bearer-token request has no
    /// cookie to forge, so it needs none).
    /// - Throws: `HTTPError` 400 for a body that is not a form, 403 for a missing or wrong CSRF token.
    static func decode(_ request: Request, context: ServerContext) async throws -> Self {
        let buffer = try await request.body.collect(upTo: 1 << 20)
        let form: Self
        do {
            form = try URLEncodedFormDecoder().decode(Self.self, from: String(buffer: buffer))
        } catch {
            throw HTTPError(.badRequest, message: "The form could not be read. Reload the page and try again.")
        }
        if let session = context.session, form.csrf != session.csrfToken {
            throw HTTPError(.forbidden, message: "The form's CSRF token is missing or wrong. Reload the page and try again.")
        }
        return form
    }
}

/// The new-mirror form: the flow's name and instance, the tables, the destination and its password (never shown
/// again), the schema, whether deletions are kept, the schedule.
struct NewMirrorForm: DashboardForm {
    var csrf: String?
    var name: String?
    var instance: String?
    var tables: String?
    var database: String?
    var password: String?
    var schema: String?
    var keepDeleted: String?
    var schedule: String?

    /// What the form shows again after an error (the password is left out).
    var values: [String: String] {
        let all: [String: String?] = ["name": name, "instance": instance, "tables": tables, "database": database, "schema": schema, "schedule": schedule]
        return all.compactMapValues { $0 }
    }
}

/// An inbox error's new source values: the row as JSON (column → value).
struct EditErrorForm: DashboardForm {
    var csrf: String?
    var data: String?
}

/// A lookup table's entries as CSV text (key,value per line), and whether they replace the table.
struct LookupForm: DashboardForm {
    var csrf: String?
    var table: String?
    var entries: String?
    var replace: String?
}

/// A new alert: its name, webhook URL and events (checkboxes).
struct AlertForm: DashboardForm {
    var csrf: String?
    var name: String?
    var url: String?
    var runFailed: String?
    var credentialsWaiting: String?
    var certificateExpiry: String?
    var inboxGrowth: String?

    var events: [Alert.Event] {
        [(runFailed, Alert.Event.runFailed), (credentialsWaiting, .credentialsWaiting), (certificateExpiry, .certificateExpiry), (inboxGrowth, .inboxGrowth)]
            .filter { $0.0 == "on" }.map(\.1)
    }
}

/// An import's or a webhook's mapping, as JSON or YAML text.
struct MappingForm: DashboardForm {
    var csrf: String?
    var mapping: String?
}
