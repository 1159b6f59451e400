import ArgumentParser
import Foundation
import NetSuiteAuth
import NetSuiteClient
import SuiteBridgeCore

/// The `suitebridge` command line.
struct SuiteBridge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suitebridge",
        abstract: "Connect systems to Oracle NetSuite: account ids, OAuth 1 and OAuth 2 credentials, certificates.",
        discussion: """
            Secrets are never flags: they come from environment variables or files.
            Exit status: 0 on success, 1 on an error (the message names the field and the fix), 2 on a usage error.
            """,
        version: "0.1.0",
        subcommands: [
            AccountCommand.self, CertCommand.self, AuthCommand.self, QueryCommand.self, RecordCommand.self, RestletCommand.self,
            ExportCommand.self, SimulatorCommand.self, InstanceCommand.self, KeysCommand.self, DoctorCommand.self, AuditCommand.self, ServeCommand.self, TokensCommand.self, FlowCommand.self, RunsCommand.self, WorkerCommand.self, MirrorCommand.self, LookupCommand.self, ErrorsCommand.self, AlertsCommand.self, ConfigCommand.self, BackupCommand.self, RestoreCommand.self,
        ]
    )
}

/// Runs the command and maps failures to the documented exit statuses: 1 for errors, 2 for usage errors.
@main
enum SuiteBridgeMain {
    static func main() async {
        do {
            var command = try SuiteBridge.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            await OpenWorkspaces.closeAll()
        } catch let error as NetSuiteAuthError {
            await OpenWorkspaces.closeAll()
            Terminal.printError(error)
            exit(1)
        } catch let error as NetSuiteError {
            let diagnosis = error.code == .authentication ? await OpenWorkspaces.recordAuthenticationFailure(error) : nil
            await OpenWorkspaces.closeAll()
            Terminal.printError(error)
            if let diagnosis { Terminal.standardError("  likely cause: \(diagnosis.message)\n  fix: \(diagnosis.remedy)\n") }
            exit(1)
        } catch let error as SuiteBridgeError {
            await OpenWorkspaces.closeAll()
            Terminal.printError(error)
            exit(1)
        } catch let error as CLIError {
            await OpenWorkspaces.closeAll()
            Terminal.standardError("error: \(error.message)\n")
            exit(error.isUsage ? 2 : 1)
        } catch {
            await OpenWorkspaces.closeAll()
            let code = SuiteBridge.exitCode(for: error)
            if code == .success {
                print(SuiteBridge.fullMessage(for: error))
                exit(0)
            }
            Terminal.standardError(SuiteBridge.fullMessage(for: error) + "\n")
            exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}
