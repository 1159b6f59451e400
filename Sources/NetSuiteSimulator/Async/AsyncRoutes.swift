import Foundation
import NetSuiteAuth
import Hummingbird

extension SimulatorServer {
    /// `/services/rest/async/v1/job/{id}`, its task list, each task and each task's result. A job is visible to the
    /// integration that submitted it; any other gets `NONEXISTENT_ID`.
    func addAsyncRoutes(to router: Router<BasicRequestContext>) {
        let base = AsyncPreferences.jobPath
        router.get(RouterPath(base + "/{job}")) { request, context -> Response in
            try await serve(request, endpoint: .async) { call in
                guard let job = await job(call, context) else { return NetSuiteResponse.error(.nonexistent) }
                let href = "\(call.origin)\(base)/\(job.id)"
                return NetSuiteResponse.json(.object(JSONObject([
                    ("links", Self.links([("self", href)])), ("completed", .bool(job.completed)), ("id", .string(String(job.id))),
                    ("progress", .string(job.progress.rawValue)), ("task", .object(JSONObject([("links", Self.links([("self", href + "/task")]))]))),
                ])))
            }
        }
        router.get(RouterPath(base + "/{job}/task")) { request, context -> Response in
            try await serve(request, endpoint: .async) { call in
                guard let job = await job(call, context) else { return NetSuiteResponse.error(.nonexistent) }
                let href = "\(call.origin)\(base)/\(job.id)/task"
                let items: [JSONValue] = job.tasks.map { .object(JSONObject([("links", Self.links([("self", "\(href)/\($0.id)")]))])) }
                return NetSuiteResponse.json(.object(JSONObject([
                    ("links", Self.links([("self", href)])), ("count", .number(Double(items.count))), ("items", .array(items)),
                ])))
            }
        }
        router.get(RouterPath(base + "/{job}/task/{task}")) { request, context -> Response in
            try await serve(request, endpoint: .async) { call in
                guard let job = await job(call, context), let task = Self.task(job, context) else { return NetSuiteResponse.error(.nonexistent) }
                let href = "\(call.origin)\(base)/\(job.id)/task/\(task.id)"
                var object = JSONObject([
                    ("links", Self.links([("related", href + "/result"), ("self", href)])), ("completed", .bool(task.outcome != nil)),
                ])
                if let end = task.endTime { object["endTime"] = .string(SimulatorDates.dateTimeString(end)) }
                object["id"] = .string(String(task.id))
                object["progress"] = .string(task.progress)
                if let start = task.startTime { object["startTime"] = .string(SimulatorDates.dateTimeString(start)) }
                return NetSuiteResponse.json(.object(object))
            }
        }
        router.get(RouterPath(base + "/{job}/task/{task}/result")) { request, context -> Response in
            try await serve(request, endpoint: .async) { call in
                guard let job = await job(call, context), let task = Self.task(job, context) else { return NetSuiteResponse.error(.nonexistent) }
                switch task.outcome {
                case nil:
                    return NetSuiteResponse.error(status: 404, code: NetSuiteErrorCode.nonexistentID, detail: "The task has not finished; it has no result yet.")
                case .failed(let error):
                    return NetSuiteResponse.error(error)
                case .succeeded(nil):
                    return NetSuiteResponse.noContent()
                case .succeeded(let id?):
                    // The record as it is now, as a GET of it would answer (INFERRED: Oracle shows a result only for a read).
                    let type = job.operations[task.id - 1].type
                    let (store, _) = try await netsuite.records(call.principal.realm)
                    guard let record = store.record(type, id) else { return NetSuiteResponse.error(.nonexistent) }
                    let renderer = RecordRenderer(recordBase: "\(call.origin)/services/rest/record/v1", store: store)
                    return NetSuiteResponse.json(
                        .object(renderer.render(type, record, fields: nil, expandSubResources: false)), contentType: NetSuiteResponse.singular)
                }
            }
        }
    }

    private func job(_ call: Call, _ context: BasicRequestContext) async -> AsyncJob? {
        guard let id = context.parameters.get("job").flatMap(Int.init) else { return nil }
        return await netsuite.job(call.principal.realm, id: id, integrationID: call.principal.integrationID)
    }

    private static func task(_ job: AsyncJob, _ context: BasicRequestContext) -> AsyncTask? {
        guard let id = context.parameters.get("task").flatMap(Int.init), job.tasks.indices.contains(id - 1) else { return nil }
        return job.tasks[id - 1]
    }

    static func links(_ links: [(rel: String, href: String)]) -> JSONValue {
        .array(links.map { .object(JSONObject([("rel", .string($0.rel)), ("href", .string($0.href))])) })
    }
}
